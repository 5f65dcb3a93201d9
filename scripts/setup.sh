#!/usr/bin/env bash
# Set up SYC Gestion on a fresh Debian/Ubuntu machine: system packages, a virtualenv in .venv,
# the project and its development tools. Safe to run again: it only installs what is missing
# (no apt-get at all when every system package is there, no pip when pyproject.toml is unchanged).
# Usage: bash scripts/setup.sh [--tests] [--verifier]
#   --tests     also installs what the test suite needs
#   --verifier  only reports the missing system packages (one line) and exits, installing nothing
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TESTS=0
CHECK_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --tests) WITH_TESTS=1 ;;
    --verifier) CHECK_ONLY=1 ;;
    *) echo "Option inconnue : $arg (options : --tests, --verifier)" >&2; exit 2 ;;
  esac
done

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
# Every check below runs its command on its own and tests the captured output: no
# "cmd | grep -q" under pipefail, where grep stopping at the first match kills cmd with SIGPIPE
# and the pipeline "fails" although the package is there.
deb_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}
FONTS=$(fc-list : family 2>/dev/null || true)
has_font() {
  grep -qiF -- "$1" <<<"$FONTS"
}
PKGS=()
"$PY" -c 'import ensurepip, venv' >/dev/null 2>&1 || PKGS+=(python3-venv)
deb_installed libreoffice-writer-nogui || deb_installed libreoffice-writer || PKGS+=(libreoffice-writer-nogui)
has_font carlito || PKGS+=(fonts-crosextra-carlito)
has_font "liberation sans" || PKGS+=(fonts-liberation)
if [ "$WITH_TESTS" = 1 ]; then
  # Calc opens the workbook in the tests (Writer alone also provides soffice: check the package)
  deb_installed libreoffice-calc-nogui || deb_installed libreoffice-calc || PKGS+=(libreoffice-calc-nogui)
  command -v pdftoppm >/dev/null 2>&1 || PKGS+=(poppler-utils)
  # the VBA tests drive LibreOffice through UNO with the system python3
  /usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || PKGS+=(python3-uno)
  # the PostgreSQL base's tests (issue 18): the server's binaries only; scripts/test.sh starts a
  # throwaway cluster of its own (never the package's default cluster, see below)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1 \
    || PKGS+=(postgresql)
fi
if [ "$CHECK_ONLY" = 1 ]; then
  if [ "${#PKGS[@]}" -gt 0 ]; then
    echo "Paquets système manquants : ${PKGS[*]}"
  else
    echo "Paquets système : rien à installer."
  fi
  exit 0
fi
# What apt-get, venv and pip print (English, warnings included) goes to this log, named at the end;
# the terminal only gets French progress lines.
mkdir -p .venv
LOG="$PWD/.venv/installation.log"
LOGGED=0
logged() {  # run a build-tool command with its output in the log; on failure, say where to look
  if [ "$LOGGED" = 0 ]; then
    : >"$LOG"  # this run's log only
    LOGGED=1
  fi
  if ! "$@" >>"$LOG" 2>&1; then
    echo "Échec de : $* — le détail est dans $LOG" >&2
    exit 1
  fi
}

if [ "${#PKGS[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Paquets système manquants : ${PKGS[*]} (installez-les avec le gestionnaire de paquets)." >&2
    exit 1
  fi
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installation des paquets système : ${PKGS[*]} (quelques minutes)…"
  if [[ " ${PKGS[*]} " == *" postgresql "* ]]; then
    # written BEFORE installing: the package must not create nor start its « main » cluster on 5432
    $SUDO mkdir -p /etc/postgresql-common
    if [ -f /etc/postgresql-common/createcluster.conf ]; then
      $SUDO sed -i -E 's/^#?[[:space:]]*create_main_cluster.*/create_main_cluster = false/' \
        /etc/postgresql-common/createcluster.conf
      grep -q '^create_main_cluster = false' /etc/postgresql-common/createcluster.conf \
        || echo 'create_main_cluster = false' | $SUDO tee -a /etc/postgresql-common/createcluster.conf >/dev/null
    else
      echo 'create_main_cluster = false' | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
    fi
  fi
  # --force-confold: keep the createcluster.conf written above when the package brings its own
  logged $SUDO apt-get update -qq
  logged $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${PKGS[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  echo "Création de l'environnement Python dans .venv…"
  logged "$PY" -m venv .venv
fi
# pip runs only when pyproject.toml changed since the last successful install
# and the project still imports from the virtualenv.
STAMP=.venv/.syc-setup
WANT="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null || true)" = "$WANT" ] && .venv/bin/python -c 'import pyxl' >/dev/null 2>&1; then
  echo "Paquets Python déjà à jour (pyproject.toml inchangé)."
else
  rm -f "$STAMP"
  echo "Installation des paquets Python (quelques minutes la première fois)…"
  logged .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  logged .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"
  echo "$WANT" >"$STAMP"
fi
echo "Environnement prêt : Python $(.venv/bin/python -c 'import platform; print(platform.python_version())'), commande syc dans .venv/bin/syc"
if [ "$LOGGED" = 1 ]; then
  echo "Messages des outils d'installation (avertissements compris) : $LOG"
fi
