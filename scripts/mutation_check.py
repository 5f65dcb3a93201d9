"""Second half of scripts/mutation.sh: re-check mutmut's survivors in fresh processes, set aside the
listed equivalent mutants, print the score of each core module.

Run from the project root after `mutmut run` (it reads mutants/). Each mutant that mutmut did not
kill (survived, no tests, timeout-free suspicious…) is run again in a new `python -m pytest` process
started in mutants/ with MUTANT_UNDER_TEST set from the start, so that everything computed at import
time goes through the mutant too. A listed equivalent mutant is still re-checked: if the tests kill
it, it was not equivalent and counts as killed (and the list entry is reported).

Exit status: 0 when the table was printed; 1 when the setup itself is wrong (the unmutated tests
fail, or the forced-fail mutant is not seen), or an equivalents entry is stale.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
EQUIVALENTS = ROOT / "tests" / "mutation" / "equivalents.txt"
KILLED_CODES = {1, 3, 24, -24, 36, 152, 255, -9, -11}  # tests failed, pytest error, timeouts, crashes
TIMEOUT_S = 300


@dataclass
class Mutant:
    name: str  # pyxl.core.pricing.x_spread__mutmut_34
    module: str  # pricing
    path: Path  # pyxl/core/pricing.py
    forked: str  # mutmut's verdict
    final: str = ""  # killed / survived / equivalent


def load_config() -> tuple[list[str], list[str], list[str]]:
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    return conf["only_mutate"], conf["pytest_add_cli_args_test_selection"], conf.get("pytest_add_cli_args", [])


def load_mutants(paths: list[str]) -> list[Mutant]:
    out = []
    for p in paths:
        meta = MUTANTS / (p + ".meta")
        if not meta.exists():
            sys.exit(f"{meta} is missing: run `mutmut run` first (bash scripts/mutation.sh).")
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        module = Path(p).stem
        for name, code in sorted(codes.items(), key=lambda kv: _order(kv[0])):
            verdict = "killed" if code in KILLED_CODES else ("survived" if code == 0 else f"code {code}")
            out.append(Mutant(name, module, Path(p), verdict))
    return out


def _order(name: str) -> tuple[str, int]:
    base, _, n = name.rpartition("__mutmut_")
    return base, int(n) if n.isdigit() else 0


def load_equivalents() -> dict[str, tuple[str, str]]:
    """name → (mutated line as recorded, reason). Lines: `name | mutated line | reason` (no « | » in
    the reason), # comments."""
    out: dict[str, tuple[str, str]] = {}
    for raw in EQUIVALENTS.read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        # the mutated line may hold « | » itself (type annotations): the name is the first field,
        # the reason the last one
        name, rest = line.split(" | ", 1)
        mutated, reason = rest.rsplit(" | ", 1)
        out[name.strip()] = (mutated.strip(), reason.strip())
    return out


def mutated_lines(m: Mutant) -> str:
    """The '+' lines of the mutant's diff, stripped and joined: what an equivalents entry records."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    diff = get_diff_for_mutant(m.name, path=m.path)
    plus = [x[1:].strip() for x in diff.splitlines() if x.startswith("+") and not x.startswith("+++")]
    return " ⏎ ".join(plus)


def run_tests(mutant: str, tests: list[str], extra: list[str]) -> int:
    env = dict(os.environ, MUTANT_UNDER_TEST=mutant, PYTHONDONTWRITEBYTECODE="1")
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "--no-header", "-p", "no:randomly", *extra, *tests]
    try:
        done = subprocess.run(cmd, cwd=MUTANTS, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return 36
    return done.returncode


def main() -> int:
    paths, tests, extra = load_config()
    os.chdir(ROOT)
    mutants = load_mutants(paths)
    equivalents = load_equivalents()
    problems: list[str] = []

    # the setup: unmutated tests pass, and a forced failure is seen, in a fresh interpreter
    if (code := run_tests("", tests, extra)) != 0:
        print(f"The fast unit tests fail without any mutant (pytest exit {code}) in mutants/.")
        return 1
    if run_tests("fail", tests, extra) == 0:
        print("MUTANT_UNDER_TEST=fail did not fail: the fresh runs do not import the mutated code.")
        return 1

    todo = [m for m in mutants if m.forked != "killed"]
    print(f"{len(mutants)} mutants, {len(todo)} not killed by the forked run: re-checking each alone", flush=True)
    start = time.monotonic()
    for m in mutants:
        if m.forked == "killed":
            m.final = "killed"
            continue
        code = run_tests(m.name, tests, extra)
        print(f"  {m.name}: {'survived' if code == 0 else 'killed'}", flush=True)
        if code in (4, 5):
            problems.append(f"{m.name}: pytest exit {code} (usage error or no tests): check the test selection")
            m.final = "survived"
        elif code != 0:
            m.final = "killed"
            if m.name in equivalents:
                problems.append(f"{m.name} is listed as equivalent but the tests kill it: remove the entry")
        elif m.name in equivalents:
            recorded, _ = equivalents[m.name]
            current = mutated_lines(m)
            if current != recorded:
                problems.append(f"stale equivalents entry {m.name}: recorded « {recorded} », now « {current} »")
                m.final = "survived"
            else:
                m.final = "equivalent"
        else:
            m.final = "survived"
    known = {m.name for m in mutants}
    problems += [f"equivalents entry {n} names no mutant of this run" for n in equivalents if n not in known]
    print(f"re-check done in {time.monotonic() - start:.0f} s")

    survivors = [m for m in mutants if m.final == "survived"]
    if survivors:
        print("\nSurviving mutants (a test to write, or an equivalent to list with its reason):")
        for m in survivors:
            print(f"  {m.name} [{m.forked}]: {mutated_lines(m)}")

    rows = []
    by_module: dict[str, Counter[str]] = {}
    for m in mutants:
        by_module.setdefault(m.module, Counter())[m.final] += 1
        if m.forked != "killed" and m.final == "killed":
            by_module[m.module]["rechecked"] += 1
    print("\n| module | mutants | equivalent | killed | survived | score |")
    print("|---|---:|---:|---:|---:|---:|")
    tk = tn = tall = te = 0
    for module, c in by_module.items():
        n = c["killed"] + c["survived"]
        tk, tn, tall, te = tk + c["killed"], tn + n, tall + n + c["equivalent"], te + c["equivalent"]
        rows.append(module)
        print(f"| {module} | {n + c['equivalent']} | {c['equivalent']} | {c['killed']} "
              f"(re-check: {c['rechecked']}) | {c['survived']} | {_pct(c['killed'], n)} |")
    print(f"| **all** | {tall} | {te} | {tk} | {tn - tk} | {_pct(tk, tn)} |")
    print("\nscore = killed / (mutants − equivalent); « re-check »: killed only in a fresh interpreter")
    if problems:
        print("\nProblems:")
        for p in problems:
            print(f"  {p}")
        return 1
    return 0


def _pct(k: int, n: int) -> str:
    return f"{100 * k / n:.1f} %" if n else "–"


if __name__ == "__main__":
    sys.exit(main())
