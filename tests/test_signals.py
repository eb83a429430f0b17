"""Each signal rule on crafted series: one that must fire and one that must not."""
from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import upload

from peacepulse import demo
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
    # off track from 2022 (attainment 0 against pace 0.27 > the 0.25 band) to 2025
    assert fired["UNMISS"] == ("1 indicator off track by the status rules at each of its last 3 values or more. "
                               "Theme 8: UNIF_WOMEN_SHARE since 2022 (4 values; 10 in 2025, attainment 0.00 "
                               "against pace 0.55, target 20 by 2030).")
    assert signals.find(db, today=TODAY).query("rule == 'off_track_run'")["link"].tolist() == [
        "/mission?code=UNMISS&theme=8"]


def test_sig001b_a_run_is_broken_by_a_value_back_on_track_and_lists_a_missions_indicators_once(db: Path) -> None:
    rows = "".join(f"UNMISS,UNIF_WOMEN_SHARE,{y},{v},test\nUNMISS,MILOBS_WOMEN_SHARE,{y},10,test\n"
                   for y, v in ((2019, 10), (2020, 10), (2021, 10), (2022, 10), (2023, 17), (2024, 10), (2025, 10)))
    _load(db, ("obs.csv", OBS + rows), ("t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2030,20,10,2019\n"
                                                           "UNMISS,MILOBS_WOMEN_SHARE,2030,20,10,2019\n"))
    found = signals.find(db, today=TODAY).query("rule == 'off_track_run'")
    # UNIF_WOMEN_SHARE was on track in 2023, so only two values since: not a run of three
    assert found["indicator"].tolist() == ["MILOBS_WOMEN_SHARE"] and found["signal"].tolist() == ["off_track_run|UNMISS"]
    assert found["link"].tolist() == ["/mission?code=UNMISS&theme=6"]
    _load(db, ("obs.csv", OBS + "UNMISS,UNIF_WOMEN_SHARE,2026,10,test\n"))
    found = signals.find(db, today=TODAY).query("rule == 'off_track_run'")
    assert found["indicator"].tolist() == ["MILOBS_WOMEN_SHARE;UNIF_WOMEN_SHARE"]  # one signal lists both
    assert found["detail"].iloc[0].startswith("2 indicators off track")
    assert "Theme 6: MILOBS_WOMEN_SHARE since 2022 (4 values;" in found["detail"].iloc[0]
    assert "Theme 8: UNIF_WOMEN_SHARE since 2024 (3 values;" in found["detail"].iloc[0]
    assert found["link"].tolist() == ["/mission?code=UNMISS"]  # two themes: the mission's page


def test_sig001c_a_target_that_holds_the_level(db: Path) -> None:
    rows = "".join(f"UNMISS,UNIF_WOMEN_SHARE,{y},{v},test\nMINUSCA,UNIF_WOMEN_SHARE,{y},{w},test\n"
                   for y, v, w in ((2020, 20, 20), (2021, 17, 19.5), (2022, 17, 20.4), (2023, 17.5, 19.2),
                                   (2024, 16, 19.8)))
    _load(db, ("obs.csv", OBS + rows), ("t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2026,20,20,2020\n"
                                                           "MINUSCA,UNIF_WOMEN_SHARE,2026,20,20,2020\n"))
    fired = _fired(db, "off_track_run")
    assert set(fired) == {"UNMISS"}  # MINUSCA stays within 5 % of the level: at risk at worst
    assert "since 2021 (4 values; 16 in 2024, off the level 20 to hold" in fired["UNMISS"]


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


def _every_segmentation(n: int, shortest: int):
    """Each way to cut range(n) into segments of at least `shortest` values, as the segments' ends."""
    if n == 0:
        yield []
    for first in range(shortest, n + 1):
        for rest in _every_segmentation(n - first, shortest):
            yield [first, *(first + end for end in rest)]


