#!/usr/bin/env bash
# Mutation testing of the pure core (docs/tests-mutation.md). Not in CI, not in scripts/test.sh:
# it takes minutes. Run it after changing pyxl/core or its fast unit tests, before a release.
#
#   bash scripts/mutation.sh            # fresh run: mutmut, then every survivor re-checked alone
#   MUTATION_KEEP=1 bash scripts/mutation.sh   # reuse mutants/ (mutmut re-runs what changed)
#   MUTATION_WORKERS=2 bash scripts/mutation.sh
#
# What is mutated and which tests are the oracle: [tool.mutmut] in pyproject.toml (the core
# modules, the fast unit files only). mutmut runs each mutant in a process forked after the tests
# were imported, so module-level values computed at import time (e.g. a test's
# `RULES = vat.default_rules()`) hide mutants; scripts/mutation_check.py re-runs every mutant not
# killed in a fresh interpreter, reads tests/mutation/equivalents.txt and prints the score table.
set -euo pipefail
cd "$(dirname "$0")/.."

MUTMUT_VERSION=3.8.1
PY=.venv/bin/python
if [ ! -x "$PY" ]; then
    echo "No .venv: run bash scripts/setup.sh --tests first." >&2
    exit 1
fi
if [ "$("$PY" -c 'import importlib.metadata as m; print(m.version("mutmut"))' 2>/dev/null || true)" != "$MUTMUT_VERSION" ]; then
    echo "== installing mutmut $MUTMUT_VERSION into .venv"
    "$PY" -m pip install -q "mutmut==$MUTMUT_VERSION"
fi

workers="${MUTATION_WORKERS:-1}"
if [ "${MUTATION_KEEP:-0}" != "1" ]; then
    rm -rf mutants
fi

echo "== mutmut run (workers: $workers)"
# mutmut exits 0 even with survivors; its own counts are the forked run's, before the re-check
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! nice -n 10 .venv/bin/mutmut run --max-children "$workers" >"$log" 2>&1; then
    tr '\r' '\n' <"$log" | tail -n 40
    echo "mutmut run failed (above)." >&2
    exit 1
fi
tr '\r' '\n' <"$log" | tail -n 2

echo "== re-checking every mutant not killed, each in a fresh interpreter"
nice -n 10 "$PY" scripts/mutation_check.py
