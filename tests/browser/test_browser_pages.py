"""Every page in a real browser: it renders, logs no errors, needs no network, and drills down."""
from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from peacepulse import store
from peacepulse.reads import queries


@pytest.fixture(scope="module")
def cell(served_db: Path) -> tuple[str, int, list[str]]:
    """A scorecard cell with data: its mission, its theme, and the heatmap's row order."""
    rows = queries.mission_status(served_db, active_only=True)["code"].tolist()
    cells = queries.scorecard(served_db, active_only=True)
    first = cells[cells["mission"] == rows[0]].iloc[-1]
    return first["mission"], int(first["theme"]), rows


@pytest.fixture(scope="module")
def pages(served_db: Path, cell) -> dict[str, str]:
    """Each page, with a state that fills it, and the element its main content must contain."""
    mission, theme, _ = cell
    split = store.read_df(served_db, """SELECT indicator, mission FROM observations WHERE sex <> 'total'
                                        ORDER BY indicator, mission LIMIT 1""").iloc[0]
    revised = store.read_df(served_db, """SELECT indicator, mission FROM observation_history WHERE revision > 1
                                          ORDER BY indicator, mission LIMIT 1""").iloc[0]
    return {"/": "ovw-scorecard", f"/mission?code={mission}&theme={theme}": f"msn-trend-{theme}",
            f"/mission?code={mission}": "msn-heading", "/theme?n=5": "thm-lines",
            "/theme?n=8&active=0": "thm-ranking", "/indicator?code=FAT_MALICIOUS": "ind-table",
            f"/indicator?code={split['indicator']}&mission={split['mission']}&by=sex": "ind-breakdown",
            f"/indicator?code={revised['indicator']}&mission={revised['mission']}": "ind-revisions",
            "/quality": "q-batches", "/quality?active=0": "q-stale", "/upload": "upl-file",
            "/missions": "msns-grid", "/missions?kind=political": "msns-grid", "/themes": "thms-grid"}


def test_brw001_every_page_renders_without_console_errors(browser, pages) -> None:
    for path, main_id in pages.items():
        browser.severe_logs()  # drain what an earlier page left
        browser.open(path)
        assert browser.driver.find_elements(By.ID, main_id), f"{path}: #{main_id} missing"
        assert not browser.driver.find_elements(By.CSS_SELECTOR, ".alert-danger"), path
        assert browser.severe_logs() == [], path
        assert browser.external_requests() == [], path


def test_brw002_map_and_heatmap_are_drawn(browser) -> None:
    browser.open("/")
    heat = browser.graph_data("ovw-scorecard")
    assert heat[0]["type"] == "heatmap" and any("✓" in t for row in heat[0]["text"] for t in row)
    assert {t["type"] for t in browser.graph_data("ovw-map")} == {"scattergeo"}
    assert browser.driver.find_elements(By.CSS_SELECTOR, "#ovw-map .geo .countries path")  # local topojson drawn


def test_brw003_scorecard_cell_opens_mission_on_theme(browser, cell, served_db: Path) -> None:
    mission, theme, rows = cell
    browser.driver.set_window_size(1400, 2400)  # the whole heatmap in view: pointer moves do not scroll
    try:
        browser.open("/")
        drag = browser.driver.find_element(By.CSS_SELECTOR, "#ovw-scorecard .nsewdrag")
        dx, dy = browser.driver.execute_script("""
            const gd = document.querySelector('#ovw-scorecard .js-plotly-plot');
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            return [xa.l2p(arguments[0]) - xa._length / 2, ya.l2p(arguments[1]) - ya._length / 2];
        """, theme - 1, rows.index(mission))
        # Plotly needs a hover on the cell before a click counts.
        ActionChains(browser.driver).move_to_element(drag).move_by_offset(int(dx), int(dy)).pause(0.3) \
            .click().perform()
        browser.wait_for(lambda: browser.path().startswith("/mission"))
        browser.settle()
    finally:
        browser.driver.set_window_size(1400, 1000)
    assert browser.path() == f"/mission?code={mission}&theme={theme}"
    name = queries.missions(served_db).set_index("code").loc[mission, "name"]
    assert browser.driver.find_element(By.ID, "msn-heading").text == f"{mission} — {name}"
    assert browser.driver.find_element(By.ID, f"theme-heading-{theme}").text.startswith(f"Theme {theme} · ")
    assert len(browser.driver.find_elements(By.CSS_SELECTOR, "[id^=theme-heading-]")) == 1


