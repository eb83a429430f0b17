"""Login in a real browser: the dashboard under gunicorn (two workers) with PEACEPULSE_AUTH=on, over plain
HTTP on 127.0.0.1, where Chromium keeps and sends the Secure session cookie; dash-renderer sends the CSRF
token with each callback; what a role cannot do is not shown, and a session that ends mid-page leads to
the login and back."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from peacepulse import store
from peacepulse.access import users

from .conftest import Browser, own_browser

PASSWORD = "a long enough passphrase"


@pytest.fixture(scope="module")
def secured(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Browser, Path]]:
    """A browser on a server of its own with login on, over a copy of the demo store."""
    folder = tmp_path_factory.mktemp("secured")
    db = folder / "secured.duckdb"
    shutil.copy(demo_db, db)
    people = folder / "users.json"
    users.add(people, "vera", "viewer", PASSWORD)
    users.add(people, "amina", "editor", PASSWORD, ["UNMISS"])
    env = {"PEACEPULSE_AUTH": "on", "PEACEPULSE_SECRET_KEY": "browser-test-secret-" + "x" * 24,
           "PEACEPULSE_USERS": str(people)}
    with own_browser(db, folder, env) as (browser, _):
        yield browser, db


@pytest.fixture(autouse=True)
def signed_out(secured) -> None:
    """Each test begins logged out, whatever the one before it left."""
    browser, _ = secured
    if browser.driver.current_url.startswith(browser.base_url):
        browser.driver.delete_all_cookies()


def _log_in(browser: Browser, name: str, password: str = PASSWORD) -> None:
    """Fill in the login page the browser is on and send it."""
    driver = browser.driver
    browser.wait_for(lambda: driver.find_elements(By.ID, "login-form"))
    driver.find_element(By.ID, "login-name").clear()
    driver.find_element(By.ID, "login-name").send_keys(name)
    driver.find_element(By.ID, "login-password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    browser.settle()


def _log_out(browser: Browser) -> None:
    browser.click(browser.driver.find_element(By.ID, "auth-logout"))
    browser.wait_for(lambda: browser.path() == "/login?out=1")


def _shown(browser: Browser, css: str) -> list[str]:
    return [e.get_attribute("href") for e in browser.driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]


def test_bauth001_a_wrong_password_is_refused_then_the_right_one_opens_the_page_asked_for(secured) -> None:
    browser, _ = secured
    browser.open("/quality")
    assert browser.path() == "/login?next=%2Fquality"
    _log_in(browser, "amina", "not the password")
    assert browser.driver.find_element(By.ID, "login-message").text == \
        "That user name and password do not match. Check both and try again."
    _log_in(browser, "amina")
    browser.wait_for(lambda: browser.path() == "/quality")
    browser.settle()
    assert browser.driver.find_element(By.ID, "auth-user").text == "amina (editor · UNMISS)"
    cookie = browser.driver.get_cookie("peacepulse_session")
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert browser.driver.find_elements(By.ID, "q-heading")
    assert browser.severe_logs() == []
    _log_out(browser)


def test_bauth002_an_editor_uploads_its_missions_rows_under_its_name_and_not_others(secured, tmp_path: Path) -> None:
    browser, db = secured
    browser.open("/upload")
    _log_in(browser, "amina")
    browser.wait_for(lambda: browser.driver.find_elements(By.ID, "upl-file"))
    assert "You may upload data of UNMISS only." in browser.driver.find_element(By.ID, "upl-limits").text
    other = tmp_path / "other.csv"
    other.write_text("mission,indicator,period,value\nMINUSCA,FAT_MALICIOUS,2041,1\n")
    browser.driver.find_element(By.CSS_SELECTOR, "#upl-file input[type=file]").send_keys(str(other))
    browser.wait_for(lambda: browser.driver.find_elements(By.ID, "upl-message"))
    browser.settle()
    problems = browser.driver.find_element(By.ID, "upl-problems").text
    assert "MINUSCA: 1 row (line 2) is outside what amina may change (UNMISS only)." in problems
    assert not browser.driver.find_element(By.ID, "upl-commit").is_enabled()

    own = tmp_path / "own.csv"
    own.write_text("mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,2041,1\n")
    browser.driver.find_element(By.CSS_SELECTOR, "#upl-file input[type=file]").send_keys(str(own))
    browser.wait_for(lambda: browser.driver.find_element(By.ID, "upl-commit").is_enabled())
    browser.click(browser.driver.find_element(By.ID, "upl-commit"))
    browser.wait_for(lambda: browser.driver.find_elements(By.ID, "upl-done"))
    last = store.read_df(db, "SELECT file_name, uploaded_by FROM batches ORDER BY batch_id DESC LIMIT 1").iloc[0]
    assert (last["file_name"], last["uploaded_by"]) == ("own.csv", "amina")
    assert browser.severe_logs() == []
    _log_out(browser)


def test_bauth003_a_viewer_sees_no_upload_and_no_acknowledge_button(secured) -> None:
    browser, _ = secured
    browser.open("/signals?mission=UNMISS")
    _log_in(browser, "vera")
    browser.wait_for(lambda: browser.driver.find_elements(By.ID, "sig-count"))
    browser.settle()
    assert browser.driver.find_elements(By.CSS_SELECTOR, "[id^=sig-item-]")
    assert browser.driver.find_elements(By.CSS_SELECTOR, "[id^=sig-item-] button") == []
    assert not any(h.endswith("/upload") or h.endswith("/users") for h in _shown(browser, "#nav-links a"))
    browser.open("/upload")
    refused = browser.wait_for(lambda: browser.driver.find_elements(By.ID, "upl-refused"))[0].text
    assert refused == "vera is a viewer here, and only an editor or an admin can upload files."
    assert browser.driver.find_elements(By.ID, "upl-file") == []
    _log_out(browser)


def test_bauth004_after_logging_out_pages_ask_for_the_login_again(secured) -> None:
    browser, _ = secured
    browser.open("/")
    _log_in(browser, "vera")
    browser.wait_for(lambda: browser.driver.find_elements(By.ID, "auth-logout"))
    _log_out(browser)
    assert browser.driver.find_element(By.ID, "login-message").text == "You have logged out."
    browser.open("/missions")
    assert browser.path() == "/login?next=%2Fmissions"


def test_bauth005_a_session_that_ends_mid_page_leads_to_the_login_and_back(secured) -> None:
    browser, _ = secured
    browser.open("/")
    _log_in(browser, "vera")
    browser.wait_for(lambda: browser.driver.find_elements(By.ID, "auth-user"))
    browser.settle()
    browser.driver.delete_cookie("peacepulse_session")  # as when it expires
    browser.driver.find_element(By.CSS_SELECTOR, "#nav-links a[href='/themes']").click()  # drawn by a callback
    browser.wait_for(lambda: browser.path().startswith("/login"))
    assert browser.path() == "/login?next=%2Fthemes"
    _log_in(browser, "vera")
    browser.wait_for(lambda: browser.path() == "/themes")
    _log_out(browser)
