"""Every page as of a moment, called directly: the past is shown, links and controls stay in it, nothing is written."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import dash
import plotly
import pytest
from conftest import upload
from test_dashboard_pages import QUERIES, _failed, _find

from dashboard import components, past
from dashboard.app import app
from dashboard.pages import indicator
from peacepulse import store

FIRST = ("mission,indicator,period,value,source\n"
         "UNMISS,FAT_MALICIOUS,2021,11,UN open data\nUNMISS,FAT_MALICIOUS,2022,10,UN open data\n")
REVISED = "mission,indicator,period,value,source\nUNMISS,FAT_MALICIOUS,2022,14,UN open data (corrected)\n"


@pytest.fixture
def revised(db: Path, monkeypatch) -> tuple[Path, datetime]:
    """A store whose 2022 value was revised from 10 to 14; the moment returned is before the revision."""
    assert upload(db, "first.csv", FIRST).ok
    moment = store.read_df(db, "SELECT max(uploaded_at) AS t FROM batches")["t"].iloc[0].to_pydatetime()
    assert upload(db, "revised.csv", REVISED).ok
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    return db, moment


@pytest.fixture
def within_app() -> Iterator[None]:
    with app.server.test_request_context():
        yield


def _render(path: str, query: dict) -> tuple[object, str]:
    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    layout = page["layout"](**query)
    return layout, json.dumps(layout, cls=plotly.utils.PlotlyJSONEncoder)


@pytest.mark.parametrize(("path", "query"), QUERIES)
def test_dasof001_every_page_renders_as_of_a_date(demo_db, within_app, monkeypatch, path, query) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    layout, out = _render(path, {**query, "as_of": datetime.now().date().isoformat()})
    assert not _failed(out)
    links = []

    def collect(component) -> None:
        href = getattr(component, "href", None)
        if isinstance(href, str) and href.startswith("/"):
            links.append(href)
        children = getattr(component, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None and not isinstance(child, str | int | float):
                collect(child)
    collect(layout)
    assert all("as_of=" in href for href in links), [h for h in links if "as_of=" not in h]


def test_dasof002_the_mission_page_shows_the_value_before_its_revision(revised, within_app) -> None:
    db, moment = revised
    _, now = _render("/mission", {"code": "UNMISS", "theme": "5"})
    _, then = _render("/mission", {"code": "UNMISS", "theme": "5", "as_of": moment.isoformat()})
    assert "Latest 2022: 14 fatalities" in now and "Latest 2022: 10 fatalities" not in now
    assert "Latest 2022: 10 fatalities" in then and "Latest 2022: 14 fatalities" not in then


def test_dasof003_a_malformed_date_is_refused_in_place_of_the_page(revised, within_app) -> None:
    layout, out = _render("/mission", {"code": "UNMISS", "as_of": "31/12/2025"})
    assert getattr(layout, "id", None) == "as-of-invalid"
    assert "'31/12/2025' is not a date or a time: give a date such as 2026-03-31" in out
    assert "Latest" not in out  # never today's data in its place


def test_dasof004_controls_and_the_picker_keep_or_set_as_of(revised) -> None:
    assert components.query(code="UNMISS", as_of=None) == "?code=UNMISS"
    assert past.with_as_of("?code=UNMISS&theme=5", "2026-03-31") == "?code=UNMISS&theme=5&as_of=2026-03-31"
    assert past.with_as_of("?code=UNMISS&as_of=2026-03-31", None) == "?code=UNMISS"
    assert past.with_as_of("?as_of=2026-03-31", None) == ""
    assert components.as_of_in("?code=A&as_of=2026-03-31T14%3A05%3A00") == "2026-03-31T14:05:00"
    assert components.as_of_in("?code=A") is None


def test_dasof005_the_banner_says_when_and_links_back_to_today(revised, within_app) -> None:
    db, moment = revised
    shown = past.banner("/mission", "?code=UNMISS&as_of=2026-03-31", store.parse_as_of("2026-03-31"))
    text = json.dumps(shown, cls=plotly.utils.PlotlyJSONEncoder)
    assert "As of 2026-03-31." in text and "at the end of that day (UTC)" in text
    assert _find(shown, "as-of-today").href == "/mission?code=UNMISS"
    assert "Nothing had been uploaded to this store yet" in text  # the store began after that day
    later = past.banner("/", "?as_of=x", moment)
    assert "As of " + moment.isoformat(" ", "seconds") + " UTC." in json.dumps(later, cls=plotly.utils.PlotlyJSONEncoder)
    assert _find(later, "as-of-empty") is None


def test_dasof006_the_indicator_grid_reads_the_same_moment_as_its_page(revised, within_app) -> None:
    db, moment = revised
    layout, _ = _render("/indicator", {"code": "FAT_MALICIOUS", "mission": "UNMISS", "as_of": moment.isoformat()})
    scope = _find(layout, "ind-scope").data
    assert scope["as_of"] == moment.isoformat()
    block = indicator.rows({"startRow": 0, "endRow": 100}, scope)
    assert {(r["period"], r["value"]) for r in block["rowData"]} == {("2021", 11), ("2022", 10)}
    today = indicator.rows({"startRow": 0, "endRow": 100}, {**scope, "as_of": None})
    assert {(r["period"], r["value"]) for r in today["rowData"]} == {("2021", 11), ("2022", 14)}


def test_dasof007_the_past_offers_no_upload_and_no_acknowledgement(revised, within_app) -> None:
    db, moment = revised
    _, out = _render("/upload", {"as_of": moment.isoformat()})
    assert "This is a view of the past, which uploads cannot change" in out and "upl-file" not in out
    _, out = _render("/signals", {"as_of": (moment + timedelta(days=400)).isoformat()})
    assert "sig-count" in out and '"sig-ack"' not in out
    _, out = _render("/signals", {})
    assert '"sig-ack"' in out or "No signal needs a decision here." in out
