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
echo "== Tests (pytest)"
pytest "$@"
