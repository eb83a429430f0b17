"""The corpus of hostile and malformed files (tests/corpus): every file gives the outcome written down for
it, through `peacepulse ingest` and through the upload page's callbacks alike. A refused file writes
nothing, and no traceback, library warning or path of the server reaches the person uploading."""
from __future__ import annotations

import base64
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import plotly
import pytest
from corpus import make
from corpus.outcomes import CASES, Case
from dash.exceptions import PreventUpdate
from test_dashboard_pages import _find

from peacepulse import cli

ROOT = Path(__file__).parents[1]
IDS = [case.name for case in CASES]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    return make.build(tmp_path_factory.mktemp("corpus"))


@pytest.fixture
def within_app() -> Iterator[None]:
    from dashboard.app import app
    with app.server.test_request_context():
        yield


@contextmanager
def user_visible_warnings() -> Iterator[list]:
    """The warnings a person running PeacePulse would see printed, with Python's default filters."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        warnings.simplefilter("default")
        for hidden in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
            warnings.simplefilter("ignore", hidden)
        yield caught


def state(db: Path, case: Case | None = None) -> tuple[dict[str, int], list[tuple]]:
    """Rows in every table of the store, and what the case's query finds there: one connection for both."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() "
                                            "WHERE schema_name = 'main' AND NOT temporary").fetchall()]
        counts = dict(con.execute(" UNION ALL ".join(f"SELECT '{t}', count(*) FROM main.\"{t}\"" for t in tables)
                                  ).fetchall())
        return counts, (con.execute(case.stored[0]).fetchall() if case and case.stored else [])


@pytest.fixture(scope="session")
def before(seeded_template) -> dict[str, int]:
    """What every fresh store holds: each test's store is a copy of this one."""
    return state(seeded_template)[0]


def leaks(text: str, *allowed: str) -> list[str]:
    """What a message must never show: a traceback, or a path of the server's own files."""
    for given in allowed:
        text = text.replace(given, "")
    signs = ["Traceback", 'File "', "site-packages", str(ROOT), sys.prefix, tempfile.gettempdir() + os.sep,
             "Something went wrong"]
    return [sign for sign in signs if sign in text]


def check_problems(case: Case, rows: list[dict]) -> None:
    """The report's rows hold each expected problem at its line and column, and no error beyond them."""
    severity = "warning" if case.outcome == "warning" else "error"
    for line, column, fragment in case.problems:
        assert any(int(r["line"]) == line and r["column"] == column and r["severity"] == severity
                   and fragment in r["problem"] for r in rows), (line, column, fragment, rows[:20])
    errors = [r for r in rows if r["severity"] == "error"]
    if case.outcome == "refused":
        assert len(errors) == (case.errors or len(case.problems)), errors[:20]
    else:
        assert not errors, errors
    if case.outcome == "parsed":
        assert not rows, rows


def test_cor000_every_file_has_its_outcome_and_every_outcome_its_file(corpus) -> None:
    assert sorted(p.name for p in corpus.iterdir()) == sorted(IDS)
    assert len(IDS) >= 40 and len(set(IDS)) == len(IDS)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cor001_the_cli_gives_each_file_its_outcome(case: Case, corpus, db, before, tmp_path, capsys) -> None:
    report, path = tmp_path / "problems.csv", corpus / case.name
    args = ["--db", str(db), "ingest", str(path), "--report", str(report)] + (["--kind", case.kind] if case.kind else [])
    with user_visible_warnings() as caught:
        code = cli.main(args)
    out = capsys.readouterr()
    assert code == (1 if case.outcome == "refused" else 0), out
    assert not leaks(out.out + out.err, str(path), str(report)), out
    assert not out.err and not caught, (out.err, [str(w.message) for w in caught])
    check_problems(case, list(csv.DictReader(report.open(newline="", encoding="utf-8"))))
    after, rows = state(db, case)
    if case.outcome == "refused":
        assert after == before
        assert "nothing was written" in out.out and case.problems[0][2] in out.out, out.out
    else:
        assert after["batch"] == before["batch"] + 1 and "Written:" in out.out, out.out
        assert rows == list(case.stored[1])


