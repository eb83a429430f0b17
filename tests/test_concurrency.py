"""Analysts query the store file while the dashboard serves and uploads arrive: nobody waits for anybody.

The dashboard runs under gunicorn with four workers; an outside program holds the store open
read-only the whole time; twenty uploads arrive, from the command line and through the upload
page's callbacks, while a loop of requests reads pages."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from dash_client import DashClient, text
from served import dashboard_server

from peacepulse import ingest, store

CLI_UPLOADS, PAGE_UPLOADS = 6, 14  # twenty uploads: from the command line, and through the upload page
UPLOADS = CLI_UPLOADS + PAGE_UPLOADS
PAGES = [("/", ""), ("/missions", ""), ("/mission", "?code=UNMISS"), ("/mission", "?code=MONUSCO&period=2020"),
         ("/themes", ""), ("/theme", "?n=5"), ("/indicator", "?code=FAT_MALICIOUS"), ("/quality", ""),
         ("/signals", ""), ("/actions", "")]
VISIBLE_WITHIN = 2.0  # seconds from an upload's commit to a request the dashboard answers with it

# An analyst's notebook: one read-only connection held for the whole run, queried now and then.
READER = r"""
import json, select, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
first = con.execute("SELECT count(*) FROM batches").fetchone()[0]
print(json.dumps({"open": first}), flush=True)
queries, errors, seen = 0, [], set()
while not select.select([sys.stdin], [], [], 0.1)[0]:
    try:
        seen.add(con.execute("SELECT count(*) FROM batches").fetchone()[0])
        con.execute("SELECT mission, indicator, status FROM progress LIMIT 100").fetchall()
        queries += 1
    except Exception as err:
        errors.append(str(err))
con.close()
fresh = duckdb.connect(sys.argv[1], read_only=True).execute("SELECT count(*) FROM batches").fetchone()[0]
print(json.dumps({"queries": queries, "errors": errors, "seen": sorted(seen), "fresh": fresh}), flush=True)
"""


def _row(number: int) -> bytes:
    return f"mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,{2031 + number},{number}\n".encode()


@pytest.fixture
def live(demo_db: Path, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A copy of the demo store served by gunicorn with four workers."""
    db = tmp_path / "store.duckdb"
    shutil.copy(demo_db, db)
    with dashboard_server(db, tmp_path, workers=4) as (base, _):
        yield db, base


def test_con001_readers_never_block_uploads_and_uploads_never_break_readers(live, tmp_path) -> None:
    db, base = live
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    opened = json.loads(reader.stdout.readline())["open"]
    done = threading.Event()
    answers: list[tuple[str, int, str]] = []  # (what, status, problem) of every request of the loop
    uploads: list[tuple[str, str]] = []       # (file name, outcome) of every upload
    delays: dict[str, float] = {}             # file name -> seconds from its commit to the dashboard showing it

    def browse(offset: int) -> None:
        client = DashClient(base)
        step = offset
        while not done.is_set():
            path, search = PAGES[step % len(PAGES)]
            step += 1
            for what, answer in ((f"{path}{search}", client.page(path, search)),
                                 ("GET /_dash-layout", client.http.get(f"{base}/_dash-layout", timeout=60))):
                body = answer.text
                problem = next((word for word in ('"store-problem"', '"incident"', "Traceback") if word in body), "")
                answers.append((what, answer.status_code, problem))

    def seen(name: str, committed: float, client: DashClient) -> None:
        """How long after the commit a request was sent that the dashboard answered with the upload.
        Measured to the request's start: how long a page takes to draw on a busy machine is another matter."""
        while time.monotonic() - committed < 30:
            asked = time.monotonic()
            if name in text(client.page("/quality")):
                delays[name] = asked - committed
                return
        delays[name] = float("inf")

    def from_the_command_line() -> None:
        client = DashClient(base)
        for number in range(CLI_UPLOADS):
            name = f"cli-{number}.csv"
            (tmp_path / name).write_bytes(_row(number))
            run = subprocess.run([sys.executable, "-m", "peacepulse.cli", "ingest", str(tmp_path / name),
                                  "--db", str(db)], capture_output=True, text=True, timeout=120)
            uploads.append((name, f"exit {run.returncode}: {run.stdout}{run.stderr}"))
            seen(name, time.monotonic(), client)

    def through_the_upload_page() -> None:
        client = DashClient(base)
        for number in range(PAGE_UPLOADS):
            name = f"web-{number}.csv"
            checked, committed = client.upload(name, _row(CLI_UPLOADS + number))
            uploads.append((name, "no commit: " + checked.text[:300] if committed is None
                            else f"exit {committed.status_code}: {text(committed)[:300]}"))
            seen(name, time.monotonic(), client)

    loops = [threading.Thread(target=browse, args=(k,)) for k in range(2)]
    writers = [threading.Thread(target=from_the_command_line), threading.Thread(target=through_the_upload_page)]
    for thread in loops + writers:
        thread.start()
    for thread in writers:
        thread.join(600)
    done.set()
    for thread in loops:
        thread.join(120)
    assert not any(thread.is_alive() for thread in loops + writers), "the run did not end in time"
    reader.stdin.close()
    notebook = json.loads(reader.stdout.readline())
    reader.wait(30)
    summary = (f"{len(answers)} requests, {len(uploads)} uploads, visible after (s): "
               f"{sorted(round(d, 2) for d in delays.values())}")
    print(summary)  # shown with -s: the figures of the run

    assert len(uploads) == UPLOADS, summary
    refused = [(name, outcome) for name, outcome in uploads
               if not (outcome.startswith("exit 0") or outcome.startswith("exit 200")) or "Written: 1 new" not in outcome]
    assert refused == [], summary
    failed = [answer for answer in answers if answer[1] != 200 or answer[2]]
    assert len(answers) > 40 and failed == [], summary
    late = {name: round(delay, 2) for name, delay in delays.items() if delay > VISIBLE_WITHIN}
    assert len(delays) == UPLOADS and late == {}, summary
    assert notebook["errors"] == [] and notebook["queries"] > 10
    assert notebook["seen"] == [opened]            # the open connection kept the snapshot it opened
    assert notebook["fresh"] == opened + UPLOADS  # and a new one sees every upload
    names = set(store.read_df(db, "SELECT file_name FROM batches")["file_name"])
    assert {name for name, _ in uploads} <= names
    values = store.read_df(db, "SELECT period, value FROM observations WHERE mission = 'UNMISS' "
                               "AND indicator = 'FAT_MALICIOUS' AND period >= '2031' ORDER BY period")
    assert values["value"].tolist() == [float(n) for n in range(UPLOADS)]


