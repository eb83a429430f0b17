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
def series_to_extend(served_db: Path) -> dict:
    """A yearly key indicator of a mission, with the year after its latest value."""
    row = store.read_df(served_db, """
        SELECT p.mission, p.indicator, p.primary_theme, p.latest_period, p.latest_value
        FROM progress p JOIN indicators i ON i.code = p.indicator
        WHERE i.period_type = 'year' AND p.kpi AND p.n_points >= 3
        ORDER BY p.n_points DESC, p.mission, p.indicator LIMIT 1""").iloc[0]
    return {**row.to_dict(), "new_period": str(int(row["latest_period"]) + 1)}


def test_upl001_invalid_file_lists_problems_and_writes_nothing(browser, served_db: Path, tmp_path: Path) -> None:
    before = store.read_df(served_db, COUNT).iloc[0].tolist()
    bad = tmp_path / "bad-observations.csv"
    bad.write_text("mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,2024-13,abc\nNOPE,FAT_MALICIOUS,2024,5\n")
    _upload(browser, bad)
    lines = _grid_column(browser, "upl-problems", "line")
    assert {"2", "3"} <= set(lines)
    assert "error" in _grid_column(browser, "upl-problems", "severity")
    assert "alert-danger" in browser.driver.find_element(By.ID, "upl-message").get_attribute("class")
    assert not browser.driver.find_element(By.ID, "upl-commit").is_enabled()
    assert store.read_df(served_db, COUNT).iloc[0].tolist() == before


def test_upl002_commit_then_the_mission_page_shows_the_new_point(browser, served_db: Path, tmp_path: Path,
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
    browser.click(commit)
    browser.wait_for(lambda: browser.driver.find_elements(By.ID, "upl-done"))
    assert store.read_df(served_db, "SELECT count(*) AS n FROM series WHERE mission = ? AND indicator = ? AND period = ?",
                           [s["mission"], s["indicator"], s["new_period"]])["n"].iloc[0] == 1

    theme = int(s["primary_theme"])
    browser.open(f"/mission?code={s['mission']}&theme={theme}&all=1")
    traces = [t for t in browser.graph_data(f"msn-trend-{theme}")
              if t.get("meta", {}).get("indicator") == s["indicator"] and t["meta"]["role"] == "value"]
    points = {c[0]: y for t in traces for c, y in zip(t["customdata"], t["y"])}
    assert points.get(s["new_period"]) == pytest.approx(value)


def test_upl003_decimal_commas_are_refused_then_read_as_chosen(browser, served_db: Path, tmp_path: Path) -> None:
    """A comma-separated file with quoted decimal commas: refused as written, with the full
    report offered for download; read right once 'Decimal comma' is chosen, then committed."""
    upload = tmp_path / "decimal-commas.csv"
    upload.write_text('mission,indicator,period,value,source\nUNMISS,UNIF_WOMEN_SHARE,2031,"0,125",Browser test\n'
                      'UNMISS,UNIF_WOMEN_SHARE,2032,"12,5",Browser test\n')
    _upload(browser, upload)
    assert "alert-danger" in browser.driver.find_element(By.ID, "upl-message").get_attribute("class")
    problems = _grid_column(browser, "upl-problems", "problem")
    assert any("does not fit how this file writes numbers" in p for p in problems)
    link = browser.driver.find_element(By.ID, "upl-download")
    assert link.get_attribute("download") == "decimal-commas-problems.csv"
    assert link.get_attribute("href").startswith("data:text/csv")

    # choosing the convention checks the same file again
    browser.click(browser.driver.find_element(By.XPATH, "//*[@id='upl-decimal']//label[contains(., 'Decimal comma')]"))
    browser.wait_for(lambda: "alert-danger" not in browser.driver.find_element(By.ID, "upl-message")
                     .get_attribute("class"))
    browser.settle()
    assert browser.driver.find_element(By.ID, "upl-new").text == "2"
    browser.click(browser.driver.find_element(By.ID, "upl-commit"))
    browser.wait_for(lambda: browser.driver.find_elements(By.ID, "upl-done"))
    stored = store.read_df(served_db, """SELECT period, value FROM observations WHERE mission = 'UNMISS'
                                          AND indicator = 'UNIF_WOMEN_SHARE' AND period IN ('2031', '2032')
                                          ORDER BY period""")
    assert stored.values.tolist() == [["2031", 0.125], ["2032", 12.5]]


def _upload_and_commit(browser, path: Path) -> None:
    _upload(browser, path)
    browser.click(browser.driver.find_element(By.ID, "upl-commit"))
    browser.wait_for(lambda: browser.driver.find_elements(By.ID, "upl-done"))


def test_upl004_a_framework_without_key_indicators_shows_its_charts_at_once(browser, served_db: Path,
                                                                              tmp_path: Path) -> None:
    """A user's own indicators, uploaded without a kpi column, then figures for an existing
    mission: the mission page draws them, first, without any switch being touched."""
    indicators = tmp_path / "my-framework.csv"
    indicators.write_text("code,name,themes,unit,direction,period_type\n"
                          "MY_PATROLS,Night patrols completed,8,patrols,increase,quarter\n")
    observations = tmp_path / "my-patrols.csv"
    observations.write_text("mission,indicator,period,value,source\n" + "".join(
        f"UNISFA,MY_PATROLS,2024-Q{q},{40 + 5 * q},Mission reporting\n" for q in range(1, 5)))
    _upload_and_commit(browser, indicators)
    _upload_and_commit(browser, observations)
    browser.open("/mission?code=UNISFA&theme=8")
    traces = [t for t in browser.graph_data("msn-trend-8") if t.get("meta", {}).get("indicator") == "MY_PATROLS"]
    values = [y for t in traces if t["meta"]["role"] == "value" for y in t["y"]]
    assert values == [45, 50, 55, 60]
    assert not browser.driver.find_element(By.ID, "msn-all").is_selected()  # the switch was never needed


def test_upl005_after_a_commit_only_the_result_remains(browser, tmp_path: Path) -> None:
    good = tmp_path / "one-more.csv"
    good.write_text("mission,indicator,period,value,source\nUNFICYP,FAT_TOTAL,2031,0,Browser test\n")
    _upload_and_commit(browser, good)
    assert not browser.driver.find_elements(By.ID, "upl-message")  # the dry run's "Would write" is gone
    assert "Written: 1 new" in browser.driver.find_element(By.ID, "upl-done").text
