"""As of a date in a real browser: the picker takes the page back before a revision, and back to today."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from conftest import changed_by_hand
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from peacepulse import ingest, seeds

from .conftest import Browser, own_browser

OBSERVATIONS = ("mission,indicator,period,value,source\n"
                "UNMISS,FAT_MALICIOUS,2020,12,UN open data\nUNMISS,FAT_MALICIOUS,2021,11,UN open data\n"
                "UNMISS,FAT_MALICIOUS,2022,10,UN open data\n")
TARGETS = "mission,indicator,period,target,baseline,baseline_period\nUNMISS,FAT_MALICIOUS,2030,2,12,2020\n"
APPROVED = ("mission,theme,period,rating,status,findings,evidence,reason\n"
            "UNMISS,5,2026,at_risk,approved,Attacks fell by a sixth.,FAT_MALICIOUS,Few attacks in the first half\n")
REVISED = "mission,indicator,period,value,source\nUNMISS,FAT_MALICIOUS,2022,14,UN open data (corrected)\n"
CHANGED = ("mission,theme,period,rating,status,findings,evidence,reason,comment\n"
           "UNMISS,5,2026,off_track,approved,Attacks rose again in 2022.,FAT_MALICIOUS,Worse than the data show,"
           "New figures for 2022\n")
DAYS_AGO = 60  # the first uploads are moved this far back: a store with a past to look at


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """A store whose first uploads were made 60 days ago and whose 2022 value and assessment were revised
    today, with its own server and browser."""
    folder = tmp_path_factory.mktemp("as-of")
    db = folder / "store.duckdb"
    seeds.init(db)
    for name, text in (("obs.csv", OBSERVATIONS), ("targets.csv", TARGETS), ("assessments.csv", APPROVED)):
        assert ingest.ingest_upload(db, name, text.encode(), commit=True, origin="test").ok
    with changed_by_hand(db) as con:  # the history so far happened two months ago
        con.execute(f"UPDATE batch SET uploaded_at = uploaded_at - INTERVAL {DAYS_AGO} DAY")
        for table in ("observation_revision", "target_revision", "assessment_revision",
                      "indicator_revision", "mission_revision"):
            con.execute(f"UPDATE {table} SET recorded_at = recorded_at - INTERVAL {DAYS_AGO} DAY")
    for name, text in (("revised.csv", REVISED), ("assessments.csv", CHANGED)):
        assert ingest.ingest_upload(db, name, text.encode(), commit=True, origin="test").ok
    with own_browser(db, folder) as (browser, _):
        yield browser
    shutil.rmtree(folder, ignore_errors=True)


def _text(browser: Browser, element_id: str) -> str:
    found = browser.driver.find_elements(By.ID, element_id)
    return found[0].text if found else ""


def test_bas001_the_picker_shows_the_old_value_and_the_old_assessment_then_today_again(history: Browser) -> None:
    browser = history
    browser.open("/mission?code=UNMISS&theme=5")
    main = browser.driver.find_element(By.ID, "main").text
    assert "Latest 2022: 14 fatalities" in main and "Attacks rose again in 2022." in main
    assert _text(browser, "as-of-banner") == ""
    before = (date.today() - timedelta(days=DAYS_AGO // 2)).isoformat()  # after the first uploads, before the revision
    picker = browser.driver.find_element(By.CSS_SELECTOR, "input#as-of-picker")
    browser.click(picker)
    picker.send_keys(Keys.CONTROL, "a")
    picker.send_keys(before, Keys.ENTER)
    browser.wait_for(lambda: f"as_of={before}" in browser.path())
    picker.send_keys(Keys.ESCAPE)  # close the calendar
    browser.settle()
    browser.wait_for(lambda: _text(browser, "as-of-banner").startswith(f"As of {before}."))
    main = browser.driver.find_element(By.ID, "main").text
    assert "Latest 2022: 10 fatalities" in main and "Latest 2022: 14 fatalities" not in main
    assert "Attacks fell by a sixth." in main and "Attacks rose again in 2022." not in main
    assert "Evidence changed since approval" not in main  # the revision had not happened yet
    assert browser.path().startswith("/mission?code=UNMISS&theme=5")
    # the menu and the page's links stay in the past
    signals = browser.driver.find_element(By.CSS_SELECTOR, "#nav-links a#nav-4")
    assert signals.get_attribute("href").endswith(f"/signals?as_of={before}")
    browser.click(browser.driver.find_element(By.ID, "as-of-today"))
    browser.wait_for(lambda: "as_of" not in browser.path())
    browser.settle()
    browser.wait_for(lambda: _text(browser, "as-of-banner") == "")
    assert "Latest 2022: 14 fatalities" in browser.driver.find_element(By.ID, "main").text
    assert browser.severe_logs() == []


def test_bas002_a_day_before_the_store_began_says_so(history: Browser) -> None:
    browser = history
    long_ago = (date.today() - timedelta(days=DAYS_AGO + 30)).isoformat()
    browser.open(f"/?as_of={long_ago}")
    assert _text(browser, "as-of-empty").startswith("Nothing had been uploaded to this store yet")
    browser.open("/mission?code=UNMISS&as_of=2026-31-12")
    assert "'2026-31-12' is not a date or a time" in _text(browser, "as-of-invalid")
    assert browser.path() == "/mission?code=UNMISS&as_of=2026-31-12"  # the URL is left as the user wrote it
