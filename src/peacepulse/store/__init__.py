"""The DuckDB store: where it lives, short-lived connections, migrations.

Reads open the published file; writes go to a private working copy, one writer at a time, which is
published after each commit (see store.publish), so readers never block a write. No connection
outlives a call, or at most one dashboard request (``shared_reads``).
"""
from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from . import past, publish

DEFAULT_DB = Path("data") / "peacepulse.duckdb"
# Files stay readable by DuckDB 1.4+ clients (older CLIs, DBeaver, R).
COMPATIBILITY = "v1.4.0"
LOCK_WAIT = 3.0  # seconds to wait for another process to let go of the file


class StoreError(Exception):
    """A problem with the store, worded for the person at the keyboard.

    ``str(err)`` names the store's path, which helps at a terminal; ``err.public`` says the same
    without it, for a browser, which must never learn where the server keeps its files.
    """

    def __init__(self, message: str, public: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.public = public or message
        self.code = code or self.public  # which of the messages below it is, whatever detail it adds


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
QUEUED = (f"Another upload has been writing to the store for over {publish.WRITE_WAIT / 60:.0f} minutes, "
          "so this one was not written. Try again when it is done.")
MISSING = ("There is no store yet. Whoever runs this server can create one with `peacepulse init` "
           "(or `peacepulse demo` for the demo data).")
UNREADABLE = ("The store could not be opened: its file is damaged or cannot be read. "
              "The server log has the details.")
FAILING = "The store reported an error while reading it; it may be damaged. The server log has the details."
OUTDATED = ("This store was written by an older PeacePulse, which kept no history of its catalogue, so it "
            "cannot be read as of a date. Any upload, or `peacepulse init`, brings it up to date.")
PAST = "This view shows the store as it stood in the past, which cannot be changed. Go back to today to make changes."


# Read-only connections shared by the reads of one block of work (a dashboard request), by store path.
# Per context, never across requests: see shared_reads.
_SHARED: ContextVar[dict[str, duckdb.DuckDBPyConnection] | None] = ContextVar("peacepulse_shared_reads", default=None)
# The moment reads see the store as of (see as_of), or None for now.
_AS_OF: ContextVar[datetime | None] = ContextVar("peacepulse_as_of", default=None)
parse_as_of = past.parse
as_of_label = past.label
private_dir = publish.private_dir
working_copy = publish.working_copy
move = publish.move
remove = publish.remove


@contextmanager
def as_of(moment: datetime | None) -> Iterator[None]:
    """Within it, every read sees the store as it stood at `moment` (UTC; see store.past), and
    writing is refused; None leaves reads as they are."""
    token = _AS_OF.set(moment if moment is not None else _AS_OF.get())
    try:
        yield
    finally:
        _AS_OF.reset(token)


def current_as_of() -> datetime | None:
    """The moment reads see the store as of, or None for now."""
    return _AS_OF.get()


def today() -> date:
    """Today, or the day of the as-of moment: the day that staleness and due dates count to."""
    moment = _AS_OF.get()
    return moment.date() if moment is not None else date.today()


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


def _holder(text: str) -> str:
    """The program holding the file, as DuckDB names it, without the folder it runs from."""
    found = re.search(r"Conflicting lock is held in (.+?) \(PID (\d+)\)", text)
    return f" It is held by {Path(found.group(1)).name} (process {found.group(2)})." if found else ""


def _explain(db: Path, err: duckdb.Error) -> StoreError | QueryError:
    text = str(err)
    if _locked(err):
        holder = _holder(text)
        return StoreError(f"The store {db} is in use by another program (a DuckDB client, DBeaver, "
                          f"or another PeacePulse process writing). Close it and try again.{holder}",
                          IN_USE + holder, IN_USE)
    if _busy(err):
        return StoreError(f"The store {db} is busy: this process is writing to it. Try again in a moment.", BUSY)
    if isinstance(err, duckdb.IOException):
        return StoreError(f"Cannot open the store {db}: {text.splitlines()[0]}", UNREADABLE)
    if isinstance(err, _STORE_ERRORS):
        return StoreError(f"The store {db} reported an error: {text.splitlines()[0]}", FAILING)
    return QueryError(text.strip())


def require(db: Path) -> None:
    """Refuse a store that does not exist yet; writing() would otherwise create an empty one."""
    if not db.exists() and not publish.working_copy(db).exists():
        raise StoreError(f"There is no store at {db}. Create one with `peacepulse init`.", MISSING)


def _connect(db: Path, read_only: bool, external: bool = False,
             moment: datetime | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to the published file to read (or to the working copy when the published file
    cannot be opened: a program holds it open for writing), or to the working copy to write."""
    if read_only:
        require(db)
        publish.heal(db)
        try:
            return _open(db, db, read_only, external, moment)
        except StoreError as err:
            work = publish.working_copy(db)
            if err.code not in (IN_USE, UNREADABLE) or not work.exists():
                raise
            return _open(db, work, read_only, external, moment)
    return _open(db, publish.working_copy(db), read_only, external, moment)


def _open(db: Path, path: Path, read_only: bool, external: bool,
          moment: datetime | None) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # No file, URL, extension or other database is reachable from a query unless the caller asks:
    # the dashboard's queries and the uploads need none of them.
    config: dict[str, object] = {} if external else {"enable_external_access": False}
    if not read_only:
        config["storage_compatibility_version"] = COMPATIBILITY
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            if moment is not None:
                return past.connect(str(path), moment, external)
            con = duckdb.connect(str(path), read_only=read_only, config=config)
            con.execute("SET enable_progress_bar = false")  # DuckDB would draw it over a command's output
            return con
        except past.Outdated:
            raise StoreError(f"{OUTDATED} (The store: {db}.)", OUTDATED) from None
        except duckdb.Error as err:
            # Another connection lasts milliseconds (a dashboard read, the end of an upload):
            # wait for it briefly rather than fail at once.
            if not _busy(err) or time.monotonic() > deadline:
                raise _explain(db, err) from err
            time.sleep(0.05)


@contextmanager
def reading(db: Path, external: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, closed on exit (or the block's shared one, see shared_reads). Its
    queries reach nothing but the store unless ``external`` (an analyst's own query at the command
    line, an export writing files); such a connection is never shared."""
    shared, moment = _SHARED.get(), _AS_OF.get()
    if shared is not None and not external:
        key = str(db.resolve()) + ("" if moment is None else f"@{moment.isoformat()}")
        if key not in shared:
            shared[key] = _connect(db, read_only=True, moment=moment)
        try:
            yield shared[key]
        except duckdb.Error as err:
            raise _explain(db, err) from err
        return
    con = _connect(db, read_only=True, external=external, moment=moment)
    try:
        yield con
    except duckdb.Error as err:
        raise _explain(db, err) from err
    finally:
        con.close()


def _release_shared(db: Path | None = None) -> None:
    shared = _SHARED.get()
    for key in [k for k in (shared or {}) if db is None or k.split("@")[0] == str(db.resolve())]:
        shared.pop(key).close()


class shared_reads:  # noqa: N801 - used like a function, as a context manager or begin/end pair
    """Within it, reads of a store share one read-only connection, opened at the first read and
    closed at the end: opening one costs far more (~25 ms) than most dashboard queries. Meant for
    one request, and never longer, so that no connection is held between requests. A write in the
    block closes the shared connection first (one process cannot mix read-only and read-write)."""

    def __enter__(self) -> shared_reads:
        self._token = _SHARED.set({})
        return self

    def __exit__(self, *_: object) -> None:
        try:
            _release_shared()
        finally:
            try:
                _SHARED.reset(self._token)
            except ValueError:  # ended in another context than it began: leave that one clean
                _SHARED.set(None)


@contextmanager
def writing(db: Path, prepare: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
            progress: Callable[[str], None] = lambda _: None) -> Iterator[duckdb.DuckDBPyConnection]:
    """One write transaction on the working copy, published when it commits; rolled back otherwise.

    Writers take turns (store.publish.write_lock); readers are never waited for. ``prepare`` runs
    on the connection before the transaction begins, for work that touches only temporary tables
    and may fail without harm (reading upload files). Like a dashboard read, the connection reaches
    no file but the store. Within as_of() it is refused: the past cannot be changed.
    """
    if _AS_OF.get() is not None:
        raise StoreError(PAST)
    _release_shared(db)
    try:
        with publish.write_lock(db):
            try:
                publish.prepare_working_copy(db)
            except duckdb.Error as err:
                raise _explain(db, err) from err
            committed = False
            try:
                with _transaction(db, prepare) as con:
                    yield con
                committed = True
            finally:
                # Also when nothing was written this time, if a killed writer left a commit unpublished.
                if committed or publish.stale(db):
                    progress("publishing")
                    publish.publish(db)
    except publish.WriterBusy:
        raise StoreError(f"{QUEUED} (The store: {db}.)", QUEUED) from None


@contextmanager
def _transaction(db: Path, prepare: Callable[[duckdb.DuckDBPyConnection], None] | None
                 ) -> Iterator[duckdb.DuckDBPyConnection]:
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
    if _AS_OF.get() is not None:
        try:
            past.refuse_writes(sql)
        except ValueError as err:
            raise QueryError(str(err)) from None
    with reading(db, external) as con:
        return con.execute(sql, params or []).fetchdf()


def data_version(db: Path) -> str:
    """A token that changes after every committed upload; a cache key for reads.

    Taken from the published file and any log beside it (inode, size and modification time), without
    opening the store: every publish puts a new file in place, and a read never does."""
    if not db.exists():
        return "absent"
    wal = db.with_name(db.name + ".wal")
    # Each publish puts a new file in place, so its inode tells two versions apart even when the file's
    # size and its time (which the system keeps to a few milliseconds) are the same.
    found = [p.stat() for p in (db, wal) if p.exists()]
    return "-".join(f"{s.st_ino}.{s.st_size}.{s.st_mtime_ns}" for s in found)


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
