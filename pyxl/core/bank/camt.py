"""CAMT.053 (ISO 20022 bank-to-customer statement), versions .001.02 to .001.08, read with lxml
whatever the namespace prefix: the elements read kept their names and places across these
versions, except the status (`<Sts>BOOK</Sts>`, then `<Sts><Cd>BOOK</Cd></Sts>` from .001.05 on)
and the parties (`<Dbtr><Nm>`, then `<Dbtr><Pty><Nm>` from .001.08), both read in either form.

One `StatementLine` per entry (Ntry), never per transaction detail (TxDtls): a cheque deposit
booked as one entry with ten cheques in its details is one line, the one a deposit slip's total
is matched against. pycamt was not used: it returns one row per TxDtls, amounts as text, no line
numbers for messages, and recognises only some versions (see docs/releves-bancaires.md)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from lxml import etree

from pyxl.core.bank.model import Format, Statement, StatementLine, refuse
from pyxl.core.bank.text import parse_amount, parse_date

_NS = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:(camt\.\d{3})\.001\.(\d{2})$")
VERSIONS = tuple(f"{v:02d}" for v in range(2, 9))


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _strip_namespaces(root: etree._Element) -> None:
    for el in root.iter():
        if isinstance(el.tag, str):
            el.tag = _local(el.tag)


def _text(el: etree._Element | None, path: str) -> str | None:
    if el is None:
        return None
    found = el.find(path)
    if found is None or found.text is None or not found.text.strip():
        return None
    return " ".join(found.text.split())


def _date(el: etree._Element | None, source: str) -> date | None:
    """An ISO 20022 `DateAndDateTimeChoice` (Dt or DtTm)."""
    if el is None:
        return None
    for name in ("Dt", "DtTm"):
        sub = el.find(name)
        if sub is not None and sub.text:
            return parse_date(sub.text.strip()[:10], source, sub.sourceline or 0)
    return None


def _amount(entry: etree._Element, source: str) -> tuple[Decimal, str]:
    amt = entry.find("Amt")
    if amt is None or amt.text is None:
        raise refuse("releve.camt.champ", source, entry.sourceline, field="Amt")
    value = parse_amount(amt.text, source, amt.sourceline or 0)
    sign = _text(entry, "CdtDbtInd")
    if sign not in ("CRDT", "DBIT"):
        raise refuse("releve.camt.champ", source, entry.sourceline, field="CdtDbtInd")
    return (value if sign == "CRDT" else -value), amt.get("Ccy", "")


def _account(stmt: etree._Element) -> str:
    return (_text(stmt, "Acct/Id/IBAN") or _text(stmt, "Acct/Id/Othr/Id") or "").replace(" ", "")


def _balance(stmt: etree._Element, codes: tuple[str, ...], source: str) -> Decimal | None:
    for code in codes:
        for bal in stmt.findall("Bal"):
            if _text(bal, "Tp/CdOrPrtry/Cd") == code or _text(bal, "Tp/CdOrPrtry/Prtry") == code:
                value, _ = _amount(bal, source)
                return value
    return None


def _party(details: etree._Element | None, role: str) -> tuple[str | None, str | None]:
    if details is None:
        return None, None
    name = _text(details, f"RltdPties/{role}/Nm") or _text(details, f"RltdPties/{role}/Pty/Nm")
    iban = _text(details, f"RltdPties/{role}Acct/Id/IBAN")
    return name, (iban.replace(" ", "") if iban else None)


def _entry(entry: etree._Element, account: str, currency: str, source: str) -> StatementLine | None:
    status = _text(entry, "Sts") or _text(entry, "Sts/Cd")
    if status not in (None, "BOOK"):
        return None  # pending or information only: not yet on the account
    amount, ccy = _amount(entry, source)
    booked = _date(entry.find("BookgDt"), source)
    value = _date(entry.find("ValDt"), source)
    if booked is None and value is None:
        raise refuse("releve.camt.champ", source, entry.sourceline, field="BookgDt")
    details = entry.find("NtryDtls/TxDtls")
    name, iban = _party(details, "Dbtr" if amount > 0 else "Cdtr")
    texts: list[str] = []
    for path in ("AddtlNtryInf", "NtryDtls/TxDtls/RmtInf/Ustrd", "NtryDtls/TxDtls/AddtlTxInf"):
        for el in entry.findall(path):
            if el.text and el.text.strip():
                t = " ".join(el.text.split())
                if t not in texts:
                    texts.append(t)
    if name and not any(name in t for t in texts):
        texts.append(name)
    e2e = _text(details, "Refs/EndToEndId")
    reference = (e2e if e2e and e2e.upper() != "NOTPROVIDED" else None) or _text(
        details, "RmtInf/Strd/CdtrRefInf/Ref")
    if reference and not any(reference in t for t in texts):
        texts.append(reference)
    return StatementLine(
        account=account, booking_date=booked or value, value_date=value,  # type: ignore[arg-type]
        amount=amount, currency=ccy or currency, label=" ".join(texts),
        bank_id=_text(entry, "AcctSvcrRef") or _text(entry, "NtryRef"),
        counterparty_name=name, counterparty_iban=iban, reference=reference,
        source_format=Format.CAMT, source_line=entry.sourceline or 0, bank_code=_bank_code(entry, details))


def _bank_code(entry: etree._Element, details: etree._Element | None) -> str | None:
    """« CAMT:PMNT/RCDT/ESCT » from BkTxCd (the transaction's own, else the entry's), or its
    proprietary code (« CAMT:05 »)."""
    for where in (details, entry):
        if where is None:
            continue
        domain = _text(where, "BkTxCd/Domn/Cd")
        if domain:
            parts = [domain, _text(where, "BkTxCd/Domn/Fmly/Cd"), _text(where, "BkTxCd/Domn/Fmly/SubFmlyCd")]
            return "CAMT:" + "/".join(p for p in parts if p)
        own = _text(where, "BkTxCd/Prtry/Cd")
        if own:
            return f"CAMT:{own}"
    return None


def version_of(root: etree._Element) -> tuple[str, str] | None:
    """('camt.053', '08') from the document's namespace, None when it has none."""
    m = _NS.match(etree.QName(root).namespace or "")
    return (m.group(1), m.group(2)) if m else None


