"""Documents the client receives: quotes, orders, invoices, credit notes, paid copies, letters.

`context` computes what a template prints (French formatting, legal mentions by document and
client type), `render` fills the .docx templates (docxtpl) and converts them to PDF (LibreOffice,
or Word on Windows), `names` makes Windows-safe file names, `jobs` runs a batch of documents.
The e-mail drafts (`mail`) and mail merge (`merge`) build on them.
"""
