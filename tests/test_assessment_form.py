"""The mission page's assessment form, called directly: the upload rules through the form, in the form's words."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextvars import copy_context
from datetime import date, datetime, timezone
from pathlib import Path

import dash
import plotly
import pytest
from conftest import upload
from dash._callback_context import context_value
from dash._utils import AttributeDict

from dashboard import assessment_form as form
from dashboard.app import app
from peacepulse import store

EVIDENCE = "mission,indicator,period,value,source\n" + "".join(
    f"UNMISS,FAT_MALICIOUS,{y},{v},UN open data\n" for y, v in ((2020, 12), (2021, 11), (2022, 10)))
TARGETS = "mission,indicator,period,target,baseline,baseline_period\nUNMISS,FAT_MALICIOUS,2030,2,12,2020\n"
WRITTEN = """SELECT (SELECT count(*) FROM assessment_revision) AS assessments,
                    (SELECT count(*) FROM recommendation_revision) AS recommendations,
                    (SELECT count(*) FROM batches WHERE origin = 'form') AS form_batches"""


@pytest.fixture
def judged(db: Path, monkeypatch) -> Iterator[Path]:
    """A store where UNMISS has a computed status on theme 5, served to the dashboard."""
    for name, text in (("obs.csv", EVIDENCE), ("targets.csv", TARGETS)):
        assert upload(db, name, text).ok
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    with app.server.test_request_context():
        yield db


def _computed(db: Path) -> str:
    return store.read_df(db, "SELECT status FROM scorecard WHERE mission = 'UNMISS' AND theme = 5")["status"].iloc[0]


def _text(component) -> str:
    return json.dumps(component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
                      cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def _written(db: Path) -> list[int]:
    return store.read_df(db, WRITTEN).iloc[0].tolist()


def test_asf001_a_rating_that_differs_needs_a_reason_and_the_form_names_the_field(judged: Path) -> None:
    computed = _computed(judged)
    other = next(r for r in ("on_track", "at_risk", "off_track") if r != computed)
    values = {"period": "2026", "rating": other, "findings": "Attacks on bases rose.", "evidence": ["FAT_MALICIOUS"]}
    refused = form.write_assessment("UNMISS", 5, values, "draft", "?code=UNMISS&theme=5")
    said = _text(refused.message)
    labels = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track"}
    assert not refused.ok and refused.invalid == {"reason"}
    assert '"Reason: "' in said
    assert (f"The rating {labels[other]} differs from the status computed from the indicators ({labels[computed]}), "
            "so it needs a reason: say why in the Reason field.") in said
    assert "line" not in said and "column" not in said
    assert _written(judged) == [0, 0, 0]  # nothing written
    unrated = form.write_assessment("UNMISS", 5, {**values, "rating": None}, "draft", "")
    assert not unrated.ok and unrated.invalid == {"rating"}  # no rating to differ: only the missing one is said
    assert '"Rating: "' in _text(unrated.message) and "This is required." in _text(unrated.message)

    # the same form data, with a reason: it goes in, as a batch from the form
    passed = form.write_assessment("UNMISS", 5, {**values, "reason": "Incidents since June are not in the data yet"},
                                   "draft", "?code=UNMISS&theme=5")
    assert passed.ok and "saved as a draft" in _text(passed.message)
    row = store.read_df(judged, "SELECT * FROM assessments").iloc[0]
    assert (row["rating"], row["computed_status"], row["status"], row["evidence"]) == (other, computed, "draft",
                                                                                       "FAT_MALICIOUS")
    assert _written(judged) == [1, 0, 1]


@pytest.mark.parametrize("findings", [
    'He said "not yet", then left; the patrol, delayed,\nwent out at dawn',
    'Two paragraphs, "quoted";\n\nthe second, with a comma',
])
def test_asf002_findings_with_quotes_commas_semicolons_and_line_breaks_round_trip(judged: Path, findings: str) -> None:
    values = {"period": "2026", "rating": _computed(judged), "findings": findings, "participants": "Force; Police, UNPOL"}
    assert form.write_assessment("UNMISS", 5, values, "draft", "").ok
    stored = store.read_df(judged, "SELECT findings, participants FROM assessments").iloc[0]
    assert stored["findings"] == findings and stored["participants"] == "Force; Police, UNPOL"


def test_asf003_nothing_is_written_for_a_page_that_shows_the_past(judged: Path) -> None:
    values = {"period": "2026", "rating": _computed(judged), "findings": "Fine."}
    before = store.data_version(judged)
    refused = form.write_assessment("UNMISS", 5, values, "submitted", "?code=UNMISS&as_of=2026-01-31")
    assert not refused.ok and "as it stood on 2026-01-31, so nothing can be changed here" in _text(refused.message)
    rec = {"period": "2026", "recommendation": "Night patrols", "owner": "Force", "due": "2027-03-31"}
    assert not form.write_recommendation("UNMISS", 5, rec, "?as_of=2026-01-31").ok
    assert _written(judged) == [0, 0, 0] and store.data_version(judged) == before

    # the callback itself refuses, whichever button was pressed
    def press() -> tuple:
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": "asf-approve.n_clicks", "value": 1}]))
        return form.save_assessment(None, None, 1, None, {"mission": "UNMISS", "cycle": "year"}, 5,
                                    {"period": "2026", "source": None}, "?code=UNMISS&as_of=2026-01-31",
                                    [{"type": "asf-section", "theme": 5}], "2026", values["rating"], "Fine.",
                                    None, None, [], None)
    feedback, *_, is_open, sections = copy_context().run(press)
    assert "nothing can be changed here" in _text(feedback)
    assert is_open is dash.no_update and sections == [dash.no_update]
    assert _written(judged) == [0, 0, 0]

    # and the page offers no form: no button in the cards, no dialog (as of the end of today, which
    # holds everything uploaded so far)
    layout = dash.page_registry["dashboard.pages.mission"]["layout"]
    past, today = _text(layout(code="UNMISS", as_of=datetime.now(timezone.utc).date().isoformat())), _text(layout(code="UNMISS"))
    assert "msn-assessment-5" in past and "asf-open" not in past and "asf-modal" not in past
    assert "asf-open" in today and "asf-modal" in today


def test_asf004_the_workflow_and_a_recommendation_through_the_form(judged: Path) -> None:
    values = {"period": "2026", "rating": _computed(judged), "findings": "Fewer attacks.", "evidence": ["FAT_MALICIOUS"]}
    assert form.write_assessment("UNMISS", 5, values, "draft", "").ok
    skipped = form.write_assessment("UNMISS", 5, values, "approved", "")
    assert not skipped.ok and '"Workflow step: "' in _text(skipped.message)
    assert "cannot become approved in one step" in _text(skipped.message)
    assert form.write_assessment("UNMISS", 5, values, "submitted", "").ok
    back = form.write_assessment("UNMISS", 5, values, "draft", "")
    assert not back.ok and back.invalid == {"comment"} and '"Comment: "' in _text(back.message)
    assert form.write_assessment("UNMISS", 5, values, "approved", "").ok
    assert store.read_df(judged, "SELECT count(*) AS n FROM assessment_evidence")["n"].iloc[0] == 3

    no_date = {"period": "2026", "recommendation": "Night patrols", "owner": "Force", "due": "", "status": "in_progress"}
    refused = form.write_recommendation("UNMISS", 5, no_date, "")
    assert not refused.ok and refused.invalid == {"due"} and '"Due date: "' in _text(refused.message)
    assert "This is required." in _text(refused.message)
    assert form.write_recommendation("UNMISS", 5, {**no_date, "due": "2027-03-31", "update": "Plan drafted"}, "").ok
    rec = store.read_df(judged, "SELECT status, progress_update, due FROM recommendations").iloc[0]
    assert (rec["status"], rec["progress_update"], str(rec["due"])[:10]) == ("in_progress", "Plan drafted", "2027-03-31")
    assert _written(judged) == [3, 1, 4]


def test_asf005_the_form_opens_on_the_latest_assessment_or_a_new_one_for_the_current_period(judged: Path) -> None:
    text = ("mission,theme,period,rating,findings,reason,evidence,participants\n"
            f"UNMISS,5,2024,{_computed(judged)},Older review,,FAT_MALICIOUS,Force; Police\n")
    assert upload(judged, "a.csv", text).ok
    title, body = form.form_body({"mission": "UNMISS", "cycle": "year"}, 5, "edit")
    filled = _text(body)
    assert title.startswith("UNMISS · Theme 5") and '"value": "2024"' in filled and "Older review" in filled
    assert '"value": ["FAT_MALICIOUS"]' in filled and "Draft, revision 1" in filled
    _, fresh = form.form_body({"mission": "UNMISS", "cycle": "year"}, 5, "new")
    assert f'"value": "{date.today().year}"' in _text(fresh) and "Older review" not in _text(fresh)
    assert form.current_period("quarter", date(2026, 8, 1)) == "2026-Q3"
    assert form.current_period("half", date(2026, 6, 30)) == "2026-S1"
    assert form.current_period("year", date(2026, 8, 1)) == "2026"
