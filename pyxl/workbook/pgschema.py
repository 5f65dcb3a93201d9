"""The PostgreSQL form of the workbook schema: tables, bookkeeping columns, roles, rights, triggers.

Generated from `pyxl.workbook.schema` (one declaration for every store): a table per Excel table,
its columns under their English keys (money and quantities `numeric`, dates `date`, codes and texts
`text`), plus five columns a workbook does not have — `_row` (the row's number, as the sheet row
under its header), `_version` (bumped by the database at each write), `_writer` (the database login
that wrote it last), `_written_at`, and `_change` (a stamp from one sequence at each write: what a
view workbook has not seen yet is `_change` above its last refresh's stamp, pyxl.pgview).

The database protects the legal records itself, whatever program connects:
- the application's roles have no DELETE and no TRUNCATE; a trigger refuses any DELETE anyway;
- the audit journal and the « Écritures » table (the books' entries) are insert-only: a trigger
  refuses UPDATE, and the application's roles have INSERT but no UPDATE on them (an entry is
  corrected by a new one, never rewritten);
- once a document is in the journal (issued), a trigger refuses any change to its immutable
  columns — those of every version of its audit spec, the current one and the older ones — (the
  draft-to-issued change and the state columns stay allowed), and any line added to it or changed;
- `_version`, `_writer` and `_written_at` are set by a trigger from the login, never by the client.

Roles: the migration role is the login that runs `syc base creer` / `syc migrer` (it owns the
tables); `syc_ecriture` (the assistants: read, insert, update) and `syc_lecture` (the director's
reports: read only) are group roles each person's own login belongs to.
"""

from __future__ import annotations

from typing import Any

from pyxl.workbook.schema import SCHEMA, Column, Kind, Schema, Table

WRITER_ROLE = "syc_ecriture"
READER_ROLE = "syc_lecture"
META = "syc_meta"  # key → value: schema version, shared folder
ANCHOR = "syc_ancre"  # the journal's last (seq, hash), as the anchor file beside a workbook
JOURNAL = "tJournalAudit"
FILES = "syc_fichiers"  # the legal files of the shared folder with their SHA-256 (insert-only)
ENTRIES = "tEcritures"  # the books' entries (pyxl.workbook.ledger): insert-only like the journal
# the tables the application only appends to: no UPDATE right, a trigger refusing UPDATE
APPEND_ONLY = (JOURNAL, ENTRIES)
# the base's own structure (besides the workbook schema's tables): 1 before the legal files' table,
# 2 before the « Écritures » table was made insert-only
BASE_VERSION = 3
BOOKKEEPING = ("_row", "_version", "_writer", "_written_at", "_change")

# columns the services look rows up by (rows_where): indexed besides each table's key
LOOKUPS = {
    "tInterventions": ("order", "contract"), "tClients": ("code",), "tReglements": ("invoice", "slip", "group",
    "client", "cancels"), "tReleves": ("id",), "tNotesPenalites": ("number", "client"), "tLignesDevis": ("quote",),
    "tFactures": ("origin", "number", "client", "order"), "tCommandes": ("client",), "tDevis": ("client",),
    "tLignesNotes": ("note", "invoice"), "tLignesFactures": ("source", "doc"), "tJournalAudit": ("seq", "ref"),
}


def q(name: str) -> str:
    """A quoted SQL identifier (table and column names keep their case: « tFactures », « table »)."""
    return '"' + name.replace('"', '""') + '"'


