"""`peacepulse export --partitioned DIR`: Parquet datasets by mission and year, read back in place."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import upload

from peacepulse import cli, store
from peacepulse.reads import partitioned
from peacepulse.store import dataset

KEY = "mission, indicator, period, sex, age, location"
FISCAL = "mission,indicator,period,value,source\nUNMISS,BUDGET_EXEC,FY2024/25,91.5,Mission budget report\n"


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys, monkeypatch, tmp_path) -> Callable[..., Ran]:
    """The `peacepulse` command, run in this process: its exit code and what it printed."""
    monkeypatch.setenv("PEACEPULSE_INCIDENT_LOG", str(tmp_path / "incidents.log"))

    def command(*args: str, db: Path) -> Ran:
        capsys.readouterr()
        code = cli.main(["--db", str(db), *args])
        out, err = capsys.readouterr()
        return Ran(code, out, err)
    return command


def plain(folder: Path, name: str) -> str:
    """The dataset as a reader with nothing but DuckDB queries it."""
    return f"read_parquet('{folder / name}/*/*/*.parquet', hive_partitioning = true)"


def _leftovers(folder: Path) -> list[str]:
    """Working folders of an export (the one being written, the one being replaced) left behind."""
    return [p.name for p in folder.iterdir() if ".partial-" in p.name or ".old-" in p.name]


def _types(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    """Each column's name and type (keys and NOT NULL are the store's own)."""
    return [c[:2] for c in con.execute(f"DESCRIBE {relation}").fetchall()]


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.execute(sql).fetchdf()


@pytest.fixture(scope="module")
def exported(demo_db: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "demo-export"
    partitioned.export_partitioned(demo_db, out)
    return out


@pytest.fixture
def small(db: Path) -> Path:
    """A seeded store with a few observations and targets, one of them in a fiscal year."""
    for name in ("indicators-new.csv", "observations-new.csv", "targets-new.csv"):
        assert upload(db, name).ok
    return db


@pytest.mark.parametrize("view", ["observations", "observation_history"])
def test_pqx001_plain_duckdb_reads_the_same_rows_columns_and_types_as_the_store(demo_db, exported, view):
    order = KEY + (", revision" if view == "observation_history" else "")
    with duckdb.connect() as con:
        back = _frame(con, f"SELECT * EXCLUDE (year) FROM {plain(exported, view)} ORDER BY {order}")
        columns = con.execute(f"DESCRIBE SELECT * FROM {plain(exported, view)}").fetchall()
    ours = store.read_df(demo_db, f"SELECT * FROM {view} ORDER BY {order}")
    assert len(ours) > 10_000
    pd.testing.assert_frame_equal(back, ours)
    with store.reading(demo_db) as con:
        stored = _types(con, view)
    assert [c[:2] for c in columns] == stored + [("year", "BIGINT")]


def test_pqx002_the_recreated_views_give_exactly_the_stores_series_and_progress(demo_db, exported):
    con = dataset.connect(exported)
    try:
        for view, order in (("series", "mission, indicator, period"), ("progress", "mission, indicator")):
            back = _frame(con, f"SELECT * FROM {view} ORDER BY {order}")
            ours = store.read_df(demo_db, f"SELECT * FROM {view} ORDER BY {order}")
            assert len(ours) > 500
            pd.testing.assert_frame_equal(back, ours)
        # Every other public view is there too, with the store's columns and as many rows.
        with store.reading(demo_db) as stored:
            views = [v for (v,) in stored.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
            for view in views:
                assert _types(con, view) == _types(stored, view), view
                count = f"SELECT count(*) FROM {view}"
                assert con.execute(count).fetchall() == stored.execute(count).fetchall(), view
    finally:
        con.close()


def test_pqx003_an_observation_is_filed_under_the_year_its_period_begins(exported):
    with duckdb.connect() as con:
        rows = con.execute(f"""SELECT period, period_start, period_end, year, regexp_extract(filename, 'year=(\\d+)', 1) AS path
                               FROM read_parquet('{exported}/observations/*/*/*.parquet', filename = true)""").fetchdf()
    assert (rows["path"].astype(int) == rows["year"]).all()
    assert (rows["year"] == rows["period_start"].dt.year).all()
    fiscal = rows[rows["period_start"].dt.year != rows["period_end"].dt.year]
    assert not fiscal.empty and fiscal["period"].str.startswith("FY").all()
    assert (fiscal["year"] == fiscal["period_start"].dt.year).all()  # FY2024/25 is 2024, not 2025
    calendar = rows[rows["period"].str.fullmatch(r"\d{4}")]
    assert (calendar["year"] == calendar["period"].astype(int)).all()


def test_pqx004_a_mission_code_with_a_space_survives_the_folder_name(exported):
    assert (exported / "observations" / "mission=UN%20Secretariat").is_dir()
    with duckdb.connect() as con:
        found = con.execute(f"SELECT DISTINCT mission FROM {plain(exported, 'observations')} "
                            "WHERE mission LIKE 'UN %'").fetchall()
    assert found == [("UN Secretariat",)]


def test_pqx005_the_catalogue_is_there_as_plain_parquet_for_other_engines(demo_db, exported):
    described = json.loads((exported / dataset.MANIFEST).read_text())
    counted = store.read_df(demo_db, "SELECT count(*) AS n FROM observations")["n"][0]
    assert described["datasets"]["observations"]["rows"] == counted
    with duckdb.connect() as con:
        for view in ("indicators", "targets", "missions", "themes"):
            back = _frame(con, f"SELECT * FROM '{exported / view}.parquet'")
            pd.testing.assert_frame_equal(back, store.read_df(demo_db, f"SELECT * FROM {view}"))


def test_pqx006_a_new_or_empty_folder_is_written_a_folder_with_anything_in_it_is_refused(small, tmp_path, run):
    empty = tmp_path / "empty"
    empty.mkdir()
    done = run("export", "--format", "parquet", "--partitioned", str(empty), db=small)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Exported to {empty}: 6 observations and 6 revisions by mission and year")
    assert (empty / dataset.MANIFEST).is_file()
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    refused = run("export", "--partitioned", str(taken), db=small)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.strip() == (f"peacepulse: {taken} is not empty. Give a new or empty folder, or add "
                                      "--overwrite to replace an earlier export there.")
    assert [p.name for p in taken.iterdir()] == ["notes.txt"]
    file = tmp_path / "a-file"
    file.write_text("")
    assert run("export", "--partitioned", str(file), db=small).stderr.strip() == (
        f"peacepulse: {file} is a file; give a folder for the export.")


def test_pqx007_overwrite_replaces_an_earlier_export_and_nothing_else(small, tmp_path, run):
    out = tmp_path / "export"
    assert run("export", "--partitioned", str(out), db=small).returncode == 0
    (out / "observations" / "stale.parquet").write_text("left by the earlier export")
    assert upload(small, "observations-corrected.csv").ok  # 1 new, 1 revised
    again = run("export", "--partitioned", str(out), "--overwrite", db=small)
    assert again.returncode == 0, again.stderr
    assert "7 observations and 8 revisions" in again.stdout
    assert not (out / "observations" / "stale.parquet").exists()
    assert _leftovers(tmp_path) == []
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work")
    refused = run("export", "--partitioned", str(mine), "--overwrite", db=small)
    assert refused.returncode == 2
    assert "holds no PeacePulse export (peacepulse-export.json is missing): --overwrite only replaces an earlier " \
           "export" in refused.stderr
    assert (mine / "thesis.docx").read_text() == "years of work"


@pytest.mark.parametrize("args, message", [
    (["--format", "csv"], "--partitioned writes Parquet only; leave out --format csv"),
    (["--out", "elsewhere"], "--partitioned DIR writes the whole store into DIR: it takes no --out and no view names"),
    (["themes"], "--partitioned DIR writes the whole store into DIR: it takes no --out and no view names"),
])
def test_pqx008_options_that_do_not_go_with_partitioned_are_usage_errors(small, tmp_path, run, args, message):
    out = run("export", "--partitioned", str(tmp_path / "x"), *args, db=small)
    assert out.returncode == 2 and out.stderr.strip() == f"peacepulse: {message}"
    assert not (tmp_path / "x").exists()


def test_pqx009_overwrite_alone_is_a_usage_error_and_the_flat_export_still_works(small, tmp_path, run):
    alone = run("export", "--out", str(tmp_path / "flat"), "--overwrite", "themes", db=small)
    assert alone.returncode == 2 and "--overwrite goes with --partitioned DIR" in alone.stderr
    flat = run("export", "--out", str(tmp_path / "flat"), "themes", db=small)
    assert flat.returncode == 0 and flat.stdout.strip() == str(tmp_path / "flat" / "themes.csv")


def test_pqx010_a_failed_export_leaves_no_folder_and_the_earlier_export_whole(small, tmp_path, run):
    out = tmp_path / "export"
    assert run("export", "--partitioned", str(out), db=small).returncode == 0
    before = (out / dataset.MANIFEST).read_text()
    with duckdb.connect(str(small)) as con:  # the history view is gone: the export fails half-way
        con.execute("DROP VIEW observation_history")
    for target, extra in ((out, ["--overwrite"]), (tmp_path / "new", [])):
        failed = run("export", "--partitioned", str(target), *extra, db=small)
        assert failed.returncode == 4 and "something went wrong inside PeacePulse" in failed.stderr
    assert (out / dataset.MANIFEST).read_text() == before
    assert not (tmp_path / "new").exists()
    assert _leftovers(tmp_path) == []


def test_pqx011_a_store_without_observations_exports_empty_datasets_that_read_back(db, tmp_path):
    out = tmp_path / "export"
    partitioned.export_partitioned(db, out)
    con = dataset.connect(out)
    try:
        assert con.execute("SELECT count(*) FROM observations").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM progress").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM indicators").fetchall()[0][0] == 65
        with store.reading(db) as stored:
            assert _types(con, "observations") == _types(stored, "observations")
    finally:
        con.close()


def test_pqx012_connect_refuses_a_folder_that_holds_no_finished_export(small, tmp_path):
    with pytest.raises(dataset.NotAnExport, match="holds no PeacePulse export: peacepulse-export.json is missing"):
        dataset.connect(tmp_path)
    out = tmp_path / "export"
    partitioned.export_partitioned(small, out)
    dataset.connect(out).close()


def test_pqx013_the_connection_reads_the_export_and_no_other_file_unless_asked(small, tmp_path):
    out = tmp_path / "export"
    partitioned.export_partitioned(small, out)
    mine = tmp_path / "mine.csv"
    mine.write_text("code\nUNMISS\n")
    query = f"SELECT count(*) FROM read_csv('{mine}') JOIN observations ON mission = code"
    con = dataset.connect(out)
    try:
        assert con.execute("SELECT count(*) FROM observations").fetchall() == [(6,)]
        with pytest.raises(duckdb.PermissionException):
            con.execute(query)
    finally:
        con.close()
    with dataset.connect(out, external=True) as con:
        assert con.execute(query).fetchall() == [(6,)]


def test_pqx014_a_fiscal_year_upload_goes_under_the_year_it_begins(small, tmp_path):
    indicator = "code,name,themes,unit,direction,period_type\nBUDGET_EXEC,Budget executed,5,%,increase,fiscal_year\n"
    assert upload(small, "indicators.csv", indicator).ok
    assert upload(small, "fiscal.csv", FISCAL).ok
    out = tmp_path / "export"
    partitioned.export_partitioned(small, out)
    assert (out / "observations" / "mission=UNMISS" / "year=2024").is_dir()
    assert not (out / "observations" / "mission=UNMISS" / "year=2025").exists()
