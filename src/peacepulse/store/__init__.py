"""The DuckDB store: where it lives, short-lived connections, migrations.

No connection outlives a call: DuckDB locks the file across processes, so a
held connection would either lock analysts out or block uploads.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

DEFAULT_DB = Path("data") / "peacepulse.duckdb"
# Files stay readable by DuckDB 1.4+ clients (older CLIs, DBeaver, R).
COMPATIBILITY = "v1.4.0"
LOCK_WAIT = 3.0  # seconds to wait for another process to let go of the file


class StoreError(Exception):
    """A problem with the store, worded for the person at the keyboard.

    ``str(err)`` names the store's path, which helps at a terminal; ``err.public`` says the same
    without it, for a browser, which must never learn where the server keeps its files.
    """

    def __init__(self, message: str, public: str | None = None) -> None:
        super().__init__(message)
        self.public = public or message


class QueryError(Exception):
    """A query that cannot run as written (unknown view or column, bad syntax, a value that does not
    convert, a write or a file its connection does not allow): not the store's fault."""


# DuckDB's errors that say the store's file itself is unusable (unreadable, corrupt, or a database DuckDB
# gave up on). Any other error of a query is the query's own: it is wrong as written (unknown view, bad
# syntax, a value that does not convert), asks for what its connection does not allow (a write on a
# read-only connection, a file when external access is off), or meets a rule of the schema.
_STORE_ERRORS = (duckdb.IOException, duckdb.InternalException, duckdb.FatalException,
                 duckdb.SerializationException)

IN_USE = ("The store is in use by another program (a DuckDB client, DBeaver, or another PeacePulse process "
          "writing). Close it and try again.")
BUSY = "The store is busy: this server is writing an upload to it. Try again in a moment."
MISSING = ("There is no store yet. Whoever runs this server can create one with `peacepulse init` "
           "(or `peacepulse demo` for the demo data).")
UNREADABLE = ("The store could not be opened: its file is damaged or cannot be read. "
              "The server log has the details.")
FAILING = "The store reported an error while reading it; it may be damaged. The server log has the details."


def resolve_db(path: str | Path | None = None) -> Path:
    """The store path: an explicit path, else $PEACEPULSE_DB, else data/peacepulse.duckdb."""
    return Path(path or os.environ.get("PEACEPULSE_DB") or DEFAULT_DB)


def _busy(err: duckdb.Error) -> bool:
    """Another connection has the file: another process's lock, or, within this process (a threaded
    server), a connection opened another way (read-write for an upload, read-only for a page)."""
    text = str(err).lower()
    return _locked(err) or (isinstance(err, duckdb.ConnectionException) and "different configuration" in text)


def _locked(err: duckdb.Error) -> bool:
    """Another process holds the file ('Could not set lock on file ...')."""
    return isinstance(err, duckdb.IOException) and "lock" in str(err).lower()


def _explain(db: Path, err: duckdb.Error) -> StoreError | QueryError:
    text = str(err)
    if _locked(err):
        return StoreError(f"The store {db} is in use by another program (a DuckDB client, DBeaver, "
                          "or another PeacePulse process writing). Close it and try again.", IN_USE)
    if _busy(err):
        return StoreError(f"The store {db} is busy: this process is writing to it. Try again in a moment.", BUSY)
    if isinstance(err, duckdb.IOException):
        return StoreError(f"Cannot open the store {db}: {text.splitlines()[0]}", UNREADABLE)
    if isinstance(err, _STORE_ERRORS):
        return StoreError(f"The store {db} reported an error: {text.splitlines()[0]}", FAILING)
    return QueryError(text.strip())


def require(db: Path) -> None:
    """Refuse a store that does not exist yet; writing() would otherwise create an empty one."""
    if not db.exists():
        raise StoreError(f"There is no store at {db}. Create one with `peacepulse init`.", MISSING)


