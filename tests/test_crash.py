"""Uploads killed with SIGKILL at random moments of reading, checking, writing and publishing, into a
seeded store and into one of a million observations. After every kill both files open, every batch is
complete or absent, the rollups agree with the observations, and the same upload then succeeds; after
it no temporary file is left behind."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from peacepulse import ingest, seeds, store
from peacepulse.store import publish, rollups

PHASES = ("reading", "checking", "writing", "publishing")
# The progress messages that begin each phase.
MARKS = {"reading": ": reading", "checking": ": checking", "writing": ": comparing", "publishing": "publishing"}

# Imports once, then forks a child per upload, so that a kill costs no start-up of Python.
DRIVER = r"""
import json, os, sys, time
from pathlib import Path
from peacepulse import ingest
for line in sys.stdin:
    db, path = json.loads(line)
    child = os.fork()
    if child == 0:
        def say(text):
            os.write(1, (json.dumps({"mark": text, "at": time.monotonic()}) + "\n").encode())
        try:
            report = ingest.ingest_many(Path(db), [(Path(path).name, Path(path).read_bytes())], commit=True,
                                        origin="test", progress=say)[0]
            say("done: " + report.message)
        except BaseException as err:
            say(f"failed: {err!r}")
        finally:
            os._exit(0)
    print(json.dumps({"child": child}), flush=True)
    os.waitpid(child, 0)
    print(json.dumps({"ended": child}), flush=True)
