"""Sending documents: an `.eml` draft beside each PDF, optionally SMTP, every sending journaled.

Order of effects (issue 5, item 4): the workbook was written and the PDF rendered before this
module runs. Here the draft is written, then the message is sent (when SMTP is asked for), then
every sending — draft or SMTP, success or failure — is appended to « Journal des envois » through
the FileStore in one write. A failed sending is reported as a warning and can be retried; it never
undoes anything.

The draft carries `X-Unsent: 1`, so Outlook opens it as a message to send (not as a received one);
Thunderbird and Apple Mail open it too. Headers are built from `email.headerregistry.Address`
and cleaned of line breaks: a client called « X\\r\\nBcc: y@z » cannot add a header.

SMTP settings live in Paramètres (server, port, STARTTLS, user, sender). The password NEVER does:
it is read from the environment variable `SYC_SMTP_MOT_DE_PASSE` (`PASSWORD_ENV`), at sending time.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import os
import re
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from pyxl.core import messages
from pyxl.core.frformat import date_fr
from pyxl.core.issues import Issue, Severity
from pyxl.core.money import euros
from pyxl.services import docsource as ds
from pyxl.services.docsource import Store
from pyxl.workbook.schema import PASSWORD_ENV, SEND_CHANNELS, SEND_DOC_TYPES, SEND_RESULTS, T_SENDINGS

DRAFT, SMTP, POST, MERGE = SEND_CHANNELS
PREPARED, SENT, FAILED = SEND_RESULTS
# document kinds (the keys of pyxl.documents.context.KINDS) → « Type de document » of the journal
DOC_TYPE = dict(zip(("devis", "commande", "facture", "acompte", "avoir", "acquittee", "lettre"), SEND_DOC_TYPES,
                    strict=True))
_LINE_BREAKS = re.compile(r"[\r\n\x00-\x1f\x7f\u2028\u2029\x85]+")
TIMEOUT = 30.0  # seconds for the SMTP connection and each command


class SendError(Exception):
    """A sending that could not be done; the message is French and says what to do."""


def one_line(text: Any) -> str:
    """Header-safe text: no line break nor control character can start a new header."""
    return re.sub(r"[ \t]+", " ", _LINE_BREAKS.sub(" ", "" if text is None else str(text))).strip(" ")


def _fr_date(day: dt.date | None) -> str:
    return date_fr(day) if isinstance(day, dt.date) else ""


# --------------------------------------------------------------------------- what is sent
@dataclass(frozen=True)
class Outgoing:
    """One document to send: its kind (`devis`, `facture`…), number, client and files.

    `facts` are already formatted French values the subject and body may quote: `montant`
    (« 1 234,56 € »), `echeance`, `valable`, `objet`, `reglee_le`."""

    kind: str
    number: str
    client_code: str
    client_name: str
    to: str
    attachments: tuple[Path, ...]
    facts: Mapping[str, str] = field(default_factory=dict)

    @property
    def doc_type(self) -> str:
        return DOC_TYPE[self.kind]


def outgoing_for(store: Store, kind: str, number: str, attachments: Sequence[Path]) -> Outgoing:
    """The Outgoing of a document of the workbook (quote, order, invoice…), with its client's e-mail."""
    from pyxl.services import salesdocs as sd

    if kind not in DOC_TYPE:
        raise ValueError(kind)
    facts: dict[str, str] = {}
    row: dict[str, Any]
    if kind == "devis":
        quote = ds.quote(store, number)
        ds.check_mediator(store, quote, f"Devis {quote.number} ({quote.where})", "un devis")
        row = quote.values()
        facts["valable"] = _fr_date(quote.valid_until)
    elif kind == "commande":
        order = ds.order(store, number)
        ds.check_mediator(store, order, f"Commande {order.number} ({order.where})", "un bon de commande")
        row = order.values()
    elif kind == "lettre":
        row = {"number": number, "client": number}
    else:
        doc = ds.find(store, number)  # an invoice of an archived year: read in its archive
        row = doc.values()
        if kind != "acquittee":  # « facture » of a deposit invoice or a credit note: say what it is
            kind = {"Facture d'acompte": "acompte", "Avoir": "avoir"}.get(str(doc.doc_type), "facture")
        facts["echeance"] = _fr_date(doc.due_date)
        if kind == "acquittee":
            paid = ds.payments_wherever(store, str(doc.number))
            days = [p.date for p in paid if isinstance(p.date, dt.date) and not p.cancels
                    and (p.amount or 0) > 0]  # not a later credit note's overpayment put to credit
            facts["reglee_le"] = _fr_date(max(days)) if days else ""
    if kind != "lettre":
        total = row["total_ttc"]
        facts["montant"] = euros(abs(total)) if total is not None else ""
        facts["objet"] = one_line(row.get("object"))
    client_code = str(row.get("client") or "")
    client = ds.find_client(store, client_code)
    name = sd.client_name(client.values()) if client is not None else str(row.get("client_name") or "")
    return Outgoing(kind=kind, number=str(row.get("number") or number), client_code=client_code,
                    client_name=name, to=str(client.email or "") if client is not None else "",
                    attachments=tuple(attachments), facts=facts)


