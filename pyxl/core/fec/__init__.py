"""The FEC (fichier des écritures comptables, art. A47 A-1 LPF): a checker of any FEC file and the
writer of ours. Pure code: no store, no workbook."""

from pyxl.core.fec.checker import Breach, Report, check_fec
from pyxl.core.fec.rules import RULES, Level, Rule
from pyxl.core.fec.writer import Entry, EntryLine, fec_name, fec_text, read_fec, write_fec

__all__ = ["RULES", "Breach", "Entry", "EntryLine", "Level", "Report", "Rule", "check_fec", "fec_name", "fec_text",
           "read_fec", "write_fec"]