def _json(component) -> str:
    return json.dumps(component.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def _full_report(component) -> list[dict]:
    link = _find(component, "upl-download")
    if link is None:
        return []
    text = base64.b64decode(link.href.split(",", 1)[1]).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cor002_the_upload_page_gives_each_file_its_outcome(case: Case, corpus, db, before, within_app,
                                                            monkeypatch) -> None:
    from flask import g

    from dashboard.pages import upload
    if case.kind:
        pytest.skip("the upload page tells the kind from the header; the CLI test gives it")
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    content = (corpus / case.name).read_bytes()
    contents = "data:application/octet-stream;base64," + base64.b64encode(content).decode()
    with user_visible_warnings() as caught:
        report, pending, disabled, *_ = upload.dry_run(contents, "", case.name)
    shown = _json(report)
    assert not leaks(shown, case.name) and not caught, (shown[:2000], [str(w.message) for w in caught])
    check_problems(case, _full_report(report))
    if case.outcome == "refused":
        assert disabled and not pending["ready"]
        assert "nothing was written" in _json(_find(report, "upl-message"))
        with pytest.raises(PreventUpdate):  # a refused file is never committed
            upload.commit(1, pending)
        assert state(db)[0] == before
        return
    assert not disabled and pending["ready"]
    assert state(db)[0] == before  # the first step only checks
    g.pop("pp_version", None)  # the commit is a request of its own
    with user_visible_warnings() as caught:
        result, *_ = upload.commit(1, pending)
    assert not caught and not leaks(_json(result), case.name)
    assert result.id == "upl-done" and "Written:" in _json(result)
    after, rows = state(db, case)
    assert after["batch"] == before["batch"] + 1
    assert rows == list(case.stored[1])


# Files whose reading goes through libraries that might warn or fail on their own: workbooks, archives,
# encodings, binary data. The other files are read by the same code as these.
REAL_RUN = ("binary-data.csv", "zip-renamed.csv", "formulas-unsaved.xlsx", "merged-cells.xlsx", "stale-dimension.xlsx",
            "decompression-bomb.xlsx", "entity-expansion.xlsx", "utf16-le.csv", "cr-line-endings.csv")


def test_cor003_a_real_cli_run_prints_no_traceback_or_warning(corpus, db) -> None:
    """`peacepulse ingest` as a person runs it, on the files most likely to upset a library: one message per
    file on stdout, nothing on stderr."""
    files = [str(corpus / name) for name in REAL_RUN]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    env.pop("PEACEPULSE_DEBUG", None)
    out = subprocess.run([sys.executable, "-m", "peacepulse.cli", "--db", str(db), "ingest", *files],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 1, out.stdout[-2000:] + out.stderr[-2000:]
    assert out.stderr == ""
    assert not leaks(out.stdout, *files), out.stdout[-2000:]
    for path in files:
        assert f"{path}: " in out.stdout
    assert "Nothing was written: fix the problems in" in out.stdout


def test_cor004_an_upload_over_the_limit_is_refused_before_it_is_decoded(db, before, within_app, monkeypatch) -> None:
    """The size is told from the base64 text, so a big file is never decoded, in either step; a forged
    commit of a file over the limit, or of text that is not base64, is refused and writes nothing."""
    from types import SimpleNamespace

    from dashboard.pages import upload

    def never(*_):
        raise AssertionError("a file over the limit was decoded")

    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    monkeypatch.setattr(upload, "MAX_BYTES", 1000)
    monkeypatch.setattr(upload, "base64", SimpleNamespace(b64decode=never, b64encode=base64.b64encode))
    encoded = base64.b64encode(b"mission,indicator,period,value\n" + b"UNMISS,FAT_TOTAL,2020,3\n" * 60).decode()
    report, pending, disabled, *_ = upload.dry_run("data:text/csv;base64," + encoded, "", "big.csv")
    assert "big.csv is 0.0 MB; the limit here is 0 MB" in _json(report) and pending is None and disabled
    forged = {"file_name": "big.csv", "content": encoded, "decimal": None, "ready": True}
    result, pending, disabled, _ = upload.commit(1, forged)
    assert "the limit here is" in _json(result) and pending is None and disabled
    monkeypatch.setattr(upload, "base64", base64)
    result, *_ = upload.commit(1, {**forged, "content": "not base64 at all!"})
    assert "The file could not be read from the browser" in _json(result)
    assert state(db)[0] == before
