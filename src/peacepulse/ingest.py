"""One code path for every upload, from the CLI or the browser: read, validate, write.

All the files of one call go into one transaction: every row or none. A dry run
of several files does the same work and rolls it back, so its counts are exactly
what a commit would do, even for an indicators file followed by observations
that use it. A dry run of one file stages it on a read-only connection.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import problems as problem_rows
from . import store, writers
from .readers import KINDS, FileProblem, detect_kind, read_table
from .validate import validate

Progress = Callable[[str], None]


@dataclass
class Report:
    file_name: str
    kind: str | None = None
    rows: int = 0
    new: int = 0
    revised: int = 0
    unchanged: int = 0
    problems: pd.DataFrame = field(default_factory=lambda: problem_rows.frame([]))
    written: bool = False
    batch_id: int | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return not (self.problems["severity"] == "error").any()

    @property
    def errors(self) -> int:
        return int((self.problems["severity"] == "error").sum())


class _Discard(Exception):
    """Roll the transaction back: a dry run, or a file with errors."""


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _one(con, name: str, content: bytes, kind: str | None, origin: str, progress: Progress,
         write: bool = True) -> Report:
    report = Report(name)

    def whole_file(problem: str, value: str = "") -> Report:
        report.problems = problem_rows.frame([problem_rows.problem(None, "", value, problem)])
        return report

    progress(f"{name}: reading")
    try:
        raw = read_table(name, content)
    except FileProblem as err:
        return whole_file(str(err))
    report.rows = len(raw)
    if raw.empty:
        return whole_file("The file has a header but no data rows.")
    report.kind = kind or detect_kind(list(raw.columns))
    if report.kind is None:
        return whole_file("Could not tell what kind of file this is from its header. Expected the columns "
                          "of an observations, targets, indicators or missions file; see the upload formats.",
                          ", ".join(raw.columns))
    progress(f"{name}: validating {_plural(len(raw), 'row')} as {report.kind}")
    checked = validate(con, raw, report.kind)
    report.problems = checked.problems
    if not checked.ok:
        return report
    progress(f"{name}: comparing {_plural(len(raw), 'row')} with the store")
    counts = writers.stage(con, report.kind, checked.rows)
    report.new, report.revised, report.unchanged = counts["new"], counts["revised"], counts["unchanged"]
    if write and report.new + report.revised:
        progress(f"{name}: writing")
        batch_id = con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM batch").fetchall()[0][0]
        writers.write(con, report.kind, batch_id)
        report.batch_id = batch_id
        con.execute("INSERT INTO batch VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            batch_id, report.kind, Path(name).name, hashlib.sha256(content).hexdigest(),
            writers.now(), report.rows, report.new, report.revised, report.unchanged, origin])
    return report


def _finish(report: Report, committed: bool) -> Report:
    if not report.ok:
        report.message = (f"{_plural(report.errors, 'problem')} found in {report.file_name}; "
                          "nothing was written.")
    elif report.new + report.revised == 0:
        report.message = f"Nothing to change: all {_plural(report.rows, 'row')} are already in the store."
    else:
        report.written = committed
        verb = "Written" if committed else "Would write"
        report.message = (f"{verb}: {report.new:,} new, {report.revised:,} revised, "
                          f"{report.unchanged:,} unchanged ({report.kind}).")
        if not committed:
            report.batch_id = None
    return report


def ingest_many(db: Path, files: list[tuple[str, bytes]], *, commit: bool, kind: str | None = None,
                origin: str = "cli", progress: Progress = lambda _: None) -> list[Report]:
    """Validate and write files in order, in one transaction; nothing is written unless all are valid."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"Unknown kind '{kind}'; use one of {', '.join(KINDS)}.")
    store.require(db)
    if not commit and len(files) == 1:
        # Checking one file only reads, so it works while others hold the store open to read.
        with store.reading(db) as con:
            return [_finish(_one(con, *files[0], kind, origin, progress, write=False), committed=False)]
    reports: list[Report] = []
    try:
        with store.writing(db) as con:
            store.migrate(con)
            for name, content in files:
                reports.append(_one(con, name, content, kind, origin, progress))
            if not commit or not all(r.ok for r in reports):
                raise _Discard
            progress("committing")
    except _Discard:
        return [_finish(r, committed=False) for r in reports]
    return [_finish(r, committed=True) for r in reports]


def ingest_upload(db: Path, file_name: str, content: bytes, *, commit: bool,
                  kind: str | None = None, origin: str = "upload") -> Report:
    """The browser's entry point: one file, the same path as the CLI."""
    return ingest_many(db, [(file_name, content)], commit=commit, kind=kind, origin=origin)[0]
