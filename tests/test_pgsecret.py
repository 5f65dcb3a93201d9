"""The base password from the system's keyring (issue 18): looked up through the `keyring` library
when libpq's password file has none, stored by `syc base motdepasse --enregistrer` after a prompt
that never echoes it, and checked against the server first. The keyring here is an in-memory
backend (keyring.set_keyring): a test machine has no system keyring."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.errors
import pytest
from test_pgbase import DAY, ok, run

from pyxl.workbook import pgsecret

LOGIN = "syc_assistante"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring held in a dict (priority is required by the backend interface)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@pytest.fixture
def ring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    mem = MemoryKeyring()
    keyring.set_keyring(mem)
    yield mem
    keyring.set_keyring(before)


@pytest.fixture
def no_pgpass(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pg_cluster: Any) -> Path:
    """libpq's password file without the writer's line (the superuser's kept for the fixtures)."""
    path = tmp_path / "pgpass"
    path.write_text("".join(line + "\n" for line in pg_cluster.pgpass.read_text().splitlines()
                            if f":{LOGIN}:" not in line))
    path.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(path))
    return path


def typed(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    """getpass answering `answers` in turn; returns the prompts shown."""
    prompts: list[str] = []
    it = iter(answers)

    def fake(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(it)

    monkeypatch.setattr("getpass.getpass", fake)
    return prompts


def test_without_pgpass_the_password_is_stored_once_then_found_in_the_keyring(
        base: Any, demo_bytes: bytes, ring: MemoryKeyring, no_pgpass: Path, pg_cluster: Any,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    db = base(demo_bytes)
    url = db.url(LOGIN)
    code, refused = run("client", "liste", "--base", url, "--au", DAY)
    assert code == 1 and refused["erreurs"][0]["code"] == "base.motdepasse", refused
    assert "syc base motdepasse --enregistrer" in refused["erreurs"][0]["message"]
    assert ok("base", "motdepasse", "--base", url, "--au", DAY)["enregistre"] is False
    prompts = typed(monkeypatch, pg_cluster.password, pg_cluster.password)
    capsys.readouterr()
    done = ok("base", "motdepasse", "--enregistrer", "--base", url, "--au", DAY)
    assert done["enregistre"] is True and done["compte"].startswith(f"{LOGIN}@")
    assert ring.items == {(pgsecret.SERVICE, done["compte"]): pg_cluster.password}
    assert len(prompts) == 2 and all(pg_cluster.password not in p for p in prompts)
    assert pg_cluster.password not in capsys.readouterr().out  # never echoed, nor in the answer
    assert ok("client", "liste", "--base", url, "--au", DAY)  # now through the keyring
    assert ok("base", "motdepasse", "--base", url, "--au", DAY)["enregistre"] is True
    assert ok("base", "motdepasse", "--oublier", "--base", url, "--au", DAY)["enregistre"] is False
    assert ring.items == {}
    assert run("client", "liste", "--base", url, "--au", DAY)[0] == 1


def test_a_wrong_password_or_two_different_entries_are_not_stored(
        base: Any, demo_bytes: bytes, ring: MemoryKeyring, no_pgpass: Path, pg_cluster: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    url = base(demo_bytes).url(LOGIN)
    typed(monkeypatch, "faux", "faux")
    code, refused = run("base", "motdepasse", "--enregistrer", "--base", url, "--au", DAY)
    assert code == 1 and refused["erreurs"][0]["code"] == "base.motdepasse", refused
    assert "n'a pas été enregistré" in refused["erreurs"][0]["message"]
    typed(monkeypatch, pg_cluster.password, pg_cluster.password + "x")
    code, refused = run("base", "motdepasse", "--enregistrer", "--base", url, "--au", DAY)
    assert code == 1 and "diffèrent" in refused["erreurs"][0]["message"]
    assert ring.items == {}


def test_the_password_file_comes_first_and_a_url_with_a_password_is_refused(
        base: Any, demo_bytes: bytes, ring: MemoryKeyring) -> None:
    url = base(demo_bytes).url(LOGIN)
    ring.set_password(pgsecret.SERVICE, pgsecret.account(url), "faux")  # never tried: .pgpass has the password
    assert ok("client", "liste", "--base", url, "--au", DAY)
    code, refused = run("base", "motdepasse", "--base", url.replace(f"{LOGIN}@", f"{LOGIN}:secret@"), "--au", DAY)
    assert code == 1 and refused["erreurs"][0]["code"] == "base.url" and "secret" not in str(refused)


def test_without_the_keyring_library_a_french_message_says_what_to_install(
        base: Any, demo_bytes: bytes, no_pgpass: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = base(demo_bytes).url(LOGIN)
    monkeypatch.setitem(sys.modules, "keyring", None)  # import keyring then fails
    code, refused = run("client", "liste", "--base", url, "--au", DAY)
    assert code == 1 and "pip install keyring" in refused["erreurs"][0]["message"], refused
    code, refused = run("base", "motdepasse", "--enregistrer", "--base", url, "--au", DAY)
    assert code == 1 and refused["erreurs"][0]["code"] == "base.trousseau" and "keyring" in refused["erreurs"][0][
        "message"]


def test_the_keyring_account_names_the_login_and_the_server() -> None:
    assert pgsecret.account("postgresql://marie@serveur/syc") == "marie@serveur:5432"
    assert pgsecret.account("postgresql://paul@10.0.0.2:5433/syc?sslmode=verify-full") == "paul@10.0.0.2:5433"