def test_brw004_controls_write_the_url_and_the_page_follows_it(browser) -> None:
    browser.open("/")
    active_rows = len(browser.graph_data("ovw-scorecard")[0]["y"])
    browser.driver.find_element(By.ID, "ovw-active").click()
    browser.wait_for(lambda: browser.path() == "/?active=0")
    browser.settle()
    assert len(browser.graph_data("ovw-scorecard")[0]["y"]) > active_rows
    assert not browser.driver.find_element(By.ID, "ovw-active").is_selected()
    browser.driver.back()
    browser.wait_for(lambda: browser.path() == "/")
    browser.settle()
    assert len(browser.graph_data("ovw-scorecard")[0]["y"]) == active_rows


def test_brw005_csv_button_downloads_every_row_without_errors(browser, served_db: Path, tmp_path: Path) -> None:
    browser.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.open("/indicator?code=FAT_MALICIOUS&mission=UNMISS")
    browser.severe_logs()
    button = browser.driver.find_element(By.ID, "ind-csv")
    browser.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
    button.click()
    browser.wait_for(lambda: list(tmp_path.glob("*.csv")), timeout=10)
    lines = next(tmp_path.glob("*.csv")).read_text(encoding="utf-8-sig").splitlines()
    expected = store.read_df(served_db, "SELECT count(*) AS n FROM observations "
                               "WHERE indicator = 'FAT_MALICIOUS' AND mission = 'UNMISS'")["n"].iloc[0]
    assert lines[0].startswith("mission,indicator,period") and len(lines) == expected + 1
    assert all(line.startswith("UNMISS,FAT_MALICIOUS,") for line in lines[1:])
    assert browser.severe_logs() == []


@pytest.mark.parametrize("path", ["/", "/missions", "/mission?code=UNMISS&theme=8", "/themes", "/theme?n=5",
                                  "/indicator?code=FAT_MALICIOUS&mission=UNMISS", "/signals", "/actions", "/quality",
                                  "/upload", "/users"])
def test_brw006_a_phone_width_folds_the_menu_and_never_scrolls_sideways(browser, path) -> None:
    driver = browser.driver
    size = driver.get_window_size()
    driver.set_window_size(390, 844)
    try:
        browser.open(path)
        browser.settle()
        navbar = driver.find_element(By.ID, "navbar")
        assert navbar.size["height"] <= 64
        assert not driver.find_element(By.ID, "nav-links").is_displayed()
        wide = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"the page is {wide} px wider than the screen"
        driver.find_element(By.ID, "nav-toggler").click()
        upload = driver.find_element(By.CSS_SELECTOR, "#nav-links a[href='/upload']")
        browser.wait_for(upload.is_displayed)  # the menu unfolds
    finally:
        driver.set_window_size(size["width"], size["height"])


def test_brw007_charts_offer_only_the_png_download(browser) -> None:
    browser.open("/mission?code=UNMISS&theme=8")
    browser.settle()
    buttons = browser.driver.find_elements(By.CSS_SELECTOR, "#msn-trend-8 .modebar-btn")
    assert [b.get_attribute("data-title") for b in buttons] == ["Download plot as a PNG"]


def test_brw008_the_missions_menu_opens_an_index_that_links_each_mission(browser) -> None:
    browser.open("/")
    browser.driver.find_element(By.CSS_SELECTOR, "#nav-links a[href='/missions']").click()
    browser.wait_for(lambda: browser.driver.find_elements(By.CSS_SELECTOR, "#msns-grid a[href='/mission?code=UNMISS']"))
    assert browser.path() == "/missions"


def test_brw009_the_themes_menu_opens_all_ten_and_each_theme_keeps_eight_colours(browser) -> None:
    browser.open("/")
    browser.driver.find_element(By.CSS_SELECTOR, "#nav-links a[href='/themes']").click()
    browser.wait_for(lambda: len(browser.driver.find_elements(By.CSS_SELECTOR, "#thms-grid a[href^='/theme?n=']")) == 10)
    assert browser.path() == "/themes"
    header = browser.driver.find_element(By.ID, "thms-grid").text
    assert "✓ On track" in header and "! At risk" in header
    browser.driver.find_element(By.CSS_SELECTOR, "#thms-grid a[href='/theme?n=5']").click()
    browser.wait_for(lambda: browser.path() == "/theme?n=5")
    browser.settle()
    traces = browser.graph_data("thm-lines")
    colours: dict[str, set[str]] = {}
    for t in traces:
        if t.get("meta", {}).get("role") == "value":
            colours.setdefault(t["meta"]["mission"], set()).add(t["line"]["color"])
    assert 0 < len(colours) <= 8 and all(len(c) == 1 for c in colours.values())
    assert len({next(iter(c)) for c in colours.values()}) == len(colours)  # no two missions share a colour
    ranking = browser.driver.find_element(By.ID, "thm-ranking").text
    assert "on_track" not in ranking and "at_risk" not in ranking and "off_track" not in ranking


