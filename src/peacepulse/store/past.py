"""The store as it stood at a moment: the same public views, over the history written up to then.

A connection "as of" a moment is an in-memory database with the store attached read-only as ``past``.
Each storage table of the store is a view of the same name in it, holding what the store held then:
only the batches uploaded at or before the moment count, and of each row the latest revision they
wrote. The store's own views and macros are then created over those names, unchanged, so every
query, page and analyst's SQL reads the past exactly as it reads the present. Where a view counts
days up to today (staleness, overdue), today is the day of the moment.

Reads as of a moment compute from the full history on every query, so they cost more than reads of
today, which use rollup tables kept at upload.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import duckdb

from . import rollups

OBSERVATION_KEY = "mission, indicator, period, sex, age, location"


class Outdated(Exception):
    """The store was last written by a version that kept no versions of its catalogue: it needs upgrading."""


def _kept(table: str) -> str:
    return f"SELECT * FROM past.{table} WHERE batch_id IN (SELECT batch_id FROM batch)"


def _latest(table: str, key: str) -> str:
    return f"SELECT * FROM {table} QUALIFY revision = max(revision) OVER (PARTITION BY {key})"


def _catalogue(history: str, key: str) -> str:
    """A catalogue table as it stood: the latest version written by then, or, for an entry whose versions
    were not kept (written before versions were), the entry itself when its batch counts."""
    return f"""SELECT * EXCLUDE (revision, recorded_at) FROM past.{history}
               WHERE batch_id IS NULL OR batch_id IN (SELECT batch_id FROM batch)
               QUALIFY revision = max(revision) OVER (PARTITION BY {key})"""


# Every storage table whose rows came with a batch, as it stood at :moment. A table not named here is
# read as it is now (themes, status rules, reporting cycles): a test checks that each of those has no
# batch of its own.
TABLES: dict[str, str] = {
    "batch": "SELECT * FROM past.batch WHERE uploaded_at <= $moment",
    "observation_revision": _kept("observation_revision"),
    "observation_current": _latest("observation_revision", OBSERVATION_KEY),
    "target_revision": _kept("target_revision"),
    "assessment_revision": _kept("assessment_revision"),
    "recommendation_revision": _kept("recommendation_revision"),
    "assessment_evidence": """SELECT e.* FROM past.assessment_evidence e
                              SEMI JOIN assessment_revision a USING (mission, theme, period, revision)""",
    "indicator_revision": _kept("indicator_revision"),
    "mission_revision": _kept("mission_revision"),
    "indicator": _catalogue("indicator_revision", "code"),
    "mission": _catalogue("mission_revision", "code"),
    "signal_ack": "SELECT * FROM past.signal_ack WHERE acknowledged_at <= $moment",
    **rollups.FULL,
}

_TODAY = re.compile(r"\bcurrent_date\b", re.IGNORECASE)


def end_of_day(day: date) -> datetime:
    """The last moment of a day (UTC), as stored timestamps count it."""
    return datetime.combine(day + timedelta(days=1), time()) - timedelta(microseconds=1)


def parse(text: str) -> datetime:
    """An as-of moment from the command line or a URL: a date (YYYY-MM-DD, meaning the end of that day,
    UTC) or a UTC timestamp (2026-03-31T14:05:00, seconds optional). ValueError says what is accepted."""
    given = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", given):
            return end_of_day(date.fromisoformat(given))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?Z?", given):
            return datetime.fromisoformat(given.rstrip("Z").replace(" ", "T"))
    except ValueError:
        pass
    raise ValueError(f"'{text}' is not a date or a time: give a date such as 2026-03-31 (the end of that "
                     "day, UTC) or a UTC time such as 2026-03-31T14:05:00.")


def label(moment: datetime) -> str:
    """How a moment is shown: the day alone for the end of a day, else the time to the second."""
    if moment == end_of_day(moment.date()):
        return moment.date().isoformat()
    return moment.isoformat(" ", "seconds") + " UTC"


READING = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN, duckdb.StatementType.PRAGMA,
           duckdb.StatementType.COPY}


def refuse_writes(sql: str) -> None:
    """The store of the past is rebuilt in memory, where a write would succeed and then vanish: refuse
    it (ValueError), as a read-only store would. Statements that do not parse are left to fail when they run."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error:
        return
    for statement in statements:
        if statement.type not in READING:
            raise ValueError(f"As of a date, only queries that read can run; this one ({statement.type.name}) "
                             "would change the store.")


def definitions(con: duckdb.DuckDBPyConnection, database: str = "past") -> tuple[list[str], list[str]]:
    """The store's own macros and views (of the attached `database`), as statements to create them again."""
    macros = []
    for name, kind, params, body in con.execute("""
            SELECT function_name, function_type, parameters, macro_definition FROM duckdb_functions()
            WHERE database_name = $db AND function_type IN ('macro', 'table_macro') AND NOT internal
            ORDER BY function_name""", {"db": database}).fetchall():
        table = "TABLE " if kind == "table_macro" else ""
        macros.append(f"CREATE MACRO {name}({', '.join(params)}) AS {table}{body}")
    views = [sql for (sql,) in con.execute("""
            SELECT sql FROM duckdb_views() WHERE database_name = $db AND NOT internal AND schema_name = 'main'
            ORDER BY view_oid""", {"db": database}).fetchall()]
    return macros, views


def create_all(con: duckdb.DuckDBPyConnection, statements: list[str]) -> None:
    """Create views and macros in an order their dependencies allow: one can only be made once those it
    reads exist."""
    waiting = list(statements)
    while waiting:
        failed = []
        for sql in waiting:
            try:
                con.execute(sql)
            except duckdb.CatalogException:
                failed.append(sql)
        if len(failed) == len(waiting):
            con.execute(failed[0])  # raises the error that blocks them
        waiting = failed


def connect(db_file: str, moment: datetime, external: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only view of the store `db_file` as it stood at `moment` (see the module's docstring)."""
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"ATTACH '{db_file.replace(chr(39), chr(39) * 2)}' AS past (READ_ONLY)")
        stored = {name for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'past' AND schema_name = 'main'").fetchall()}
        if not {"indicator_revision", "mission_revision"} <= stored:
            raise Outdated
        # Storage views (indicator_theme) and public views are recreated over the tables below.
        for name in sorted(stored - set(TABLES)):
            con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM past."{name}"')
        macros, views = definitions(con)
        day = f"DATE '{moment.date().isoformat()}'"
        tables = [f'CREATE VIEW "{name}" AS ' + sql.replace("$moment", f"TIMESTAMP '{moment.isoformat(' ')}'")
                  for name, sql in TABLES.items() if name in stored]
        create_all(con, tables + [_TODAY.sub(day, sql) for sql in macros + views])
        if not external:
            con.execute("SET enable_external_access = false")
        return con
    except BaseException:
        con.close()
        raise