def test_sig002b_the_segmentation_is_the_best_of_every_possible_one() -> None:
    """Against an exhaustive search over short series (steps, slopes, flat runs, whole counts, and
    penalties from tiny to large), the segmentation is never worse, and the line costs agree with
    numpy's own least-squares fit."""
    rng = np.random.default_rng(11)
    checked = broken = 0
    for trial in range(150):
        n = int(rng.integers(8, 21))
        y = np.round(np.linspace(rng.normal(50, 20), rng.normal(50, 20), n) + rng.normal(0, rng.uniform(0.1, 5), n),
                     int(rng.integers(0, 2)))
        if trial % 2:
            y[int(rng.integers(4, n - 3)):] += rng.normal(0, 20)
        if trial % 7 == 0:
            y[:] = np.round(rng.uniform(0, 2, n))  # repeats of 0, 1 and 2
        costs = changepoints.line_costs(y)
        a, b = sorted(rng.choice(n + 1, 2, replace=False))
        if b - a >= 2:
            fit = np.polyfit(np.arange(a, b), y[a:b], 1)
            assert costs[a, b] == pytest.approx(float(np.sum((np.polyval(fit, np.arange(a, b)) - y[a:b]) ** 2)),
                                                rel=1e-7, abs=1e-7)
        penalty = float(rng.choice([0.01, 1.0, 10.0, 100.0, 1e4])) * changepoints.noise(y) ** 2
        def total(ends: list[int], costs=costs, penalty=penalty) -> float:
            return sum(costs[s, e] for s, e in zip([0, *ends], ends)) + penalty * len(ends)

        found = changepoints.segment(costs, penalty)
        assert found[-1] == n and all(e - s >= changepoints.MIN_SEGMENT for s, e in zip([0, *found], found))
        best = min(total(ends) for ends in _every_segmentation(n, changepoints.MIN_SEGMENT))
        assert total(found) <= best + 1e-9 * max(1.0, abs(best)), (y.tolist(), penalty, found)
        checked += 1
        broken += len(found) > 1
    assert checked == 150 and 20 < broken < 150  # both kinds of answer were among those checked


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
    flat = "".join(f"UNMISS,UNIF_WOMEN_SHARE,{y},{v},test\n" for y, v in ((2022, 16), (2023, 16.2), (2024, 15.8),
                                                                         (2025, 16)))
    closing = "".join(f"MINUSCA,UNIF_WOMEN_SHARE,{y},{v},test\n" for y, v in ((2022, 12), (2023, 14), (2024, 16),
                                                                             (2025, 18)))
    _load(db, ("obs.csv", OBS + flat + closing), ("t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2026,20,10,2020\n"
                                                                     "MINUSCA,UNIF_WOMEN_SHARE,2026,20,10,2020\n"))
    statuses = signals.store.read_df(db, "SELECT mission, status FROM progress ORDER BY mission")
    assert statuses["status"].tolist() == ["at_risk", "at_risk"]  # neither met, both behind pace
    fired = _fired(db, "target_near")
    assert set(fired) == {"UNMISS"}  # MINUSCA's line reaches 20 by the end of 2026
    assert fired["UNMISS"].startswith("1 target due within 180 days will not be met at the pace of the latest "
                                      "values. Theme 8: UNIF_WOMEN_SHARE due 2026-12-31, 30 days away (16 in 2025; "
                                      "the trend of its last 4 values reaches 15.9")
    assert _fired(db, "target_near", today=date(2026, 3, 1)) == {}  # 305 days away: not yet


def test_sig004b_a_target_near_is_not_repeated_for_an_indicator_already_off_track(db: Path) -> None:
    rows = "".join(f"UNMISS,UNIF_WOMEN_SHARE,{y},11,test\n" for y in range(2021, 2026))
    _load(db, ("obs.csv", OBS + rows), ("t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2026,20,10,2020\n"))
    found = signals.find(db, today=TODAY)
    assert found.query("rule == 'off_track_run'")["indicator"].tolist() == ["UNIF_WOMEN_SHARE"]
    assert found.query("rule == 'target_near'").empty
    assert "target 20 by 2026" in found.query("rule == 'off_track_run'")["detail"].iloc[0]


def test_sig004c_too_few_values_since_the_baseline_show_no_trend(db: Path) -> None:
    _load(db, ("obs.csv", OBS + "UNMISS,UNIF_WOMEN_SHARE,2024,16,test\nUNMISS,UNIF_WOMEN_SHARE,2025,16,test\n"),
          ("t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2026,20,10,2020\n"))
    assert _fired(db, "target_near") == {}


