"""The assessment loop in a real browser, on a store of its own: an assessments file uploaded, another
assessment made with the mission page's form and taken through submission and approval, a recommendation
added and updated, the assessment seen beside the trends, and an observation it rests on revised.

The tests follow one story and run in order: each starts where the one before it stopped.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from peacepulse import store
from peacepulse.figures import STATUS_LABELS, STATUS_SYMBOLS

from .conftest import Browser, own_browser

MISSION = "UNMISS"
PERIOD = str(date.today().year)  # the current period of the mission's yearly cycle
FINDINGS = 'Patrols said "not yet", then left; the road, once cleared,\nreopened'
RATINGS = ("on_track", "at_risk", "off_track")


@pytest.fixture(scope="module")
def own(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Browser, Path]]:
    """A copy of the demo store with its own server and browser, so that these writes stay here."""
    folder = tmp_path_factory.mktemp("assessment-loop")
    db = folder / "store.duckdb"
    shutil.copy(demo_db, db)
    with own_browser(db, folder) as (browser, _):
        yield browser, db


@pytest.fixture(scope="module")
def story(own) -> dict:
    """Two themes of the mission that have a computed status and no assessment yet, and for the second an
    indicator with a value the form's assessment can rest on."""
    _, db = own
    themes = store.read_df(db, """SELECT theme, status FROM scorecard WHERE mission = ? AND status IN
                                  ('on_track', 'at_risk', 'off_track') AND theme NOT IN
                                  (SELECT theme FROM assessments WHERE mission = ?) ORDER BY theme""",
                           [MISSION, MISSION])
    uploaded, formed = themes.iloc[0], themes.iloc[1]
    evidence = store.read_df(db, """
        SELECT o.indicator, o.period, o.value FROM observations o JOIN indicators i ON i.code = o.indicator
        JOIN indicator_themes it ON it.indicator = o.indicator AND it.theme = ?
        WHERE o.mission = ? AND i.measure = 'count' AND o.sex = 'total' AND o.age = 'total'
              AND o.location = 'total' AND o.period_end <= ?
        ORDER BY o.period_end DESC, o.indicator LIMIT 1""", [int(formed["theme"]), MISSION, f"{PERIOD}-12-31"]).iloc[0]
    return {"uploaded": int(uploaded["theme"]), "uploaded_status": uploaded["status"],
            "theme": int(formed["theme"]), "computed": formed["status"],
            "rating": next(r for r in RATINGS if r != formed["status"]),
            "indicator": evidence["indicator"], "observation_period": evidence["period"],
            "value": float(evidence["value"])}


def _upload_and_commit(browser: Browser, path: Path) -> None:
    browser.open("/upload")
    browser.driver.find_element(By.CSS_SELECTOR, "#upl-file input[type=file]").send_keys(str(path))
    browser.wait_for(lambda: browser.driver.find_elements(By.ID, "upl-message"))
    browser.settle()
    assert browser.driver.find_element(By.ID, "upl-commit").is_enabled(), \
        browser.driver.find_element(By.ID, "upl-report").text
    browser.click(browser.driver.find_element(By.ID, "upl-commit"))
    browser.wait_for(lambda: browser.driver.find_elements(By.ID, "upl-done"))


def _assessment(db: Path, theme: int) -> dict:
    found = store.read_df(db, "SELECT * FROM assessments WHERE mission = ? AND theme = ? AND period = ?",
                          [MISSION, theme, PERIOD])
    return found.iloc[0].to_dict() if not found.empty else {}


def _open_form(browser: Browser, theme: int, label: str) -> None:
    """Press the card's button that starts with `label`, and wait for the dialog's fields."""
    section = browser.driver.find_element(By.ID, f"theme-{theme}")
    button = next(b for b in section.find_elements(By.TAG_NAME, "button") if b.text.startswith(label))
    browser.click(button)
    browser.wait_for(lambda: browser.driver.find_element(By.ID, "asf-period").is_displayed())
    browser.settle()


def _press(browser: Browser, button_id: str, saved: str, theme: int) -> None:
    """Press a button of the dialog and wait for the card's success message."""
    browser.click(browser.driver.find_element(By.ID, button_id))
    browser.wait_for(lambda: saved in "".join(e.text for e in browser.driver.find_elements(By.ID, f"asf-saved-{theme}")))
    browser.wait_for(lambda: not browser.driver.find_elements(By.CSS_SELECTOR, ".modal-backdrop"))