def sql_type(col: Column) -> str:
    if col.kind is Kind.INT:
        return "bigint"
    if col.kind in (Kind.MONEY, Kind.DECIMAL, Kind.RATE):
        return "numeric"
    if col.kind is Kind.DATE:
        return "date"
    return "text"


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_table(table: Table) -> list[str]:
    cols = ",\n  ".join(f"{q(c.key)} {sql_type(c)}" for c in table.columns)
    out = [f"CREATE TABLE {q(table.name)} (\n  _row integer PRIMARY KEY,\n  {cols},\n"
           "  _version integer NOT NULL DEFAULT 1,\n  _writer text NOT NULL DEFAULT session_user,\n"
           "  _written_at timestamptz NOT NULL DEFAULT now(),\n  _change bigint NOT NULL DEFAULT 0\n)"]
    indexed = {c for c in (table.key, *(LOOKUPS.get(table.name, ())),
                           *((table.audit.key, table.audit.parent) if table.audit else ())) if c}
    for t in SCHEMA.tables:  # the lines of a document are found by their document's reference
        if t.audit and t.audit.lines_table == table.name and t.audit.lines_key:
            indexed.add(t.audit.lines_key)
    for c in sorted(indexed):
        out.append(f"CREATE INDEX ON {q(table.name)} ({q(c)})")
    out.append(f"CREATE INDEX ON {q(table.name)} (_change)")  # the rows written since a view's refresh
    out.append(f"CREATE TRIGGER syc_stamp BEFORE INSERT OR UPDATE ON {q(table.name)} "
               "FOR EACH ROW EXECUTE FUNCTION syc_stamp()")
    out.append(f"CREATE TRIGGER syc_no_delete BEFORE DELETE ON {q(table.name)} "
               "FOR EACH ROW EXECUTE FUNCTION syc_no_delete()")
    out.append(f"CREATE TRIGGER syc_no_truncate BEFORE TRUNCATE ON {q(table.name)} "
               "FOR EACH STATEMENT EXECUTE FUNCTION syc_no_delete()")
    return out


COMMON_FUNCTIONS = [
    """CREATE FUNCTION syc_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    NEW._row := OLD._row;
    NEW._version := OLD._version + 1;
  ELSE
    NEW._version := 1;
  END IF;
  NEW._writer := session_user;
  NEW._written_at := now();
  NEW._change := nextval('syc_changes');
  RETURN NEW;
END $$""",
    """CREATE FUNCTION syc_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'Table % : on ne supprime aucune ligne de SYC Gestion (une pièce se corrige par un avoir, '
    'un règlement par une opération inverse).', TG_TABLE_NAME USING ERRCODE = 'P0001';
END $$""",
    """CREATE FUNCTION syc_journal_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'Journal d''audit n° % : le journal ne se modifie pas, il ne fait que s''allonger.', OLD.seq
    USING ERRCODE = 'P0001';
END $$""",
]


def files_table() -> list[str]:
    """The legal files written to the shared folder (base only): one row per file written, never
    changed nor deleted; the latest row of a path is what the file must be (`syc base verifier`)."""
    return [
        "CREATE FUNCTION syc_files_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  RAISE EXCEPTION 'Fichier % : son empreinte enregistrée ne se modifie pas ni ne se supprime.', "
        "OLD.chemin USING ERRCODE = 'P0001';\n"
        "END $$",
        f"CREATE TABLE {FILES} (_seq bigint PRIMARY KEY DEFAULT nextval('syc_changes'), chemin text NOT NULL, "
        "nature text NOT NULL, numero text NOT NULL DEFAULT '', sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'), "
        "octets bigint NOT NULL CHECK (octets >= 0), _writer text NOT NULL DEFAULT session_user, "
        "_written_at timestamptz NOT NULL DEFAULT now())",
        f"CREATE INDEX ON {FILES} (chemin, _seq)",
        f"CREATE TRIGGER syc_insert_only BEFORE UPDATE OR DELETE ON {FILES} "
        "FOR EACH ROW EXECUTE FUNCTION syc_files_insert_only()",
        f"CREATE TRIGGER syc_no_truncate BEFORE TRUNCATE ON {FILES} FOR EACH STATEMENT EXECUTE FUNCTION syc_no_delete()",
    ]


def _issued(table: Table, value: str) -> str:
    """SQL: the document of this table whose journal key is `value` is issued (in the journal)."""
    return (f"EXISTS (SELECT 1 FROM {q(JOURNAL)} j WHERE j.{q('table')} = {literal(table.name)} "
            f"AND j.ref = {value})")