# A DuckDB client opened without -readonly on the published file, which writes to it too.
WRITER = r"""
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("SET checkpoint_threshold = '1GB'")
con.execute("CREATE TABLE scratch AS SELECT 42 AS answer")
print("open", flush=True)
sys.stdin.read()
con.close()
"""


def test_con002_a_program_writing_the_published_file_stops_neither_pages_nor_uploads(db, tmp_path) -> None:
    first = ingest.ingest_upload(db, "first.csv", _row(0), commit=True, origin="test")
    assert first.written
    holder = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        assert Path(str(db) + ".wal").exists()  # the holder's own log beside the file
        counted = store.read_df(db, "SELECT count(*) AS n FROM batches")["n"][0]  # served from the working copy
        during = ingest.ingest_upload(db, "during.csv", _row(1), commit=True, origin="test")
        assert during.written and during.message.startswith("Written: 1 new")
        assert store.read_df(db, "SELECT count(*) AS n FROM batches")["n"][0] == counted + 1
    finally:
        holder.stdin.close()
        holder.wait(30)
    # Once it has let go, the published file opens, holds both uploads, and none of the holder's table.
    with duckdb.connect(str(db), read_only=True) as con:
        names = {name for (name,) in con.execute("SELECT file_name FROM batches").fetchall()}
        assert {"first.csv", "during.csv"} <= names
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'scratch'").fetchone()[0] == 0
    after = ingest.ingest_upload(db, "after.csv", _row(2), commit=True, origin="test")
    assert after.written


def test_con003_a_reader_holds_its_snapshot_while_uploads_publish(db) -> None:
    ingest.ingest_upload(db, "zero.csv", _row(0), commit=True, origin="test")
    analyst = duckdb.connect(str(db), read_only=True)
    try:
        before = analyst.execute("SELECT count(*) FROM batches").fetchone()[0]
        report = ingest.ingest_upload(db, "one.csv", _row(1), commit=True, origin="test")
        assert report.written  # not held up by the open connection
        assert analyst.execute("SELECT count(*) FROM batches").fetchone()[0] == before
    finally:
        analyst.close()
    assert store.read_df(db, "SELECT count(*) AS n FROM batches")["n"][0] == before + 1


def test_con004_a_store_with_no_published_file_is_published_at_the_next_read(db) -> None:
    ingest.ingest_upload(db, "zero.csv", _row(0), commit=True, origin="test")
    db.unlink()  # as if deleted by hand, or lost between a commit and its publishing
    assert store.read_df(db, "SELECT count(*) AS n FROM batches WHERE file_name = 'zero.csv'")["n"][0] == 1
    assert db.exists()


def test_con005_a_published_file_changed_by_hand_is_left_until_the_next_write(db) -> None:
    ingest.ingest_upload(db, "zero.csv", _row(0), commit=True, origin="test")
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE note AS SELECT 'mine' AS who")
    assert store.read_df(db, "SELECT who FROM note")["who"].tolist() == ["mine"]  # reads do not undo it
    ingest.ingest_upload(db, "one.csv", _row(1), commit=True, origin="test")
    tables = store.read_df(db, "SELECT table_name FROM duckdb_tables()")["table_name"].tolist()
    assert "note" not in tables  # the working copy is what PeacePulse publishes
