"""Assessments and recommendations: two upload kinds with the same per-line checks as the others."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import problem_at, upload

from peacepulse import store
from peacepulse.kinds import KINDS, detect

EVIDENCE = """mission,indicator,period,value,source
UNMISS,FAT_MALICIOUS,2020,12,UN open data
UNMISS,FAT_MALICIOUS,2021,11,UN open data
UNMISS,FAT_MALICIOUS,2022,10,UN open data
"""
TARGETS = "mission,indicator,period,target,baseline,baseline_period\nUNMISS,FAT_MALICIOUS,2030,2,12,2020\n"


@pytest.fixture
def judged(db: Path) -> Path:
    """A store where UNMISS has a computed status on theme 5 (FAT_MALICIOUS serves themes 5 and 10)."""
    for name, text in (("obs.csv", EVIDENCE), ("targets.csv", TARGETS)):
        assert upload(db, name, text).ok
    return db


def _computed(db: Path, theme: int) -> str:
    return store.read_df(db, "SELECT status FROM scorecard WHERE mission = 'UNMISS' AND theme = ?", [theme])["status"].iloc[0]


def test_ass001_an_assessment_is_stored_with_the_status_computed_when_it_was_rated(judged: Path) -> None:
    computed = _computed(judged, 5)
    assert computed in ("on_track", "at_risk", "off_track")
    text = (f"mission,theme,period,rating,findings,evidence\n"
            f"unmiss,5,2026,{computed},Fewer attacks on bases.,fat_malicious; UNIF_WOMEN_SHARE\n")
    report = upload(judged, "assessments.csv", text)
    assert report.ok and report.kind == "assessments" and report.new == 1, report.problems
    row = store.read_df(judged, "SELECT * FROM assessments").iloc[0]
    assert (row["mission"], row["theme"], row["period"], row["rating"]) == ("UNMISS", 5, "2026", computed)
    assert (row["computed_status"], row["status"], row["revision"]) == (computed, "draft", 1)
    assert row["evidence"] == "FAT_MALICIOUS;UNIF_WOMEN_SHARE" and row["findings"] == "Fewer attacks on bases."


def test_ass002_a_rating_that_differs_from_the_computed_status_needs_a_reason(judged: Path) -> None:
    computed = _computed(judged, 5)
    other = next(r for r in ("on_track", "at_risk", "off_track") if r != computed)
    report = upload(judged, "assessments.csv", f"mission,theme,period,rating\nUNMISS,5,2026,{other}\n")
    assert not report.ok
    assert problem_at(report, 2, "reason") == (
        f"The rating {other} differs from the status computed from the indicators ({computed}), so it needs a "
        "reason: say why in the reason column.")
    assert store.read_df(judged, "SELECT count(*) AS n FROM assessment_revision")["n"].iloc[0] == 0
    # must not fire: a reason is given, or the rating agrees, or nothing was computed for the theme
    fine = (f"mission,theme,period,rating,reason\nUNMISS,5,2026,{other},Incidents since March are not in the data yet\n"
            f"UNMISS,10,2025,{computed},\nUNMISS,3,2026,off_track,\n")
    report = upload(judged, "assessments.csv", fine)
    assert report.ok and report.new == 3, report.problems


def test_ass003_each_cell_is_checked_and_reported_on_its_line(judged: Path) -> None:
    text = ("mission,theme,period,rating,status,evidence\n"
            "UNMISX,5,2026,on_track,draft,\n"
            "UNMISS,11,2026,good,approvedx,NOPE;FAT_MALICIOUS\n"
            "UNMISS,4,2026,on_track,submitted,FAT_MALICIOUS\n"
            "UNMISS,4,2026,at_risk,,\n")
    report = upload(judged, "assessments.csv", text)
    assert not report.ok
    assert problem_at(report, 2, "mission").startswith("Unknown mission code 'UNMISX'.")
    assert problem_at(report, 3, "theme") == "'11' is not an accepted theme. Use one of: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10."
    assert problem_at(report, 3, "rating") == "'good' is not an accepted rating. Use one of: on_track, at_risk, off_track."
    assert problem_at(report, 3, "status").startswith("'approvedx' is not an accepted status.")
    assert problem_at(report, 3, "evidence").startswith("Unknown indicator code(s) in the evidence: NOPE.")
    assert problem_at(report, 5, "period") == "Duplicate row: mission UNMISS, theme 4, period 2026 already appears on line 4."
    assert set(report.problems["line"]) == {2, 3, 5}  # line 4 is valid


def test_ass004_a_change_is_a_new_revision_but_the_computed_status_alone_is_not(judged: Path) -> None:
    text = "mission,theme,period,rating,reason,findings\nUNMISS,3,2026,at_risk,,First draft\n"
    assert upload(judged, "a.csv", text).new == 1
    again = upload(judged, "a.csv", text)
    assert (again.new, again.revised, again.unchanged) == (0, 0, 1)
    revised = upload(judged, "a.csv", text.replace("First draft", "Second draft"))
    assert revised.revised == 1
    history = store.read_df(judged, "SELECT revision, findings FROM assessment_revision ORDER BY revision")
    assert history.values.tolist() == [[1, "First draft"], [2, "Second draft"]]


def test_ass005_the_computed_status_is_recorded_not_compared(judged: Path) -> None:
    computed = _computed(judged, 5)
    text = f"mission,theme,period,rating,reason\nUNMISS,5,2026,{computed},Agreed at the review\n"
    assert upload(judged, "a.csv", text).new == 1
    assert upload(judged, "obs.csv", "mission,indicator,period,value,source\nUNMISS,FAT_MALICIOUS,2023,30,UN\n").ok
    assert _computed(judged, 5) != computed  # the data moved the computed status
    again = upload(judged, "a.csv", text)
    assert (again.revised, again.unchanged) == (0, 1)
    assert store.read_df(judged, "SELECT computed_status FROM assessments")["computed_status"].iloc[0] == computed


RECOMMENDATION = "mission,theme,period,recommendation,owner,due,status,update\n"


def test_rec001_completed_at_is_set_if_and_only_if_completed_and_keeps_its_day(judged: Path) -> None:
    text = RECOMMENDATION + ("UNMISS,5,2026,Add night patrols,Force,2027-03-31,completed,Done in March\n"
                             "UNMISS,5,2026,Replace radios,Signals,2027-06-30,,\n")
    report = upload(judged, "recs.csv", text)
    assert report.ok and report.kind == "recommendations" and report.new == 2, report.problems
    rows = store.read_df(judged, "SELECT recommendation, status, completed_at, open FROM recommendations ORDER BY 1")
    assert rows["status"].tolist() == ["completed", "not_started"] and rows["open"].tolist() == [False, True]
    assert rows["completed_at"].notna().tolist() == [True, False]
    store_day = rows["completed_at"].iloc[0]
    with store.writing(judged) as con:  # as if completed last year
        con.execute("UPDATE recommendation_revision SET completed_at = TIMESTAMP '2025-01-02' WHERE owner = 'Force'")
    revised = upload(judged, "recs.csv", text.replace("Done in March", "Done in March; reviewed"))
    assert revised.revised == 1
    kept = store.read_df(judged, "SELECT completed_at, revision FROM recommendations WHERE owner = 'Force'").iloc[0]
    assert str(kept["completed_at"])[:10] == "2025-01-02" and kept["revision"] == 2 and store_day is not None
    updates = store.read_df(judged, "SELECT progress_update FROM recommendation_updates ORDER BY revision")
    assert updates["progress_update"].tolist() == ["Done in March", "Done in March; reviewed"]


def test_rec002_due_dates_status_and_overdue(judged: Path) -> None:
    text = RECOMMENDATION + ("UNMISS,5,2026,Fix radios,Signals,2025-01-01,,\n"
                             "UNMISS,5,2026,Train staff,HR,2027-13-01,finished,\n")
    report = upload(judged, "recs.csv", text)
    assert problem_at(report, 2, "due") == ("The due date 2025-01-01 is before the start of the assessment period "
                                            "2026: a recommendation falls due after the assessment that made it.")
    assert problem_at(report, 3, "due").startswith("'2027-13-01' is not a date.")
    assert problem_at(report, 3, "status").startswith("'finished' is not an accepted status.")
    ok = upload(judged, "recs.csv", RECOMMENDATION + "UNMISS,5,2024,Fix radios,Signals,2024-06-30,in_progress,\n")
    assert ok.ok, ok.problems
    row = store.read_df(judged, "SELECT open, overdue FROM recommendations").iloc[0]
    assert bool(row["open"]) and bool(row["overdue"])  # past its due date and not done


def test_ass006_the_header_names_the_kind_and_templates_pass_their_own_checks(judged: Path) -> None:
    assert detect(["mission", "theme", "period", "rating"]).name == "assessments"
    assert detect(["mission", "theme", "period", "recommendation", "owner", "due"]).name == "recommendations"
    assert detect(["mission", "indicator", "period", "value"]).name == "observations"
    for kind in ("assessments", "recommendations"):
        report = upload(judged, f"{kind}-template.csv", KINDS[kind].template())
        assert report.ok and report.kind == kind, report.problems


HEAD = "mission,theme,period,rating,reason,findings,status,evidence,comment\n"


def _row(status: str, findings: str = "Patrols up", comment: str = "") -> str:
    return HEAD + f"UNMISS,3,2026,at_risk,,{findings},{status},FAT_MALICIOUS,{comment}\n"


def test_ass007_the_workflow_goes_one_step_at_a_time(judged: Path) -> None:
    assert upload(judged, "a.csv", _row("draft")).ok
    skipped = upload(judged, "a.csv", _row("approved"))
    assert problem_at(skipped, 2, "status") == (
        "This assessment is draft; it cannot become approved in one step. An assessment goes from draft to "
        "submitted to approved, or back to draft with a comment.")
    assert upload(judged, "a.csv", _row("submitted")).ok
    back = upload(judged, "a.csv", _row("draft"))
    assert problem_at(back, 2, "comment") == ("Sending a submitted assessment back to draft needs a comment: say "
                                              "what should change.")
    assert upload(judged, "a.csv", _row("draft", comment="Add the sector reports")).ok
    assert upload(judged, "a.csv", _row("submitted")).ok
    assert upload(judged, "a.csv", _row("approved")).ok
    statuses = store.read_df(judged, "SELECT status FROM assessment_revision ORDER BY revision")["status"].tolist()
    assert statuses == ["draft", "submitted", "draft", "submitted", "approved"]


def test_ass008_an_approved_assessment_changes_only_with_a_comment_and_keeps_its_old_revision(judged: Path) -> None:
    assert upload(judged, "a.csv", _row("approved")).ok  # brought in from a file, already approved
    changed = upload(judged, "a.csv", _row("approved", findings="Patrols down"))
    assert problem_at(changed, 2, "comment") == ("This assessment was approved, so a change to it needs a comment "
                                                 "saying why. The approved version is kept as an earlier revision.")
    same = upload(judged, "a.csv", _row("approved"))  # must not fire: nothing changes
    assert same.ok and same.unchanged == 1
    fixed = upload(judged, "a.csv", _row("approved", findings="Patrols down", comment="Sector 2 report arrived"))
    assert fixed.ok and fixed.revised == 1
    history = store.read_df(judged, "SELECT revision, findings FROM assessment_revision ORDER BY revision")
    assert history.values.tolist() == [[1, "Patrols up"], [2, "Patrols down"]]


def test_ass009_evidence_revised_after_approval_is_listed_with_what_changed(judged: Path) -> None:
    rating = _computed(judged, 5)
    assert upload(judged, "a.csv", HEAD + f"UNMISS,5,2026,{rating},,Attacks fell,approved,FAT_MALICIOUS,\n").ok
    snapshot = store.read_df(judged, "SELECT indicator, observation_period, value FROM assessment_evidence ORDER BY 2")
    assert snapshot.values.tolist() == [["FAT_MALICIOUS", "2020", 12.0], ["FAT_MALICIOUS", "2021", 11.0],
                                        ["FAT_MALICIOUS", "2022", 10.0]]
    assert store.read_df(judged, "SELECT * FROM evidence_changes").empty  # must not fire before a revision
    # a new value of another period is not a revision of the evidence
    assert upload(judged, "obs.csv", "mission,indicator,period,value,source\nUNMISS,FAT_MALICIOUS,2023,9,UN\n").ok
    assert store.read_df(judged, "SELECT * FROM evidence_changes").empty
    assert upload(judged, "obs.csv", "mission,indicator,period,value,source\nUNMISS,FAT_MALICIOUS,2021,14,UN\n").ok
    changes = store.read_df(judged, "SELECT * FROM evidence_changes")
    assert changes[["mission", "theme", "indicator", "observation_period", "value_at_approval", "value_now"]] \
        .values.tolist() == [["UNMISS", 5, "FAT_MALICIOUS", "2021", 11.0, 14.0]]