def test_sig005_stale_series_and_overdue_assessments(db: Path) -> None:
    _load(db, ("obs.csv", OBS + "UNMISS,FAT_MALICIOUS,2019,3,test\nMINUSCA,FAT_MALICIOUS,2025,3,test\n"),
          ("a.csv", "mission,theme,period,rating,status\nUNMISS,3,2023,at_risk,approved\n"
                    "MINUSCA,3,2025,at_risk,approved\n"))
    stale = _fired(db, "stale")
    assert set(stale) == {"UNMISS"} and "latest 2019" in stale["UNMISS"]
    overdue = _fired(db, "assessment_overdue")
    assert set(overdue) == {"UNMISS"}  # MINUSCA's 2025 one is within a year and 90 days
    assert overdue["UNMISS"].startswith("Theme 3: the last assessment covers 2023; with a year cycle")
    _load(db, ("m.csv", "code,name,start_date,assessment_cycle\nMINUSCA,MINUSCA,2014-04-10,quarter\n"))
    assert set(_fired(db, "assessment_overdue")) == {"UNMISS", "MINUSCA"}  # a quarterly cycle is past


def test_sig005b_one_stale_signal_per_mission_lists_its_indicators(db: Path) -> None:
    _load(db, ("obs.csv", OBS + "UNMISS,FAT_MALICIOUS,2019,3,test\nUNMISS,FAT_TOTAL,2019,5,test\n"
                                "UNMISS,UNIF_WOMEN_SHARE,2020,9,test\n"))
    found = signals.find(db, today=TODAY).query("rule == 'stale'")
    assert len(found) == 1 and found["signal"].iloc[0] == "stale|UNMISS"
    assert found["indicator"].iloc[0] == "FAT_MALICIOUS;FAT_TOTAL;UNIF_WOMEN_SHARE"
    assert found["link"].iloc[0] == "/mission?code=UNMISS"  # themes 5 and 8: the mission's page
    assert found["detail"].iloc[0].startswith("3 indicators have no value within their reporting cycle: "
                                              "latest 2019 (")
    assert "days ago): FAT_MALICIOUS, FAT_TOTAL; latest 2020 (" in found["detail"].iloc[0]


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
    assert again["detail"].str.contains("latest 2020").tolist() == [True]
    signals.acknowledge(db, again["signal"].iloc[0], again["fingerprint"].iloc[0], "Still paused")
    _load(db, ("obs.csv", OBS + "UNMISS,FAT_TOTAL,2019,5,test\n"))  # one more stale indicator in the list
    assert signals.find(db, today=TODAY).query("rule == 'stale'")["indicator"].tolist() == ["FAT_MALICIOUS;FAT_TOTAL"]


def test_sig007b_an_off_track_signal_comes_back_when_a_value_behind_it_is_revised(db: Path) -> None:
    rows = "".join(f"UNMISS,UNIF_WOMEN_SHARE,{y},10,test\n" for y in range(2019, 2026))
    _load(db, ("obs.csv", OBS + rows), ("t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2030,20,10,2019\n"))
    run = signals.find(db, today=TODAY).query("rule == 'off_track_run'").iloc[0]
    signals.acknowledge(db, run["signal"], run["fingerprint"], "Known; a recruitment drive starts in January")
    assert signals.find(db, today=TODAY).query("rule == 'off_track_run'").empty
    _load(db, ("obs.csv", OBS + "UNMISS,UNIF_WOMEN_SHARE,2023,10.5,test\n"))  # a value inside the run revised
    back = signals.find(db, today=TODAY).query("rule == 'off_track_run'")
    assert back["signal"].tolist() == [run["signal"]] and back["fingerprint"].iloc[0] != run["fingerprint"]
    assert back["detail"].iloc[0] == run["detail"]  # the same words: only a figure behind them changed
    signals.acknowledge(db, back["signal"].iloc[0], back["fingerprint"].iloc[0], "Known")
    _load(db, ("t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2030,18,10,2019\n"))  # the target revised
    assert len(signals.find(db, today=TODAY).query("rule == 'off_track_run'")) == 1


def test_sig008_severities_have_a_documented_order(db: Path) -> None:
    assert list(signals.SEVERITIES) == ["high", "medium", "low"]
    assert set(signals.SEVERITY) == set(signals.RULES) and set(signals.SEVERITY.values()) == set(signals.SEVERITIES)
    _load(db, ("obs.csv", OBS + "UNMISS,FAT_MALICIOUS,2019,3,test\n"
                                + "".join(f"UNMISS,UNIF_WOMEN_SHARE,{y},10,test\n" for y in range(2019, 2026))),
          ("t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2030,20,10,2019\n"),
          ("r.csv", "mission,theme,period,recommendation,owner,due\nUNMISS,5,2025,Late one,Force,2026-01-31\n"))
    found = signals.find(db, today=TODAY)
    assert found["rule"].tolist() == ["off_track_run", "recommendation_overdue", "stale"]
    assert found["severity"].tolist() == ["high", "medium", "low"]


