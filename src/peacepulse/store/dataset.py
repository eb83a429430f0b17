"""The store as a folder of Parquet files (`peacepulse export --partitioned DIR`), and DuckDB over one.

The layout, which docs/schema.md describes for readers of other engines:

- ``observations/`` and ``observation_history/``: those two public views, every column, as Hive-style
  datasets partitioned by mission and year (``mission=UNMISS/year=2024/data_0.parquet``). ``year`` is an
  added column, the calendar year in which the observation's period begins (see YEAR). Each file also
  carries ``mission`` and ``year`` itself, so a reader that ignores the folder names loses nothing;
- ``<view>.parquet``: the catalogue and the targets as their public views (CATALOGUE), for any engine;
- ``storage/<table>.parquet``: the storage tables the store's views are defined over (STORAGE);
- ``peacepulse-export.json``, written last: what the folder holds, the columns of each dataset, and the
  store's own view and macro definitions. A folder without it is no export, or an unfinished one.

``connect(folder)`` opens an in-memory DuckDB in which each storage table is a view over these files, and
the store's views and macros, as the export recorded them, are created over those names (as store.past
does for the store as of a moment): the same query gives the same rows as on the store it came from.
Counts of days up to today (staleness, overdue) count to the day the query runs.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb

from . import past, rollups

MANIFEST = "peacepulse-export.json"
FORMAT = 1
PARTITION_BY = ("mission", "year")
# The year an observation is filed under: the one its period begins in. 2024-Q3 and 2024-07-15 go to
# 2024, and so does FY2024/25 (July 2024 to June 2025), the year its code starts with.
YEAR = "year(period_start)"
# The storage table each partitioned view reads back as: the view's own columns less the computed ones.
DATASETS = {"observations": "observation_current", "observation_history": "observation_revision"}
COMPUTED = ("synthetic",)
# Public views small enough for one file each, written for engines that cannot run the store's views.
CATALOGUE = ("themes", "missions", "indicators", "indicator_themes", "targets", "status_rules",
             "reporting_cycles", "batches")
# Storage tables written whole, for connect(): everything the views read apart from the two partitioned
# tables and the rollups, which are computed from them. A table a later migration adds for a view belongs
# here; the export test recreates every view and would fail without it.
STORAGE = ("theme", "mission", "mission_revision", "indicator", "indicator_revision", "target_revision",
           "status_rule", "reporting_cycle", "batch", "assessment_revision", "assessment_evidence",
           "recommendation_revision", "signal_ack")
# Partition values as the files hold them, whatever a reader would infer from the folder names
# (a mission code made only of digits would otherwise come back as a number).
HIVE_TYPES = "{'mission': 'VARCHAR', 'year': 'BIGINT'}"


class NotAnExport(Exception):
    """The folder holds no finished PeacePulse export, or one of a format this version does not read."""


def quoted(path: Path | str) -> str:
    """A path as an SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def files(folder: Path, dataset: str) -> str:
    """The glob that reads one partitioned dataset of an export."""
    return (Path(folder) / dataset).as_posix() + "/*/*/*.parquet"


def definitions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The macros and views of the database `con` is connected to, as statements that create them."""
    (name,) = con.execute("SELECT current_database()").fetchone()
    macros, views = past.definitions(con, name)
    return macros + views


def manifest(folder: Path) -> dict:
    """The export's description, or NotAnExport saying why the folder is not one."""
    path = Path(folder) / MANIFEST
    try:
        found = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise NotAnExport(f"{folder} holds no PeacePulse export: {MANIFEST} is missing (an export writes it "
                          "last, so an unfinished one has none).") from None
    except (OSError, ValueError) as err:
        raise NotAnExport(f"{folder}: {MANIFEST} cannot be read ({err}).") from None
    if not isinstance(found, dict) or found.get("format") != FORMAT:
        raise NotAnExport(f"{folder} holds an export of a format this PeacePulse does not read "
                          f"({found.get('format') if isinstance(found, dict) else 'unknown'}; it reads {FORMAT}).")
    return found


def _dataset_view(folder: Path, dataset: str, columns: list[list[str]], rows: int) -> str:
    """The storage table behind a partitioned view, read from its files (or empty, typed, if it has none)."""
    kept = [(name, kind) for name, kind in columns if name not in COMPUTED + ("year",)]
    if not rows:
        return "SELECT " + ", ".join(f'NULL::{kind} AS "{name}"' for name, kind in kept) + " WHERE false"
    return (f"SELECT {', '.join(f'{chr(34)}{name}{chr(34)}' for name, _ in kept)} FROM read_parquet("
            f"{quoted(files(folder, dataset))}, hive_partitioning = true, hive_types = {HIVE_TYPES})")


def connect(folder: Path | str, external: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB over the export in `folder`, with the store's views and macros recreated on top
    (see the module's docstring). Unless ``external``, its queries reach no file outside the folder."""
    root = Path(folder).resolve()
    described = manifest(root)
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        statements = []
        for dataset, table in DATASETS.items():
            part = described["datasets"][dataset]
            statements.append(f'CREATE VIEW "{table}" AS ' + _dataset_view(root, dataset, part["columns"], part["rows"]))
        for table in described["storage"]:
            statements.append(f'CREATE VIEW "{table}" AS SELECT * FROM read_parquet('
                              f'{quoted(root / "storage" / f"{table}.parquet")})')
        statements += [f'CREATE VIEW "{name}" AS {sql}' for name, sql in rollups.FULL.items()]
        past.create_all(con, statements + described["definitions"])
        con.execute("SET parquet_metadata_cache = true")  # the views read the same files many times over
        if not external:
            con.execute(f"SET allowed_directories = [{quoted(root.as_posix() + '/')}]")
            con.execute("SET enable_external_access = false")
        return con
    except BaseException:
        con.close()
        raise