def subject(doc: Outgoing, company: str) -> str:
    what = {"devis": "Devis", "commande": "Confirmation de commande", "facture": "Facture",
            "acompte": "Facture d'acompte", "avoir": "Avoir", "acquittee": "Facture acquittée",
            "lettre": "Courrier"}[doc.kind]
    text = f"{what} {doc.number}" if doc.number and doc.kind != "lettre" else what
    return one_line(f"{text} — {company}" if company else text)


def body(doc: Outgoing, company: Mapping[str, str]) -> str:
    """The French text of the e-mail, by document type."""
    f = {k: one_line(v) for k, v in doc.facts.items()}
    amount = f.get("montant", "")
    about = f" ({f['objet']})" if f.get("objet") else ""
    n = doc.number
    if doc.kind == "devis":
        main = (f"Veuillez trouver ci-joint notre devis {n}{about}"
                + (f", d'un montant de {amount} TTC" if amount else "")
                + (f", valable jusqu'au {f['valable']}" if f.get("valable") else "") + ".\n\n"
                "Pour l'accepter, il vous suffit de nous le retourner daté et signé, précédé de la mention "
                "« Bon pour accord ». Nous restons à votre disposition pour toute question.")
    elif doc.kind == "commande":
        main = (f"Nous vous remercions de votre commande. Veuillez trouver ci-joint le bon de commande {n}"
                f"{about}" + (f", d'un montant de {amount} TTC" if amount else "") + ", qui la confirme.\n\n"
                "Nous reviendrons vers vous pour convenir de la date d'intervention.")
    elif doc.kind in ("facture", "acompte"):
        label = "notre facture" if doc.kind == "facture" else "notre facture d'acompte"
        main = (f"Veuillez trouver ci-joint {label} {n}{about}"
                + (f", d'un montant de {amount} TTC" if amount else "")
                + (f", payable au plus tard le {f['echeance']}" if f.get("echeance") else "") + ".\n\n"
                "Les modes de règlement acceptés figurent sur la facture. Nous vous remercions de votre confiance.")
    elif doc.kind == "avoir":
        main = (f"Veuillez trouver ci-joint l'avoir {n}{about}" + (f" d'un montant de {amount} TTC" if amount else "")
                + ", établi en votre faveur.")
    elif doc.kind == "acquittee":
        main = (f"Veuillez trouver ci-joint la facture {n} acquittée"
                + (f" (règlement reçu le {f['reglee_le']})" if f.get("reglee_le") else "")
                + ". Nous vous remercions de votre règlement.")
    else:
        main = "Veuillez trouver ci-joint notre courrier."
    sign = [x for x in (one_line(company.get("raison_sociale")), one_line(company.get("telephone")),
                        one_line(company.get("email"))) if x]
    return "Bonjour,\n\n" + main + "\n\nCordialement,\n" + "\n".join(sign) + "\n"


def _address(addr: str, name: str = "") -> Address:
    """A mailbox of a header; refuses anything that is not one plain address."""
    addr = (addr or "").strip()
    if not addr or _LINE_BREAKS.search(addr) or "," in addr or ";" in addr:
        raise SendError(f"« {one_line(addr)} » n'est pas une adresse e-mail valide.")
    try:
        parsed = Address(addr_spec=addr)
    except (ValueError, IndexError, TypeError, HeaderParseError):
        raise SendError(f"« {one_line(addr)} » n'est pas une adresse e-mail valide.") from None
    if not parsed.username or not parsed.domain or "@" not in addr:
        raise SendError(f"« {one_line(addr)} » n'est pas une adresse e-mail valide.")
    return Address(display_name=one_line(name), username=parsed.username, domain=parsed.domain)


