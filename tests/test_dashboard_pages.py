"""Page layouts and callbacks called directly: demo store, empty store, missing store."""
from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path

import dash
import plotly
import pytest
from dash import html
from dash.exceptions import PreventUpdate

from dashboard import components
from dashboard.app import app
from dashboard.pages import upload
from peacepulse import store

QUERIES = [
    ("/", {}), ("/", {"kind": "political", "active": "0"}),
    ("/mission", {}), ("/mission", {"code": "UNMISS"}), ("/mission", {"code": "NOPE"}),
    ("/mission", {"code": "unmiss", "theme": "7", "from": "2019", "to": "x"}), ("/mission", {"code": "UNMA"}),
    ("/theme", {"n": "5"}), ("/theme", {"n": "99", "active": "0"}),
    ("/indicator", {}), ("/indicator", {"code": "FAT_MALICIOUS", "mission": "UNMISS", "by": "sex"}),
    ("/indicator", {"code": "FAT_MALICIOUS", "active": "0"}),
    ("/quality", {}), ("/quality", {"active": "0"}),
    ("/missions", {}), ("/missions", {"kind": "political"}), ("/missions", {"kind": "nonsense"}), ("/themes", {}),
    ("/upload", {}), ("/signals", {}), ("/signals", {"mission": "UNMISS", "severity": "x", "acknowledged": "1"}),
    ("/actions", {}), ("/actions", {"mission": "UNMISS", "theme": "x", "all": "1"}),
]


@pytest.fixture(scope="module")
def empty_db(seeded_template: Path) -> Path:
    return seeded_template  # the pages only read


@pytest.fixture
def within_app() -> Iterator[None]:
    with app.server.test_request_context():
        yield


