"""A throwaway local PostgreSQL cluster in a temporary folder (tests, benchmarks, demonstrations).

Never for production: the office's server is set up once by hand (docs/postgresql.md). The cluster
listens on no TCP address (`listen_addresses = ''`), only on a unix socket in its own folder, with
password authentication; the passwords go to a `.pgpass` file in the folder (libpq's password file,
named by PGPASSFILE), never into a URL. Run as root (CI), `initdb` refuses to start: the cluster then
runs as the unprivileged user `nobody` (or $SYC_PG_USER).

Roles made here: `postgres` (superuser, the migration role of the tests), then `syc base creer`
makes the application's roles. `python -m pyxl.workbook.pgcluster start DIR` prints the variables
to export (scripts/test.sh), `stop DIR` stops it.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

PORT = 5432  # only names the socket file: nothing listens on TCP
SUPERUSER = "postgres"
# the logins of the tests, with their group role (made by `syc base creer`, see pyxl.workbook.pgschema)
LOGINS = {"syc_assistante": "syc_ecriture", "syc_gestion": "syc_ecriture", "syc_directrice": "syc_lecture"}


def bin_dir() -> Path | None:
    """The folder of initdb/pg_ctl: $SYC_PG_BIN, the PATH, else the newest Debian install."""
    env = os.environ.get("SYC_PG_BIN")
    if env:
        return Path(env)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


@dataclass
class Cluster:
    folder: Path
    password: str

    @property
    def pgpass(self) -> Path:
        return self.folder / "pgpass"

    def url(self, user: str = SUPERUSER, dbname: str = "postgres") -> str:
        """A libpq URL without password (found in the .pgpass file)."""
        return f"postgresql://{user}@/{dbname}?host={self.folder}&port={PORT}"


def _owner() -> str | None:
    return (os.environ.get("SYC_PG_USER") or "nobody") if os.geteuid() == 0 else None


def start(folder: Path | None = None) -> Cluster:
    """initdb + pg_ctl start in `folder` (a new temporary one by default). Raises RuntimeError when
    PostgreSQL is not installed or does not start."""
    bins = bin_dir()
    if bins is None or not (bins / "initdb").exists():
        raise RuntimeError("PostgreSQL n'est pas installé (initdb introuvable) : installez le paquet postgresql.")
    folder = Path(folder or tempfile.mkdtemp(prefix="syc-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    user = _owner()
    password = secrets.token_hex(12)
    data = folder / "data"
    pwfile = folder / "pw"
    pwfile.write_text(password + "\n")
    if user is not None:
        shutil.chown(folder, user)
        shutil.chown(pwfile, user)
        os.chmod(folder, 0o755)  # the socket must be reachable by the tests' process
    run = {"user": user} if user else {}
    subprocess.run([str(bins / "initdb"), "-D", str(data), "-U", SUPERUSER, "--pwfile", str(pwfile),
                    "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                   check=True, capture_output=True, **run)  # type: ignore[call-overload]
    pwfile.unlink()
    conf = data / "postgresql.conf"
    with conf.open("a") as f:
        f.write(f"\nlisten_addresses = ''\nunix_socket_directories = '{folder}'\nport = {PORT}\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 60\n"
                "shared_buffers = 64MB\n")
    subprocess.run([str(bins / "pg_ctl"), "-D", str(data), "-l", str(folder / "log.txt"), "-w", "-t", "60", "start"],
                   check=True, capture_output=True, **run)  # type: ignore[call-overload]
    cluster = Cluster(folder, password)
    lines = [f"{folder}:{PORT}:*:{SUPERUSER}:{password}"]
    lines += [f"{folder}:{PORT}:*:{login}:{password}" for login in LOGINS]
    cluster.pgpass.write_text("\n".join(lines) + "\n")
    os.chmod(cluster.pgpass, 0o600)
    return cluster


def make_logins(cluster: Cluster) -> None:
    """The logins of the tests (LOGINS), members of the application's group roles, with the cluster's password."""
    import psycopg

    from pyxl.workbook import pgschema

    with psycopg.connect(cluster.url(), autocommit=True, passfile=str(cluster.pgpass)) as conn:
        pgschema.create_roles(conn)
        for login, group in LOGINS.items():
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
            if not exists:
                conn.execute(f'CREATE ROLE "{login}" LOGIN IN ROLE "{group}"')
            conn.execute(f"ALTER ROLE \"{login}\" PASSWORD '{cluster.password}'")


def stop(folder: Path) -> None:
    bins = bin_dir()
    data = Path(folder) / "data"
    if bins is None or not data.exists():
        return
    user = _owner()
    run = {"user": user} if user else {}
    subprocess.run([str(bins / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                   capture_output=True, **run)  # type: ignore[call-overload]


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "start":
        cluster = start(Path(argv[1]))
        make_logins(cluster)
        print(f"export SYC_PG_URL='{cluster.url()}'")
        print(f"export PGPASSFILE='{cluster.pgpass}'")
        return 0
    if len(argv) == 2 and argv[0] == "stop":
        stop(Path(argv[1]))
        return 0
    print("usage : python -m pyxl.workbook.pgcluster start|stop DOSSIER", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
