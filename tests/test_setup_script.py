"""scripts/setup.sh installs only what is missing: its package detection, run with --verifier
(reports, installs nothing), finds nothing to install where everything is installed."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETUP = ROOT / "scripts" / "setup.sh"

pytestmark = pytest.mark.skipif(
    shutil.which("dpkg-query") is None or shutil.which("apt-get") is None or shutil.which("bash") is None,
    reason="scripts/setup.sh targets Debian/Ubuntu (apt-get, dpkg)",
)


def _verify(env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["bash", str(SETUP), "--verifier", "--tests"],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout
    return lines[0]


def _missing(line: str) -> list[str]:
    if line == "Paquets système : rien à installer.":
        return []
    prefix = "Paquets système manquants : "
    assert line.startswith(prefix), line
    return line[len(prefix):].split()


def _deb_installed(pkg: str) -> bool:
    done = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Status}", pkg], capture_output=True, text=True)
    return done.stdout == "installed"


def test_verifier_reports_only_packages_really_missing():
    missing = _missing(_verify())
    # a package reported missing must really be absent (the old "fc-list | grep -q" under pipefail
    # reported installed fonts as missing, so every run reinstalled them after an apt-get update)
    assert [p for p in missing if _deb_installed(p)] == []


def test_verifier_reports_nothing_when_everything_is_installed():
    needed = ["libreoffice-writer-nogui", "libreoffice-calc-nogui", "fonts-crosextra-carlito",
              "fonts-liberation", "poppler-utils", "python3-uno"]
    if not all(_deb_installed(p) for p in needed):
        pytest.skip("this machine lacks some of the system packages (setup.sh --tests installs them)")
    assert _verify() == "Paquets système : rien à installer."


def test_a_long_font_list_is_not_taken_for_a_missing_font(tmp_path):
    # fc-list writing far more than a pipe holds after the match: grep -q used to stop early,
    # fc-list died of SIGPIPE and pipefail turned the found font into a missing package
    fake = tmp_path / "fc-list"
    fake.write_text(
        "#!/bin/sh\necho Carlito\necho 'Liberation Sans'\n"
        "i=0; while [ $i -lt 20000 ]; do echo 'DejaVu Sans Mono,DejaVu Sans Mono Book'; i=$((i+1)); done\n",
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    missing = _missing(_verify(env))
    assert "fonts-crosextra-carlito" not in missing
    assert "fonts-liberation" not in missing
