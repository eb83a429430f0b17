"""The suite's own promise to its files (see tests/README.md): under pytest-xdist, the tests of one file run on
one worker, in the order written, so that a file may tell a story test by test over one module fixture.

pytest-xdist once lost this silently when pytest changed how it names tests; these two tests fail if it is
lost again: the second looks for the first's worker in a note that only the first writes."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_folder


def _note(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_folder(tmp_path_factory) / "parallel-runs-first-worker.txt"


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def test_par001_the_first_test_of_a_file_notes_its_worker(tmp_path_factory: pytest.TempPathFactory) -> None:
    _note(tmp_path_factory).write_text(_worker())


def test_par002_the_next_test_of_the_file_runs_after_it_on_the_same_worker(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    note = _note(tmp_path_factory)
    assert note.exists(), "this test ran before the one above it, or on another machine's folder"
    assert note.read_text() == _worker(), f"the file's tests ran on {note.read_text()} and {_worker()}"
