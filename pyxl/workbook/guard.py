"""The audit guard every store shares: values canonical as they will be read back, issued rows
and their lines untouched, the journal extended (and its recent tail checked) for each issued
document, the chronology of each series, and the whole check of `syc verifier`.

A store composes it (`AuditGuard(store)`) and gives it reads only: the guard never writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from pyxl.core import audit
from pyxl.core.frformat import date_fr
from pyxl.core.issues import Issue, Refused
from pyxl.workbook import derived, ledger
from pyxl.workbook.cells import canonical
from pyxl.workbook.schema import Schema, Table
from pyxl.workbook.store import ChangeSet, Row, Store, entries_of, pick, refuse_stale

JOURNAL_CHECKED = 50  # journal rows whose chain every issue re-checks (the daily closure checks them all)
JOURNAL_SEARCHED = 3200  # journal rows searched for a table's latest issue before reading the table


class GuardedStore(Store, Protocol):
    """A store the guard can read, with its audit anchor."""

    def read_anchor(self) -> tuple[int, str] | None: ...


class AuditGuard:
    def __init__(self, store: GuardedStore):
        self.store = store
        self.new_tail: audit.Entry | None = None  # the journal's last row once the planned change set is written

    @property
    def schema(self) -> Schema:
        return self.store.schema

    def check_tail(self, entries: Sequence[audit.Entry]) -> list[Issue]:
        """What issuing needs of the journal: its last rows (JOURNAL_CHECKED) chained and intact, the
        last one the same as the anchor file. The whole chain is checked by `verify` (syc verifier)
        and before every daily closure: an older row edited is caught there."""
        issues = audit.verify_chain(entries, segment=True)
        if issues:
            return issues

        def entry(seq: int) -> audit.Entry | None:
            found = entries_of(self.store.rows_where("tJournalAudit", "seq", {str(seq)}))
            return next((e for e in found if e.seq == seq), None)

        return self.anchor_issues(entries[-1] if entries else None, entry)

    def doc(self, table: Table, row: Mapping[str, Any], where: str, lines_by_ref: Mapping[str, list],
            version: int | None = None) -> audit.IssuedDoc:
        """The row as the verifier sees it, fingerprinted with the columns of its audit spec's
        `version` (the one its journal row records; None: the current one). A version this code
        does not know gives an empty fingerprint, which matches nothing."""
        return _issued(table, row, where, pick(row, _asked(table)), _columns_of(table, version), lines_by_ref)

    def check_issued(self, name: str, rows: Sequence[Row], journal: Sequence[audit.Entry], consequence: str) -> None:
        """Refuse, naming the row, if one of these issued rows no longer matches its fingerprint in
        the journal (a value typed over in the sheet). `consequence`: what is refused, in French."""
        table = self.schema.table(name)
        spec = table.audit
        assert spec is not None
        latest = audit.latest_by_doc(journal)
        lines = self.lines_by_ref(table, refs={str(r.get(spec.parent) or "") for r in rows})
        for r in rows:
            ref = str(r.get(spec.key) or "")
            e = latest.get((name, ref))
            if e is not None and self.doc(table, r.values, r.where, lines, e.spec).doc_hash != e.doc_hash:
                raise Refused(Issue(
                    "audit.edited",
                    f"{r.where} : {ref} a été modifié après son émission ; {consequence}. Lancez « syc verifier » "
                    "puis restaurez une sauvegarde (syc sauvegardes restaurer).", r.where))

    def lines_by_ref(self, table: Table, extra: Sequence[Mapping[str, Any]] = (),
                      refs: set[str] | None = None) -> dict[str, list]:
        """Lines of the table's documents by document reference (only those of `refs` if given)."""
        spec = table.audit
        if not spec or not spec.lines_table or not spec.lines_key:
            return {}
        found = (self.store.rows(spec.lines_table) if refs is None
                 else self.store.rows_where(spec.lines_table, spec.lines_key, refs))
        out: dict[str, list] = {}
        for r in [*(x.values for x in found), *extra]:
            out.setdefault(str(r.get(spec.lines_key) or ""), []).append(r)
        return out

    def verify(self) -> list[Issue]:
        """Everything `syc verifier` checks: the journal chain and every audited document."""
        entries = self.store.journal()
        issues = audit.verify_chain(entries)
        issues += self.unknown_specs(entries)
        latest = audit.latest_by_doc(entries)
        docs = []
        for table in self.schema.audited:
            spec = table.audit
            assert spec is not None
            docs += self._docs(table, latest)
            for name in (table.name, spec.lines_table):  # one document table in memory at a time
                if name and name != "tJournalAudit":
                    self.store.release(name)
        sheet_of = {t.name: t.sheet for t in self.schema.audited}
        issues += audit.verify_documents(entries, docs, sheet_of)
        issues += self.chronology(entries)
        issues += self.check_anchor(entries)
        return issues

    def _docs(self, table: Table, latest: Mapping[tuple[str, str], audit.Entry]) -> list[audit.IssuedDoc]:
        """`doc` of every row of an audited table, each fingerprinted with the spec version of its
        latest journal row: the cells each row needs read in one call, each version's columns found
        once, nothing kept in the rows (`syc verifier` on ten years of documents)."""
        name = table.name
        lines = self.lines_by_ref(table)
        asked = _asked(table)
        columns: dict[int | None, tuple[Sequence[str], Sequence[str]]] = {}
        out = []
        for r in self.store.rows(name):
            values = r.values
            cells = pick(values, asked)
            e = latest.get((name, str(cells[0] or "")))
            version = e.spec if e else None
            if version not in columns:
                columns[version] = _columns_of(table, version)
            out.append(_issued(table, values, r.where, cells, columns[version], lines))
        return out

    def unknown_specs(self, entries: Sequence[audit.Entry]) -> list[Issue]:
        """Journal rows made with an audit spec version this code does not know (a newer SYC Gestion)."""
        issues = []
        for e in entries:
            try:
                spec = self.schema.table(e.table).audit
            except KeyError:
                continue
            if spec is None:
                continue
            try:
                spec.columns_of(e.spec)
            except KeyError:
                issues.append(Issue(
                    "audit.spec",
                    f"Journal d'audit n° {e.seq} ({e.ref}) : son empreinte a été faite selon la version {e.spec} "
                    "des règles d'empreinte, que cette version de SYC Gestion ne connaît pas. Mettez SYC Gestion "
                    "à jour avant de vérifier ce classeur.", e.where))
        return issues

    def check_anchor(self, entries: Sequence[audit.Entry]) -> list[Issue]:
        """The journal's tail against the anchor kept beside the workbook: deleting the last
        document together with its last journal row leaves no gap inside the chain itself."""
        by_seq = {e.seq: e for e in entries}
        return self.anchor_issues(entries[-1] if entries else None, by_seq.get)

    def anchor_issues(self, tail: audit.Entry | None, entry: Any) -> list[Issue]:
        """`entry(seq)` gives the journal row of that number (or None)."""
        anchor = self.store.read_anchor()
        if anchor is None:
            return []
        seq, hash_ = anchor
        last = tail.seq if tail else 0
        if seq > last:
            return [Issue(
                "audit.truncated",
                f"Journal d'audit : il s'arrête au n° {last} alors que le n° {seq} a été enregistré "
                "(lignes supprimées en fin de journal, avec leurs pièces ?). Restaurez une sauvegarde "
                "(syc sauvegardes restaurer).", "Journal d'audit",
            )]
        at = tail if tail is not None and tail.seq == seq else entry(seq)
        if at is not None and at.hash != hash_:
            return [Issue(
                "audit.anchor",
                f"Journal d'audit n° {seq} : son empreinte ne correspond plus à celle enregistrée à côté du "
                "classeur (journal réécrit ?). Restaurez une sauvegarde (syc sauvegardes restaurer).",
                at.where,
            )]
        return []

    def chronology(self, entries: Sequence[audit.Entry]) -> list[Issue]:
        issues = []
        last: dict[str, audit.Entry] = {}
        for e in entries:
            if e.action == audit.CARRY_ACTION:  # repeats a row now archived, in its original order
                continue
            p = last.get(e.table)
            if e.as_of is None:
                issues.append(Issue("audit.entry", f"Journal d'audit n° {e.seq} ({e.ref}) : la date d'effet a été "
                                                    "effacée.", e.where))
                continue
            if p is not None and p.as_of is not None and e.as_of < p.as_of and e.action == p.action:
                issues.append(Issue(
                    "audit.order",
                    f"Journal d'audit n° {e.seq} : {e.ref} est daté du {date_fr(e.as_of)}, avant {p.ref} "
                    f"({date_fr(p.as_of)}) : la chronologie des pièces est rompue.",
                    e.where,
                ))
            last[e.table] = e
        return issues


    def plan(self, changes: ChangeSet, as_of: dt.date, now: dt.datetime) -> ChangeSet:
        """What will be written, checked: values as they will be read back, issued rows untouched,
        the audit journal extended for the documents issued. Shared by every store."""
        self.new_tail = None
        refuse_stale(self.store, changes)
        changes = derived.complete(self.store, self.canonical_changes(changes))
        ledger.book(self.store, changes, as_of)  # the entries of what it books (« Écritures »)
        self.guard_issued_updates(changes)
        if changes.issued:
            self.extend_journal(changes, as_of, now)
        return changes


    def canonical_changes(self, changes: ChangeSet) -> ChangeSet:
        """A copy of the change set holding each value as it will be read back from the file, so
        that what is fingerprinted at issue is exactly what `verify` will recompute."""

        def canon(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
            out = {}
            for k, v in values.items():
                col = table.column(k)
                try:
                    out[k] = canonical(col, v)
                except (ValueError, TypeError) as exc:
                    raise Refused(Issue(
                        "store.value", f"Feuille « {table.sheet} », colonne « {col.header} » : {exc}.", table.sheet,
                    )) from None
            return out

        return ChangeSet(
            {k: [canon(self.schema.table(k), r) for r in v] for k, v in changes.appends.items()},
            {k: [(n, canon(self.schema.table(k), r)) for n, r in v] for k, v in changes.updates.items()},
            list(changes.issued),
            dict(changes.read_versions),
        )

    def guard_issued_updates(self, changes: ChangeSet) -> None:
        """Before touching an issued row or its lines: the document must still match the chain,
        its immutable columns stay as they are, and no line is added to it."""
        self.guard_issued_lines(changes)
        updates = {n: u for n, u in changes.updates.items() if self.schema.table(n).audit}
        if not updates:
            return
        keys: set[str] = set()
        touched_rows: dict[str, dict[int, Row]] = {}
        for name, ups in updates.items():
            spec = self.schema.table(name).audit
            assert spec is not None
            rows = touched_rows[name] = self.store.rows_at(name, {n for n, _ in ups})
            keys |= {str(rows[n].get(spec.key) or "") for n, _ in ups if n in rows}
        latest = audit.latest_by_doc(self.store.journal_for(keys))
        for name, ups in updates.items():
            table = self.schema.table(name)
            spec = table.audit
            assert spec is not None
            rows = touched_rows[name]
            touched_refs = {str(rows[n].get(spec.parent) or "") for n, _ in ups if n in rows}
            lines = self.lines_by_ref(table, refs=touched_refs)
            for rownum, values in ups:
                r = rows.get(rownum)
                if r is None:
                    continue
                ref = str(r.get(spec.key) or "")
                e = latest.get((name, ref))
                if e is None:
                    continue
                doc = self.doc(table, r.values, r.where, lines, e.spec)
                if doc.doc_hash != e.doc_hash:
                    raise Refused(Issue(
                        "audit.edited",
                        f"{r.where} : {ref} a été modifié après son émission ; action refusée. "
                        "Lancez « syc verifier » puis restaurez une sauvegarde (syc sauvegardes restaurer).",
                        r.where,
                    ))
                # rewriting an immutable column with the value it already has is harmless
                try:
                    immutable = spec.columns_of(e.spec)[0]
                except KeyError:
                    immutable = spec.immutable
                touched = {k for k in set(values) & set(immutable)
                           if audit.normalise(values[k]) != audit.normalise(r.get(k))}
                if touched:
                    raise Refused(Issue(
                        "audit.immutable",
                        f"{r.where} : {ref} est émis ; ses colonnes "
                        f"{', '.join(table.column(k).header for k in sorted(touched))} ne se modifient plus. "
                        "Établissez un avoir.",
                        r.where,
                    ))

    def guard_issued_lines(self, changes: ChangeSet) -> None:
        parents = [t for t in self.schema.audited if t.audit and t.audit.lines_table
                   and (t.audit.lines_table in changes.updates or t.audit.lines_table in changes.appends)]
        if not parents:
            return
        for table in parents:
            spec = table.audit
            assert spec is not None and spec.lines_table and spec.lines_key
            rows = {r.row: r for r in self.store.rows(spec.lines_table)} if changes.updates.get(spec.lines_table) else {}
            refs = {str(v.get(spec.lines_key) or "") for v in changes.appends.get(spec.lines_table, [])}
            for rownum, values in changes.updates.get(spec.lines_table, []):
                if rownum in rows:
                    refs |= {str(rows[rownum].get(spec.lines_key) or ""),
                             str(values.get(spec.lines_key, rows[rownum].get(spec.lines_key)) or "")}
            refs.discard("")
            if spec.parent != spec.key:  # lines point to another column of the document (a draft's ref)
                parents_rows = self.store.rows_where(table.name, spec.parent, refs) if refs else []
                journaled = {ref for (name, ref) in audit.latest_by_doc(self.store.journal_for(
                    {str(r.get(spec.key) or "") for r in parents_rows})) if name == table.name}
                issued = {str(r.get(spec.parent) or "") for r in parents_rows
                          if str(r.get(spec.key) or "") in journaled}
            else:
                issued = {ref for (name, ref) in audit.latest_by_doc(self.store.journal_for(refs)) if name == table.name}
            lines_table = self.schema.table(spec.lines_table)
            for values in changes.appends.get(spec.lines_table, []):
                ref = str(values.get(spec.lines_key) or "")
                if ref in issued:
                    raise Refused(Issue(
                        "audit.immutable",
                        f"{lines_table.sheet} : {ref} est émis ; on ne lui ajoute plus de ligne. Établissez un avoir "
                        "ou une nouvelle pièce.", lines_table.sheet,
                    ))
            for rownum, values in changes.updates.get(spec.lines_table, []):
                r = rows.get(rownum)
                if r is None:
                    continue
                refs = {str(r.get(spec.lines_key) or ""), str(values.get(spec.lines_key, r.get(spec.lines_key)) or "")}
                touched = set(values) & {*spec.lines_immutable, spec.lines_key}
                if refs & issued and touched:
                    raise Refused(Issue(
                        "audit.immutable",
                        f"{r.where} : cette ligne appartient à {', '.join(sorted(refs & issued))}, qui est émis ; "
                        "elle ne se modifie plus. Établissez un avoir.", r.where,
                    ))

    def extend_journal(self, changes: ChangeSet, as_of: dt.date, now: dt.datetime) -> None:
        recent = self.store.recent_journal()
        tail = recent[-1] if recent else None
        broken = self.check_tail(recent)
        if broken:
            raise Refused([*broken, Issue(
                "audit.refused",
                "Le journal d'audit est altéré : aucune pièce ne peut être émise. Lancez « syc verifier » "
                "et restaurez une sauvegarde (syc sauvegardes restaurer).",
                "Journal d'audit",
            )])
        prev = tail
        stamp = now.replace(microsecond=0).isoformat()
        latest_dates: dict[str, tuple[str, dt.date | None]] = {}
        for table_name, ref, action in changes.issued:
            table = self.schema.table(table_name)
            spec = table.audit
            if spec is None:
                raise ValueError(f"{table_name} is not audited")
            row = self.row_after(changes, table, ref)
            parent = str(row.get(spec.parent) or "")
            extra = [
                r for r in changes.appends.get(spec.lines_table or "", [])
                if str(r.get(spec.lines_key or "") or "") == parent
            ]
            lines = self.lines_by_ref(table, extra, refs={parent}).get(parent, [])
            h = audit.document_hash(table_name, ref, row, spec.immutable, lines, spec.lines_immutable)  # current spec
            doc_date = row.get(spec.date_column) if spec.date_column else None
            if table_name not in latest_dates:
                last = next((e for e in reversed(recent) if e.table == table_name), None)
                latest_dates[table_name] = (last.ref, last.as_of) if last else self.latest_issued(table)
            last_ref, last_date = latest_dates[table_name]
            if last_date is not None and (doc_date or as_of) < last_date:
                raise Refused(Issue(
                    "audit.order",
                    f"{table.sheet} : {ref} serait daté du {date_fr(doc_date or as_of)}, avant {last_ref} "
                    f"({date_fr(last_date)}). Les pièces se suivent dans l'ordre chronologique : "
                    "datez-la au plus tôt de ce jour-là.", table.sheet,
                ))
            latest_dates[table_name] = (ref, doc_date or as_of)
            entry = audit.next_entry(prev, stamp, doc_date or as_of, action, table_name, ref, h, spec.version)
            changes.append("tJournalAudit", {
                "seq": entry.seq, "timestamp": entry.timestamp, "as_of": entry.as_of, "action": entry.action,
                "table": entry.table, "ref": entry.ref, "doc_hash": entry.doc_hash,
                "prev_hash": entry.prev_hash, "hash": entry.hash, "spec": entry.spec,
            })
            prev = entry
        self.new_tail = prev

    def latest_issued(self, table: Table) -> tuple[str, dt.date | None]:
        """The reference and date of the table's most recent issued row (chronology of a series).

        Found in the journal's tail first, read backwards in growing steps (after a month of daily
        closures the last rows hold no invoice): each issue's journal row carries the document's
        date, and dates only grow within a table. The whole table is read only when the journal's
        last JOURNAL_SEARCHED rows hold no row of it."""
        spec = table.audit
        assert spec is not None
        if not spec.date_column:
            return "", None
        n = JOURNAL_CHECKED
        while n < JOURNAL_SEARCHED:
            n *= 8
            entries = entries_of(self.store.tail("tJournalAudit", n))
            mine = [e for e in entries if e.table == table.name and e.as_of is not None]
            if mine:
                last = max(mine, key=lambda e: (e.as_of, e.seq))
                return last.ref, last.as_of
            if len(entries) < n:
                break  # the whole journal was read: nothing of this table was ever issued
        best: tuple[str, dt.date | None] = ("", None)
        for r in self.store.rows(table.name):
            if spec.issued_column and str(r.get(spec.issued_column) or "") not in spec.issued_values:
                continue
            d = r.get(spec.date_column)
            if isinstance(d, dt.date) and (best[1] is None or d > best[1]):
                best = (str(r.get(spec.key) or ""), d)
        return best

    def row_after(self, changes: ChangeSet, table: Table, ref: str) -> dict[str, Any]:
        """The document's row as it will be once the change set is applied."""
        assert table.audit is not None
        key = table.audit.key
        for r in changes.appends.get(table.name, []):
            if str(r.get(key) or "") == ref:
                return {c.key: r.get(c.key) for c in table.columns}
        updates: dict[int, dict[str, Any]] = {}
        for rownum, upd in changes.updates.get(table.name, []):
            updates.setdefault(rownum, {}).update(upd)
        for rownum, row in self.store.rows_at(table.name, set(updates)).items():  # a draft issued: its row is updated
            values = {**row.values, **updates[rownum]}
            if str(values.get(key) or "") == ref:
                return values
        for row in self.store.rows(table.name):
            values = {**row.values, **updates.get(row.row, {})}  # a draft gets its number at issue
            if str(values.get(key) or "") == ref:
                return values
        raise ValueError(f"{table.name}: {ref} not in the change set nor in the table")


def _asked(table: Table) -> tuple[str, str, str, str]:
    """The cells `_issued` reads of an audited row: its key, the column its lines point to, its
    state and its date (the key where the spec has no such column: read, then not used)."""
    spec = table.audit
    assert spec is not None
    return spec.key, spec.parent, spec.issued_column or spec.key, spec.date_column or spec.key


def _columns_of(table: Table, version: int | None) -> tuple[Sequence[str], Sequence[str]]:
    """The fingerprinted columns of that version of the table's audit spec; none for a version this
    code does not know (an empty fingerprint, which matches nothing)."""
    spec = table.audit
    assert spec is not None
    try:
        return spec.columns_of(version)
    except KeyError:
        return (), ()


def _issued(table: Table, row: Mapping[str, Any], where: str, cells: Sequence[Any],
            columns: tuple[Sequence[str], Sequence[str]], lines_by_ref: Mapping[str, list]) -> audit.IssuedDoc:
    """`AuditGuard.doc` of a row whose `_asked` cells are read and its version's columns found."""
    spec = table.audit
    assert spec is not None
    key, parent, state, day = cells
    ref = str(key or "")
    immutable, lines_immutable = columns
    lines = lines_by_ref.get(str(parent or ""), []) if spec.lines_table else []
    return audit.IssuedDoc(
        table=table.name,
        ref=ref,
        doc_hash=(audit.document_hash(table.name, ref, row, immutable, lines, lines_immutable) if immutable else ""),
        date=day if spec.date_column else None,
        where=where,
        issued=str(state or "") in spec.issued_values if spec.issued_column else True,
    )