def _changed(columns: list[tuple[str, str]]) -> str:
    """SQL array of the headers of the columns whose value changed."""
    cases = ", ".join(f"CASE WHEN OLD.{q(k)} IS DISTINCT FROM NEW.{q(k)} THEN {literal(header)} END"
                      for k, header in columns)
    return f"array_remove(ARRAY[{cases}]::text[], NULL)"


def protected_columns(table: Table, schema: Schema) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The columns of an issued row (and of its lines) the trigger keeps: those of every version of
    the table's audit spec, the current one and its history (a document issued under an older
    version stays fingerprinted with its columns), that the table still has."""
    spec = table.audit
    assert spec is not None
    versions = [(spec.immutable, spec.lines_immutable), *((v.immutable, v.lines_immutable) for v in spec.history)]
    keys = {c.key for c in table.columns}
    immutable = tuple(k for k in dict.fromkeys((spec.key, *(k for imm, _ in versions for k in imm))) if k in keys)
    lines: tuple[str, ...] = ()
    if spec.lines_table and spec.lines_key:
        lkeys = {c.key for c in schema.table(spec.lines_table).columns}
        lines = tuple(k for k in dict.fromkeys((spec.lines_key, *(k for _, li in versions for k in li))) if k in lkeys)
    return immutable, lines


def protect_issued(table: Table, schema: Schema) -> list[str]:
    """The trigger refusing a change to an issued document's immutable columns, and to its lines."""
    spec = table.audit
    assert spec is not None
    fn = f"syc_protect_{table.name}"
    immutable, lines_immutable = protected_columns(table, schema)
    cols = [(k, table.column(k).header) for k in immutable]
    out = [f"""CREATE FUNCTION {q(fn)}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed text[];
BEGIN
  IF OLD.{q(spec.key)} IS NOT NULL AND {_issued(table, 'OLD.' + q(spec.key) + '::text')} THEN
    changed := {_changed(cols)};
    IF cardinality(changed) > 0 THEN
      RAISE EXCEPTION '% est émis ; ses colonnes % ne se modifient plus. Établissez un avoir.',
        OLD.{q(spec.key)}, array_to_string(changed, ', ') USING ERRCODE = 'P0001';
    END IF;
  END IF;
  RETURN NEW;
END $$""",
           f"CREATE TRIGGER syc_protect BEFORE UPDATE ON {q(table.name)} FOR EACH ROW EXECUTE FUNCTION {q(fn)}()"]
    if spec.lines_table and spec.lines_key:
        lines = schema.table(spec.lines_table)
        lfn = f"syc_protect_{lines.name}"

        def issued(ref: str) -> str:
            if spec.parent == spec.key:
                return _issued(table, ref + "::text")
            return (f"EXISTS (SELECT 1 FROM {q(table.name)} p JOIN {q(JOURNAL)} j ON j.{q('table')} = "
                    f"{literal(table.name)} AND j.ref = p.{q(spec.key)}::text WHERE p.{q(spec.parent)} = {ref})")

        lcols = [(k, lines.column(k).header) for k in lines_immutable]
        out += [f"""CREATE FUNCTION {q(lfn)}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.{q(spec.lines_key)} IS NOT NULL AND {issued('NEW.' + q(spec.lines_key))} THEN
      RAISE EXCEPTION '% est émis ; on ne lui ajoute plus de ligne. Établissez un avoir ou une nouvelle pièce.',
        NEW.{q(spec.lines_key)} USING ERRCODE = 'P0001';
    END IF;
  ELSIF cardinality({_changed(lcols)}) > 0 AND (
        (OLD.{q(spec.lines_key)} IS NOT NULL AND {issued('OLD.' + q(spec.lines_key))})
        OR (NEW.{q(spec.lines_key)} IS NOT NULL AND {issued('NEW.' + q(spec.lines_key))})) THEN
    RAISE EXCEPTION 'Cette ligne appartient à %, qui est émis ; elle ne se modifie plus. Établissez un avoir.',
      OLD.{q(spec.lines_key)} USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END $$""",
                f"CREATE TRIGGER syc_protect BEFORE INSERT OR UPDATE ON {q(lines.name)} "
                f"FOR EACH ROW EXECUTE FUNCTION {q(lfn)}()"]
    return out