def parse_camt(data: bytes, source: str) -> tuple[Statement, ...]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else 0)
        raise refuse("releve.xml", source, line, error=str(exc.msg or exc)) from exc
    except ValueError as exc:  # unknown encoding declared
        raise refuse("releve.encodage", source, 1) from exc
    version = version_of(root)
    if version is None or version[0] != "camt.053" or _local(root.tag) != "Document":
        found = f"{version[0]}.001.{version[1]}" if version else (etree.QName(root).namespace or _local(root.tag))
        raise refuse("releve.camt.pas053", source, root.sourceline, found=found)
    if version[1] not in VERSIONS:
        raise refuse("releve.camt.version", source, root.sourceline, version=f"camt.053.001.{version[1]}")
    _strip_namespaces(root)
    statements = root.findall("BkToCstmrStmt/Stmt")
    if not statements:
        raise refuse("releve.camt.champ", source, root.sourceline, field="BkToCstmrStmt/Stmt")
    out = []
    for stmt in statements:
        account = _account(stmt)
        if not account:
            raise refuse("releve.camt.champ", source, stmt.sourceline, field="Acct/Id")
        currency = _text(stmt, "Acct/Ccy") or "EUR"
        lines = tuple(line for e in stmt.findall("Ntry") if (line := _entry(e, account, currency, source)))
        period = stmt.find("FrToDt")
        start = end = None
        if period is not None:
            for name in ("FrDtTm", "FrDt"):
                t = _text(period, name)
                if t:
                    start = parse_date(t[:10], source, period.sourceline or 0)
            for name in ("ToDtTm", "ToDt"):
                t = _text(period, name)
                if t:
                    end = parse_date(t[:10], source, period.sourceline or 0)
        out.append(Statement(
            account=account, currency=currency, lines=lines, source_format=Format.CAMT,
            period_start=start, period_end=end,
            opening_balance=_balance(stmt, ("OPBD", "PRCD"), source),
            closing_balance=_balance(stmt, ("CLBD",), source), source=source))
    return tuple(out)
