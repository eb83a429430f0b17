"""The briefing: one HTML file on a mission, built from real stores, read back as a person would."""
from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import upload
from plotly.offline import get_plotlyjs

from peacepulse import briefing, store
from peacepulse.briefing import charts
from peacepulse.figures import STATUS_LABELS, STATUS_SYMBOLS, trends
from peacepulse.reads import queries

BUDGET = 5_000_000  # bytes, for a mission with all ten themes


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _text(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, entities read, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _body(page: str) -> str:
    """The page without its scripts: what the reader's eye and the HTML parser meet."""
    return page[:page.index("<script>")]


def _charts(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="pp-charts">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def _traces(spec: dict, chart: dict) -> list[dict]:
    """A chart's lines as the file's script puts them together (see charts.pack)."""
    out = []
    for placed in chart["data"]:
        trace = json.loads(json.dumps(spec["traces"][placed["t"]]))
        for key in charts.ARRAYS:
            if isinstance(trace.get(key), dict) and "a" in trace[key]:
                trace[key] = spec["arrays"][trace[key]["a"]]
        out.append({**trace, **{k: v for k, v in placed.items() if k != "t"}})
    return out


@pytest.fixture(scope="module")
def built(demo_db: Path) -> dict[str, str]:
    """The briefing of every mission of the demo with data on all ten themes."""
    found = store.read_df(demo_db, "SELECT mission FROM scorecard GROUP BY mission HAVING count(*) = 10 ORDER BY mission")
    assert len(found) >= 5 and "UNMISS" in set(found["mission"])
    return {code: briefing.build(demo_db, code) for code in found["mission"]}


@pytest.fixture(scope="module")
def unmiss(built: dict[str, str]) -> str:
    return built["UNMISS"]


def test_brf001_every_ten_theme_mission_of_the_demo_fits_the_budget(built):
    sizes = {code: len(page.encode("utf-8")) for code, page in built.items()}
    biggest = max(sizes, key=sizes.get)
    assert sizes[biggest] <= BUDGET, f"{biggest}: {sizes[biggest]:,} bytes"
    assert sizes[biggest] > len(get_plotlyjs())  # plotly.js is inside


def test_brf002_plotly_js_is_inside_once_and_nothing_is_fetched(unmiss):
    assert unmiss.count(get_plotlyjs()) == 1
    assert len(re.findall(r"\* plotly\.js v\d", unmiss)) == 1
    body = _body(unmiss)
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", body, re.I)
    assert "default-src 'none'" in body  # the file's own policy forbids any request


def test_brf003_the_scorecard_row_is_the_missions_with_symbols_and_words(demo_db, unmiss):
    cells = re.findall(r'<td class="cell">(.*?)</td>', unmiss, re.S)
    assert len(cells) == 10
    row = store.read_df(demo_db, "SELECT * FROM scorecard WHERE mission = 'UNMISS' ORDER BY theme")
    for r, cell in zip(row.itertuples(), cells):
        seen = _text(cell)
        assert seen.startswith(f"{STATUS_SYMBOLS[r.status]} {STATUS_LABELS[r.status]}"), seen
        assert f"{r.on_track}✓ {r.at_risk}! {r.off_track}✗ · {r.indicators} indicators" in seen


def test_brf004_each_theme_has_its_charts_and_they_hold_the_series(demo_db, unmiss):
    spec = _charts(unmiss)
    ids = re.findall(r'<div class="chart" id="(chart-\d+-\d+)"', unmiss)
    assert ids == [c["id"] for c in spec["charts"]]
    assert {int(i.split("-")[1]) for i in ids} == set(range(1, 11))
    series = queries.series(demo_db, "UNMISS")
    for chart in spec["charts"]:
        assert "template" not in chart["layout"]  # sent once, for all charts
        for trace in _traces(spec, chart):
            if trace["meta"].get("role") != "value":
                continue
            part = series[series["indicator"] == trace["meta"]["indicator"]]
            part = part[part["synthetic"].fillna(False) == trace["meta"]["synthetic"]].sort_values("period_start")
            assert trace["x"] == part["period_start"].dt.strftime("%Y-%m-%d").tolist()
            assert trace["y"] == pytest.approx(part["value"].tolist(), rel=1e-5)
            assert trace["line"]["dash"] == ("dash" if trace["meta"]["synthetic"] else "solid")


def test_brf005_compact_charts_keep_what_the_figure_shows(demo_db):
    inds = queries.mission_indicators(demo_db, "UNMISS")
    shown = inds[(inds["theme"] == 8) & inds["n_points"].notna()].head(3)
    series, targets = queries.series(demo_db, "UNMISS"), queries.targets(demo_db, "UNMISS")
    fig = trends.trend_panel(shown, series[series["indicator"].isin(shown["code"])], queries.progress(demo_db, "UNMISS"),
                             targets[targets["indicator"].isin(shown["code"])])
    compact = charts.compact(fig)
    assert len(compact["data"]) == len(fig.data)
    for before, after in zip(fig.data, compact["data"]):
        assert after["y"] == pytest.approx(list(before.y), rel=1e-5)
        if before.customdata is not None and before.meta.get("role") == "value":
            rows = [list(r) for r in before.customdata]
            assert after["customdata"] == [r[0] for r in rows]  # the period, per point
            assert after["meta"]["c2"] == rows[0][2] and "%{meta.c2}" in after["hovertemplate"]
            assert "customdata[2]" not in after["hovertemplate"]
    packed = charts.pack([compact, compact])
    assert len(packed["traces"]) == len(compact["data"])  # the same lines twice are kept once


def test_brf006_synthetic_data_is_said_plainly(demo_db, unmiss):
    notice = _text(re.search(r'<p class="notice synthetic" id="synthetic-notice">(.*?)</p>', unmiss, re.S).group(1))
    counts = store.read_df(demo_db, """SELECT count(DISTINCT indicator) AS n, count(*) AS points FROM series
                                       WHERE mission = 'UNMISS' AND synthetic""").iloc[0]
    assert notice.startswith("This briefing contains synthetic data.")
    assert f"{counts['n']} of the mission's series ({counts['points']:,} of" in notice
    assert "not real figures" in notice
    assert "synthetic demo assessment" in unmiss  # the demo's assessments are invented too
    statement = _text(re.search(r'<p id="synthetic-statement">(.*?)</p>', unmiss).group(1))
    assert statement.startswith(f"Synthetic: {counts['n']} series")


def test_brf007_provenance_lists_the_uploads_sources_and_the_moment(demo_db, unmiss):
    table = re.search(r'<table class="data" id="batches">(.*?)</table>', unmiss, re.S).group(1)
    listed = [int(b) for b in re.findall(r"<tr><td>(\d+)</td>", table)]
    expected = store.read_df(demo_db, """
        SELECT batch_id FROM batches WHERE kind IN ('missions', 'indicators') OR batch_id IN (
            SELECT batch_id FROM observations WHERE mission = 'UNMISS' UNION SELECT batch_id FROM targets
            WHERE mission = 'UNMISS' UNION SELECT batch_id FROM assessments WHERE mission = 'UNMISS'
            UNION SELECT batch_id FROM recommendations WHERE mission = 'UNMISS') ORDER BY batch_id""")
    assert listed == expected["batch_id"].tolist()
    assert "synthetic-observations.csv" in table and "observations-gender.csv" in table
    sources = store.read_df(demo_db, "SELECT DISTINCT source FROM series WHERE mission = 'UNMISS'")["source"]
    provenance = _body(unmiss)[unmiss.index('<section id="provenance">'):]
    for source in sources:
        assert html.escape(source) in provenance
    assert re.search(r"Data as of now, \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\.", _text(provenance))


def test_brf008_signals_are_the_missions(demo_db, unmiss):
    from peacepulse.assess import signals
    found = signals.find(demo_db, mission="UNMISS")
    section = _text(re.search(r'<section id="signals">(.*?)</section>', unmiss, re.S).group(1))
    assert section.startswith(f"Signals: what needs a decision ({len(found)})")
    for detail in found["detail"]:
        assert detail in section


HOSTILE = ('Patrols **doubled** in the north.\n\n<script>alert(1)</script>\n\n'
           'See <img src=x onerror=alert(2)> and ![pic](http://example.org/x.png) and [a link](javascript:alert(3)).')


@pytest.fixture(scope="module")
def hostile(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store whose texts try to be HTML: an indicator's name, findings, a recommendation and its owner."""
    db = tmp_path_factory.mktemp("hostile") / "store.duckdb"
    shutil.copy(seeded_template, db)
    ind = _csv([{"code": "XSS_IND", "name": "<b>Bold</b> & <i>co</i>", "themes": "5", "unit": "<u>%</u>",
                 "direction": "increase"}])
    obs = _csv([{"mission": "UNMISS", "indicator": "XSS_IND", "period": str(y), "value": v, "source": "<em>field</em>"}
                for y, v in ((2022, 10), (2023, 12), (2024, 15))])
    targets = "mission,indicator,period,target,baseline,baseline_period\nUNMISS,XSS_IND,2027,40,10,2022\n"
    for name, text in (("ind.csv", ind), ("obs.csv", obs), ("targets.csv", targets)):
        assert upload(db, name, text).ok
    computed = store.read_df(db, "SELECT status FROM scorecard WHERE mission = 'UNMISS' AND theme = 5")["status"].iloc[0]
    ass = _csv([{"mission": "UNMISS", "theme": "5", "period": "2024", "rating": computed, "findings": HOSTILE,
                 "participants": "<script>alert(4)</script>"}])
    recs = _csv([{"mission": "UNMISS", "theme": "5", "period": "2024", "recommendation": "<script>alert(5)</script>",
                  "owner": "<img src=y onerror=alert(6)>", "due": "2030-01-01"}])
    for name, text in (("ass.csv", ass), ("recs.csv", recs)):
        report = upload(db, name, text)
        assert report.ok, report.problems
    return db


@pytest.fixture(scope="module")
def hostile_page(hostile: Path) -> str:
    """The briefing of that store, built once: the tests below only read it."""
    return briefing.build(hostile, "UNMISS")


def test_brf009_html_in_the_stores_texts_is_shown_as_text_never_rendered(hostile_page):
    body = _body(hostile_page)
    for n in range(1, 7):
        assert f"alert({n})" in body  # it is there, as text
    assert "<script" not in body.lower() and "<img" not in body.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(2)&gt;" in body
    assert 'href="javascript:' not in body.lower()
    assert "<strong>doubled</strong>" in body  # Markdown still works
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;i&gt;co&lt;/i&gt;" in body and "<b>Bold" not in body
    assert "&lt;em&gt;field&lt;/em&gt;" in body and "<u>" not in body
    assert "None of the data in this briefing is synthetic." in body


def test_brf010_a_script_in_a_name_cannot_end_the_charts_data(hostile_page):
    page = hostile_page
    data = page[page.index('id="pp-charts">'):]
    data = data[:data.index("</script>")]
    assert "<" not in data.removeprefix('id="pp-charts">') and "XSS_IND" in data
    spec = _charts(page)
    names = [t["meta"].get("c2") for t in spec["traces"] if t["meta"].get("indicator") == "XSS_IND" and "c2" in t["meta"]]
    assert names == ["&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;i&gt;co&lt;/i&gt;"]  # escaped for Plotly, which reads tags


def test_brf011_a_period_limits_the_trends_and_the_assessments(demo_db, unmiss):
    year = briefing.build(demo_db, "UNMISS", period="2024")
    spec = _charts(year)
    dates = [x for c in spec["charts"] for t in _traces(spec, c) if t["meta"].get("role") == "value" for x in t["x"]]
    assert dates and max(dates) <= "2024-12-31"
    periods = store.read_df(demo_db, "SELECT DISTINCT period FROM assessments WHERE mission = 'UNMISS'")["period"]
    assert set(periods) == {"2025"}  # the demo assesses 2025 only: none of them is of 2024
    assert len(re.findall(r"<h3>Assessment 2025", unmiss)) > 0
    assert "<h3>Assessment" not in year and year.count("No assessment of this theme in 2024.") == 10
    assert "Period 2024 (01 January 2024 to 31 December 2024)" in _text(year)


def test_brf012_an_unknown_mission_or_period_says_so(demo_db):
    with pytest.raises(briefing.BriefingError, match=r"^No mission 'UNMSS'\. Closest: UNMISS"):
        briefing.build(demo_db, "UNMSS")
    with pytest.raises(briefing.BriefingError, match=r"'2025-Q7' is not a period; write it as 2024, 2024-S1"):
        briefing.build(demo_db, "UNMISS", period="2025-Q7")
    assert briefing.mission_code(demo_db, " unmiss ") == "UNMISS"


def _uploaded(db: Path, file_name: str):
    return store.read_df(db, "SELECT uploaded_at FROM batches WHERE file_name = ?", [file_name])["uploaded_at"].iloc[0]


def test_brf016_as_of_a_moment_the_briefing_shows_the_store_as_it_stood(demo_db, unmiss):
    before = (_uploaded(demo_db, "synthetic-observations.csv") - pd.Timedelta(microseconds=1)).to_pydatetime()
    page = briefing.build(demo_db, "UNMISS", as_of=before)
    body = _body(page)
    assert f"Data as of {before.isoformat(' ', 'seconds')} UTC." in _text(body)
    assert "None of the data in this briefing is synthetic." in body  # the synthetic series came later
    table = re.search(r'<table class="data" id="batches">(.*?)</table>', body, re.S).group(1)
    assert "synthetic-observations.csv" not in table and "observations-gender.csv" in table
    assert "<h3>Assessment" not in body and body.count("No assessment of this theme.") == 10
    spec = _charts(page)
    assert not [t for t in spec["traces"] if t["meta"].get("synthetic")]
    assert "synthetic-observations.csv" in unmiss and "<h3>Assessment" in unmiss  # today's has them all


def test_brf017_before_the_first_upload_the_mission_is_unknown_and_the_message_says_when(demo_db):
    with pytest.raises(briefing.BriefingError, match=r"^No mission 'UNMISS' as of 2000-01-01\."):
        briefing.build(demo_db, "UNMISS", as_of=store.parse_as_of("2000-01-01"))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacepulse.cli", *args], capture_output=True, text=True, timeout=180,
                          env={**os.environ, "PEACEPULSE_INCIDENT_LOG": os.devnull})


def test_brf013_the_command_writes_the_file_and_exits_0(demo_db, tmp_path):
    out = tmp_path / "brief.html"
    done = run("report", "unmiss", "--output", str(out), "--period", "FY2024/25", "--db", str(demo_db))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Briefing written to {out} (") and "needs no network" in done.stdout
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "UNMISS — " in page and "Period FY2024/25" in page


@pytest.mark.parametrize("args, code, message", [
    (["UNMSS"], 2, "peacepulse: No mission 'UNMSS'. Closest: UNMISS"),
    (["UNMISS", "--period", "2025-13"], 2, "peacepulse: '2025-13' is not a period"),
    (["UNMISS", "--output", "/no/such/folder/b.html"], 2, "peacepulse: No such folder: /no/such/folder"),
])
def test_brf014_usage_errors_exit_2_and_write_nothing(demo_db, tmp_path, args, code, message):
    out = tmp_path / "brief.html"
    args = args if "--output" in args else [*args, "--output", str(out)]
    done = run("report", *args, "--db", str(demo_db))
    assert done.returncode == code and done.stderr.startswith(message), done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


def test_brf018_the_command_takes_as_of_and_refuses_a_malformed_one(demo_db, tmp_path):
    out = tmp_path / "then.html"
    when = _uploaded(demo_db, "synthetic-assessments.csv").strftime("%Y-%m-%d")
    done = run("report", "UNMISS", "-o", str(out), "--as-of", when, "--db", str(demo_db))
    assert done.returncode == 0, done.stderr
    assert f"Data as of the end of {when} (UTC)." in _text(_body(out.read_text("utf-8")))
    bad = run("report", "UNMISS", "-o", str(tmp_path / "bad.html"), "--as-of", "2026-13-01", "--db", str(demo_db))
    assert bad.returncode == 2 and "argument --as-of: '2026-13-01' is not a date or a time" in bad.stderr
    assert not (tmp_path / "bad.html").exists()


def test_brf015_a_folder_as_output_and_a_missing_store_are_explained(demo_db, tmp_path):
    done = run("report", "UNMISS", "--output", str(tmp_path), "--db", str(demo_db))
    assert done.returncode == 2
    assert done.stderr.strip() == (f"peacepulse: {tmp_path} is a folder; give the file to write, such as "
                                   f"{tmp_path / 'UNMISS-briefing.html'}")
    missing = run("report", "UNMISS", "--output", str(tmp_path / "b.html"), "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 3 and "There is no store at" in missing.stderr
    assert not (tmp_path / "b.html").exists()
