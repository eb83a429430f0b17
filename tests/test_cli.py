"""The command line as a person uses it: real processes, real files, exit codes and messages."""
import csv
import os
import pty
import re
import shutil
import subprocess
import sys

import duckdb
import pytest
from conftest import FIXTURES


def run(*args, db=None, cwd=None, env=None):
    command = [sys.executable, "-m", "peacepulse.cli", *args] + (["--db", str(db)] if db else [])
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def cli_db(seeded_template, tmp_path):
    copy = tmp_path / "cli.duckdb"
    shutil.copy(seeded_template, copy)
    return copy


def test_init_creates_the_store_and_is_idempotent(tmp_path):
    first = run("init", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "missions.csv: Written: " in first.stdout
    assert (tmp_path / "data" / "peacepulse.duckdb").exists()
    again = run("init", cwd=tmp_path)
    assert "indicators.csv: Nothing to change" in again.stdout


def test_round_trip(cli_db, tmp_path):
    new = run("ingest", str(FIXTURES / "indicators-new.csv"), str(FIXTURES / "observations-new.csv"), db=cli_db)
    assert new.returncode == 0, new.stdout + new.stderr
    assert "observations-new.csv: Written: 6 new, 0 revised, 0 unchanged (observations)." in new.stdout
    same = run("ingest", str(FIXTURES / "observations-new.csv"), db=cli_db)
    assert same.returncode == 0 and "Nothing to change: all 6 rows are already in the store." in same.stdout
    fixed = run("ingest", str(FIXTURES / "observations-corrected.csv"), db=cli_db)
    assert "Written: 1 new, 1 revised, 5 unchanged" in fixed.stdout
    report = tmp_path / "problems.csv"
    broken = run("ingest", str(FIXTURES / "observations-broken.csv"), "--report", str(report), db=cli_db)
    assert broken.returncode == 1
    assert "ERROR   line 3, mission: Unknown mission code 'UNMISSS'. Did you mean 'UNMISS'?" in broken.stdout
    rows = list(csv.DictReader(report.open()))
    assert [r["line"] for r in rows] == ["3", "4", "5", "6", "7", "8", "9", "10", "11"]
    assert set(rows[0]) == {"line", "column", "value", "problem", "severity"}
    counted = run("sql", "SELECT count(*) AS n FROM observation_history", "--csv", db=cli_db)
    assert counted.stdout.split() == ["n", "8"]


def test_dry_run_writes_nothing(cli_db):
    out = run("ingest", str(FIXTURES / "indicators-new.csv"), "--dry-run", db=cli_db)
    assert out.returncode == 0 and "Would write: 2 new" in out.stdout
    assert run("sql", "SELECT count(*) FROM indicators WHERE code = 'RADIO_REACH'", "--csv", db=cli_db).stdout.split()[1] == "0"


@pytest.mark.parametrize("args, message", [
    (["ingest", "no-such-file.csv"], "peacepulse: No such file: no-such-file.csv"),
    (["ingest", "--bogus", "x.csv"], "unrecognized arguments: --bogus"),
    (["ingest", "x.csv", "--kind", "nonsense"], "invalid choice: 'nonsense'"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_usage_errors_exit_2_without_traceback(cli_db, args, message):
    out = run(*args, db=cli_db)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr


def test_locked_store_is_explained(cli_db):
    """A store copied by hand has no working copy yet; its first write makes one from the published
    file, which needs no other program to be writing that file."""
    holder = duckdb.connect(str(cli_db))  # another program holding the file open for writing
    try:
        out = run("ingest", str(FIXTURES / "indicators-new.csv"), db=cli_db)
    finally:
        holder.close()
    assert out.returncode == 3
    assert "is in use by another program" in out.stderr and "Traceback" not in out.stderr
    assert f"It is held by {os.path.basename(os.path.realpath(sys.executable))} (process {os.getpid()})." in out.stderr
    assert str(cli_db) in out.stderr  # at a terminal the path helps
    assert run("ingest", str(FIXTURES / "indicators-new.csv"), db=cli_db).returncode == 0  # the same command again


def test_missing_store_is_explained(tmp_path):
    out = run("status", db=tmp_path / "absent.duckdb")
    assert out.returncode == 3
    assert "There is no store at" in out.stderr and "peacepulse init" in out.stderr


def test_a_query_that_cannot_run_exits_1_with_duckdbs_message(cli_db):
    out = run("sql", "SELECT * FROM nosuchview", db=cli_db)
    assert out.returncode == 1
    assert out.stderr.startswith("peacepulse: the query could not run: Catalog Error: Table with name nosuchview")
    assert "Traceback" not in out.stderr and "incident" not in out.stderr
    assert run("sql", "SELEC 1", db=cli_db).returncode == 1
    converted = run("sql", "SELECT 'abc'::INTEGER", db=cli_db)
    assert converted.returncode == 1 and "Conversion Error" in converted.stderr
    blocks = run("sql", "SELECT * FROM blocks", db=cli_db)  # a name with 'lock' in it is no lock
    assert blocks.returncode == 1 and "in use" not in blocks.stderr


def test_sql_is_read_only(cli_db):
    out = run("sql", "DELETE FROM mission", db=cli_db)
    assert out.returncode == 1 and "the query could not run" in out.stderr and "read-only" in out.stderr
    assert run("sql", "SELECT count(*) FROM missions", "--csv", db=cli_db).stdout.split()[1] != "0"


def test_export_and_status(cli_db, tmp_path):
    out = run("export", "--out", str(tmp_path / "out"), "--format", "parquet", "missions", "themes", db=cli_db)
    assert out.returncode == 0, out.stderr
    themes = duckdb.sql(f"SELECT count(*) FROM '{tmp_path / 'out' / 'themes.parquet'}'").fetchall()[0][0]
    assert themes == 10
    status = run("status", db=cli_db)
    assert "themes" in status.stdout and "missions.csv" in status.stdout


def test_progress_is_shown_in_a_terminal_only(cli_db):
    leader, follower = pty.openpty()
    cmd = [sys.executable, "-m", "peacepulse.cli", "ingest", str(FIXTURES / "indicators-new.csv"), "--db", str(cli_db)]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=follower, timeout=120, check=True)
    os.close(follower)
    shown = os.read(leader, 65536).decode()
    os.close(leader)
    assert "indicators-new.csv: checking 2 rows as indicators" in shown and "committing" in shown
    piped = run("ingest", str(FIXTURES / "observations-new.csv"), db=cli_db)
    assert piped.returncode == 0 and piped.stderr == ""


INCIDENT = re.compile(r"^peacepulse: something went wrong inside PeacePulse \(incident ([0-9a-f]{8})\)\. "
                      r"The details are in (.+); quote the incident when you report the problem\.$")


@pytest.fixture
def broken_db(cli_db):
    """A store whose upload log view was dropped: PeacePulse's own query on it fails."""
    with duckdb.connect(str(cli_db)) as con:
        con.execute("DROP VIEW batches")
    return cli_db


def test_an_unexpected_error_is_an_incident_with_its_traceback_in_the_log(broken_db, tmp_path):
    log = tmp_path / "logs" / "incidents.log"
    out = run("status", db=broken_db, env={"PEACEPULSE_INCIDENT_LOG": str(log)})
    assert out.returncode == 4 and "Traceback" not in out.stderr
    found = INCIDENT.match(out.stderr.strip())
    assert found and found.group(2) == str(log), out.stderr
    text = log.read_text()
    assert text.startswith(f"--- Incident {found.group(1)} in peacepulse status at ")
    assert "Traceback (most recent call last)" in text and "CatalogException" in text
    again = run("status", db=broken_db, env={"PEACEPULSE_INCIDENT_LOG": str(log)})
    assert INCIDENT.match(again.stderr.strip()).group(1) in log.read_text() and text in log.read_text()


def test_a_command_that_works_logs_no_incident(cli_db, tmp_path):
    log = tmp_path / "incidents.log"
    out = run("status", db=cli_db, env={"PEACEPULSE_INCIDENT_LOG": str(log)})
    assert out.returncode == 0 and out.stderr == "" and not log.exists()


def test_the_traceback_goes_to_stderr_only_when_asked(broken_db, tmp_path):
    out = run("status", db=broken_db, env={"PEACEPULSE_INCIDENT_LOG": str(tmp_path / "i.log"), "PEACEPULSE_DEBUG": "1"})
    assert out.returncode == 4 and "Traceback (most recent call last)" in out.stderr
    assert "something went wrong inside PeacePulse (incident " in out.stderr


def test_an_incident_log_that_cannot_be_written_is_said_so(broken_db, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    out = run("status", db=broken_db, env={"PEACEPULSE_INCIDENT_LOG": str(blocker / "incidents.log")})
    assert out.returncode == 4 and "Traceback" not in out.stderr
    assert "The details could not be written to" in out.stderr and "PEACEPULSE_DEBUG=1" in out.stderr


def test_export_refuses_a_view_it_does_not_publish(cli_db, tmp_path):
    out = run("export", "--out", str(tmp_path / "out"), "themes", "nosuchview", db=cli_db)
    assert out.returncode == 2 and "unknown view 'nosuchview'; choose from themes, missions" in out.stderr
    assert not (tmp_path / "out").exists()


def test_sql_may_read_the_analysts_own_files(cli_db, tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text("code\nUNMISS\nNOPE\n")
    out = run("sql", f"SELECT m.code FROM read_csv('{mine}') m JOIN missions USING (code)", "--csv", db=cli_db)
    assert out.returncode == 0 and out.stdout.split() == ["code", "UNMISS"]


def test_signals_lists_each_missions_signals_and_their_figures(cli_db) -> None:
    (cli_db.parent / "obs.csv").write_text("mission,indicator,period,value,source\nUNMISS,FAT_MALICIOUS,2019,3,test\n")
    assert run("ingest", str(cli_db.parent / "obs.csv"), db=cli_db).returncode == 0
    out = run("signals", "--mission", "UNMISS", db=cli_db)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("UNMISS: 1 signal\n")
    assert "LOW     stale: 1 indicator has no value within its reporting cycle: latest 2019 (" in out.stdout
    csv = run("signals", "--csv", db=cli_db)
    assert csv.stdout.splitlines()[0] == "mission,theme,indicator,rule,severity,detail,link,signal,fingerprint"
    assert run("signals", "--mission", "MINUSCA", db=cli_db).stdout == "No signal needs a decision for MINUSCA.\n"