def build_message(doc: Outgoing, company: Mapping[str, str], sender: str, *, draft: bool,
                  now: dt.datetime | None = None) -> EmailMessage:
    """The e-mail of one document, PDF attached. `draft` adds `X-Unsent: 1` (Outlook draft);
    a message to send gets a Date and a Message-ID instead. Raises SendError on a bad address."""
    msg = EmailMessage()
    firm = one_line(company.get("raison_sociale"))
    if sender:
        msg["From"] = _address(sender, firm)
    if doc.to:
        msg["To"] = _address(doc.to, doc.client_name)
    elif not draft:
        raise SendError(f"le client {doc.client_code} n'a pas d'adresse e-mail : complétez-la "
                        f"(syc client modifier {doc.client_code} --email …).")
    msg["Subject"] = subject(doc, firm)
    if draft:
        msg["X-Unsent"] = "1"
    else:
        if now is not None:
            msg["Date"] = format_datetime(now.astimezone() if now.tzinfo is None else now)
        domain = sender.rpartition("@")[2] if sender else None
        msg["Message-ID"] = make_msgid(domain=domain or None)
    msg.set_content(body(doc, company))
    for path in doc.attachments:
        data = Path(path).read_bytes()
        maintype, subtype = ("application", "pdf") if path.suffix.lower() == ".pdf" else (
            "application", "octet-stream")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=one_line(Path(path).name))
    return msg


