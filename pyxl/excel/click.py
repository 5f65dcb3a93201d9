"""The Python side of a workbook click: `syc-python`, the interpreter `syc excel configurer` writes as
Interpreter_Win / Interpreter_Mac.

xlwings' RunPython (standalone module, Windows and macOS) runs
    <interpreter> -B -c "import xlwings.utils;xlwings.utils.prepare_sys_path(...); import pyxl.macros as m; m.f(...)" --wb=… --from_xl=1 …
and `import xlwings` imports pandas, matplotlib and plotly whenever they are installed (≈ 0,6 s of a
click that needs none of them). The mask has to come before `import xlwings.utils`, which the VBA
puts ahead of our command: hence this entry point, which is `python -c` with, first, the mask.

It masks (`sys.modules[name] = None`: xlwings' `try: import pandas` then takes its ImportError
branch) only for a command that calls `pyxl.macros`, and not for the actions in `UNMASKED`, which
need pandas and matplotlib (charts of the « Tableau de bord »). Anything else (no `-c`, another
option) is handed to the real interpreter unchanged, so that the UDF server and the xlwings
command line tools keep working with this interpreter.
"""

from __future__ import annotations

import re
import sys

HEAVY = ("pandas", "matplotlib", "plotly")
UNMASKED = frozenset({"actualiser_tableau_de_bord"})  # pyxl.macros functions that draw charts (pyxl.reports)
_CALL = re.compile(r"\.([A-Za-z_]\w*)\s*\(")


def masks(code: str) -> bool:
    """Whether the click running `code` gets the import mask: a call of `pyxl.macros`, none of `UNMASKED`."""
    return "pyxl.macros" in code and UNMASKED.isdisjoint(_CALL.findall(code))


def mask_heavy() -> None:
    for name in HEAVY:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # an imported module is kept


def masked() -> bool:
    """Whether this process runs a click under the mask (the Diagnostic tells it)."""
    return all(name in sys.modules and sys.modules[name] is None for name in HEAVY)


def _split(argv: list[str]) -> tuple[list[str], str, list[str]] | None:
    """(interpreter options, code, arguments of the code) of `[opts…] -c CODE args…`, or None for a
    command line this launcher does not take itself (the options xlwings uses: -B, -u, -W)."""
    opts: list[str] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "-c" and i + 1 < len(argv):
            return opts, argv[i + 1], argv[i + 2:]
        if a.startswith("-c") and len(a) > 2:
            return opts, a[2:], argv[i + 1:]
        if a in ("-B", "-u"):
            opts.append(a)
        elif a == "-W" and i + 1 < len(argv):
            opts += [a, argv[i + 1]]
            i += 1
        elif a.startswith("-W") and len(a) > 2:
            opts += ["-W", a[2:]]
        else:
            return None
        i += 1
    return None


def _apply(opts: list[str]) -> None:
    import warnings

    i = 0
    while i < len(opts):
        if opts[i] == "-B":
            sys.dont_write_bytecode = True
        elif opts[i] == "-u":
            for stream in (sys.stdout, sys.stderr):
                if stream is not None and hasattr(stream, "reconfigure"):
                    stream.reconfigure(write_through=True)
        elif opts[i] == "-W":
            i += 1
            sys.warnoptions.append(opts[i])
            warnings._processoptions([opts[i]])  # type: ignore[attr-defined]  # what python -W does
        i += 1


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    parsed = _split(args)
    if parsed is None:
        import subprocess

        return subprocess.call([sys.executable, *args])
    opts, code, rest = parsed
    _apply(opts)
    if masks(code):
        mask_heavy()
    # as python -c: argv[0] is "-c", the current directory first on the path
    sys.argv = ["-c", *rest]
    sys.path[0] = ""
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    exec(compile(code, "<string>", "exec"), namespace)
    return 0


if __name__ == "__main__":
    sys.exit(main())
