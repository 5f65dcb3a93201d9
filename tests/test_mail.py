"""E-mail of documents: .eml drafts (Outlook's X-Unsent), SMTP with STARTTLS and authentication
against a real local server (aiosmtpd on loopback, certificate from a test CA made by trustme),
and « Journal des envois »."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pgfixtures import book_option, in_base, open_store

from pyxl.cli import main
from pyxl.documents import mail
from pyxl.workbook.schema import PASSWORD_ENV

trustme = pytest.importorskip("trustme")

HOSTILE = 'Dupont & Fils <SARL> "l\'Étang"'
INJECTION = "Durand\r\nBcc: espion@exemple.org"
NOW = dt.datetime(2026, 3, 2, 10, 30)
AS_OF = dt.date(2026, 3, 2)
USER, PASSWORD = "contact@syc-chauffage.fr", "s3cret ¤ é"
PDF = b"%PDF-1.7\n% fichier de test\n%%EOF\n"


# --------------------------------------------------------------------------- helpers
def run(book: Path, *args: str) -> tuple[int, dict[str, Any]]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main([*args, *book_option(book), "--au", AS_OF.isoformat(), "--json"])
    return code, json.loads(buf.getvalue())


def ok(book: Path, *args: str) -> dict[str, Any]:
    code, data = run(book, *args)
    assert code == 0, data
    return data


@pytest.fixture
def shop(book: Path, stored: Any) -> Path:
    """A workbook with the company's identity, two clients (one with hostile text) and a quote; and
    (a second run) a PostgreSQL base holding it."""
    for key, value in (("raison_sociale", "SYC Chauffage"), ("email", "contact@syc-chauffage.fr"),
                       ("telephone", "04 72 00 00 00"), ("ville", "Lyon"),
                       ("mediateur_consommation", "Médiateur de l'exemple, 1 rue de la Médiation, 75001 Paris")):
        ok(book, "parametres", "modifier", key, value)
    ok(book, "client", "ajouter", "--nom", HOSTILE, "--type", "particulier", "--prenom", "Jean",
       "--adresse", "1 rue de l'Église", "--cp", "69001", "--ville", "Lyon", "--email", "jean.dupont@exemple.fr")
    ok(book, "client", "ajouter", "--nom", "Sans Courriel", "--type", "particulier", "--adresse", "2 rue",
       "--cp", "69002", "--ville", "Lyon")
    ok(book, "article", "ajouter", "--code", "MO-H", "--designation", "Main-d'œuvre", "--unite", "h",
       "--pu-ht", "55", "--tva", "10")
    ok(book, "devis", "creer", "--client", "C00001", "--ligne", "MO-H:2", "--nature", "depannage",
       "--objet", "Dépannage <urgent> & rapide")
    return stored(book)


def pdf_file(tmp_path: Path, name: str = "D2026-0001 - DUPONT Jean.pdf") -> Path:
    path = tmp_path / "Documents" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PDF)
    return path


def given(book: Path) -> Any:
    """The store the command gives send_documents: a base's; none for a workbook (it opens the file)."""
    return open_store(book) if in_base(book) else None


def journal(book: Path) -> list[dict[str, Any]]:
    return [dict(r.values) for r in open_store(book).rows("tEnvois")]


def outgoing(**kw: Any) -> mail.Outgoing:
    base: dict[str, Any] = dict(kind="facture", number="F2026-00012", client_code="C00001",
                                client_name=HOSTILE + " Jean", to="jean.dupont@exemple.fr", attachments=(),
                                facts={"montant": "1 234,56\u00a0€", "echeance": "31/03/2026"})
    base.update(kw)
    return mail.Outgoing(**base)


COMPANY = {"raison_sociale": "SYC Chauffage", "telephone": "04 72 00 00 00", "email": "contact@syc-chauffage.fr"}


