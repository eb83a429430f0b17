"""The adaptive loop in a real browser: signals worked through and acknowledged, actions filtered."""
from __future__ import annotations

from selenium.webdriver.common.by import By


def test_loop001_a_signal_is_acknowledged_with_a_note_and_rests(browser) -> None:
    browser.open("/")
    browser.driver.find_element(By.CSS_SELECTOR, "#nav-links a[href='/signals']").click()
    browser.wait_for(lambda: browser.path() == "/signals")
    browser.settle()
    browser.open("/signals?mission=UNMISS")
    count = browser.driver.find_element(By.ID, "sig-count").text
    items = browser.driver.find_elements(By.CSS_SELECTOR, "[id^=sig-item-]")
    assert items and count.endswith("for UNMISS.")
    detail = items[0].find_element(By.CSS_SELECTOR, ".small").text
    before = len(items)
    browser.click(items[0].find_element(By.TAG_NAME, "button"))
    note = browser.wait_for(lambda: browser.driver.find_element(By.ID, "sig-note"))
    browser.wait_for(note.is_displayed)
    assert detail in browser.driver.find_element(By.ID, "sig-chosen").text
    browser.click(browser.driver.find_element(By.ID, "sig-confirm"))  # no note yet: refused
    browser.wait_for(lambda: "is-invalid" in note.get_attribute("class"))
    note.send_keys("Known: the series restarts with the next report")
    browser.click(browser.driver.find_element(By.ID, "sig-confirm"))
    browser.wait_for(lambda: len(browser.driver.find_elements(By.CSS_SELECTOR, "[id^=sig-item-]")) == before - 1)
    assert detail not in browser.driver.find_element(By.ID, "main").text
    browser.wait_for(lambda: not browser.driver.find_elements(By.CSS_SELECTOR, ".modal-backdrop"))
    browser.click(browser.driver.find_element(By.ID, "sig-acknowledged"))
    browser.wait_for(lambda: "acknowledged=1" in browser.path())
    browser.settle()
    assert "Acknowledged: Known: the series restarts with the next report" in \
        browser.driver.find_element(By.ID, "main").text
    assert browser.severe_logs() == []


def test_loop002_the_actions_page_puts_overdue_ones_first_and_keeps_its_filters_in_the_url(browser) -> None:
    browser.open("/actions")
    browser.wait_for(lambda: browser.driver.find_elements(By.CSS_SELECTOR, "#act-grid .ag-row"))
    first = browser.driver.find_elements(By.CSS_SELECTOR, "#act-grid .ag-center-cols-container [col-id=overdue]")
    assert first and "overdue" in first[0].text
    summary = browser.driver.find_element(By.ID, "act-summary").text
    assert "of them overdue" in summary
    browser.open("/actions?status=completed&all=1")
    statuses = browser.driver.find_elements(By.CSS_SELECTOR, "#act-grid .ag-center-cols-container [col-id=status]")
    assert statuses and {s.text for s in statuses} == {"Completed"}
    assert browser.path() == "/actions?status=completed&all=1"