def _type(browser: Browser, element_id: str, text: str) -> None:
    element = browser.driver.find_element(By.ID, element_id)
    element.clear()
    for i, line in enumerate(text.split("\n")):
        element.send_keys(*([Keys.ENTER] if i else []), line)


def test_asb001_an_assessments_file_is_uploaded_on_the_upload_page(own, story, tmp_path: Path) -> None:
    browser, db = own
    rating, theme = story["uploaded_status"], story["uploaded"]
    upload = tmp_path / "assessments.csv"
    upload.write_text("mission,theme,period,rating,findings,status,participants\n"
                      f'{MISSION},{theme},{PERIOD},{rating},"Reviewed at the annual retreat, with the sector '
                      f'heads.",approved,Force; Civil affairs\n')
    _upload_and_commit(browser, upload)
    assert "Written: 1 new" in browser.driver.find_element(By.ID, "upl-done").text
    row = _assessment(db, theme)
    assert (row["rating"], row["status"], row["participants"]) == (rating, "approved", "Force; Civil affairs")
    assert browser.severe_logs() == []


def test_asb002_an_assessment_made_with_the_form_is_submitted_then_approved(own, story) -> None:
    browser, db = own
    theme = story["theme"]
    browser.open(f"/mission?code={MISSION}&theme={theme}")
    assert "No assessment of this theme yet." in browser.driver.find_element(By.ID, f"msn-assessment-{theme}").text
    _open_form(browser, theme, "Assess this theme")
    assert browser.driver.find_element(By.ID, "asf-period").get_attribute("value") == PERIOD
    browser.click(browser.driver.find_element(
        By.XPATH, f"//*[@id='asf-rating']//label[normalize-space()='{STATUS_LABELS[story['rating']]}']"))
    _type(browser, "asf-findings", FINDINGS)
    browser.click(browser.driver.find_element(
        By.XPATH, f"//*[@id='asf-evidence']//label[contains(., '({story['indicator']})')]"))

    # the rating differs from the computed status and no reason is given: said beside the form, nothing written
    browser.click(browser.driver.find_element(By.ID, "asf-draft"))
    problems = browser.wait_for(lambda: browser.driver.find_element(By.ID, "asf-problems"))
    assert "Nothing was saved" in problems.text and "Reason:" in problems.text
    assert "say why in the Reason field" in problems.text and "line" not in problems.text
    assert "is-invalid" in browser.driver.find_element(By.ID, "asf-reason").get_attribute("class")
    assert _assessment(db, theme) == {}

    _type(browser, "asf-reason", "Two attacks since June are not in the indicators yet")
    _press(browser, "asf-draft", "saved as a draft", theme)
    saved = _assessment(db, theme)
    assert (saved["status"], saved["rating"], saved["computed_status"]) == ("draft", story["rating"], story["computed"])
    assert saved["findings"] == FINDINGS and saved["evidence"] == story["indicator"]

    _open_form(browser, theme, f"Edit {PERIOD}")
    assert browser.driver.find_element(By.ID, "asf-findings").get_attribute("value") == FINDINGS  # prefilled
    _press(browser, "asf-submit", "submitted for approval", theme)
    assert _assessment(db, theme)["status"] == "submitted"

    _open_form(browser, theme, f"Edit {PERIOD}")
    _press(browser, "asf-approve", "approved", theme)
    approved = _assessment(db, theme)
    assert (approved["status"], approved["revision"], approved["findings"]) == ("approved", 3, FINDINGS)
    recorded = store.read_df(db, """SELECT value FROM assessment_evidence WHERE mission = ? AND theme = ?
                                    AND indicator = ? AND observation_period = ?""",
                             [MISSION, theme, story["indicator"], story["observation_period"]])
    assert recorded["value"].tolist() == [story["value"]]
    origins = store.read_df(db, "SELECT origin FROM batches WHERE kind = 'assessments' ORDER BY batch_id DESC LIMIT 3")
    assert origins["origin"].tolist() == ["form"] * 3
    assert browser.severe_logs() == []