def write_draft(msg: EmailMessage, path: Path) -> Path:
    """The message as an .eml file (CRLF line ends, as mail programs expect)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(msg.as_bytes(policy=SMTP_POLICY))
    os.replace(tmp, path)
    return path


# --------------------------------------------------------------------------- SMTP
@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    starttls: bool
    user: str
    sender: str


def smtp_settings(params: Mapping[str, str]) -> SmtpSettings | None:
    """The SMTP settings of Paramètres; None when no server is set (drafts only)."""
    host = one_line(params.get("smtp_serveur"))
    if not host:
        return None
    port_text = one_line(params.get("smtp_port")) or "587"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SendError(f"le port SMTP « {port_text} » n'est pas valide : corrigez-le "
                        "(syc parametres modifier smtp_port 587).")
    return SmtpSettings(
        host=host, port=int(port_text),
        starttls=one_line(params.get("smtp_starttls") or "Oui").casefold() != "non",
        user=one_line(params.get("smtp_utilisateur")),
        sender=one_line(params.get("smtp_expediteur")) or one_line(params.get("email")),
    )


def smtp_password(settings: SmtpSettings, env: Mapping[str, str] | None = None) -> str:
    """The password from the environment variable, never from the workbook."""
    if not settings.user:
        return ""
    value = (os.environ if env is None else env).get(PASSWORD_ENV)
    if not value:
        raise SendError(f"le mot de passe du serveur SMTP n'est pas défini : mettez-le dans la variable "
                        f"d'environnement {PASSWORD_ENV} (il n'est jamais enregistré dans le classeur), "
                        "puis recommencez.")
    return value


class Smtp:
    """One SMTP connection for a whole job (several documents), opened on first use."""

    def __init__(self, settings: SmtpSettings, password: str, ssl_context: ssl.SSLContext | None = None,
                 timeout: float = TIMEOUT):
        self.settings = settings
        self.password = password
        self.context = ssl_context or ssl.create_default_context()
        self.timeout = timeout
        self.conn: smtplib.SMTP | None = None

    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        try:
            conn: smtplib.SMTP
            if s.port == 465:
                conn = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=self.context)
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
                if s.starttls:
                    conn.ehlo()
                    if not conn.has_extn("starttls"):
                        conn.quit()
                        raise SendError(f"le serveur SMTP {self._where()} ne propose pas le chiffrement "
                                        "STARTTLS : vérifiez le port (587 en général) ou le réglage "
                                        "smtp_starttls.")
                    conn.starttls(context=self.context)
                    conn.ehlo()
            if s.user:
                if s.port != 465 and not s.starttls:  # never a password in clear on the network
                    conn.quit()
                    raise SendError(f"le serveur SMTP {self._where()} serait contacté sans chiffrement : le mot de "
                                    "passe passerait en clair. Réglez smtp_starttls sur Oui (port 587) ou le port "
                                    "465, ou videz smtp_utilisateur pour un serveur sans identification.")
                _login(conn, s.user, self.password)
        except smtplib.SMTPAuthenticationError:
            raise SendError(f"le serveur SMTP {self._where()} a refusé l'identifiant « {s.user} » ou le mot de "
                            f"passe (variable {PASSWORD_ENV}) : vérifiez-les.") from None
        except smtplib.SMTPNotSupportedError:
            raise SendError(f"le serveur SMTP {self._where()} n'accepte pas d'authentification sur cette "
                            "connexion : activez STARTTLS (smtp_starttls Oui) ou videz smtp_utilisateur.") from None
        except ssl.SSLCertVerificationError as exc:
            raise SendError(f"le certificat du serveur SMTP {self._where()} n'est pas reconnu "
                            f"({exc.verify_message}) : vérifiez le nom du serveur.") from None
        except (ssl.SSLError, smtplib.SMTPException, socket.gaierror, OSError) as exc:
            raise SendError(f"impossible de joindre le serveur SMTP {self._where()} ({_reason(exc)}) : "
                            "vérifiez le serveur, le port et la connexion Internet.") from None
        return conn

    def send(self, msg: EmailMessage) -> None:
        if self.conn is None:
            self.conn = self._open()
        try:
            self.conn.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            who = ", ".join(exc.recipients)
            raise SendError(f"le serveur SMTP a refusé le destinataire {who} : vérifiez l'adresse e-mail "
                            "du client.") from None
        except smtplib.SMTPSenderRefused as exc:
            raise SendError(f"le serveur SMTP a refusé l'expéditeur {exc.sender} : vérifiez smtp_expediteur "
                            "(souvent, il doit être l'adresse du compte).") from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise SendError(f"l'envoi par le serveur SMTP {self._where()} a échoué ({_reason(exc)}).") from None

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.conn.quit()
            self.conn = None


def _login(conn: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib encodes credentials as ASCII: an accented password (« mötdepasse ») would crash.
    Such credentials go as UTF-8 through AUTH PLAIN (RFC 4616), which every server offers."""
    if (user + password).isascii():
        conn.login(user, password)
        return
    conn.ehlo_or_helo_if_needed()
    if "plain" not in conn.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPNotSupportedError("AUTH PLAIN")
    token = base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8")).decode("ascii")
    code, resp = conn.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, resp)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"réponse {exc.smtp_code} : {one_line(text)}"
    if isinstance(exc, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "délai dépassé"
    if isinstance(exc, socket.gaierror):
        return "serveur inconnu"
    return one_line(exc.__class__.__name__ + (f" : {exc}" if str(exc) else ""))


# --------------------------------------------------------------------------- the journal
def journal_row(*, now: dt.datetime, as_of: dt.date, doc_type: str, channel: str, result: str, doc: str = "",
                client: str = "", client_name: str = "", recipient: str = "", subject: str = "",
                files: Sequence[Path] = (), error: str = "") -> dict[str, Any]:
    """One row of « Journal des envois » (each text cut to its column's length)."""
    values = {"at": now.replace(microsecond=0, tzinfo=None).isoformat(), "date": as_of, "doc": doc,
              "doc_type": doc_type, "client": client, "client_name": client_name, "channel": channel,
              "recipient": recipient, "subject": subject, "files": " ; ".join(Path(f).name for f in files),
              "result": result, "error": error}
    out: dict[str, Any] = {}
    for col in T_SENDINGS.columns:
        v = values[col.key]
        out[col.key] = one_line(v)[: col.max_len] if isinstance(v, str) else v
    return out


def record(book: Path, rows: Sequence[Mapping[str, Any]], *, as_of: dt.date, now: dt.datetime,
           store: Any = None) -> Issue | None:
    """Append the rows to « Journal des envois » (one write). A failure to write (workbook locked,
    older schema…) is returned as a warning: the sendings themselves are done. `store`: the store
    to write through (the Excel front end gives its ExcelStore), else the workbook file."""
    from pyxl.core.issues import Refused

    if not rows:
        return None
    try:
        ds.write_rows(book, T_SENDINGS.name, list(rows), as_of=as_of, now=now, store=store)
    except Refused as exc:
        text = " ".join(i.message for i in exc.issues)
        return Issue("envoi.journal", messages.msg("envoi.journal", sheet=T_SENDINGS.sheet, reason=text.rstrip(".")),
                     T_SENDINGS.sheet, Severity.WARNING)
    except OSError as exc:
        return Issue("envoi.journal", messages.msg("envoi.journal", sheet=T_SENDINGS.sheet, reason=exc.strerror or exc),
                     T_SENDINGS.sheet, Severity.WARNING)
    return None


# --------------------------------------------------------------------------- one job
@dataclass
class Sending:
    """What happened to one document: its draft, whether it was sent, the error if any."""

    doc: Outgoing
    channel: str
    result: str
    draft: Path | None = None
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"piece": self.doc.number, "type": self.doc.doc_type, "client": self.doc.client_code,
                "destinataire": self.doc.to, "canal": self.channel, "resultat": self.result,
                "brouillon": str(self.draft) if self.draft else "", "erreur": self.error,
                "fichiers": [str(p) for p in self.doc.attachments]}