def statements(schema: Schema = SCHEMA) -> list[str]:
    """Everything `syc base creer` runs in an empty database (one transaction)."""
    out = ["CREATE SEQUENCE syc_changes", *COMMON_FUNCTIONS]
    out.append(f"CREATE TABLE {META} (cle text PRIMARY KEY, valeur text NOT NULL)")
    out.append(f"CREATE TABLE {ANCHOR} (id integer PRIMARY KEY CHECK (id = 1), seq integer NOT NULL, "
               "hash text NOT NULL, _writer text NOT NULL DEFAULT session_user, "
               "_written_at timestamptz NOT NULL DEFAULT now())")
    out += files_table()
    for table in schema.tables:
        out += create_table(table)
    out += journal_protection()
    out += entries_protection(schema)
    for table in schema.audited:
        out += protect_issued(table, schema)
    out += grants(schema)
    return out


def journal_protection() -> list[str]:
    return [f"CREATE INDEX ON {q(JOURNAL)} ({q('table')}, ref)",
            f"CREATE TRIGGER syc_insert_only BEFORE UPDATE ON {q(JOURNAL)} "
            "FOR EACH ROW EXECUTE FUNCTION syc_journal_insert_only()"]


def entries_protection(schema: Schema = SCHEMA) -> list[str]:
    """The « Écritures » table insert-only, like the journal: a validated entry is never rewritten
    (its correction is a new entry). Idempotent: `syc migrer --base` runs it again on an older base."""
    if ENTRIES not in {t.name for t in schema.tables}:
        return []
    return [
        """CREATE OR REPLACE FUNCTION syc_entries_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'Écriture % : une écriture enregistrée ne se modifie pas ; une correction passe par une '
    'nouvelle écriture (avoir, opération inverse).', OLD.num USING ERRCODE = 'P0001';
END $$""",
        f"DROP TRIGGER IF EXISTS syc_insert_only ON {q(ENTRIES)}",
        f"CREATE TRIGGER syc_insert_only BEFORE UPDATE ON {q(ENTRIES)} "
        "FOR EACH ROW EXECUTE FUNCTION syc_entries_insert_only()",
    ]


def grants(schema: Schema = SCHEMA) -> list[str]:
    data = ", ".join(q(t.name) for t in schema.tables if t.name not in APPEND_ONLY)
    appended = ", ".join(q(t.name) for t in schema.tables if t.name in APPEND_ONLY)
    every = ", ".join([*(q(t.name) for t in schema.tables), META, ANCHOR])
    return [
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {appended} FROM {WRITER_ROLE}, {READER_ROLE}",  # an older base's
        f"GRANT USAGE ON SCHEMA public TO {WRITER_ROLE}, {READER_ROLE}",
        f"GRANT SELECT ON {every} TO {WRITER_ROLE}, {READER_ROLE}",
        f"GRANT INSERT, UPDATE ON {data} TO {WRITER_ROLE}",
        f"GRANT INSERT ON {appended} TO {WRITER_ROLE}",
        f"GRANT INSERT, UPDATE ON {ANCHOR} TO {WRITER_ROLE}",
        f"GRANT SELECT ON {FILES} TO {WRITER_ROLE}, {READER_ROLE}",
        f"GRANT INSERT ON {FILES} TO {WRITER_ROLE}",
        f"GRANT USAGE ON SEQUENCE syc_changes TO {WRITER_ROLE}",
        f"GRANT SELECT ON SEQUENCE syc_changes TO {WRITER_ROLE}, {READER_ROLE}",
    ]


def create_roles(conn: Any) -> None:
    """The two group roles (cluster-wide: made once, whatever the number of databases)."""
    for role in (WRITER_ROLE, READER_ROLE):
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
            conn.execute(f"CREATE ROLE {role} NOLOGIN")
