"""Each signal rule on crafted series: one that must fire and one that must not."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from conftest import upload

from peacepulse.assess import changepoints, signals

TODAY = date(2026, 12, 1)
OBS = "mission,indicator,period,value,source\n"
TARGETS = "mission,indicator,period,target,baseline,baseline_period\n"


def _load(db: Path, *files: tuple[str, str]) -> None:
    for name, text in files:
        report = upload(db, name, text)
        assert report.ok, report.problems


def _fired(db: Path, rule: str, today: date = TODAY, **kw) -> dict[str, str]:
    found = signals.find(db, today=today, **kw)
    found = found[found["rule"] == rule]
    return dict(zip(found["mission"], found["detail"]))


def test_sig001_off_track_at_each_of_the_last_three_values(db: Path) -> None:
    flat = "".join(f"UNMISS,UNIF_WOMEN_SHARE,{y},10,test\n" for y in range(2019, 2026))
    rising = "".join(f"MINUSCA,UNIF_WOMEN_SHARE,{y},{10 + (y - 2019) * 1.2:.1f},test\n" for y in range(2019, 2026))
    _load(db, ("obs.csv", OBS + flat + rising), ("t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2030,20,10,2019\n"
                                                             "MINUSCA,UNIF_WOMEN_SHARE,2030,20,10,2019\n"))
    fired = _fired(db, "off_track_run")
    assert set(fired) == {"UNMISS"}  # MINUSCA keeps pace
    assert fired["UNMISS"].startswith("UNIF_WOMEN_SHARE: off track at each of its last 3 values: 2023 10 "
                                      "(attainment 0.00 against pace 0.36)")


def test_sig002_a_lasting_break_fires_and_a_noisy_straight_line_does_not() -> None:
    rng = np.random.default_rng(7)
    line = 10 + 0.5 * np.arange(24) + rng.normal(0, 1, 24)
    jump = np.r_[np.full(18, 10.0), np.full(6, 25.0)] + rng.normal(0, 1, 24)
    assert changepoints.latest_break(line) is None
    found = changepoints.latest_break(jump)
    assert found is not None and found.index == 18 and found.after - found.before > 10
    assert changepoints.latest_break(jump[:changepoints.MIN_POINTS - 1]) is None  # too short to judge
    old = np.r_[np.full(6, 10.0), np.full(30, 25.0)] + rng.normal(0, 1, 36)
    assert changepoints.latest_break(old) is None  # long ago: no decision needed now
    # a step of whole counts with many repeats is not taken for a noiseless series
    counts = np.array([0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0])
    assert changepoints.latest_break(counts) is None


def test_sig003_the_break_rule_on_stored_quarters(db: Path) -> None:
    quarters = [f"{y}-Q{q}" for y in range(2021, 2027) for q in range(1, 5)][:23]
    rng = np.random.default_rng(3)
    jump = [10 + rng.normal(0, 1) if i < 17 else 30 + rng.normal(0, 1) for i in range(23)]
    steady = [20 + rng.normal(0, 1) for _ in range(23)]
    rows = "".join(f"UNMISS,CIV_CASUALTIES,{p},{v:.1f},test\nMINUSCA,CIV_CASUALTIES,{p},{w:.1f},test\n"
                   for p, v, w in zip(quarters, jump, steady))
    _load(db, ("obs.csv", OBS + rows))
    fired = _fired(db, "break")
    assert set(fired) == {"UNMISS"} and "a lasting break from 2025-Q2" in fired["UNMISS"]


def test_sig004_a_target_due_soon_whose_gap_does_not_close(db: Path) -> None:
    rows = "UNMISS,UNIF_WOMEN_SHARE,2024,12,test\nUNMISS,UNIF_WOMEN_SHARE,2025,12,test\n" \
           "MINUSCA,UNIF_WOMEN_SHARE,2024,12,test\nMINUSCA,UNIF_WOMEN_SHARE,2025,14,test\n"
    _load(db, ("obs.csv", OBS + rows), ("t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2026,20,10,2020\n"
                                                            "MINUSCA,UNIF_WOMEN_SHARE,2026,20,10,2020\n"))
    fired = _fired(db, "target_near")
    assert set(fired) == {"UNMISS"}  # MINUSCA's gap closed from 8 to 6
    assert fired["UNMISS"] == ("UNIF_WOMEN_SHARE: the target 20 is due by 2026-12-31, 30 days away, and the gap "
                               "did not close: 8 in 2024, 8 in 2025.")
    assert _fired(db, "target_near", today=date(2026, 3, 1)) == {}  # 305 days away: not yet


def test_sig005_stale_series_and_overdue_assessments(db: Path) -> None:
    _load(db, ("obs.csv", OBS + "UNMISS,FAT_MALICIOUS,2019,3,test\nMINUSCA,FAT_MALICIOUS,2025,3,test\n"),
          ("a.csv", "mission,theme,period,rating,status\nUNMISS,3,2023,at_risk,approved\n"
                    "MINUSCA,3,2025,at_risk,approved\n"))
    stale = _fired(db, "stale")
    assert set(stale) == {"UNMISS"} and "the latest value is 2019" in stale["UNMISS"]
    overdue = _fired(db, "assessment_overdue")
    assert set(overdue) == {"UNMISS"}  # MINUSCA's 2025 one is within a year and 90 days
    assert overdue["UNMISS"].startswith("Theme 3: the last assessment covers 2023; with a year cycle")
    _load(db, ("m.csv", "code,name,start_date,assessment_cycle\nMINUSCA,MINUSCA,2014-04-10,quarter\n"))
    assert set(_fired(db, "assessment_overdue")) == {"UNMISS", "MINUSCA"}  # a quarterly cycle is past


def test_sig006_ratings_recommendations_and_evidence(db: Path) -> None:
    rows = "".join(f"UNMISS,FAT_MALICIOUS,{y},{v},test\n" for y, v in ((2021, 12), (2022, 11), (2023, 10)))
    _load(db, ("obs.csv", OBS + rows), ("t.csv", TARGETS + "UNMISS,FAT_MALICIOUS,2030,2,12,2021\n"))
    computed = signals.store.read_df(db, "SELECT status FROM scorecard WHERE mission='UNMISS' AND theme=5")["status"][0]
    other = "on_track" if computed != "on_track" else "off_track"
    _load(db, ("a.csv", "mission,theme,period,rating,reason,status,evidence\n"
                        f"UNMISS,5,2025,{other},Field reports,approved,FAT_MALICIOUS\n"
                        f"UNMISS,10,2025,{computed},,approved,\n"),
          ("r.csv", "mission,theme,period,recommendation,owner,due,status\n"
                    "UNMISS,5,2025,Late one,Force,2026-01-31,in_progress\n"
                    "UNMISS,5,2025,Done one,Force,2026-01-31,completed\n"
                    "UNMISS,5,2025,Future one,Force,2027-01-31,not_started\n"))
    found = signals.find(db, today=TODAY)
    disagree = found[found["rule"] == "rating_disagrees"]
    assert disagree["theme"].tolist() == [5]  # theme 10's rating agrees
    late = found[found["rule"] == "recommendation_overdue"]["detail"].tolist()
    assert late == ["Theme 5: 'Late one' (Force) was due on 2026-01-31, 304 days ago, and is in progress."]
    assert found[found["rule"] == "evidence_changed"].empty  # nothing revised yet
    _load(db, ("obs.csv", OBS + "UNMISS,FAT_MALICIOUS,2022,15,test\n"))
    changed = _fired(db, "evidence_changed")
    assert changed == {"UNMISS": "Theme 5: evidence of the approved assessment of 2025 changed since approval: "
                                 "FAT_MALICIOUS 2022: 11.0 → 15.0."}


def test_sig007_an_acknowledged_signal_rests_until_its_figures_change(db: Path) -> None:
    _load(db, ("obs.csv", OBS + "UNMISS,FAT_MALICIOUS,2019,3,test\n"))
    first = signals.find(db, today=TODAY)
    stale = first[first["rule"] == "stale"].iloc[0]
    with pytest.raises(ValueError, match="needs a note"):
        signals.acknowledge(db, stale["signal"], stale["fingerprint"], "  ")
    signals.acknowledge(db, stale["signal"], stale["fingerprint"], "Reporting paused during the rainy season")
    assert signals.find(db, today=TODAY).query("rule == 'stale'").empty
    shown = signals.find(db, today=TODAY, acknowledged=True).query("rule == 'stale'")
    assert shown["note"].tolist() == ["Reporting paused during the rainy season"]
    _load(db, ("obs.csv", OBS + "UNMISS,FAT_MALICIOUS,2020,4,test\n"))  # newer, still stale: new figures
    again = signals.find(db, today=TODAY).query("rule == 'stale'")
    assert again["detail"].str.contains("the latest value is 2020").tolist() == [True]
