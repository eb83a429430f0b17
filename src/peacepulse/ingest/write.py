"""Stage parsed rows against the store, count them as new, revised or unchanged, then write them.

Staging only reads the store and fills the temporary table ``staged``, so a dry run of
one file needs no more than a read-only connection. Writing happens inside the caller's
transaction, by the kind's write rule: a revision is added beside the old one, or a
catalogue entry is replaced in place.
"""
from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pandas as pd

from ..kinds import Kind
from ..store import rollups
from .read import quote_name


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def stage(con: duckdb.DuckDBPyConnection, kind: Kind) -> dict[str, int]:
    """Fill ``staged`` with the parsed rows, each with its change; return the counts."""
    key = ", ".join(quote_name(k) for k in kind.key)
    same = " AND ".join(f"c.{quote_name(col)} IS NOT DISTINCT FROM s.{quote_name(col)}" for col in kind.compared)
    revision = "c.revision" if kind.write == "revision" else "NULL::INTEGER"
    incoming = ", ".join(f"{quote_name(parsed)} AS {quote_name(stored)}" for stored, parsed in kind.stored.items())
    context = [c for c in con.execute("SELECT * FROM upload_typed LIMIT 0").fetchdf().columns
               if c not in kind.stored and c not in kind.stored.values() and not c.endswith(("__text", "__bad"))]
    extra = "".join(f", {quote_name(c)}" for c in context)
    current = f"(SELECT {key}, {', '.join(quote_name(c) for c in kind.compared)}" + (
        ", revision" if kind.write == "revision" else "") + f" FROM {kind.compared_with})"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE staged AS
        SELECT s.*, {revision} AS old_revision,
               CASE WHEN c.{quote_name(kind.key[0])} IS NULL THEN 'new'
                    WHEN {same} THEN 'unchanged' ELSE 'revised' END AS change
        FROM (SELECT {incoming}{extra} FROM upload_typed) s
        LEFT JOIN {current} c USING ({key})""")
    counts = dict(con.execute("SELECT change, count(*) FROM staged GROUP BY change").fetchall())
    return {k: counts.get(k, 0) for k in ("new", "revised", "unchanged")}


def changes(con: duckdb.DuckDBPyConnection, kind: Kind) -> pd.DataFrame:
    """The series the staged rows would change, with their new and revised rows."""
    series = ", ".join(quote_name(c) for c in kind.series)
    return con.execute(f"""SELECT {series}, count(*) FILTER (WHERE change = 'new') AS new,
                                  count(*) FILTER (WHERE change = 'revised') AS revised
                           FROM staged WHERE change <> 'unchanged' GROUP BY ALL ORDER BY {series}""").fetchdf()


def write(con: duckdb.DuckDBPyConnection, kind: Kind, batch_id: int) -> None:
    """Write the staged rows that are new or revised, as batch ``batch_id``."""
    columns = ", ".join(quote_name(c) for c in kind.stored)
    if kind.write == "revision":
        con.execute(f"""INSERT INTO {kind.table} BY NAME
                        SELECT {columns}, coalesce(old_revision, 0) + 1 AS revision, {batch_id} AS batch_id,
                               ?::TIMESTAMP AS recorded_at
                        FROM staged WHERE change <> 'unchanged'""", [now()])
    else:
        key = " AND ".join(f"t.{quote_name(k)} = s.{quote_name(k)}" for k in kind.key)
        con.execute(f"DELETE FROM {kind.table} t USING staged s WHERE s.change = 'revised' AND {key}")
        con.execute(f"INSERT INTO {kind.table} BY NAME SELECT {columns}, {batch_id} AS batch_id "
                    "FROM staged WHERE change <> 'unchanged'")
        if kind.history:
            con.execute(f"""INSERT INTO {kind.history} BY NAME
                            SELECT {columns}, {batch_id} AS batch_id, ?::TIMESTAMP AS recorded_at,
                                   coalesce((SELECT max(h.revision) FROM {kind.history} h
                                             WHERE {key.replace('t.', 'h.')}), 0) + 1 AS revision
                            FROM staged s WHERE change <> 'unchanged'""", [now()])
    for statement in kind.after_write:
        con.execute(statement.format(batch_id=batch_id))
    if kind.table == "observation_revision":
        rollups.refresh(con, batch_id)