"""

# Valid quarterly counts by sector, inside each mission's dates: row n is always the same row, so
# slices that do not overlap never share a key. All values are synthetic and marked so.
ROWS = """
    WITH m AS (SELECT code AS mission, start_date::DATE AS began, coalesce(end_date::DATE, DATE '2025-12-31') AS ended
               FROM missions WHERE start_date IS NOT NULL),
    q AS (SELECT m.mission, y || '-Q' || k AS period FROM m, range(1990, 2026) t(y), range(1, 5) s(k)
          WHERE make_date(y, 3 * k - 2, 1) >= m.began AND last_day(make_date(y, 3 * k, 1)) <= m.ended),
    i AS (SELECT code AS indicator FROM indicators
          WHERE measure = 'count' AND period_type = 'quarter' AND disaggregations = 'location'),
    series AS (SELECT mission, indicator, period, row_number() OVER (ORDER BY mission, indicator, period) - 1 AS c
               FROM q, i),
    keys AS (SELECT mission, indicator, period, 'Sector ' || (s + 1) AS location, c * 90 + s AS n
             FROM series, range(90) t(s) WHERE c BETWEEN {start} // 90 AND {stop} // 90)
    SELECT mission, indicator, period, location, (n * 104729) % 500 AS value, 'synthetic' AS source
    FROM keys WHERE n >= {start} AND n < {stop} ORDER BY n"""


def _file(db: Path, out: Path, start: int, rows: int) -> Path:
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(f"COPY ({ROWS.format(start=start, stop=start + rows)}) TO '{out}' (HEADER)")
    return out


@pytest.fixture(scope="module")
def million(tmp_path_factory) -> Path:
    """A store of a million observations, written through the upload path."""
    folder = tmp_path_factory.mktemp("million")
    db = folder / "million.duckdb"
    seeds.init(db)
    big = _file(db, folder / "million.csv", 0, 1_000_000)
    report = ingest.ingest_many(db, [(big.name, big.read_bytes())], commit=True, origin="test")[0]
    big.unlink()
    assert report.new == 1_000_000, report.message
    return db


class Driver:
    def __init__(self) -> None:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        self.process = subprocess.Popen([sys.executable, "-c", DRIVER], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, env=env)

    def upload(self, db: Path, file: Path, phase: str | None, delay: float) -> tuple[bool, str, dict[str, float]]:
        """Upload `file`; once `phase` begins, wait `delay` seconds and kill it. Returns whether the
        kill landed before the upload ended, the phase it was in, and when each phase began."""
        self.process.stdin.write(json.dumps([str(db), str(file)]) + "\n")
        self.process.stdin.flush()
        child = json.loads(self.process.stdout.readline())["child"]
        began: dict[str, float] = {}
        last, killed = "", False
        while True:
            event = json.loads(self.process.stdout.readline())
            if "ended" in event:
                return killed, last, began
            mark = event["mark"]
            found = next((p for p, text in MARKS.items() if text in mark), None)
            if found and found not in began:
                began[found], last = event["at"], found
            if mark.startswith(("done", "failed")):
                last = mark
            if phase is not None and found == phase and not killed:
                time.sleep(delay)
                try:
                    os.kill(child, signal.SIGKILL)
                    killed = True
                except ProcessLookupError:  # it had already ended
                    pass

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(30)


@pytest.fixture(scope="module")
def driver():
    started = Driver()
    yield started
    started.close()


def _sound(db: Path, rows_of: dict[str, int]) -> None:
    """Both files open; every batch of the working copy is complete; the rollups equal their definitions."""
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute("SELECT count(*) FROM batches").fetchone()
    with duckdb.connect(str(publish.working_copy(db)), read_only=True) as con:
        for file_name, batch_id in con.execute("SELECT file_name, batch_id FROM batches WHERE origin = 'test' "
                                               "AND kind = 'observations'").fetchall():
            if file_name in rows_of:
                stored = con.execute("SELECT count(*) FROM observation_revision WHERE batch_id = ?",
                                     [batch_id]).fetchone()[0]
                assert stored == rows_of[file_name], f"{file_name}: {stored} of {rows_of[file_name]} rows"
        for table in rollups.TABLES:
            columns = ", ".join(f'"{c}"' for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]).fetchall())
            kept, full = f"SELECT {columns} FROM {table}", f"SELECT {columns} FROM ({rollups.FULL[table]})"
            differ = con.execute(f"SELECT count(*) FROM (({kept} EXCEPT ALL {full}) UNION ALL ({full} EXCEPT ALL {kept}))"
                                 ).fetchone()[0]
            assert differ == 0, f"{table} disagrees with the observations in {differ} rows"


def _clean(db: Path) -> None:
    """Nothing left over for a later run to trip on, and the published file holds what the working copy holds."""
    assert sorted(p.name for p in store.private_dir(db).iterdir()) == sorted([publish.LOCK, publish.WORK])
    assert not Path(str(db) + ".wal").exists()
    batches = "SELECT batch_id, file_name FROM batches ORDER BY batch_id"
    with duckdb.connect(str(db), read_only=True) as public, \
            duckdb.connect(str(publish.working_copy(db)), read_only=True) as work:
        assert public.execute(batches).fetchall() == work.execute(batches).fetchall()


def _kill_round(driver: Driver, db: Path, folder: Path, start: int, rows: int, per_phase: int,
                rng: random.Random) -> tuple[dict[str, int], int]:
    """Kill uploads into db until `per_phase` kills have landed in each phase, each at a random moment
    of it; after each kill check the store, then retry the upload. Returns how many kills landed in
    each phase, and how many files were stored in all."""
    landed = dict.fromkeys(PHASES, 0)
    rows_of: dict[str, int] = {}
    first = _file(db, folder / "timing.csv", start, rows)
    _, last, began = driver.upload(db, first, None, 0)  # one whole upload, to learn how long each phase lasts
    assert last.startswith("done") and set(began) == set(PHASES), (last, began)
    rows_of[first.name] = rows
    ends = [began[p] for p in PHASES] + [time.monotonic()]
    lasts = {p: max(ends[k + 1] - ends[k], 0.001) for k, p in enumerate(PHASES)}
    attempts = 0
    while min(landed.values()) < per_phase:
        attempts += 1
        assert attempts <= 3 * per_phase * len(PHASES), f"kills landed too rarely: {landed}"
        phase = min(PHASES, key=lambda p: landed[p])
        name = f"upload-{start}-{attempts}.csv"
        file = _file(db, folder / name, start + attempts * rows, rows)
        killed, where, _ = driver.upload(db, file, phase, rng.uniform(0, lasts[phase] * 0.8))
        if killed and where in PHASES:
            landed[where] += 1
        rows_of[name] = rows
        _sound(db, rows_of)  # before anything else touches the store
        retried = ingest.ingest_many(db, [(name, file.read_bytes())], commit=True, origin="test")[0]
        # A kill after the commit leaves nothing to change, and the retry says so.
        assert retried.ok and (retried.written or retried.unchanged == rows), retried.message
        assert retried.new + retried.unchanged == rows
        _clean(db)
        file.unlink()
    _sound(db, rows_of)
    print(f"{attempts} uploads, kills landed per phase: {landed}")  # shown with -s
    return landed, attempts + 1


def test_crash001_kills_in_every_phase_leave_a_sound_store(driver, db, tmp_path) -> None:
    landed, stored = _kill_round(driver, db, tmp_path, start=0, rows=2_000, per_phase=5, rng=random.Random(1))
    assert sum(landed.values()) >= 20, landed
    assert store.read_df(db, "SELECT count(*) AS n FROM observations")["n"][0] == 2_000 * stored


def test_crash002_kills_into_a_store_of_a_million_observations(driver, million, tmp_path) -> None:
    db = tmp_path / "million.duckdb"
    shutil.copy(million, db)
    landed, stored = _kill_round(driver, db, tmp_path, start=1_000_000, rows=10_000, per_phase=3,
                                 rng=random.Random(2))
    assert sum(landed.values()) >= 12, landed
    assert store.read_df(db, "SELECT count(*) AS n FROM observations")["n"][0] == 1_000_000 + 10_000 * stored
