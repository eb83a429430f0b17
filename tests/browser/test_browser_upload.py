"""Uploading through the page: a bad file is reported and not written; a good one shows up in the trends."""
from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from peacepulse import store

COUNT = "SELECT (SELECT count(*) FROM observation_history) AS rows, (SELECT count(*) FROM batches) AS batches"


def _upload(browser, path: Path) -> None:
    browser.open("/upload")
    browser.driver.find_element(By.CSS_SELECTOR, "#upl-file input[type=file]").send_keys(str(path))
    browser.wait_for(lambda: browser.driver.find_elements(By.ID, "upl-message"))
    browser.settle()


def _grid_column(browser, grid_id: str, column: str) -> list[str]:
    cells = browser.driver.find_elements(By.CSS_SELECTOR, f"#{grid_id} .ag-center-cols-container [col-id={column}]")
    return [c.text for c in cells]


@pytest.fixture(scope="module")
def series_to_extend(demo_db: Path) -> dict:
    """A yearly key indicator of a mission, with the year after its latest value."""
    row = store.read_df(demo_db, """
        SELECT p.mission, p.indicator, p.primary_theme, p.latest_period, p.latest_value
        FROM progress p JOIN indicators i ON i.code = p.indicator
        WHERE i.period_type = 'year' AND p.kpi AND p.n_points >= 3
        ORDER BY p.n_points DESC, p.mission, p.indicator LIMIT 1""").iloc[0]
    return {**row.to_dict(), "new_period": str(int(row["latest_period"]) + 1)}


def test_upl001_invalid_file_lists_problems_and_writes_nothing(browser, demo_db: Path, tmp_path: Path) -> None:
    before = store.read_df(demo_db, COUNT).iloc[0].tolist()
    bad = tmp_path / "bad-observations.csv"
    bad.write_text("mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,2024-13,abc\nNOPE,FAT_MALICIOUS,2024,5\n")
    _upload(browser, bad)
    lines = _grid_column(browser, "upl-problems", "line")
    assert {"2", "3"} <= set(lines)
    assert "error" in _grid_column(browser, "upl-problems", "severity")
    assert "alert-danger" in browser.driver.find_element(By.ID, "upl-message").get_attribute("class")
    assert not browser.driver.find_element(By.ID, "upl-commit").is_enabled()
    assert store.read_df(demo_db, COUNT).iloc[0].tolist() == before


def test_upl002_commit_then_the_mission_page_shows_the_new_point(browser, demo_db: Path, tmp_path: Path,
                                                                 series_to_extend: dict) -> None:
    s = series_to_extend
    value = round(float(s["latest_value"]), 2)
    good = tmp_path / "new-observations.csv"
    good.write_text(f"mission,indicator,period,value,source\n{s['mission']},{s['indicator']},"
                    f"{s['new_period']},{value},Mission reporting\n")
    _upload(browser, good)
    assert browser.driver.find_element(By.ID, "upl-new").text == "1"
    commit = browser.driver.find_element(By.ID, "upl-commit")
    assert commit.is_enabled()
    commit.click()
    browser.wait_for(lambda: browser.driver.find_elements(By.ID, "upl-done"))
    assert store.read_df(demo_db, "SELECT count(*) AS n FROM series WHERE mission = ? AND indicator = ? AND period = ?",
                         [s["mission"], s["indicator"], s["new_period"]])["n"].iloc[0] == 1

    theme = int(s["primary_theme"])
    browser.open(f"/mission?code={s['mission']}&theme={theme}&all=1")
    traces = [t for t in browser.graph_data(f"msn-trend-{theme}")
              if t.get("meta", {}).get("indicator") == s["indicator"] and t["meta"]["role"] == "value"]
    points = {c[0]: y for t in traces for c, y in zip(t["customdata"], t["y"])}
    assert points.get(s["new_period"]) == pytest.approx(value)