def _find(component, component_id: str):
    """The component with this id inside a layout, or None."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


def _failed(out: str) -> bool:
    """Whether a rendered layout holds an error alert (a red badge elsewhere is no failure)."""
    return "Something went wrong" in out or re.search(r'"color": "danger"[^{}]*\}, "type": "Alert"', out) is not None


def _render(path: str, query: dict) -> str:
    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    return json.dumps(page["layout"](**query), cls=plotly.utils.PlotlyJSONEncoder)


@pytest.mark.parametrize(("path", "query"), QUERIES)
def test_pag001_every_page_renders_on_the_demo_store(demo_db, within_app, monkeypatch, path, query) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    out = _render(path, query)
    assert not _failed(out)


@pytest.mark.parametrize(("path", "query"), QUERIES)
def test_pag002_every_page_renders_on_an_empty_store(empty_db, within_app, monkeypatch, path, query) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(empty_db))
    out = _render(path, query)
    assert not _failed(out)
    if query.get("n") == "99":
        assert "No theme '99'." in out
    elif path in ("/", "/theme", "/quality") or query.get("code") == "UNMISS":
        assert "No data yet" in out


@pytest.mark.parametrize("path", ["/", "/mission", "/theme", "/indicator", "/quality"])
def test_pag003_missing_store_is_an_alert_not_a_traceback(tmp_path, within_app, monkeypatch, path) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(tmp_path / "absent.duckdb"))
    out = _render(path, {"code": "UNMISS"})
    assert "There is no store yet." in out and "Traceback" not in out
    assert str(tmp_path) not in out and "absent.duckdb" not in out


def test_pag004_mission_page_empty_states(demo_db, within_app, monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    assert "No mission 'NOPE'." in _render("/mission", {"code": "NOPE"})
    assert "UNMISS \\u2014 United" in _render("/mission", {"code": "unmiss"})
    untouched = store.read_df(demo_db, """SELECT code FROM missions WHERE code NOT IN
                                          (SELECT mission FROM series) ORDER BY code LIMIT 1""")["code"].iloc[0]
    assert f"No data yet for {untouched}" in _render("/mission", {"code": untouched})
    assert "This mission has no indicators with data under this theme yet." in _render(
        "/mission", {"code": "UNAMA", "theme": "1"})
    assert "No target set" in _render("/mission", {"code": "UNAMA", "theme": "5"})


def _contents(text: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(text).decode()


def test_pag005_upload_rejects_oversize_files_on_the_server(demo_db, within_app, monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    monkeypatch.setattr(upload, "MAX_BYTES", 10)
    report, pending, disabled, *_ = upload.dry_run(_contents(b"mission,indicator,period,value\n"), "", "big.csv")
    assert "the limit here is" in json.dumps(report.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder)
    assert pending is None and disabled


def test_pag006_upload_dry_run_keeps_the_file_in_the_browser(demo_db, within_app, monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    before = store.data_version(demo_db)
    csv = b"mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,2031,1\n"
    _, pending, disabled, *_ = upload.dry_run(_contents(csv), "", "one.csv")
    assert not disabled and pending["ready"] and base64.b64decode(pending["content"]) == csv
    assert store.data_version(demo_db) == before
    bad = upload.dry_run(_contents(b"mission,indicator,period,value\nNOPE,FAT_MALICIOUS,2031,x\n"), "", "bad.csv")
    assert bad[1]["ready"] is False and bad[2] is True
    with pytest.raises(PreventUpdate):  # a file with errors can be looked at again, never committed
        upload.commit(1, bad[1])


def test_pag007_query_strings_drop_unset_values() -> None:
    assert components.query(code="UNMISS", theme=None, all=None) == "?code=UNMISS"
    assert components.query(kind=None) == ""
    assert components.query(**{"from": 2019, "to": 2025}) == "?from=2019&to=2025"


def test_pag008_indicator_breakdown_and_revisions_render(demo_db, within_app, monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    split = store.read_df(demo_db, "SELECT indicator, mission FROM observations WHERE sex <> 'total' LIMIT 1")
    out = _render("/indicator", {"code": split["indicator"][0], "mission": split["mission"][0], "by": "sex"})
    assert '"id": "ind-breakdown"' in out and not _failed(out)
    revised = store.read_df(demo_db, "SELECT indicator, mission FROM observation_history WHERE revision > 1 LIMIT 1")
    out = _render("/indicator", {"code": revised["indicator"][0], "mission": revised["mission"][0]})
    assert '"id": "ind-revisions"' in out and not _failed(out)


def test_pag009_upload_shows_the_first_problems_a_count_and_the_full_report(demo_db, within_app,
                                                                           monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    rows = "".join(f"NOPE,FAT_MALICIOUS,{1000 + i},1\n" for i in range(1200))
    report, pending, disabled, *_ = upload.dry_run(_contents(b"mission,indicator,period,value\n" + rows.encode()),
                                                   "", "many.csv")
    text = json.dumps(report.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder)
    assert "Showing the first 1,000 of 1,200 problems; the report below lists them all." in text
    assert text.count("Unknown mission code 'NOPE'") == upload.SHOWN
    assert not pending["ready"] and disabled
    link = _find(report, "upl-download")
    assert link.download == "many-problems.csv"
    full = base64.b64decode(link.href.split(",", 1)[1]).decode()
    assert full.splitlines()[0] == "line,column,value,problem,severity"
    assert len(full.splitlines()) == 1201 and full.count("Unknown mission code 'NOPE'") == 1200


def test_pag009b_upload_groups_warnings_and_takes_the_chosen_decimal(demo_db, within_app, monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    rows = "".join(f"MINUSMA,FAT_MALICIOUS,{2030 + i},\"0,5\"\n" for i in range(5))
    content = _contents(b"mission,indicator,period,value\n" + rows.encode())
    refused, kept, *_ = upload.dry_run(content, "", "late.csv")
    assert "does not fit how this file writes numbers" in json.dumps(refused.to_plotly_json(),
                                                                     cls=plotly.utils.PlotlyJSONEncoder)
    report, pending, disabled, *_ = upload.dry_run(None, "comma", None, kept)  # the choice alone re-checks
    text = json.dumps(report.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
    assert "MINUSMA: 5 rows (lines 2–6) are after the mission ended on 2023-12-31." in text
    assert pending["decimal"] == "comma" and not disabled


def test_pag010_a_framework_without_key_indicators_is_shown_not_hidden(db, within_app, monkeypatch) -> None:
    from conftest import upload
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    assert upload(db, "ind.csv", "code,name,themes,unit,direction\nMY_SHARE,Share of sites visited,4,%,increase\n"
                                 "MY_COUNT,Town halls held,4,meetings,increase\n").written
    assert upload(db, "obs.csv", "mission,indicator,period,value\nUNMISS,MY_SHARE,2024,40\nUNMISS,MY_SHARE,2025,55\n"
                                 "UNMISS,MY_COUNT,2025,3\n").written
    out = _render("/mission", {"code": "UNMISS"})
    assert "msn-trend-4" in out and "Share of sites visited" in out and "Town halls held" in out
    assert "No key indicator" not in out and "Switch on" not in out


def test_pag011_the_users_own_indicators_come_before_the_catalogues(db, within_app, monkeypatch) -> None:
    from conftest import upload
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    assert upload(db, "ind.csv", "code,name,themes,unit,direction\nMY_SHARE,Share of sites visited,8,%,increase\n").written
    assert upload(db, "obs.csv", "mission,indicator,period,value\nUNMISS,MY_SHARE,2024,40\n"
                                 "UNMISS,UNIF_WOMEN_SHARE,2024,7\n").written
    out = _render("/mission", {"code": "UNMISS", "theme": "8"})
    assert "Share of sites visited" in out  # the user's own, though not a key indicator
    assert out.index("Share of sites visited") < out.index("Women among uniformed personnel")


def _texts(component) -> str:
    return json.dumps(component.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


@pytest.mark.parametrize(("path", "query", "said", "near"), [
    ("/mission", {"code": "UNMISX"}, "No mission 'UNMISX'.", "/mission?code=UNMISS"),
    ("/indicator", {"code": "FAT_MALICOUS"}, "No indicator 'FAT_MALICOUS'.", "/indicator?code=FAT_MALICIOUS"),
    ("/theme", {"n": "11"}, "No theme '11'.", "/theme?n=1"),
])
def test_pag012_a_link_naming_nothing_known_says_so_with_the_closest(demo_db, within_app, monkeypatch,
                                                                     path, query, said, near) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    out = _texts(page["layout"](**query))
    assert said in out and near in out
    assert "Trend" not in out and "msn-trend" not in out  # nothing else is shown in its place


def test_pag013_known_codes_still_open_whatever_their_case(demo_db, within_app, monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    assert "ind-unknown" not in _render("/indicator", {"code": "fat_malicious"})
    assert "thm-unknown" not in _render("/theme", {"n": "8"})
    assert "ind-unknown" not in _render("/indicator", {})  # no code: the first indicator with data


def test_pag014_each_template_is_a_valid_file_of_its_kind(db, within_app, monkeypatch) -> None:
    """The upload page's templates come from the kind specs, and each one passes its own checks."""
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    from conftest import upload as ingest_file

    from peacepulse.kinds import KINDS
    layout = dash.page_registry["dashboard.pages.upload"]["layout"]()
    for kind in ("missions", "indicators", "observations", "targets"):
        link = _find(layout, f"upl-template-{kind}")
        assert link.download == f"{kind}-template.csv"
        text = base64.b64decode(link.href.split(",", 1)[1]).decode()
        assert text.splitlines()[0].split(",")[:len(KINDS[kind].required)] == list(KINDS[kind].required)
        report = ingest_file(db, f"{kind}-template.csv", text)
        assert report.ok and report.kind == kind and report.new == 1, report.problems


