#!/usr/bin/env bash
# Set up SYC Gestion on a fresh Debian/Ubuntu machine: system packages, a virtualenv in .venv,
# the project and its development tools. Safe to run again (it only installs what is missing).
# Usage: bash scripts/setup.sh [--tests]   (--tests also installs what the test suite needs)
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TESTS=0
[ "${1:-}" = "--tests" ] && WITH_TESTS=1

PY=${PYTHON:-python3}
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "Python 3.11 ou plus récent est nécessaire (commande $PY introuvable)." >&2
  exit 1
fi
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "Python 3.11 ou plus récent est nécessaire ($("$PY" --version))." >&2
  exit 1
fi

# System packages (Debian/Ubuntu). LibreOffice headless is used by the tests to open the workbook.
# Documents: LibreOffice Writer turns the .docx into PDF; the templates use Calibri, for which
# Carlito is metric-compatible (same line breaks as in Word), Liberation for the rest.
PKGS=()
"$PY" -c 'import ensurepip, venv' >/dev/null 2>&1 || PKGS+=(python3-venv)
dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 || dpkg -s libreoffice-writer >/dev/null 2>&1 \
  || PKGS+=(libreoffice-writer-nogui)
fc-list 2>/dev/null | grep -qi carlito || PKGS+=(fonts-crosextra-carlito)
fc-list 2>/dev/null | grep -qi "liberation sans" || PKGS+=(fonts-liberation)
if [ "$WITH_TESTS" = 1 ]; then
  # Calc opens the workbook in the tests (Writer alone also provides soffice: check the package)
  dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || dpkg -s libreoffice-calc >/dev/null 2>&1 \
    || PKGS+=(libreoffice-calc-nogui)
  command -v pdftoppm >/dev/null 2>&1 || PKGS+=(poppler-utils)
  # the VBA tests drive LibreOffice through UNO with the system python3
  /usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || PKGS+=(python3-uno)
fi
if [ "${#PKGS[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Paquets système manquants : ${PKGS[*]} (installez-les avec le gestionnaire de paquets)." >&2
    exit 1
  fi
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installation des paquets système : ${PKGS[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${PKGS[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"
echo "Environnement prêt : $(.venv/bin/python --version), syc dans .venv/bin/syc"
