"""The pages' result cache across processes: an entry missing from it is computed once while the other
workers that ask for it wait and read it, and a computation that needs another entry does not wait on
itself. Each worker here is a process of its own, as under gunicorn, sharing one cache folder."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from served import ROOT, dashboard_env

# A worker: within a request, load() an entry whose computation notes the process, then takes a while.
WORKER = """
import os, sys, time
from pathlib import Path
from dashboard.app import app
from dashboard import data

notes = Path(sys.argv[1])

def slow(db, name):
    with notes.open("a") as f:
        f.write(f"{name} {os.getpid()}\\n")
    time.sleep(1.5)
    return f"value of {name}"

def outer(db, name):
    return data.load(slow, name + "-inner") + " inside " + name

ready = Path(sys.argv[2])
ready.touch()
while len(list(ready.parent.glob("ready-*"))) < int(sys.argv[3]):  # start together
    time.sleep(0.01)
with app.server.test_request_context():
    print(data.load(outer if sys.argv[4] == "nested" else slow, sys.argv[5]))
"""


def _run(db: Path, folder: Path, keys: list[str], how: str = "plain") -> tuple[list[str], list[str]]:
    """Start one worker process per key at the same moment; what each returned, and the computations noted."""
    env = dashboard_env(db, folder)
    notes = folder / "computed.txt"
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(notes), str(folder / f"ready-{i}"), str(len(keys)),
                                 how, key], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for i, key in enumerate(keys)]
    answers = []
    for w in workers:
        out, err = w.communicate(timeout=180)
        assert w.returncode == 0, err
        answers.append(out.strip())
    return answers, sorted(line.split()[0] for line in notes.read_text().splitlines())


@pytest.fixture
def folder(seeded_template: Path, tmp_path: Path) -> Path:
    shutil.copy(seeded_template, tmp_path / "store.duckdb")
    return tmp_path


def test_pgc001_workers_asking_for_the_same_missing_entry_compute_it_once(folder: Path) -> None:
    answers, computed = _run(folder / "store.duckdb", folder, ["signals"] * 3)
    assert answers == ["value of signals"] * 3
    assert computed == ["signals"]


def test_pgc002_different_entries_are_each_computed(folder: Path) -> None:
    answers, computed = _run(folder / "store.duckdb", folder, ["a", "b", "c"])
    assert answers == ["value of a", "value of b", "value of c"]
    assert computed == ["a", "b", "c"]


def test_pgc003_an_entry_computed_from_another_neither_waits_on_itself_nor_computes_twice(folder: Path) -> None:
    answers, computed = _run(folder / "store.duckdb", folder, ["page", "page"], how="nested")
    assert answers == ["value of page-inner inside page"] * 2
    assert computed == ["page-inner"]
