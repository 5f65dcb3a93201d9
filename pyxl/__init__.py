"""SYC Gestion: sales administration of a heating business, kept in an Excel workbook."""

__version__ = "0.1.0"
