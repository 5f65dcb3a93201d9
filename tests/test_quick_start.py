"""The README's quick start as a newcomer runs it: `bash scripts/demo.sh` in a fresh clone, its
output redirected to a file. The log must hold French progress only (what pip, venv and apt-get say
goes to .venv/installation.log, named at the end) and no terminal escape codes.

It installs the project in a new virtualenv of the clone (about a minute with pip's cache), then
runs the whole demonstration: marked slow, run by the suite like the others."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# what build tools print in English (pip, venv, apt-get, Python warnings)
NOISE = re.compile(r"WARNING|Warning:|warning:|DEPRECATION|Requirement already|Collecting |Downloading |"
                   r"Installing collected|Successfully installed|Building wheel|Obtaining |Preparing metadata|"
                   r"Reading package lists|Unpacking |Setting up |Traceback|notice\]|Error:", re.M)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs the git repository")
def test_readme_quick_start_in_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "syc-gestion"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    env = {k: v for k, v in os.environ.items()
           if k not in ("SYC_SANS_DOCUMENT", "SYC_BOOK", "VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    log = tmp_path / "demo.log"
    with log.open("wb") as f:
        done = subprocess.run(["bash", "scripts/demo.sh"], cwd=clone, stdout=f, stderr=subprocess.STDOUT,
                              env=env, timeout=1200)
    text = log.read_text(encoding="utf-8")
    assert done.returncode == 0, text[-3000:]
    assert "\x1b" not in text, "codes d'échappement du terminal dans un journal redirigé"
    noise = NOISE.findall(text)
    assert noise == [], f"bruit des outils d'installation : {noise[:5]}\n{text[:3000]}"
    assert "Installation des paquets Python" in text or "Paquets Python déjà à jour" in text
    assert f"{clone}/.venv/installation.log" in text  # where the tools' messages went
    assert "Fichiers écrits dans : " in text and "Classeur de démonstration : " in text
    assert (clone / "demo" / "SYC_Gestion.xlsm").exists()
