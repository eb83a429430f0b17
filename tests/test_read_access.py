"""The store's connections reach nothing but the store: no file, URL, extension or other database from a
query, unless the command line asks for it. Pages and uploads still work, in any order, in one process."""
from __future__ import annotations

import base64
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import dash
import plotly
import pytest

from dashboard import data
from dashboard.app import app
from dashboard.pages import upload
from peacepulse import store

REACHING_OUT = [
    "SELECT * FROM read_text('/etc/os-release')",
    "SELECT * FROM read_csv('/etc/os-release')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM 'https://example.org/data.csv'",
    "COPY (SELECT 1) TO '{tmp}/written.csv'",
    "ATTACH '{tmp}/other.duckdb' AS other",
    "LOAD httpfs",
]


@pytest.fixture
def within_app() -> Iterator[None]:
    with app.server.test_request_context():
        yield


@pytest.mark.parametrize("sql", REACHING_OUT)
def test_acc001_the_dashboards_reads_reach_no_file(demo_db, tmp_path, within_app, monkeypatch, sql) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    with pytest.raises(store.QueryError, match="Permission Error: .*disabled"):
        data.load(store.read_df, sql.format(tmp=tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_acc002_the_store_itself_is_read_as_ever(demo_db, within_app, monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    assert len(data.load(store.read_df, "SELECT * FROM themes")) == 10


def test_acc003_the_command_line_may_reach_files_when_it_asks(demo_db) -> None:
    """An analyst's own `peacepulse sql` may join the store with a file of theirs."""
    lines = store.read_df(demo_db, "SELECT content FROM read_text('/etc/os-release')", external=True)
    assert "NAME=" in lines["content"][0]


def test_acc004_an_upload_connection_reaches_no_file_either(db) -> None:
    with pytest.raises(store.QueryError, match="Permission Error"), store.writing(db) as con:
        con.execute("SELECT * FROM read_text('/etc/os-release')").fetchall()


def _contents(content: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(content).decode()


def _page(path: str, **query) -> str:
    """The page as one request renders it (the data version is read once per request)."""
    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    with app.server.test_request_context():
        return json.dumps(page["layout"](**query), cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def _shown(component) -> str:
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def test_acc005_pages_dry_runs_and_commits_follow_each_other_in_one_process(demo_db, tmp_path, monkeypatch) -> None:
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    before = _page("/indicator", code="FAT_MALICIOUS", mission="UNMISS")
    assert "Something went wrong" not in before and "2044" not in before
    csv = b"mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,2043,1\nUNMISS,FAT_MALICIOUS,2044,2\n"
    report, pending, disabled, *_ = upload.dry_run(_contents(csv), "", "two.csv")  # right after a page read
    assert "Would write: 2 new" in _shown(report) and not disabled
    assert "Something went wrong" not in _page("/")
    done, *_ = upload.commit(1, pending)
    assert "Written: 2 new" in _shown(done)
    assert "2044" in _page("/indicator", code="FAT_MALICIOUS", mission="UNMISS")
    again, *_ = upload.dry_run(_contents(csv), "", "two.csv")
    assert "Nothing to change" in _shown(again)
    # The same reader, fed a file with blank lines, takes Python's careful path.
    gappy, *_ = upload.dry_run(_contents(csv.replace(b"\nUNMISS,FAT_MALICIOUS,2044", b"\n\nUNMISS,FAT_MALICIOUS,2045")),
                               "", "gappy.csv")
    assert "Would write: 1 new" in _shown(gappy)


def test_acc006_a_dry_run_works_while_a_page_read_is_open_in_this_process(db) -> None:
    """A threaded server (Flask's, for `peacepulse serve`) may check a file while another thread reads a page."""
    with store.reading(db) as page_read:
        report = upload_one(db, commit=False)
        assert page_read.execute("SELECT count(*) FROM themes").fetchall() == [(10,)]
    assert report.ok and report.new == 1


def upload_one(db: Path, commit: bool):
    from peacepulse import ingest
    return ingest.ingest_upload(db, "one.csv", b"mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,2031,1\n",
                                commit=commit)


def test_acc007_a_commit_does_not_wait_for_a_page_read_in_this_process(db) -> None:
    """A threaded server (Flask's, for `peacepulse serve`) may commit while another thread reads a page:
    the read has the published file, the commit writes the working copy, also the first commit of a store
    that has none yet; the read keeps what it opened."""
    with store.reading(db) as page_read:
        before = page_read.execute("SELECT count(*) FROM batches").fetchone()[0]
        assert upload_one(db, commit=True).written
        assert page_read.execute("SELECT count(*) FROM batches").fetchone()[0] == before
        assert upload_one(db, commit=True).new == 0  # the second sees the first
    assert store.read_df(db, "SELECT count(*) AS n FROM batches")["n"][0] == before + 1


def test_acc008_a_commit_waits_for_another_commit(db) -> None:
    """Writers take turns: one holding the write lock makes the next wait, then go in."""
    from peacepulse.store import publish
    results, started = [], threading.Event()

    def second() -> None:
        started.set()
        results.append(upload_one(db, commit=True))

    with publish.write_lock(db):
        writer = threading.Thread(target=second)
        writer.start()
        started.wait(10)
        writer.join(0.5)
        assert writer.is_alive() and results == []  # still waiting for the lock
    writer.join(60)
    assert results and results[0].written and results[0].new == 1
