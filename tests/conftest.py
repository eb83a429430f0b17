"""Shared fixtures: real DuckDB files on disk, built from the seed files."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

from peacepulse import demo, ingest, seeds
from peacepulse.store import publish

FIXTURES = Path(__file__).parent / "fixtures"


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole run, which every pytest-xdist worker shares (above each worker's own)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]) -> Path:
    """A copy, for this process, of a store that `build` makes once for the whole run.

    Under pytest-xdist every worker asks for it; the first one builds it in the run's shared temporary
    folder while the others wait on a lock, then each takes a copy of its own, so that no worker ever
    opens another's file."""
    mine = tmp_path_factory.mktemp(name) / f"{name}.duckdb"
    source = run_folder(tmp_path_factory) / f"shared-{name}.duckdb"
    with FileLock(str(source) + ".lock"):
        if not source.exists():
            building = source.with_name(source.name + ".tmp")
            building.unlink(missing_ok=True)
            build(building)
            os.replace(building, source)
    shutil.copy(source, mine)
    return mine


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    """A store holding the seed catalogue; tests copy it (see `db`) rather than write to it."""
    return built_once(tmp_path_factory, "seeded", seeds.init)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo store, built once for the run; tests that use it only read (a test that writes copies it)."""
    return built_once(tmp_path_factory, "demo", demo.build_demo)


@pytest.fixture
def db(seeded_template: Path, tmp_path: Path) -> Path:
    """A fresh store holding the seed catalogue (themes, missions, indicators)."""
    copy = tmp_path / "store.duckdb"
    shutil.copy(seeded_template, copy)
    return copy


def upload(db: Path, name: str, text: str | bytes | None = None, *, commit: bool = True,
           kind: str | None = None) -> ingest.Report:
    """Ingest a fixture file by name, or the given content under that name."""
    if text is None:
        content = (FIXTURES / name).read_bytes()
    else:
        content = text.encode("utf-8") if isinstance(text, str) else text
    return ingest.ingest_upload(db, name, content, commit=commit, kind=kind, origin="test")


def problem_at(report: ingest.Report, line: int, column: str) -> str:
    """The one problem reported for a line and column."""
    rows = report.problems[(report.problems["line"] == line) & (report.problems["column"] == column)]
    assert len(rows) == 1, f"expected one problem at line {line}, {column}; got\n{report.problems}"
    return rows.iloc[0]["problem"]


@contextmanager
def held_open(db: Path, read_only: bool = False) -> Iterator[None]:
    """Another program (a DuckDB client, DBeaver) holding the store open until the block ends."""
    code = ("import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro'); "
            "print('open', flush=True); sys.stdin.read()")
    holder = subprocess.Popen([sys.executable, "-c", code, str(db), "ro" if read_only else "rw"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open", "the other program could not open the store"
        yield
    finally:
        holder.stdin.close()
        holder.wait(30)


@contextmanager
def changed_by_hand(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection that changes the store as if it had always been so (to move its history
    back in time, say): on its working copy, which is then published, as an upload's would be."""
    with publish.write_lock(db):
        publish.prepare_working_copy(db)
        with duckdb.connect(str(publish.working_copy(db))) as con:
            yield con
        publish.publish(db)