def test_pag015_headline_figures_say_how_much_is_real(demo_db, within_app, monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    counts = store.read_df(demo_db, """SELECT count(*) FILTER (WHERE NOT synthetic) AS r,
                                              count(*) FILTER (WHERE synthetic) AS s,
                                              arg_max(period, period_end) FILTER (WHERE NOT synthetic) AS latest
                                       FROM observations o JOIN missions m ON m.code = o.mission
                                       WHERE m.active""").iloc[0]
    assert counts["r"] > 0 and counts["s"] > 0
    out = _render("/", {})
    assert f"{int(counts['r']):,} real \\u00b7 {int(counts['s']):,} synthetic" in out
    assert f"real data: {counts['latest']}" in out


def test_pag016_the_missions_index_counts_statuses_and_links_each_mission(demo_db, within_app, monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    from peacepulse.reads import queries
    index = queries.mission_index(demo_db)
    unmiss = index[index["code"] == "UNMISS"].iloc[0]
    direct = store.read_df(demo_db, "SELECT count(*) AS n, count(*) FILTER (WHERE status = 'on_track') AS ok "
                                    "FROM progress WHERE mission = 'UNMISS'").iloc[0]
    assert (unmiss["indicators_with_data"], unmiss["on_track"]) == (direct["n"], direct["ok"])
    assert len(index) == len(store.read_df(demo_db, "SELECT code FROM missions"))
    out = _render("/missions", {"kind": "political"})
    political = set(store.read_df(demo_db, "SELECT code FROM missions WHERE kind = 'political'")["code"])
    assert "[UNAMA](/mission?code=UNAMA)" in out and "UNMISS" not in out and "UNAMA" in political


def test_pag017_the_themes_index_lists_all_ten_with_their_counts(demo_db, within_app, monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    from peacepulse.reads import queries
    index = queries.theme_index(demo_db)
    assert index["number"].tolist() == list(range(1, 11))
    eight = index[index["number"] == 8].iloc[0]
    direct = store.read_df(demo_db, """SELECT count(*) FILTER (WHERE p.status = 'on_track') AS ok
                                       FROM progress p JOIN indicator_themes it ON it.indicator = p.indicator
                                       WHERE it.theme = 8""").iloc[0]
    assert eight["on_track"] == direct["ok"] and eight["indicators"] >= 5
    assert "(/theme?n=8)" in _render("/themes", {})


def test_pag018_the_dry_run_shows_the_series_that_would_change(demo_db, within_app, monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    csv = b"mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,2031,1\nUNMISS,FAT_MALICIOUS,2032,2\n"
    report, *_ = upload.dry_run(_contents(csv), "", "two.csv")
    grid = _find(report, "upl-changes")
    assert grid.rowData == [{"mission": "UNMISS", "indicator": "FAT_MALICIOUS", "new": 2, "revised": 0}]


def _figures(layout) -> list[dict]:
    """Every figure of a layout, as the browser receives it."""
    found = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("data"), list) and isinstance(node.get("layout"), dict):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(json.loads(json.dumps(layout, cls=plotly.utils.PlotlyJSONEncoder)))
    return found


def _traces(path: str, query: dict) -> list[dict]:
    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    return [t for f in _figures(page["layout"](**query)) for t in f["data"] if isinstance(t, dict)]


def test_pag019_real_data_only_is_kept_in_the_url_and_leaves_out_synthetic_series(demo_db, within_app,
                                                                                 monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    for path, query in (("/mission", {"code": "UNMISS"}), ("/theme", {"n": "8"})):
        synthetic = {t.get("meta", {}).get("synthetic") for t in _traces(path, query) if "meta" in t}
        assert True in synthetic  # the demo store mixes both
        real = [t for t in _traces(path, {**query, "real": "1"}) if t.get("meta", {}).get("role") == "value"]
        assert real and not any(t["meta"]["synthetic"] for t in real)
        assert "Real data only: series with synthetic" in _render(path, {**query, "real": "1"})
    counts = store.read_df(demo_db, """SELECT count(*) FILTER (WHERE NOT synthetic) AS r, count(*) AS n
                                       FROM observations o JOIN missions m ON m.code = o.mission WHERE m.active""").iloc[0]
    overview = _render("/", {"real": "1"})
    assert f"{int(counts['r']):,}" in overview and f"{int(counts['n'] - counts['r']):,} synthetic left out" in overview
    cells = [t for f in _figures(dash.page_registry["dashboard.pages.overview"]["layout"](real="1"))
             for t in f["data"] if t["type"] == "heatmap"][0]
    assert not any("*" in text for row in cells["text"] for text in row)  # no cell rests on synthetic series
    assert overview.count('"ovw-real"') == 1 and '"value": true' in overview
    assert components.query(real="1" if True else None) == "?real=1"


def test_pag020_the_theme_ranking_names_statuses_and_highlights_at_most_eight(demo_db, within_app,
                                                                             monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    out = _render("/theme", {"n": "5", "active": "0"})
    assert "\\u2713 On track" in out and '"status": "on_track"' not in out and '"status": "at_risk"' not in out
    traces = _traces("/theme", {"n": "5", "active": "0"})
    coloured = {t["meta"]["mission"] for t in traces if t.get("meta", {}).get("role") == "value"}
    assert 0 < len(coloured) <= 8 and any(t["meta"]["role"] == "others" for t in traces if "meta" in t)
    picked = _traces("/theme", {"n": "5", "active": "0", "show": "UNMISS,MONUSCO"})
    assert {t["meta"]["mission"] for t in picked if t.get("meta", {}).get("role") == "value"} == {"MONUSCO", "UNMISS"}
    unknown = _render("/theme", {"n": "5", "active": "0", "show": "UNMISS,NOPEX"})
    assert "No mission with data under this theme 'NOPEX'." in unknown


def test_pag021_an_unknown_theme_on_a_mission_page_says_so(demo_db, within_app, monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    out = _render("/mission", {"code": "UNMISS", "theme": "11"})
    assert "No theme '11'." in out and "/mission?code=UNMISS&theme=1" in out and "msn-trend" not in out
    assert "msn-unknown" not in _render("/mission", {"code": "UNMISS", "theme": "7"})


def test_pag022_the_mission_page_shows_each_themes_latest_assessment_beside_its_trends(db, within_app,
                                                                                    monkeypatch) -> None:
    from conftest import upload
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    obs = "mission,indicator,period,value,source\n" + "".join(
        f"UNMISS,FAT_MALICIOUS,{y},{v},UN open data\n" for y, v in ((2020, 12), (2021, 11), (2022, 10)))
    assert upload(db, "obs.csv", obs).ok
    assert upload(db, "t.csv", "mission,indicator,period,target,baseline,baseline_period\n"
                               "UNMISS,FAT_MALICIOUS,2030,2,12,2020\n").ok
    computed = store.read_df(db, "SELECT status FROM scorecard WHERE mission='UNMISS' AND theme=5")["status"].iloc[0]
    other = "off_track" if computed != "off_track" else "at_risk"
    a = ("mission,theme,period,rating,reason,findings,status,evidence\n"
         f"UNMISS,5,2025,{computed},,Old review,approved,FAT_MALICIOUS\n"
         f'UNMISS,5,2026,{other},Attacks since June,"**Bases hit** <script>alert(1)</script>",approved,FAT_MALICIOUS\n')
    assert upload(db, "a.csv", a).ok
    recs = ("mission,theme,period,recommendation,owner,due,status\n"
            "UNMISS,5,2025,Harden the perimeter,Engineers,2025-06-30,in_progress\n"
            "UNMISS,5,2026,Night patrols,Force,2027-03-31,\n"
            "UNMISS,5,2026,Close the old camp,Support,2027-03-31,completed\n")
    assert upload(db, "r.csv", recs).ok
    assert upload(db, "obs.csv", "mission,indicator,period,value,source\nUNMISS,FAT_MALICIOUS,2021,15,UN open data\n").ok
    page = dash.page_registry["dashboard.pages.mission"]["layout"](code="UNMISS", theme="5")
    card = _texts(_find(page, "msn-assessment-5"))
    from peacepulse.figures import STATUS_LABELS
    assert "Assessment 2026" in card and "Approved" in card and "Old review" not in card
    assert card.index(STATUS_LABELS[other]) < card.index(STATUS_LABELS[computed])  # rated, then computed
    assert "Why the rating differs: Attacks since June" in card
    found = [c for c in json.loads(card)["props"]["children"] if c and c.get("type") == "Markdown"]
    assert found and found[0]["props"]["children"].startswith("**Bases hit**")
    assert not found[0]["props"].get("dangerously_allow_html")  # the <script> stays text
    assert "Evidence changed since approval: FAT_MALICIOUS 2021: 11 → 15" in card
    assert "Night patrols" in card and "Close the old camp" not in card  # completed ones are not open
    assert "Harden the perimeter" in card and "carried over from 2025" in card and "overdue" in card
    other_theme = dash.page_registry["dashboard.pages.mission"]["layout"](code="UNMISS", theme="10")
    empty = _texts(_find(other_theme, "msn-assessment-10"))
    assert "No assessment of this theme yet." in empty


def test_pag023_the_actions_page_puts_overdue_recommendations_first_and_filters_from_the_url(db, within_app,
                                                                                          monkeypatch) -> None:
    from conftest import upload
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    recs = ("mission,theme,period,recommendation,owner,due,status\n"
            "UNMISS,5,2026,Night patrols,Force,2030-03-31,\n"
            "UNMISS,5,2024,Harden the perimeter,Engineers,2024-06-30,in_progress\n"
            "MINUSCA,8,2026,Radio network,Signals,2031-01-31,constrained\n"
            "MINUSCA,8,2026,Close the camp,Support,2026-03-31,completed\n")
    assert upload(db, "r.csv", recs).ok
    layout = dash.page_registry["dashboard.pages.actions"]["layout"]
    grid = _find(layout(), "act-grid")
    assert [r["recommendation"] for r in grid.rowData] == ["Harden the perimeter", "Night patrols", "Radio network"]
    assert grid.rowData[0]["overdue"] == "⚠ overdue" and grid.rowData[1]["overdue"] == ""
    assert "3 recommendations, 1 of them overdue." in _texts(layout())
    assert [r["recommendation"] for r in _find(layout(owner="Signals"), "act-grid").rowData] == ["Radio network"]
    assert [r["status"] for r in _find(layout(status="constrained"), "act-grid").rowData] == ["Constrained"]
    everything = _find(layout(mission="MINUSCA", all="1"), "act-grid").rowData
    assert [r["recommendation"] for r in everything] == ["Radio network", "Close the camp"]
    assert "No mission 'UNMISX'." in _texts(layout(mission="UNMISX"))
    assert _find(layout(theme="9"), "act-none") is not None



def test_pag012_the_indicator_page_sends_one_block_of_a_long_table(db, within_app, monkeypatch) -> None:
    from conftest import upload as ingest_file

    from dashboard.pages import indicator

    years, locations = range(1700, 2026), 40  # 326 headline rows, each with 40 by location
    lines = "".join(f"UNMISS,FAT_MALICIOUS,{y},{(y * 7 + n) % 50},{f'Sector {n}' if n else ''},synthetic\n"
                    for y in years for n in range(locations + 1))
    report = ingest_file(db, "many.csv", "mission,indicator,period,value,location,source\n" + lines)
    assert report.written, report.message
    rows = len(years) * (locations + 1)
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    layout = next(p for p in dash.page_registry.values() if p["path"] == "/indicator")["layout"](
        code="FAT_MALICIOUS", mission="UNMISS")
    sent = json.dumps(layout, cls=plotly.utils.PlotlyJSONEncoder)
    assert len(sent) < 100_000, f"the layout is {len(sent):,} bytes"
    assert f"{rows:,} rows" in sent and "Sector 17" not in sent  # counted, not shipped
    grid = _find(layout, "ind-table")
    assert grid.rowModelType == "infinite" and not getattr(grid, "rowData", None)
    scope = _find(layout, "ind-scope").data
    first = indicator.rows({"startRow": 0, "endRow": 100, "sortModel": []}, scope)
    later = indicator.rows({"startRow": 12_000, "endRow": 12_100, "sortModel": []}, scope)
    assert first["rowCount"] == later["rowCount"] == rows
    assert len(first["rowData"]) == len(later["rowData"]) == 100
    assert (first["rowData"][0]["period"], later["rowData"][0]["period"]) == ("1700", str(1700 + 12_000 // 41))
    assert len(json.dumps(later)) < 50_000
    newest = indicator.rows({"startRow": 0, "endRow": 3, "sortModel": [{"colId": "period", "sort": "desc"}]}, scope)
    assert [(r["period"], r["location"]) for r in newest["rowData"]] == [
        ("2025", "Sector 1"), ("2025", "Sector 10"), ("2025", "Sector 11")]


def test_pag024_the_signals_page_lists_each_missions_signals_and_acknowledges_one(db, within_app,
                                                                               monkeypatch) -> None:
    from conftest import upload

    from dashboard.pages import signals as page
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    assert upload(db, "obs.csv", "mission,indicator,period,value,source\nUNMISS,FAT_MALICIOUS,2019,3,test\n"
                                 "MINUSCA,FAT_MALICIOUS,2018,3,test\n").ok
    layout = dash.page_registry["dashboard.pages.signals"]["layout"]
    out = _texts(layout())
    assert "2 signals need a decision across 2 missions." in out
    assert _find(layout(), "sig-mission-UNMISS") is not None and "/mission?code=UNMISS&theme=5" in out
    assert "its reporting cycle: latest 2019 (" in _texts(layout(mission="UNMISS"))
    assert "MINUSCA" not in _texts(_find(layout(mission="UNMISS"), "sig-mission-UNMISS"))
    assert _find(layout(severity="high"), "sig-empty") is not None
    assert "No mission 'UNMISX'." in _texts(layout(mission="UNMISX"))
    keys = _find(layout(mission="UNMISS"), "sig-keys").data
    with pytest.raises(PreventUpdate):
        page.confirm(1, None, "note", "UNMISS", None, False)
    assert page.confirm(1, keys[0], "  ", "UNMISS", None, False)[1:] == (True, True)  # a note is required
    from flask import g
    g.pop("pp_version", None)  # the callback is a request of its own
    listing, invalid, still_open = page.confirm(1, keys[0], "Known: reporting resumes in March", "UNMISS", None, False)
    assert (invalid, still_open) == (False, False)
    assert "0 signals need a decision for UNMISS." in _texts(html.Div(listing))
    g.pop("pp_version", None)  # as the next request does, read the data version afresh
    assert "1 signal needs a decision across 1 mission." in _texts(layout())
    shown = _texts(layout(acknowledged="1"))
    assert "Acknowledged: Known: reporting resumes in March" in shown


def test_every_callback_is_registered_once() -> None:
    """A page module imported by another page runs twice (Dash loads pages by file), and its callbacks with
    it: every request it answers is then computed twice."""
    deps = app.server.test_client().get("/_dash-dependencies").get_json()
    outputs = [d["output"] for d in deps]
    assert len(outputs) == len(set(outputs)), sorted(o for o in outputs if outputs.count(o) > 1)
