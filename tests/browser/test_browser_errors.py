"""A server whose store is missing, held by another program or broken: each page shows the problem in words,
or an incident id that the server's log has with its traceback, and never the store's path or file name."""
from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import held_open
from selenium.webdriver.common.by import By

from peacepulse import store

from .conftest import Browser, own_browser

PAGES = ["/", "/missions", "/mission?code=UNMISS", "/themes", "/theme?n=5", "/indicator?code=FAT_MALICIOUS",
         "/quality", "/upload"]
INCIDENT = re.compile(r"Something went wrong on the server while preparing this view\. Incident ([0-9a-f]{8}) "
                      r"has been logged; quote it when you report the problem\.")


@pytest.fixture(scope="module")
def troubled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Browser, Path, Path]]:
    """A browser on a server of its own, whose store file the tests take away, hold or break."""
    folder = tmp_path_factory.mktemp("troubled")
    db = folder / "troubled-store.duckdb"
    with own_browser(db, folder) as (browser, log):
        yield browser, db, log


def _alert(browser: Browser, alert_id: str) -> str:
    return browser.wait_for(lambda: browser.driver.find_elements(By.ID, alert_id))[0].text


def _private(browser: Browser, db: Path) -> list[str]:
    source = browser.driver.page_source
    return [text for text in (str(db.parent), db.name, "Traceback", "duckdb", "Error:") if text in source]


def test_brk001_a_missing_store_is_named_on_every_page_without_its_path(troubled) -> None:
    browser, db, _ = troubled
    db.unlink(missing_ok=True)
    for path in PAGES:
        browser.open(path)
        assert _alert(browser, "store-problem") == store.MISSING, path
        assert _private(browser, db) == [], path
        assert browser.severe_logs() == [], path


def test_brk002_a_store_another_program_holds_is_named_without_its_path(troubled, demo_db, tmp_path) -> None:
    browser, db, _ = troubled
    shutil.copy(demo_db, db)
    with held_open(db):
        for path in ("/", "/mission?code=UNMISS", "/quality", "/upload"):
            browser.open(path)
            assert _alert(browser, "store-problem").startswith(store.IN_USE + " It is held by python"), path
            assert _private(browser, db) == [], path
        one = tmp_path / "one.csv"
        one.write_text("mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,2031,1\n")
        browser.driver.find_element(By.CSS_SELECTOR, "#upl-file input[type=file]").send_keys(str(one))
        shown = browser.wait_for(lambda: browser.driver.find_elements(By.CSS_SELECTOR, "#upl-report .alert"))
        assert shown[0].text.startswith(store.IN_USE + " It is held by python") and _private(browser, db) == []
    db.unlink()


def test_brk003_a_broken_store_shows_an_incident_the_server_log_explains(troubled, demo_db) -> None:
    browser, db, log = troubled
    shutil.copy(demo_db, db)
    with duckdb.connect(str(db)) as con:
        con.execute("DROP VIEW missions; DROP VIEW themes")
    seen = []
    for path in ("/", "/themes", "/mission?code=UNMISS"):
        browser.open(path)
        found = INCIDENT.fullmatch(_alert(browser, "incident"))
        assert found, path
        assert _private(browser, db) == [] and "Catalog" not in browser.driver.page_source
        seen.append(found.group(1))
    assert len(set(seen)) == 3  # one incident each
    text = log.read_text()
    for incident in seen:
        at = text.index(f"Incident {incident} in dashboard.pages.")
        assert "Traceback (most recent call last)" in text[at:] and "CatalogException" in text[at:]


def test_brk004_a_failing_control_shows_its_incident_above_the_page(troubled, demo_db) -> None:
    """A commit whose kept file was replaced in the browser by something that is no file at all (a file
    altered there is refused in words) fails: the alert with the incident appears in the page's message
    area, and the server's log has the traceback under its id."""
    browser, db, log = troubled
    shutil.copy(demo_db, db)
    browser.open("/upload")
    browser.driver.execute_script("""
        window.dash_clientside.set_props('upl-pending', {data: ['one.csv', 'abc']});
        window.dash_clientside.set_props('upl-commit', {disabled: false});""")
    browser.wait_for(lambda: browser.driver.find_element(By.ID, "upl-commit").is_enabled())
    browser.driver.find_element(By.ID, "upl-commit").click()
    shown = browser.wait_for(lambda: browser.driver.find_elements(By.CSS_SELECTOR, "#app-messages #incident"))
    found = INCIDENT.fullmatch(shown[0].text)
    assert found and _private(browser, db) == []
    text = log.read_text()
    assert "AttributeError" in text[text.index(f"Incident {found.group(1)} in callback for upl-result.children"):]
    db.unlink()  # so that the next page caches nothing from this store
    browser.driver.find_element(By.CSS_SELECTOR, "#navbar a[href='/missions']").click()  # within the app
    assert _alert(browser, "store-problem") == store.MISSING
    assert browser.driver.find_elements(By.CSS_SELECTOR, "#app-messages #incident") == []  # it was that page's