@dataclass
class Report:
    sendings: list[Sending]
    warnings: list[Issue]

    @property
    def files(self) -> list[Path]:
        return [s.draft for s in self.sendings if s.draft is not None]


def send_documents(book: Path, docs: Sequence[Outgoing], *, as_of: dt.date, now: dt.datetime, smtp: bool = False,
                   env: Mapping[str, str] | None = None, ssl_context: ssl.SSLContext | None = None,
                   store: Any = None) -> Report:
    """Write each document's .eml draft beside its first attachment, send it by SMTP when `smtp`,
    and journal every sending. Never raises for a failed sending: each is a warning of the report.
    `store`: the open workbook's ExcelStore (Excel front end), else the workbook file."""
    from pyxl.core.issues import Refused

    params = ds.book_parameters(book, store)
    company = {k: v for k, v in params.items()}
    sendings: list[Sending] = []
    warnings: list[Issue] = []
    rows: list[dict[str, Any]] = []
    server: Smtp | None = None
    setup_error = ""
    settings: SmtpSettings | None = None
    try:
        settings = smtp_settings(params)
        if smtp and settings is None:
            setup_error = ("aucun serveur SMTP n'est configuré : renseignez smtp_serveur dans les Paramètres "
                           "(syc parametres modifier smtp_serveur …), ou envoyez le brouillon .eml vous-même.")
        elif smtp and settings is not None:
            server = Smtp(settings, smtp_password(settings, env), ssl_context)
    except SendError as exc:
        setup_error = str(exc)
    sender = (settings.sender if settings else "") or one_line(params.get("email"))
    try:
        for doc in docs:
            where = f"{doc.doc_type} {doc.number}".strip()
            s = Sending(doc, SMTP if smtp else DRAFT, PREPARED)
            files = list(doc.attachments)
            subj = subject(doc, one_line(company.get("raison_sociale")))
            try:
                draft_msg = build_message(doc, company, sender, draft=True)
                if doc.attachments:
                    s.draft = write_draft(draft_msg, Path(doc.attachments[0]).with_suffix(".eml"))
                    files.append(s.draft)
                if smtp:
                    if setup_error:
                        raise SendError(setup_error)
                    assert server is not None
                    server.send(build_message(doc, company, sender, draft=False, now=now))
                    s.result = SENT
            except SendError as exc:
                s.result, s.error = FAILED, str(exc)
                warnings.append(Issue("envoi.echec", f"{where} : envoi impossible, {s.error} Rien n'est annulé "
                                                     "(pièce et PDF restent) ; relancez l'envoi une fois corrigé.",
                                      where, Severity.WARNING))
            except OSError as exc:
                s.result, s.error = FAILED, f"fichier illisible ou non écrit ({exc.strerror or exc})"
                warnings.append(Issue("envoi.echec", f"{where} : {s.error}.", where, Severity.WARNING))
            if not smtp and not doc.to and s.result == PREPARED:
                warnings.append(Issue("envoi.sans_email", f"{where} : le client {doc.client_code} n'a pas "
                                                          "d'adresse e-mail ; le brouillon est à compléter.",
                                      where, Severity.WARNING))
            sendings.append(s)
            rows.append(journal_row(now=now, as_of=as_of, doc_type=doc.doc_type, channel=s.channel, result=s.result,
                                    doc=doc.number, client=doc.client_code, client_name=doc.client_name,
                                    recipient=doc.to, subject=subj, files=files, error=s.error))
    finally:
        if server is not None:
            server.close()
    try:
        problem = record(book, rows, as_of=as_of, now=now, store=store)
    except Refused as exc:  # pragma: no cover - record() turns refusals into warnings
        problem = exc.issues[0]
    if problem is not None:
        warnings.append(problem)
    return Report(sendings, warnings)


__all__ = ["DOC_TYPE", "PASSWORD_ENV", "Outgoing", "Report", "SendError", "Sending", "Smtp", "SmtpSettings",
           "build_message", "journal_row", "outgoing_for", "record", "send_documents", "smtp_password",
           "smtp_settings", "write_draft"]
