#!/usr/bin/env bash
# Quick start, command 2: set everything up, then run the checks and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
export PATH="$PWD/.venv/bin:$PATH"
echo "== Style du code (ruff)"
ruff check pyxl tests benchmarks
echo "== Types (mypy)"
mypy
echo "== PostgreSQL de test"
# A throwaway cluster in a temporary folder, as an unprivileged user when run as root (initdb
# refuses root), listening on no TCP address, its socket in that folder, password auth through the
# .pgpass file there; stopped and removed on exit, whatever happens.
SYC_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/syc-pg-XXXXXX")
stop_pg() {
  python -m pyxl.workbook.pgcluster stop "$SYC_PG_DIR" || true
  rm -rf "$SYC_PG_DIR"
}
trap stop_pg EXIT
eval "$(python -m pyxl.workbook.pgcluster start "$SYC_PG_DIR")"
export SYC_PG_DIR SYC_PG_REQUIRED=1  # the PostgreSQL tests fail, never skip, if the cluster is missing
echo "== Tests (pytest)"
pytest "$@"