# --------------------------------------------------------------------------- the message
def test_draft_has_outlook_marker_french_text_and_attachment(tmp_path: Path) -> None:
    pdf = pdf_file(tmp_path, "F2026-00012 - DUPONT Jean.pdf")
    msg = mail.build_message(outgoing(attachments=(pdf,)), COMPANY, "contact@syc-chauffage.fr", draft=True)
    path = mail.write_draft(msg, pdf.with_suffix(".eml"))
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF, as mail programs write it
    back = message_from_bytes(raw, policy=policy.default)
    assert back["X-Unsent"] == "1"
    assert back["Date"] is None and back["Message-ID"] is None  # a draft: the mail program dates it
    assert back["Subject"] == "Facture F2026-00012 — SYC Chauffage"
    (to,) = back["To"].addresses
    assert (to.display_name, to.addr_spec) == (HOSTILE + " Jean", "jean.dupont@exemple.fr")
    (sender,) = back["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("SYC Chauffage", "contact@syc-chauffage.fr")
    text = back.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Veuillez trouver ci-joint notre facture F2026-00012, d'un montant de 1 234,56\u00a0€ TTC, " \
           "payable au plus tard le 31/03/2026." in text
    assert text.startswith("Bonjour,") and "Cordialement,\nSYC Chauffage\n04 72 00 00 00" in text
    (att,) = back.iter_attachments()
    assert att.get_filename() == "F2026-00012 - DUPONT Jean.pdf"
    assert att.get_content_type() == "application/pdf" and att.get_content() == PDF


@pytest.mark.parametrize(("kind", "subject", "words"), [
    ("devis", "Devis D1 — SYC Chauffage", ["notre devis D1", "« Bon pour accord »", "valable jusqu'au 01/04/2026"]),
    ("commande", "Confirmation de commande D1 — SYC Chauffage", ["bon de commande D1", "date d'intervention"]),
    ("facture", "Facture D1 — SYC Chauffage", ["notre facture D1", "payable au plus tard le 31/03/2026"]),
    ("acompte", "Facture d'acompte D1 — SYC Chauffage", ["notre facture d'acompte D1"]),
    ("avoir", "Avoir D1 — SYC Chauffage", ["l'avoir D1 d'un montant de 10,00\u00a0€ TTC", "en votre faveur"]),
    ("acquittee", "Facture acquittée D1 — SYC Chauffage", ["la facture D1 acquittée (règlement reçu le 05/03/2026)"]),
    ("lettre", "Courrier — SYC Chauffage", ["notre courrier"]),
])
def test_subject_and_body_per_document_type(kind: str, subject: str, words: list[str]) -> None:
    doc = outgoing(kind=kind, number="D1", facts={"montant": "10,00\u00a0€", "echeance": "31/03/2026",
                                                  "valable": "01/04/2026", "reglee_le": "05/03/2026"})
    msg = mail.build_message(doc, COMPANY, "contact@syc-chauffage.fr", draft=True)
    assert msg["Subject"] == subject
    text = msg.get_content()
    for w in words:
        assert w in text


def test_header_injection_makes_no_header(tmp_path: Path) -> None:
    """Line breaks typed (or pasted) in a client's name, the company's name or the number can never
    start a header: they become spaces."""
    doc = outgoing(client_name=INJECTION, number="F1\r\nBcc: x@y.fr", attachments=(pdf_file(tmp_path),))
    company = dict(COMPANY, raison_sociale="SYC\nX-Evil: 1")
    msg = mail.build_message(doc, company, "contact@syc-chauffage.fr", draft=False, now=NOW)
    raw = msg.as_bytes(policy=policy.SMTP)
    back = message_from_bytes(raw, policy=policy.default)
    assert back["Bcc"] is None and back["X-Evil"] is None
    headers = raw.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert not [h for h in headers if h.lower().startswith((b"bcc", b"x-evil"))]
    assert back["To"].addresses[0].display_name == "Durand Bcc: espion@exemple.org"
    assert back["To"].addresses[0].addr_spec == "jean.dupont@exemple.fr"
    assert back["Subject"] == "Facture F1 Bcc: x@y.fr — SYC X-Evil: 1"
    assert back["Date"] == "Mon, 02 Mar 2026 10:30:00 " + back["Date"][-5:]
    assert back["Message-ID"].endswith("@syc-chauffage.fr>")


@pytest.mark.parametrize("bad", ["jean@exemple.fr\r\nBcc: x@y.fr", "a@b.fr, c@d.fr", "pas-une-adresse",
                                 "a@b.fr;c@d.fr", "<a@b.fr>"])
def test_a_bad_recipient_is_refused(bad: str) -> None:
    with pytest.raises(mail.SendError) as exc:
        mail.build_message(outgoing(to=bad), COMPANY, "contact@syc-chauffage.fr", draft=True)
    assert "n'est pas une adresse e-mail valide" in str(exc.value)
    assert "\n" not in str(exc.value)


def test_no_recipient_draft_is_kept_but_cannot_be_sent() -> None:
    msg = mail.build_message(outgoing(to=""), COMPANY, "contact@syc-chauffage.fr", draft=True)
    assert msg["To"] is None
    with pytest.raises(mail.SendError, match="n'a pas d'adresse e-mail"):
        mail.build_message(outgoing(to=""), COMPANY, "contact@syc-chauffage.fr", draft=False, now=NOW)


def test_settings_and_password_come_from_parameters_and_environment() -> None:
    assert mail.smtp_settings({"smtp_serveur": ""}) is None
    s = mail.smtp_settings({"smtp_serveur": "smtp.exemple.fr", "smtp_port": "465", "smtp_starttls": "Non",
                            "smtp_utilisateur": "u", "email": "contact@syc.fr"})
    assert s == mail.SmtpSettings("smtp.exemple.fr", 465, False, "u", "contact@syc.fr")
    with pytest.raises(mail.SendError, match="port SMTP « 99999 »"):
        mail.smtp_settings({"smtp_serveur": "h", "smtp_port": "99999"})
    assert s is not None
    assert mail.smtp_password(s, {PASSWORD_ENV: "pw"}) == "pw"
    with pytest.raises(mail.SendError) as exc:
        mail.smtp_password(s, {})
    assert PASSWORD_ENV in str(exc.value) and "jamais enregistré dans le classeur" in str(exc.value)
    no_user = mail.SmtpSettings("h", 25, False, "", "a@b.fr")
    assert mail.smtp_password(no_user, {}) == ""


# --------------------------------------------------------------------------- a real SMTP server on loopback
class Inbox:
    def __init__(self) -> None:
        self.password = PASSWORD
        self.messages: list[tuple[str, list[str], EmailMessage]] = []
        self.logins: list[tuple[str, bool]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        good = auth_data.login.decode() == USER and auth_data.password.decode() == self.password
        self.logins.append((auth_data.login.decode(), good))
        return AuthResult(success=good, handled=False)  # handled=False: aiosmtpd answers 235 or 535


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[tuple[Inbox, int, ssl.SSLContext, Path]]:
    """aiosmtpd on 127.0.0.1: STARTTLS required, AUTH (PLAIN/LOGIN) only after STARTTLS."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=server_ctx, require_starttls=True,
                            authenticator=inbox.authenticate, auth_require_tls=True, ready_timeout=10)
    controller.start()
    try:
        yield inbox, port, client_ctx, ca_file
    finally:
        controller.stop()


def configure_smtp(book: Path, port: int, starttls: str = "Oui") -> None:
    for key, value in (("smtp_serveur", "127.0.0.1"), ("smtp_port", str(port)), ("smtp_starttls", starttls),
                       ("smtp_utilisateur", USER)):
        ok(book, "parametres", "modifier", key, value)


@pytest.mark.parametrize("password", [PASSWORD, "ascii-only"])  # UTF-8 AUTH PLAIN, then smtplib's own login
def test_smtp_sending_arrives_with_its_attachment_and_is_journaled(
        shop: Path, tmp_path: Path, smtp_server: tuple[Inbox, int, ssl.SSLContext, Path], password: str) -> None:
    inbox, port, ctx, _ = smtp_server
    inbox.password = password
    configure_smtp(shop, port)
    pdf = pdf_file(tmp_path)
    store = open_store(shop)
    doc = mail.outgoing_for(store, "devis", "D2026-0001", [pdf])
    store.close()
    assert (doc.to, doc.client_name, doc.facts["montant"]) == ("jean.dupont@exemple.fr", HOSTILE + " Jean",
                                                                 "132,00\u00a0€")
    report = mail.send_documents(shop, [doc], store=given(shop), as_of=AS_OF, now=NOW, smtp=True, env={PASSWORD_ENV: password},
                                 ssl_context=ctx)
    assert report.warnings == []
    (s,) = report.sendings
    assert (s.channel, s.result, s.error) == ("E-mail SMTP", "Envoyé", "")
    assert inbox.logins == [(USER, True)]
    ((sender, rcpts, msg),) = inbox.messages
    assert sender == "contact@syc-chauffage.fr" and rcpts == ["jean.dupont@exemple.fr"]
    assert msg["X-Unsent"] is None  # only the draft carries it
    assert msg["Subject"] == "Devis D2026-0001 — SYC Chauffage"
    assert msg["To"].addresses[0].display_name == HOSTILE + " Jean"
    assert "Dépannage <urgent> & rapide" in msg.get_body(("plain",)).get_content()
    (att,) = msg.iter_attachments()
    assert att.get_filename() == pdf.name and att.get_content() == PDF
    # the draft is beside the PDF, and the sending in the journal
    assert s.draft == pdf.with_suffix(".eml") and s.draft.is_file()
    (row,) = journal(shop)
    assert row == {
        "at": "2026-03-02T10:30:00", "date": AS_OF, "doc": "D2026-0001", "doc_type": "Devis", "client": "C00001",
        "client_name": HOSTILE + " Jean", "channel": "E-mail SMTP", "recipient": "jean.dupont@exemple.fr",
        "subject": "Devis D2026-0001 — SYC Chauffage", "files": f"{pdf.name} ; {pdf.with_suffix('.eml').name}",
        "result": "Envoyé", "error": None}


def test_wrong_password_is_refused_in_french_and_journaled(
        shop: Path, tmp_path: Path, smtp_server: tuple[Inbox, int, ssl.SSLContext, Path]) -> None:
    inbox, port, ctx, _ = smtp_server
    configure_smtp(shop, port)
    store = open_store(shop)
    doc = mail.outgoing_for(store, "devis", "D2026-0001", [pdf_file(tmp_path)])
    store.close()
    report = mail.send_documents(shop, [doc], store=given(shop), as_of=AS_OF, now=NOW, smtp=True, env={PASSWORD_ENV: "faux"},
                                 ssl_context=ctx)
    assert inbox.messages == [] and inbox.logins and all(not good for _, good in inbox.logins)
    (s,) = report.sendings
    assert s.result == "Échec"
    assert s.error == (f"le serveur SMTP 127.0.0.1:{port} a refusé l'identifiant « {USER} » ou le mot de passe "
                       f"(variable {PASSWORD_ENV}) : vérifiez-les.")
    (w,) = report.warnings
    assert w.message.startswith("Devis D2026-0001 : envoi impossible, le serveur SMTP") and "relancez" in w.message
    assert s.draft is not None and s.draft.is_file()  # the draft is there to send by hand
    (row,) = journal(shop)
    assert (row["channel"], row["result"], row["error"]) == ("E-mail SMTP", "Échec", s.error)


def test_missing_password_variable_names_it(shop: Path, tmp_path: Path,
                                            smtp_server: tuple[Inbox, int, ssl.SSLContext, Path]) -> None:
    inbox, port, ctx, _ = smtp_server
    configure_smtp(shop, port)
    store = open_store(shop)
    doc = mail.outgoing_for(store, "devis", "D2026-0001", [pdf_file(tmp_path)])
    store.close()
    report = mail.send_documents(shop, [doc], store=given(shop), as_of=AS_OF, now=NOW, smtp=True, env={}, ssl_context=ctx)
    assert inbox.logins == [] and inbox.messages == []
    (s,) = report.sendings
    assert s.result == "Échec" and PASSWORD_ENV in s.error and "variable d'environnement" in s.error
    assert [r["result"] for r in journal(shop)] == ["Échec"]


def test_without_starttls_no_password_is_sent_in_clear(
        shop: Path, tmp_path: Path, smtp_server: tuple[Inbox, int, ssl.SSLContext, Path]) -> None:
    inbox, port, ctx, _ = smtp_server
    configure_smtp(shop, port, starttls="Non")
    store = open_store(shop)
    doc = mail.outgoing_for(store, "devis", "D2026-0001", [pdf_file(tmp_path)])
    store.close()
    report = mail.send_documents(shop, [doc], store=given(shop), as_of=AS_OF, now=NOW, smtp=True, env={PASSWORD_ENV: PASSWORD},
                                 ssl_context=ctx)
    (s,) = report.sendings
    assert s.result == "Échec" and inbox.messages == [] and inbox.logins == []
    assert "sans chiffrement" in s.error and "en clair" in s.error


def test_untrusted_certificate_is_refused(shop: Path, tmp_path: Path,
                                          smtp_server: tuple[Inbox, int, ssl.SSLContext, Path]) -> None:
    """The system's default trust store does not know the test CA: the connection is refused
    before any password is sent."""
    inbox, port, _, _ = smtp_server
    configure_smtp(shop, port)
    store = open_store(shop)
    doc = mail.outgoing_for(store, "devis", "D2026-0001", [pdf_file(tmp_path)])
    store.close()
    report = mail.send_documents(shop, [doc], store=given(shop), as_of=AS_OF, now=NOW, smtp=True, env={PASSWORD_ENV: PASSWORD})
    (s,) = report.sendings
    assert s.result == "Échec" and "certificat" in s.error and inbox.logins == []


def test_no_server_configured_and_unreachable_server(shop: Path, tmp_path: Path) -> None:
    store = open_store(shop)
    doc = mail.outgoing_for(store, "devis", "D2026-0001", [pdf_file(tmp_path)])
    store.close()
    report = mail.send_documents(shop, [doc], store=given(shop), as_of=AS_OF, now=NOW, smtp=True, env={})
    assert "aucun serveur SMTP n'est configuré" in report.sendings[0].error
    ok(shop, "parametres", "modifier", "smtp_serveur", "127.0.0.1")
    ok(shop, "parametres", "modifier", "smtp_port", str(free_port()))  # nobody listens there
    report = mail.send_documents(shop, [doc], store=given(shop), as_of=AS_OF, now=NOW, smtp=True, env={})
    assert "impossible de joindre le serveur SMTP" in report.sendings[0].error
    assert "connexion refusée" in report.sendings[0].error
    assert [r["result"] for r in journal(shop)] == ["Échec", "Échec"]


def test_drafts_only_and_a_client_without_email(shop: Path, tmp_path: Path) -> None:
    """Without --smtp: one draft per document, journaled « Préparé »; a client without an e-mail
    still gets a draft (To to fill in) and a warning."""
    ok(shop, "devis", "creer", "--client", "C00002", "--ligne", "MO-H:1", "--nature", "depannage")
    store = open_store(shop)
    docs = [mail.outgoing_for(store, "devis", "D2026-0001", [pdf_file(tmp_path)]),
            mail.outgoing_for(store, "devis", "D2026-0002", [pdf_file(tmp_path, "D2026-0002 - Sans Courriel.pdf")])]
    store.close()
    report = mail.send_documents(shop, docs, store=given(shop), as_of=AS_OF, now=NOW)
    assert [(s.channel, s.result) for s in report.sendings] == [("E-mail brouillon", "Préparé")] * 2
    assert [w.code for w in report.warnings] == ["envoi.sans_email"]
    assert all(p.suffix == ".eml" and p.is_file() for p in report.files)
    rows = journal(shop)
    assert [(r["doc"], r["recipient"], r["result"]) for r in rows] == [
        ("D2026-0001", "jean.dupont@exemple.fr", "Préparé"), ("D2026-0002", None, "Préparé")]


@pytest.mark.fichier_seul  # Excel's lock file on the workbook: file only
def test_a_locked_workbook_still_sends_and_warns(shop: Path, tmp_path: Path) -> None:
    """The journal cannot be written while Excel holds the workbook: the drafts are made, the
    workbook is left byte for byte, and the user is told."""
    store = open_store(shop)
    doc = mail.outgoing_for(store, "devis", "D2026-0001", [pdf_file(tmp_path)])
    store.close()
    lock = shop.parent / f"~${shop.name}"
    lock.write_bytes(b"x")
    before = shop.read_bytes()
    report = mail.send_documents(shop, [doc], store=given(shop), as_of=AS_OF, now=NOW)
    assert shop.read_bytes() == before
    assert report.sendings[0].draft is not None and report.sendings[0].draft.is_file()
    assert [w.code for w in report.warnings] == ["envoi.journal"]
    assert "n'ont pas pu être notés" in report.warnings[0].message


def test_journal_row_is_plain_text() -> None:
    row = mail.journal_row(now=NOW, as_of=AS_OF, doc_type="Facture", channel="E-mail brouillon", result="Préparé",
                           client_name="=cmd|' /C calc'!A0\r\nX", subject="a" * 500)
    assert row["client_name"] == "=cmd|' /C calc'!A0 X"
    assert len(row["subject"]) == 300
