"""One code path for every upload, from the CLI or the browser: read, parse, check, warn, write.

All the files of one call go into one transaction: every row or none. A dry run of
several files does the same work and rolls it back, so its counts are exactly what a
commit would do, even for an indicators file followed by observations that use it. A
dry run of one file stages it on a read-only connection.

Each batch records who wrote it (``user``). A ``permit`` limits what may be written: a file of a kind
its role may not upload, or rows of a mission it does not allow, is refused with the rest of the file's
problems, so nothing is written.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import store
from ..access import Permit
from ..kinds import KINDS, detect
from . import check, parse, problems, read, warn, write

Progress = Callable[[str], None]
# DuckDB keeps temporary tables in memory up to its limit (80 % of the machine by default) and
# spills the rest to disk; an upload stays within this whatever its size.
MEMORY_LIMIT = "384MB"


@dataclass
class Report:
    file_name: str
    kind: str | None = None
    rows: int = 0
    new: int = 0
    revised: int = 0
    unchanged: int = 0
    problems: pd.DataFrame = field(default_factory=lambda: problems.frame([]))
    written: bool = False
    batch_id: int | None = None
    message: str = ""
    decimal: str | None = None
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)  # series that change, with new and revised rows

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


def _header(table: read.Table, kind) -> list[dict]:
    found = []
    for column in kind.required:
        if column not in table.columns:
            found.append(problems.problem(1, column, "", (
                f"The required column '{column}' is missing. A {kind.name} file needs the columns "
                f"{', '.join(kind.required)}; this file has {', '.join(table.columns) or 'none'}.")))
    known = set(kind.required) | set(kind.optional)
    for column in table.columns:
        if column not in known:
            found.append(problems.problem(1, column, "", f"The column '{column}' is not used in a "
                                          f"{kind.name} file and was ignored.", "warning"))
    return found


def _read(con, number: int, name: str, content: bytes) -> read.Table | read.FileProblem:
    """Load one file into ``upload_raw_<number>``; what it holds, or why it cannot be read."""
    try:
        return read.read(con, name, content, number)
    except read.FileProblem as err:
        return err


def _outside(con, permit: Permit) -> list[dict]:
    """One error per row of a mission the permit does not allow."""
    found = [m for (m,) in con.execute("SELECT DISTINCT mission FROM upload_checked WHERE mission IS NOT NULL").fetchall()]
    refused = permit.outside(found)
    if not refused:
        return []
    rows = con.execute("SELECT line, mission FROM upload_checked WHERE list_contains(?, mission) ORDER BY line",
                       [refused]).fetchall()
    summary = f"outside what {permit.user} may change ({permit.held_to} only)"
    return [problems.problem(line, "mission", mission, permit.mission_refusal(mission), subject=mission,
                             summary=summary) for line, mission in rows]


def _one(con, number: int, name: str, content: bytes, table: read.Table | read.FileProblem, kind_name: str | None,
         decimal: str | None, origin: str, progress: Progress, write_rows: bool = True, user: str | None = None,
         permit: Permit | None = None) -> Report:
    report = Report(name)

    def whole_file(problem: str, value: str = "", line: int = 1, column: str = "") -> Report:
        report.problems = problems.frame([problems.problem(line, column, value, problem)])
        return report

    if isinstance(table, read.FileProblem):
        return whole_file(str(table), line=table.line, column=table.column)
    con.execute(f"CREATE OR REPLACE TEMP VIEW upload_raw AS SELECT * FROM upload_raw_{number}")
    report.rows = table.rows
    if not table.rows:
        return whole_file("The file has a header but no data rows.")
    kind = KINDS[kind_name] if kind_name else detect(table.columns)
    if kind is None:
        return whole_file("Could not tell what kind of file this is from its header. Expected the columns "
                          "of an observations, targets, indicators or missions file; see the upload formats.",
                          problems.shown(", ".join(table.columns)))
    report.kind = kind.name
    refused = permit.kind_refusal(kind.name) if permit is not None else None
    if refused:
        return whole_file(refused)
    header = _header(table, kind)
    found = list(table.problems) + header
    if any(p["severity"] == "error" for p in header):  # the cells cannot be parsed without their columns
        report.problems = problems.frame(found)
        return report
    progress(f"{name}: checking {_plural(table.rows, 'row')} as {kind.name}")
    convention = parse.decimal_for(table, decimal)
    report.decimal = convention[0]
    found += parse.parse(con, kind, table, convention)
    con.execute(f"DROP VIEW upload_raw; DROP VIEW upload_raw_{number}; DROP TABLE upload_cells_{number}")
    found += check.check(con, kind)
    if permit is not None and "mission" in kind.key:
        found += _outside(con, permit)
    if any(p["severity"] == "error" for p in found):
        report.problems = problems.frame(found)
        return report
    progress(f"{name}: comparing {_plural(table.rows, 'row')} with the store")
    counts = write.stage(con, kind)
    report.changes = write.changes(con, kind)
    con.execute("DROP VIEW upload_checked; DROP TABLE upload_repeats; DROP TABLE upload_typed")
    report.new, report.revised, report.unchanged = counts["new"], counts["revised"], counts["unchanged"]
    report.problems = problems.frame(found + warn.warnings(con, kind))
    if write_rows and report.new + report.revised:
        progress(f"{name}: writing")
        batch_id = con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM batch").fetchall()[0][0]
        write.write(con, kind, batch_id)
        report.batch_id = batch_id
        con.execute("INSERT INTO batch (batch_id, kind, file_name, sha256, uploaded_at, rows_in_file, rows_new, "
                    "rows_revised, rows_unchanged, origin, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            batch_id, kind.name, Path(name).name, hashlib.sha256(content).hexdigest(),
            write.now(), report.rows, report.new, report.revised, report.unchanged, origin, user])
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
                decimal: str | None = None, origin: str = "cli", user: str | None = None,
                permit: Permit | None = None, progress: Progress = lambda _: None) -> list[Report]:
    """Check and write files in order, in one transaction; nothing is written unless all are valid.

    ``decimal`` ('comma' or 'point') overrides the convention each file is read with. ``user`` is
    recorded as the batches' uploaded_by (the permit's user when not given); ``permit``, if given,
    refuses what its role and missions do not allow.
    """
    user = user if user is not None or permit is None else permit.user
    if kind is not None and kind not in KINDS:
        raise ValueError(f"Unknown kind '{kind}'; use one of {', '.join(KINDS)}.")
    store.require(db)
    tables: list[read.Table | read.FileProblem] = []

    def load(con) -> None:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        for number, (name, content) in enumerate(files):
            progress(f"{name}: reading")
            tables.append(_read(con, number, name, content))

    def run(con, write_rows: bool) -> list[Report]:
        return [_one(con, number, name, content, tables[number], kind, decimal, origin, progress, write_rows, user,
                     permit)
                for number, (name, content) in enumerate(files)]

    if not commit and len(files) == 1:
        # Checking one file only reads, so it works while others hold the store open to read.
        with store.reading(db) as con:
            load(con)
            return [_finish(r, committed=False) for r in run(con, write_rows=False)]
    reports: list[Report] = []
    try:
        with store.writing(db, prepare=load, progress=progress) as con:
            store.migrate(con)
            reports = run(con, write_rows=True)
            if not commit or not all(r.ok for r in reports):
                raise _Discard
            progress("committing")
    except _Discard:
        return [_finish(r, committed=False) for r in reports]
    return [_finish(r, committed=True) for r in reports]


def ingest_upload(db: Path, file_name: str, content: bytes, *, commit: bool, kind: str | None = None,
                  decimal: str | None = None, origin: str = "upload", user: str | None = None,
                  permit: Permit | None = None) -> Report:
    """The browser's entry point: one file, the same path as the CLI."""
    return ingest_many(db, [(file_name, content)], commit=commit, kind=kind, decimal=decimal, origin=origin,
                       user=user, permit=permit)[0]