def test_asb003_a_recommendation_is_added_then_its_status_updated_with_a_note(own, story) -> None:
    browser, db = own
    theme = story["theme"]
    browser.open(f"/mission?code={MISSION}&theme={theme}")
    _open_form(browser, theme, f"Edit {PERIOD}")
    _type(browser, "asf-rec-text", "Reopen the Bor road checkpoint, with night patrols")
    _type(browser, "asf-rec-owner", "Force Chief of Staff")
    # How a date field takes typed digits depends on the browser's language; set it as a user's pick would.
    browser.driver.execute_script("""
        const field = arguments[0];
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(field, arguments[1]);
        field.dispatchEvent(new Event('input', {bubbles: true}));""",
                                  browser.driver.find_element(By.ID, "asf-rec-due"), f"{int(PERIOD) + 1}-03-31")
    Select(browser.driver.find_element(By.ID, "asf-rec-status")).select_by_visible_text("In progress")
    _type(browser, "asf-rec-update", "Patrol plan drafted")
    _press(browser, "asf-rec-save", "was saved (in progress)", theme)
    rec = store.read_df(db, "SELECT * FROM recommendations WHERE mission = ? AND theme = ?", [MISSION, theme])
    assert rec[["recommendation", "owner", "status", "period"]].values.tolist() == [
        ["Reopen the Bor road checkpoint, with night patrols", "Force Chief of Staff", "in_progress", PERIOD]]
    assert f"{rec['due'].iloc[0]:%Y-%m-%d}" == f"{int(PERIOD) + 1}-03-31"

    browser.open(f"/mission?code={MISSION}&theme={theme}")
    _open_form(browser, theme, f"Edit {PERIOD}")
    Select(browser.driver.find_element(By.ID, "asf-rec-pick")).select_by_visible_text(
        f"Reopen the Bor road checkpoint, with night patrols ({PERIOD}, in progress)")
    browser.wait_for(lambda: browser.driver.find_element(By.ID, "asf-rec-owner").get_attribute("value")
                     == "Force Chief of Staff")
    Select(browser.driver.find_element(By.ID, "asf-rec-status")).select_by_visible_text("Constrained")
    _type(browser, "asf-rec-update", "Waiting for helicopter hours")
    _press(browser, "asf-rec-save", "was saved (constrained)", theme)
    updates = store.read_df(db, """SELECT progress_update FROM recommendation_updates WHERE mission = ? AND theme = ?
                                   ORDER BY revision""", [MISSION, theme])
    assert updates["progress_update"].tolist() == ["Patrol plan drafted", "Waiting for helicopter hours"]
    assert store.read_df(db, "SELECT status FROM recommendations WHERE mission = ? AND theme = ?",
                         [MISSION, theme])["status"].tolist() == ["constrained"]
    assert browser.severe_logs() == []


def test_asb004_the_assessment_is_shown_beside_the_trends(own, story) -> None:
    browser, _ = own
    theme = story["theme"]
    browser.open(f"/mission?code={MISSION}")
    card = browser.driver.find_element(By.ID, f"msn-assessment-{theme}")
    text = card.text
    rated, computed = (f"{STATUS_SYMBOLS[s]} {STATUS_LABELS[s]}" for s in (story["rating"], story["computed"]))
    assert f"Assessment {PERIOD}" in text and "Approved" in text
    assert f"Rated {rated} · computed then {computed}" in text  # side by side, the people's rating first
    assert "Why the rating differs: Two attacks since June are not in the indicators yet" in text
    assert 'Patrols said "not yet", then left; the road, once cleared,' in text
    assert "Reopen the Bor road checkpoint, with night patrols" in text and "constrained" in text
    trend = browser.driver.find_element(By.ID, f"msn-trend-{theme}")
    assert card.location["x"] >= trend.location["x"] + trend.size["width"]  # beside the chart, not under it
    uploaded = browser.driver.find_element(By.ID, f"msn-assessment-{story['uploaded']}").text
    assert "Reviewed at the annual retreat, with the sector heads." in uploaded and "Approved" in uploaded
    assert browser.severe_logs() == []


def test_asb005_a_revised_observation_flags_evidence_changed_since_approval(own, story, tmp_path: Path) -> None:
    browser, db = own
    theme, old = story["theme"], story["value"]
    new = old + 3
    corrected = tmp_path / "observations-corrected.csv"
    corrected.write_text(f"mission,indicator,period,value,source\n{MISSION},{story['indicator']},"
                         f"{story['observation_period']},{new:g},Mission reporting (corrected)\n")
    _upload_and_commit(browser, corrected)
    assert "1 revised" in browser.driver.find_element(By.ID, "upl-done").text
    browser.open(f"/mission?code={MISSION}&theme={theme}")
    flag = browser.driver.find_element(By.ID, f"msn-evidence-changed-{theme}").text
    assert flag.startswith("Evidence changed since approval:")
    assert f"{story['indicator']} {story['observation_period']}: {old:g} → {new:g}" in flag
    assert not browser.driver.find_elements(By.ID, f"msn-evidence-changed-{story['uploaded']}")
    assert browser.severe_logs() == []
