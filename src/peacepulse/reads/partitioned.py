"""Export the store as Parquet datasets partitioned by mission and year (layout: peacepulse.store.dataset).

The export is written into a hidden folder beside DIR and renamed into place once complete, its manifest
last: a failed or interrupted export leaves no folder that looks finished, and an earlier export that
--overwrite replaces stays whole until the new one is ready.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from .. import store
from ..store import dataset


class Refused(Exception):
    """The export cannot go where it was asked to: the folder is taken, or cannot be written."""


@dataclass(frozen=True)
class Written:
    folder: Path
    rows: dict[str, int]  # per partitioned dataset
    files: int
    size: int  # bytes


def _check_target(out: Path, overwrite: bool) -> bool:
    """Whether `out` holds an earlier export to replace; Refused if the export may not go there."""
    if out.exists() and not out.is_dir():
        raise Refused(f"{out} is a file; give a folder for the export.")
    try:
        if not out.exists() or not any(out.iterdir()):
            return False
    except OSError as err:
        raise Refused(f"Cannot read {out}: {err.strerror or err}") from None
    if not overwrite:
        raise Refused(f"{out} is not empty. Give a new or empty folder, or add --overwrite to replace an "
                      "earlier export there.")
    try:
        dataset.manifest(out)
    except dataset.NotAnExport:
        raise Refused(f"{out} is not empty and holds no PeacePulse export ({dataset.MANIFEST} is missing): "
                      "--overwrite only replaces an earlier export. Give a new or empty folder.") from None
    return True


def _copy(con: duckdb.DuckDBPyConnection, select: str, target: Path, options: str = "") -> None:
    try:
        con.execute(f"COPY ({select}) TO {dataset.quoted(target.as_posix())} (FORMAT parquet{options})").fetchall()
    except duckdb.IOException as err:  # writing the file, not reading the store
        raise Refused(f"Cannot write {target}: {str(err).splitlines()[0]}") from None


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[list[str]]:
    return [[name, kind] for name, kind, *_ in con.execute(f"DESCRIBE {relation}").fetchall()]


def _write(con: duckdb.DuckDBPyConnection, into: Path, progress: Callable[[str], None]) -> dict:
    """Every file of the export into the folder `into`; returns its manifest (not yet written)."""
    stored = {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()"
    ).fetchall()}
    described: dict = {"format": dataset.FORMAT, "datasets": {}}
    for view, table in dataset.DATASETS.items():
        columns = _columns(con, view)
        # The view must hold every column of its table, or reading it back as the table would lose some.
        behind = [c for c in columns if c[0] not in dataset.COMPUTED]
        if behind != _columns(con, table):
            raise RuntimeError(f"the {view} view no longer holds exactly the columns of {table}; "
                               "peacepulse.store.dataset must learn how to read it back")
        progress(f"writing {view}")
        (into / view).mkdir()
        by = ", ".join(dataset.PARTITION_BY)
        _copy(con, f"SELECT *, {dataset.YEAR} AS year FROM {view}", into / view,
              f", PARTITION_BY ({by}), WRITE_PARTITION_COLUMNS true")
        (rows,) = con.execute(f"SELECT count(*) FROM {view}").fetchone()
        described["datasets"][view] = {"rows": rows, "columns": columns + [["year", "BIGINT"]]}
    progress("writing the catalogue and the storage tables")
    for view in dataset.CATALOGUE:
        _copy(con, f"SELECT * FROM {view}", into / f"{view}.parquet")
    (into / "storage").mkdir()
    described["storage"] = [t for t in dataset.STORAGE if t in stored]
    for table in described["storage"]:
        _copy(con, f"SELECT * FROM {table}", into / "storage" / f"{table}.parquet")
    described["catalogue"] = list(dataset.CATALOGUE)
    described["definitions"] = dataset.definitions(con)
    (described["migration"],) = con.execute("SELECT max(version) FROM schema_migration").fetchone()
    return described


def _place(staging: Path, out: Path, replace: bool) -> None:
    """Put the finished export at `out`: a rename, so readers see the old folder or the new, whole."""
    if not replace:
        if out.exists():
            out.rmdir()  # empty, as checked
        staging.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    try:
        staging.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def export_partitioned(db: Path, out: Path, overwrite: bool = False,
                       progress: Callable[[str], None] = lambda _: None) -> Written:
    """Write the store `db` as a partitioned Parquet export into the folder `out` (see the module's docstring).

    Refused when `out` is a file, or a folder that is not empty, unless ``overwrite`` and it holds an
    earlier export, which is then replaced."""
    out = Path(os.path.abspath(out))
    store.require(db)
    replace = _check_target(out, overwrite)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    except OSError as err:
        raise Refused(f"Cannot write {out}: {err.strerror or err}") from None
    try:
        with store.reading(db, external=True) as con:  # COPY writes files
            con.execute("BEGIN TRANSACTION")  # one snapshot for every file
            described = _write(con, staging, progress)
            con.execute("COMMIT")
        described["exported_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        described["store"] = db.name
        (staging / dataset.MANIFEST).write_text(json.dumps(described, indent=1) + "\n", "utf-8")
        sizes = [p.stat().st_size for p in staging.rglob("*") if p.is_file()]
        _place(staging, out, replace)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Written(out, {v: d["rows"] for v, d in described["datasets"].items()}, len(sizes), sum(sizes))