def _connect(db: Path, read_only: bool, external: bool = False) -> duckdb.DuckDBPyConnection:
    if read_only:
        require(db)
    if not read_only:
        db.parent.mkdir(parents=True, exist_ok=True)
    # No file, URL, extension or other database is reachable from a query unless the caller asks:
    # the dashboard's queries and the uploads need none of them.
    config: dict[str, object] = {} if external else {"enable_external_access": False}
    if not read_only:
        config["storage_compatibility_version"] = COMPATIBILITY
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            return duckdb.connect(str(db), read_only=read_only, config=config)
        except duckdb.Error as err:
            # Another connection lasts milliseconds (a dashboard read, the end of an upload):
            # wait for it briefly rather than fail at once.
            if not _busy(err) or time.monotonic() > deadline:
                raise _explain(db, err) from err
            time.sleep(0.05)


@contextmanager
def reading(db: Path, external: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, closed on exit. Its queries reach nothing but the store unless
    ``external`` (an analyst's own query at the command line, an export writing files)."""
    con = _connect(db, read_only=True, external=external)
    try:
        yield con
    except duckdb.Error as err:
        raise _explain(db, err) from err
    finally:
        con.close()


@contextmanager
def writing(db: Path, prepare: Callable[[duckdb.DuckDBPyConnection], None] | None = None
            ) -> Iterator[duckdb.DuckDBPyConnection]:
    """One write transaction: committed if the block succeeds, rolled back otherwise.

    ``prepare`` runs on the connection before the transaction begins, for work that
    touches only temporary tables and may fail without harm (reading upload files).
    Like a dashboard read, the connection reaches no file but the store.
    """
    con = _connect(db, read_only=False)
    begun = False
    try:
        if prepare is not None:
            prepare(con)
        con.execute("BEGIN TRANSACTION")
        begun = True
        yield con
        con.execute("COMMIT")
    except BaseException as err:
        if begun:  # a failed prepare left no transaction to roll back, and ROLLBACK would hide its error
            con.execute("ROLLBACK")
        if isinstance(err, duckdb.Error):
            raise _explain(db, err) from err
        raise
    finally:
        con.close()


def read_df(db: Path, sql: str, params: list | None = None, external: bool = False) -> pd.DataFrame:
    """Run one read-only query and return its rows; see reading() for ``external``."""
    with reading(db, external) as con:
        return con.execute(sql, params or []).fetchdf()


def data_version(db: Path) -> str:
    """A token that changes after every committed upload; a cache key for reads."""
    if not db.exists():
        return "absent"
    with reading(db) as con:
        row = con.execute("SELECT count(*), max(batch_id), max(uploaded_at) FROM batch").fetchall()[0]
    return f"{row[0]}-{row[1]}-{row[2]}"


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("peacepulse.store") / "migrations"
    found = []
    for item in folder.iterdir():
        if item.name.endswith(".sql"):
            found.append((int(item.name.split("_", 1)[0]), item.name, item.read_text("utf-8")))
    return sorted(found)


def _view_comments(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None, str]]:
    """(view, column, comment) for every commented public view and view column; column None is the view."""
    return con.execute("""
        SELECT view_name, NULL, comment FROM duckdb_views() WHERE NOT internal AND comment IS NOT NULL
        UNION ALL
        SELECT table_name, column_name, comment FROM duckdb_columns()
        WHERE comment IS NOT NULL AND NOT internal
          AND table_name IN (SELECT view_name FROM duckdb_views() WHERE NOT internal)""").fetchall()


def _restore_view_comments(con: duckdb.DuckDBPyConnection, before: list[tuple[str, str | None, str]]) -> None:
    """CREATE OR REPLACE VIEW drops the comments of the view and its columns; a migration that adds a
    column to a view then only has to comment the new one."""
    now = {(view, column) for view, column, _ in _view_comments(con)}
    exists = {(view, None) for (view,) in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
    exists |= set(con.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal").fetchall())
    for view, column, comment in before:
        if (view, column) in exists and (view, column) not in now:
            target = f'VIEW "{view}"' if column is None else f'COLUMN "{view}"."{column}"'
            con.execute(f"COMMENT ON {target} IS '" + comment.replace("'", "''") + "'")


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the numbered SQL migrations not yet recorded; return their names."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migration "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = {v for (v,) in con.execute("SELECT version FROM schema_migration").fetchall()}
    applied = []
    for version, name, sql in _migrations():
        if version in done:
            continue
        comments = _view_comments(con)
        con.execute(sql)
        _restore_view_comments(con, comments)
        con.execute("INSERT INTO schema_migration VALUES (?, ?, ?)", [version, name, datetime.now()])
        applied.append(name)
    return applied
