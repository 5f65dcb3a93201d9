"""The password of a base login: libpq's password file first, else the system's keyring.

The password is never in the URL nor in the workbook. libpq reads its password file (.pgpass, or
%APPDATA%\\postgresql\\pgpass.conf on Windows, or the file PGPASSFILE names) by itself; when it has
no password for the login, the connection is tried once more with the one the system's keyring
holds (Windows Credential Manager, macOS Keychain, Secret Service on Linux) through the maintained
`keyring` library — an optional dependency (`pip install "syc-gestion[keyring]"`), imported only
then. `syc base motdepasse --enregistrer` stores it there after a prompt that never echoes it.

Keyring entry: service `SERVICE`, user name « login@serveur:port » (`account`).
"""

from __future__ import annotations

import getpass
from typing import Any

from pyxl.core.issues import Issue, Refused

SERVICE = "SYC Gestion PostgreSQL"
NO_PASSWORD = "no password supplied"  # libpq's answer when neither the URL nor .pgpass gives one
KEYRING_MISSING = ("le trousseau du système n'est pas utilisable : la bibliothèque keyring n'est pas installée "
                   "(pip install keyring), ou enregistrez le mot de passe dans le fichier de mots de passe de "
                   "PostgreSQL (.pgpass, voir docs/postgresql.md)")


def account(url: str) -> str:
    """« marie@serveur:5432 »: the keyring's user name for the login and server of `url`."""
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(url)
    user = str(info.get("user") or getpass.getuser())
    host = str(info.get("host") or "localhost")
    port = str(info.get("port") or "5432")
    return f"{user}@{host}:{port}"


def _keyring() -> Any:
    """The keyring module, or Refused (in French) when it is not installed."""
    try:
        import keyring
    except ImportError:
        raise Refused(Issue("base.trousseau", f"Mot de passe : {KEYRING_MISSING}.", "keyring")) from None
    return keyring


def from_keyring(url: str) -> str | None:
    """The password the keyring holds for the login of `url`, None when none (or no usable keyring)."""
    keyring = _keyring()
    try:
        found = keyring.get_password(SERVICE, account(url))
    except keyring.errors.KeyringError:  # no backend on this system (a server without a session)
        return None
    return str(found) if found else None


def store_password(url: str, password: str) -> None:
    keyring = _keyring()
    try:
        keyring.set_password(SERVICE, account(url), password)
    except keyring.errors.KeyringError as exc:
        raise Refused(Issue("base.trousseau", f"Le trousseau du système refuse d'enregistrer le mot de passe ({exc}) : "
                                              "utilisez le fichier de mots de passe de PostgreSQL (.pgpass).",
                            account(url))) from None


def forget_password(url: str) -> bool:
    """Remove the keyring's password of the login of `url`; False when there was none."""
    keyring = _keyring()
    if not from_keyring(url):
        return False
    try:
        keyring.delete_password(SERVICE, account(url))
    except keyring.errors.PasswordDeleteError:
        return False
    return True


def connect(url: str, **kwargs: Any) -> Any:
    """psycopg.connect(url), with the keyring's password when libpq found none in its password file.
    Raises psycopg.OperationalError as psycopg does (with a French hint when no password was found)."""
    import psycopg

    try:
        return psycopg.connect(url, **kwargs)
    except psycopg.OperationalError as exc:
        if NO_PASSWORD not in str(exc):
            raise
        try:
            password = from_keyring(url)
        except Refused:
            raise psycopg.OperationalError(f"aucun mot de passe pour {account(url)} ; {KEYRING_MISSING}") from None
        if password is None:
            raise psycopg.OperationalError(
                f"aucun mot de passe pour {account(url)}, ni dans le fichier de mots de passe de PostgreSQL, ni "
                "dans le trousseau du système : enregistrez-le avec « syc base motdepasse --enregistrer »") from None
    return psycopg.connect(url, password=password, **kwargs)