QUARTERS = [f"{y}-Q{q}" for y in range(2019, 2027) for q in range(1, 5)][:31]  # 2019-Q1 to 2026-Q3


def _noise(rng: random.Random, measure: str, start: float, goal: float | None, path: str = "ahead") -> list[float]:
    """A series as the demo makes its synthetic ones: a straight path plus normal noise, rounded."""
    target = None if goal is None else pd.Series({"baseline": start, "target": goal})
    return demo.noisy_path(pd.Series({"measure": measure, "code": "X"}), target, path, len(QUARTERS), rng)


def test_sig009_the_break_rule_stays_quiet_on_noise_alone() -> None:
    """500 series of noise around a drifting level or a steady trend: a break in at most 2."""
    fired = 0
    for seed in range(500):
        rng = random.Random(f"break-noise|{seed}")
        start = rng.uniform(10, 60)
        goal = None if seed % 2 else start * rng.uniform(1.2, 1.8)
        fired += changepoints.latest_break(_noise(rng, ("count", "percent")[seed % 4 // 2], start, goal)) is not None
    assert fired <= 2


def test_sig010_off_track_and_target_rules_stay_quiet_on_noise_alone(db: Path) -> None:
    """500 quarterly series of noise around a path that keeps pace with its target (250) or holds
    its level (250), targets due in 30 days: none off track for three values, at most two targets
    said to be missed. Ten series that fall away from their targets, in the same store, do fire."""
    codes = signals.store.read_df(db, """SELECT code, measure, direction FROM indicators
                                         WHERE period_type = 'quarter' AND measure IN ('count', 'percent')
                                         ORDER BY code""")
    missions = signals.store.read_df(db, "SELECT code FROM missions WHERE active ORDER BY code")["code"]
    pairs = [(m, r) for m in missions for r in codes.itertuples()][:510]
    obs, targets, falling = [], [], set()
    for k, (mission, ind) in enumerate(pairs):
        rng = random.Random(f"status-noise|{mission}|{ind.code}")
        start = round(rng.uniform(10, 60), 1)
        goal = round(start * (rng.uniform(0.4, 0.8) if ind.direction == "decrease" else rng.uniform(1.2, 1.6)), 1)
        path = "regressing" if k >= 500 else "ahead"
        if path == "regressing":
            falling.add((mission, ind.code))
        elif k % 2:
            goal = start  # hold the level
        values = _noise(rng, ind.measure, start, goal, path)
        obs += [f"{mission},{ind.code},{p},{v},synthetic\n" for p, v in zip(QUARTERS, values)]
        targets.append(f"{mission},{ind.code},2026,{goal},{start},2019-Q1\n")
    _load(db, ("obs.csv", OBS + "".join(obs)), ("t.csv", TARGETS + "".join(targets)))
    statuses = signals.store.read_df(db, "SELECT status, count(*) AS n FROM progress GROUP BY status")
    assert statuses.set_index("status")["n"].get("at_risk", 0) > 100  # noise often puts them behind: a real test
    found = signals.find(db, today=TODAY)
    listed = found.assign(indicator=found["indicator"].str.split(";")).explode("indicator")
    flagged = {rule: set(zip(rows["mission"], rows["indicator"])) for rule, rows in listed.groupby("rule")}
    off, near = flagged.get("off_track_run", set()), flagged.get("target_near", set())
    assert off - falling == set()
    assert len(near - falling) <= 2
    assert falling <= off | near


def test_sig011_as_of_a_moment_the_off_track_run_counts_only_the_values_known_then(db: Path) -> None:
    early = "".join(f"UNMISS,UNIF_WOMEN_SHARE,{y},10,test\n" for y in range(2019, 2024))  # off track 2022, 2023
    _load(db, ("obs.csv", OBS + early), ("t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2030,20,10,2019\n"))
    then = signals.store.read_df(db, "SELECT max(uploaded_at) AS t FROM batches")["t"].iloc[0]
    _load(db, ("obs.csv", OBS + "UNMISS,UNIF_WOMEN_SHARE,2024,10,test\nUNMISS,UNIF_WOMEN_SHARE,2025,10,test\n"))
    assert signals.find(db, today=TODAY).query("rule == 'off_track_run'")["indicator"].tolist() == ["UNIF_WOMEN_SHARE"]
    with signals.store.as_of(then):
        assert signals.find(db).query("rule == 'off_track_run'").empty  # two off-track values then: no run yet
