"""Every CSV that PeacePulse writes can be opened in a spreadsheet without running a formula someone typed:
a text cell that starts like one (=, +, -, @, tab, CR) gets a leading ', and numbers stay numbers."""
from __future__ import annotations

import base64
import csv
import io

import duckdb
import pandas as pd
import pytest
from conftest import upload

from peacepulse import cli
from peacepulse.reads import exporting

# Stored as typed: a formula in a comment, a command in a source, and a negative rate stored as a number.
HOSTILE = ('mission,indicator,period,value,comment,source,location\n'
           'UNMISS,FAT_MALICIOUS_RATE,2020,-3.5,"=HYPERLINK(""http://evil.example"",""Click"")",+cmd|\' /C calc\'!A0,-2+3\n'
           'UNMISS,FAT_MALICIOUS_RATE,2021,2,-3.5,@SUM(A1),Juba\n')


@pytest.mark.parametrize("cell, written", [
    ("=HYPERLINK(\"http://evil.example\")", "'=HYPERLINK(\"http://evil.example\")"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"), ("-", "'-"),
    ("-3.5", "-3.5"), ("+18", "+18"), ("1e-3", "1e-3"), ("Juba", "Juba"), ("", ""), (None, None), (-3.5, -3.5),
])
def test_csv001_a_text_cell_that_starts_like_a_formula_is_quoted(cell, written):
    assert exporting.safe_text(cell) == written


def test_csv002_neutralised_leaves_numbers_and_dates_alone():
    frame = pd.DataFrame({"text": ["=1+1", "ok"], "value": [-3.5, 2.0], "when": pd.to_datetime(["2024-01-01", None])})
    out = exporting.neutralised(frame)
    assert out["text"].tolist() == ["'=1+1", "ok"]
    assert out["value"].tolist() == [-3.5, 2.0] and out["when"].equals(frame["when"])
    assert frame["text"].tolist() == ["=1+1", "ok"]  # the caller's frame is left as it was


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv003_peacepulse_export_writes_formulas_as_text_and_numbers_as_numbers(db, tmp_path, capsys):
    assert upload(db, "hostile.csv", HOSTILE).written
    assert cli.main(["--db", str(db), "export", "--out", str(tmp_path / "out"), "observations"]) == 0
    rows = _rows((tmp_path / "out" / "observations.csv").read_text(encoding="utf-8"))
    first, second = sorted(rows, key=lambda r: r["period"])
    assert (first["comment"], first["source"], first["location"]) == (
        "'=HYPERLINK(\"http://evil.example\",\"Click\")", "'+cmd|' /C calc'!A0", "'-2+3")
    assert first["value"] == "-3.5"  # a number, as the store holds it
    assert (second["comment"], second["source"], second["location"]) == ("-3.5", "'@SUM(A1)", "Juba")
    # Parquet is typed data, not opened by spreadsheets: the text stays exactly as stored.
    assert cli.main(["--db", str(db), "export", "--out", str(tmp_path / "pq"), "--format", "parquet",
                     "observations"]) == 0
    stored = duckdb.sql(f"SELECT comment FROM '{tmp_path / 'pq' / 'observations.parquet'}' ORDER BY period").fetchall()
    assert stored[0][0] == '=HYPERLINK("http://evil.example","Click")'


def test_csv004_the_problem_reports_quote_the_formulas_they_cite(db, tmp_path, capsys, monkeypatch):
    bad = 'mission,indicator,period,value\n"=HYPERLINK(""http://evil.example"",""UNMISS"")",FAT_TOTAL,2020,3\n'
    (tmp_path / "bad.csv").write_text(bad)
    assert cli.main(["--db", str(db), "ingest", str(tmp_path / "bad.csv"), "--report", str(tmp_path / "p.csv")]) == 1
    reported = _rows((tmp_path / "p.csv").read_text(encoding="utf-8"))
    assert reported[0]["value"] == "'=HYPERLINK(\"http://evil.example\",\"UNMISS\")"

    from dashboard.app import app
    from dashboard.pages import upload as page
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    with app.server.test_request_context():
        report, *_ = page.dry_run("data:text/csv;base64," + base64.b64encode(bad.encode()).decode(), "", "bad.csv")
    link = report.children[-1]
    assert link.id == "upl-download"
    shown = _rows(base64.b64decode(link.href.split(",", 1)[1]).decode("utf-8"))
    assert shown[0]["value"] == "'=HYPERLINK(\"http://evil.example\",\"UNMISS\")"


def test_csv005_the_indicator_pages_download_quotes_formulas_and_keeps_numbers(db, monkeypatch):
    from dashboard.app import app
    from dashboard.pages import indicator
    assert upload(db, "hostile.csv", HOSTILE).written
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    with app.server.test_request_context():
        sent = indicator.download(1, {"code": "FAT_MALICIOUS_RATE", "missions": ["UNMISS"]})
    content = base64.b64decode(sent["content"]).decode() if sent.get("base64") else sent["content"]
    rows = sorted(_rows(content), key=lambda r: r["period"])
    assert rows[0]["comment"] == "'=HYPERLINK(\"http://evil.example\",\"Click\")"
    assert rows[0]["source"] == "'+cmd|' /C calc'!A0" and rows[0]["location"] == "'-2+3"
    assert rows[0]["value"] == "-3.5" and rows[1]["source"] == "'@SUM(A1)"