@pytest.mark.parametrize(("path", "said", "near"), [
    ("/mission?code=UNMISX", "No mission 'UNMISX'.", "/mission?code=UNMISS"),
    ("/theme?n=11", "No theme '11'.", "/theme?n=1"),
    ("/mission?code=UNMISS&theme=11", "No theme '11'.", "/mission?code=UNMISS&theme=1"),
    ("/indicator?code=FAT_MALICOUS", "No indicator 'FAT_MALICOUS'.", "/indicator?code=FAT_MALICIOUS"),
])
def test_brw010_an_unknown_code_in_the_url_says_so_and_links_the_closest(browser, path, said, near) -> None:
    browser.open(path)
    alert = browser.wait_for(lambda: browser.driver.find_element(By.CSS_SELECTOR, "[id$='-unknown']"))
    assert said in alert.text
    assert browser.path() == path  # the link is not rewritten into another page
    assert not browser.driver.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .scatterlayer .trace")
    alert.find_element(By.CSS_SELECTOR, f"a[href='{near}']").click()
    browser.wait_for(lambda: browser.path() == near)
    browser.settle()
    assert not browser.driver.find_elements(By.CSS_SELECTOR, "[id$='-unknown']")
    assert browser.severe_logs() == []


def test_brw011_the_real_data_switch_is_kept_in_the_url(browser) -> None:
    browser.open("/theme?n=8&active=0")
    dashed = [t for t in browser.graph_data("thm-lines") if t.get("line", {}).get("dash") == "dash"]
    assert dashed  # synthetic series are drawn dashed
    browser.driver.find_element(By.ID, "thm-real").click()
    browser.wait_for(lambda: browser.path() == "/theme?n=8&active=0&real=1")
    browser.settle()
    values = [t for t in browser.graph_data("thm-lines") if t.get("meta", {}).get("role") == "value"]
    assert values and all(t["line"]["dash"] == "solid" for t in values)
    assert "Real data only" in browser.driver.find_element(By.ID, "synthetic-caption").text
    browser.driver.refresh()
    browser.settle()
    assert browser.driver.find_element(By.ID, "thm-real").is_selected()


@pytest.mark.parametrize("path", ["/mission?code=UNMISS&theme=8&from=2019", "/theme?n=5&show=UNMISS,MONUSCO",
                                  "/indicator?code=FAT_MALICIOUS&mission=UNMISS&active=0"])
def test_brw012_a_shared_link_keeps_every_parameter_once_the_page_is_drawn(browser, path) -> None:
    browser.open(path)
    browser.wait_for(lambda: browser.driver.find_elements(By.CSS_SELECTOR, ".js-plotly-plot"))
    browser.settle()
    assert browser.path() == path


def _grid_rows(browser, grid_id: str) -> list[dict]:
    """The rows the grid has drawn, top to bottom, as the user sees them."""
    return browser.driver.execute_script("""
        const rows = Array.from(document.querySelectorAll(arguments[0] + ' .ag-center-cols-container .ag-row'));
        return rows.filter(r => r.querySelector('[col-id=period]') && r.querySelector('[col-id=period]').innerText)
                   .sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')))
                   .map(r => ({index: Number(r.getAttribute('row-index')),
                               mission: r.querySelector('[col-id=mission]').innerText,
                               period: r.querySelector('[col-id=period]').innerText}));""", f"#{grid_id}")


def test_brw010_the_data_grid_fetches_later_pages_from_the_server(browser, served_db: Path) -> None:
    code = "FAT_MALICIOUS"
    everything = queries.observations(served_db, code)
    assert len(everything) > 200  # more than two pages
    browser.open(f"/indicator?code={code}&active=0")
    browser.wait_for(lambda: len(_grid_rows(browser, "ind-table")) > 0)
    shown = _grid_rows(browser, "ind-table")
    assert shown[0]["index"] == 0 and len(shown) >= 5
    assert [(r["mission"], r["period"]) for r in shown] == [
        tuple(everything.iloc[r["index"]][["mission", "period"]]) for r in shown]
    total = browser.driver.find_element(By.ID, "ind-count").text
    assert total == f"{len(everything):,} rows"
    # The last page: its rows come from the server on demand, in the same order as the whole table.
    browser.driver.execute_script(
        "dash_ag_grid.getApi('ind-table').paginationGoToLastPage()")
    last = (len(everything) - 1) // 100 * 100
    browser.wait_for(lambda: _grid_rows(browser, "ind-table") and _grid_rows(browser, "ind-table")[0]["index"] == last)
    shown = _grid_rows(browser, "ind-table")  # the rows in view; the grid draws no others
    assert len(shown) >= min(5, len(everything) - last)
    assert [(r["mission"], r["period"]) for r in shown] == [
        tuple(everything.iloc[r["index"]][["mission", "period"]]) for r in shown]
    assert browser.severe_logs() == []
