"""The `syc` command: the same actions as the workbook's buttons, without Excel.

Contract (relied upon by users, scheduled jobs and every later issue):
  * every subcommand accepts --book FICHIER (default $SYC_BOOK, else SYC_Gestion.xlsm here),
    --au AAAA-MM-JJ (the day the action happens, default today) and --json;
  * exit status 0 done, 1 refused (bad data, forbidden action, locked file), 2 usage error;
  * --json prints {"version", "action", "ok": true, ...} or {…, "ok": false, "erreurs": [{"code",
    "message", "ou"}]}: the contract of pyxl/cli/contract.py, its schemas in pyxl/data/schemas-json/,
    documented in docs/contrat-json.md (French keys, amounts as strings with two decimals, ISO dates,
    absolute paths, warnings under "avertissements").
The clock is read here and nowhere else (as_of is passed down).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyxl.cli import french
from pyxl.core.fields import FieldError, shown
from pyxl.core.issues import Issue, Refused
from pyxl.core.messages import msg

DEFAULT_BOOK = "SYC_Gestion.xlsm"


@dataclass
class Context:
    """What every command receives: the book, the day of the action, the output mode."""

    book: Path
    as_of: dt.date
    json: bool
    args: argparse.Namespace
    base: str | None = None  # --base URL / $SYC_BASE: the PostgreSQL database instead of the workbook
    _base_store: Any = None  # one connection per command (each one costs an authentication)

    def store(self, schema: Any = None) -> Any:
        if self.base:
            from pyxl.workbook.pgstore import PostgresStore

            if schema is not None:
                return PostgresStore(self.base, schema)
            if self._base_store is None:
                self._base_store = PostgresStore(self.base)
            return self._base_store
        from pyxl.workbook.filestore import FileStore

        return FileStore(self.book) if schema is None else FileStore(self.book, schema)


class UsageError(Exception):
    """Bad command line: exit status 2."""


class Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # a value may start with '-' (« -2+3 », « -5,50 »): only '-' + letter is an option
        self._negative_number_matcher = re.compile(r"^-[^a-zA-Z-]")

    def error(self, message: str) -> Any:
        raise UsageError(f"{self.prog} : {message}")


def common_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    from pyxl.cli.common import date_arg

    default = None if top else argparse.SUPPRESS
    parser.add_argument("--book", metavar="FICHIER", default=default,
                        help=f"classeur à utiliser (défaut : $SYC_BOOK, sinon {DEFAULT_BOOK} du dossier courant)")
    parser.add_argument("--base", metavar="URL", default=default,
                        help="base PostgreSQL à utiliser au lieu du classeur, par exemple "
                             "postgresql://marie@serveur/syc (défaut : $SYC_BASE ; le mot de passe vient du "
                             "fichier .pgpass ou du trousseau du système, jamais de l'URL)")
    parser.add_argument("--au", metavar="AAAA-MM-JJ", type=date_arg, default=default,
                        help="date de l'action (défaut : aujourd'hui)")
    parser.add_argument("--json", action="store_true", default=False if top else argparse.SUPPRESS,
                        help="réponse en JSON (pour les scripts)")


Handler = Callable[[Context], int]


def build_parser() -> Parser:
    french.install()
    parser = Parser(prog="syc", description="SYC Gestion : clients, articles, devis, commandes, factures, avoirs, "
                                            "règlements et clôtures du classeur SYC_Gestion.xlsm.",
                    epilog="Aide d'une commande : syc COMMANDE --help")
    from pyxl import __version__

    parser.add_argument("--version", action="version", version=f"SYC Gestion {__version__}",
                        help="afficher la version et quitter")
    common_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", title="commandes", parser_class=Parser)
    from pyxl.cli import commands

    commands.register(sub, lambda p: common_options(p, top=False))
    return parser


# --------------------------------------------------------------------------- output
# Called with every --json answer before it is printed (the test suite validates them against
# their schemas); empty in normal use.
JSON_OBSERVERS: list[Callable[[dict[str, Any]], None]] = []
_command: list[str | None] = [None]  # the running command's name (« facture liste »), set by main


def command_name(args: argparse.Namespace) -> str | None:
    """« client ajouter », « verifier », « relances »: the command as the schemas name it."""
    words = [getattr(args, "command", None), getattr(args, "action", None)]
    if words == ["relances", None]:  # « syc relances » is « syc relances liste »
        words[1] = "liste"
    return " ".join(w for w in words if w) or None


def print_json(payload: dict[str, Any]) -> None:
    for observe in JSON_OBSERVERS:
        observe(payload)
    print(json.dumps(payload, ensure_ascii=False, indent=2))


def out(ctx: Context, message: str = "", data: dict[str, Any] | None = None,
        warnings: Sequence[Issue] = ()) -> None:
    from pyxl.cli.contract import answer, files_folder

    folder = files_folder(data)  # a command that writes files says where they are
    if ctx.json:
        print_json(answer(_command[0] or "", {**(data or {}), **({"fichiers_dans": folder} if folder else {})},
                          message=message, warnings=warnings))
        return
    if message:
        print(shown(message))
    for w in warnings:
        print(f"Attention : {shown(w.message)}")
    if folder:
        print(msg("fichiers.dans", folder=folder))


def fail(issues: Sequence[Issue], as_json: bool, status: int = 1) -> int:
    if as_json:
        from pyxl.cli.contract import refusal

        print_json(refusal(_command[0], issues))
    else:
        for i in issues:
            print(f"Erreur : {shown(i.message)}", file=sys.stderr)
    return status


def _safe_streams() -> None:
    """A Windows console or pipe in cp1252 cannot print « → » or babel's narrow no-break space:
    replace what cannot be encoded rather than crash after the work is done."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower().replace("-", "") != "utf8":
            reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _safe_streams()
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv
    _command[0] = None
    try:
        parser = build_parser()
        if not argv or argv in (["-h"], ["--help"]):
            parser.print_help()
            return 0 if argv else 2
        args = parser.parse_args(argv)
    except UsageError as exc:
        return fail([Issue("usage", str(exc))], as_json, status=2)
    except SystemExit as exc:  # --help of a subcommand
        return int(exc.code or 0)
    _command[0] = command_name(args)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        return fail([Issue("usage", "syc : précisez une action (voir syc " + (args.command or "") + " --help).")],
                    as_json, status=2)
    book = Path(args.book or os.environ.get("SYC_BOOK") or DEFAULT_BOOK)
    if book.is_symlink():  # backups, locks and restores all act on the real file
        book = Path(os.path.realpath(book))
    base = getattr(args, "base", None) or os.environ.get("SYC_BASE") or None
    if args.book and not getattr(args, "base", None):
        base = None  # --book given on the command line wins over $SYC_BASE
    ctx = Context(book=book, as_of=args.au or dt.date.today(), json=bool(args.json), args=args, base=base)
    from pyxl.workbook.ooxml import PackageError

    try:
        # the legal files of a base live in its shared folder (`syc excel configurer --base` writes the workbook)
        if ctx.base and args.command not in ("base", "excel"):
            ctx.book = ctx.store().path
        return handler(ctx)
    except BrokenPipeError:  # `syc … | head`: the reader left; the work itself is done
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Refused as exc:
        return fail(exc.issues, ctx.json)
    except FieldError as exc:  # a typed value checked outside a service's collector
        return fail([Issue("champ", str(exc))], ctx.json)
    except PackageError as exc:  # a damaged file found while reading: refused, never a traceback
        return fail([Issue("store.notbook", f"{book.name} : {exc}. Restaurez une sauvegarde "
                                            "(syc sauvegardes liste).", str(book))], ctx.json)
    except UsageError as exc:
        return fail([Issue("usage", str(exc))], ctx.json, status=2)
    except KeyboardInterrupt:
        return fail([Issue("interrompu", "Commande interrompue. Le classeur est soit dans son état d'avant, soit "
                                         "entièrement modifié, jamais à moitié : vérifiez avec « syc verifier ».")],
                    ctx.json)
    except PermissionError as exc:
        return fail([Issue("store.permission", f"Accès refusé à {exc.filename} : vérifiez les droits du dossier "
                                               "ou fermez le fichier.", str(exc.filename))], ctx.json)
    except OSError as exc:  # disk full, network share gone…: the workbook was left as it was
        return fail([Issue("store.io", f"Erreur d'écriture ou de lecture ({exc.strerror or exc}) : le classeur "
                                       "n'a pas été modifié. Vérifiez la place disque et l'accès au dossier.",
                           str(exc.filename or book))], ctx.json)


if __name__ == "__main__":
    sys.exit(main())
