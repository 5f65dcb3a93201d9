"""Calls to Excel per action of the front end, with 100 and with 10 000 rows per sales table.

Runs the scenario of tests/test_excel_calls.py through the openpyxl-backed harness (a counter of
round trips, not Excel: no timing is meaningful here) and prints one line per action.
usage: python benchmarks/bench_excel_calls.py"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]


class _Patch:
    def setattr(self, obj, name, value):  # the one monkeypatch call the scenario needs
        setattr(obj, name, value)


def main() -> None:
    import test_excel_calls as t

    with tempfile.TemporaryDirectory() as tmp:
        small = t.run_scenario(Path(tmp), t.SMALL, _Patch())
        big = t.run_scenario(Path(tmp), t.BIG, _Patch())
    width = max(len(k) for k in small)
    print(f"{'action':{width}}  {t.SMALL:>6} lignes  {t.BIG:>6} lignes")
    for k in small:
        print(f"{k:{width}}  {small[k]:>13}  {big[k]:>13}")


if __name__ == "__main__":
    main()
