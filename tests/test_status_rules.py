"""Status rules on crafted series: each rule with a case that must fire and one that must not."""
from datetime import date

import duckdb
from conftest import upload

from peacepulse import store

OBS = "mission,indicator,period,value\n"
TARGETS = "mission,indicator,period,target,baseline,baseline_period\n"


def load(db, name: str, text: str) -> None:
    report = upload(db, name, text)
    assert report.ok, report.problems.to_string()


def status(db, indicator: str, mission: str = "UNMISS") -> dict:
    rows = store.read_df(db, "SELECT * FROM progress WHERE mission = ? AND indicator = ?", [mission, indicator])
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


def test_one_value_without_a_stated_baseline_is_too_little_evidence(db):
    load(db, "obs.csv", OBS + "UNMISS,UNIF_WOMEN_SHARE,2024,5\nUNMISS,IPO_WOMEN_SHARE,2023-Q4,5\n"
                                "UNMISS,IPO_WOMEN_SHARE,2024-Q4,25\n")
    load(db, "t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2028,30,,\nUNMISS,IPO_WOMEN_SHARE,2028-Q4,30,,\n")
    lone = status(db, "UNIF_WOMEN_SHARE")
    assert (lone["status"], lone["status_reason"]) == (
        "insufficient", "One value and no stated baseline: there is no trend to judge yet.")
    assert status(db, "IPO_WOMEN_SHARE")["status"] == "on_track"  # two values: a trend to judge


def test_no_value_since_the_stated_baseline_is_too_little_evidence(db):
    load(db, "obs.csv", OBS + "UNMISS,UNIF_WOMEN_SHARE,2020,10\n")
    load(db, "t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2028,30,10,2020\n")
    assert status(db, "UNIF_WOMEN_SHARE")["status_reason"] == "No value since the baseline period 2020."
    load(db, "obs.csv", OBS + "UNMISS,UNIF_WOMEN_SHARE,2021,5\n")  # now there is a trend: a fall
    assert status(db, "UNIF_WOMEN_SHARE")["status"] == "off_track"


def test_a_met_target_is_on_track_even_from_one_value(db):
    load(db, "obs.csv", OBS + "UNMISS,UNIF_WOMEN_SHARE,2024,35\n")
    load(db, "t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2028,30,,\n")
    assert (status(db, "UNIF_WOMEN_SHARE")["status"], status(db, "UNIF_WOMEN_SHARE")["status_reason"]) == (
        "on_track", "The target is met.")


def test_holding_the_level_has_an_at_risk_band(db):
    load(db, "obs.csv", OBS + "".join(f"UNMISS,{code},2020-Q4,20\nUNMISS,{code},2024-Q4,{value}\n" for code, value in (
        ("CONTINGENT_WOMEN_SHARE", 19.9), ("IPO_WOMEN_SHARE", 18), ("FPU_WOMEN_SHARE", 20.5))))
    load(db, "t.csv", TARGETS + "".join(f"UNMISS,{code},2026-Q4,20,20,2020-Q4\n" for code in (
        "CONTINGENT_WOMEN_SHARE", "IPO_WOMEN_SHARE", "FPU_WOMEN_SHARE")))
    assert status(db, "CONTINGENT_WOMEN_SHARE")["status"] == "at_risk"    # within 5 % of 20
    assert status(db, "IPO_WOMEN_SHARE")["status"] == "off_track"   # 10 % below
    assert status(db, "FPU_WOMEN_SHARE")["status"] == "on_track"    # held


def test_a_later_milestone_carries_the_baseline_forward(db):
    load(db, "obs.csv", OBS + "UNMISS,UNIF_WOMEN_SHARE,2019,4\nUNMISS,UNIF_WOMEN_SHARE,2025,19\n")
    load(db, "t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2024,15,10,2020\nUNMISS,UNIF_WOMEN_SHARE,2026,20,,\n")
    row = status(db, "UNIF_WOMEN_SHARE")
    assert (row["target_period"], row["baseline"], row["baseline_period"]) == ("2026", 10.0, "2020")
    load(db, "t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2026,20,12,2022\n")  # its own baseline wins
    row = status(db, "UNIF_WOMEN_SHARE")
    assert (row["baseline"], row["baseline_period"]) == (12.0, "2022")


def test_without_any_stated_baseline_the_first_value_stands_in(db):
    load(db, "obs.csv", OBS + "UNMISS,UNIF_WOMEN_SHARE,2019,4\nUNMISS,UNIF_WOMEN_SHARE,2025,19\n")
    load(db, "t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2026,20,,\n")
    row = status(db, "UNIF_WOMEN_SHARE")
    assert (row["baseline"], row["baseline_period"]) == (4.0, "2019")


def test_periods_of_several_types_ending_on_one_day_resolve_to_the_shortest(db):
    load(db, "ind.csv", "code,name,themes,unit,direction\nMY_VISITS,Site visits,8,visits,increase\n")
    load(db, "obs.csv", OBS + "UNMISS,MY_VISITS,2024-12,3\nUNMISS,MY_VISITS,2024,1\nUNMISS,MY_VISITS,2024-Q4,2\n"
                                "UNMISS,MY_VISITS,2023,1\n")
    row = status(db, "MY_VISITS")
    assert (row["latest_period"], row["latest_value"]) == ("2024-12", 3.0)


def _recent_quarter() -> str:
    """The last quarter that has ended: well inside a quarter's reporting cycle."""
    today = date.today()
    quarter = (today.month - 1) // 3
    return f"{today.year}-Q{quarter}" if quarter else f"{today.year - 1}-Q4"


def test_a_series_older_than_its_reporting_cycle_is_stale(db):
    load(db, "obs.csv", OBS + f"UNMISS,CIV_CASUALTIES,2019-Q1,10\nUNMISS,CIV_CASUALTIES,2019-Q2,8\n"
                                f"UNMISS,COMMUNITY_MEETINGS,{_recent_quarter()},3\n")
    old, recent = status(db, "CIV_CASUALTIES"), status(db, "COMMUNITY_MEETINGS")
    assert old["stale"] and old["days_since_latest"] > 92 + 45
    assert not recent["stale"]
    card = store.read_df(db, "SELECT stale FROM scorecard WHERE mission = 'UNMISS' AND theme = 8")
    assert card["stale"].iloc[0] >= 1
    load(db, "obs.csv", OBS + "MINUSMA,CIV_CASUALTIES,2019-Q1,10\nMINUSMA,CIV_CASUALTIES,2019-Q2,8\n")
    assert not status(db, "CIV_CASUALTIES", "MINUSMA")["stale"]  # the mission ended in 2023: not stale


def test_the_rule_figures_live_in_the_store_and_drive_the_status(db):
    load(db, "obs.csv", OBS + "UNMISS,UNIF_WOMEN_SHARE,2020,10\nUNMISS,UNIF_WOMEN_SHARE,2024,12\n")
    load(db, "t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2026,30,10,2020\n")
    assert status(db, "UNIF_WOMEN_SHARE")["status"] == "off_track"  # 0.1 of the way at 0.67 of the time
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE status_rule SET value = 0.6 WHERE name = 'at_risk_band'")
    assert status(db, "UNIF_WOMEN_SHARE")["status"] == "at_risk"


def test_a_scorecard_cell_with_nothing_to_judge_says_so(db):
    load(db, "obs.csv", OBS + "UNMISS,UNIF_WOMEN_SHARE,2024,5\n")
    load(db, "t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2028,30,,\n")
    card = store.read_df(db, "SELECT status, insufficient FROM scorecard WHERE mission = 'UNMISS' AND theme = 8")
    assert card.values.tolist() == [["insufficient", 1]]


def _points(db, indicator: str, mission: str = "UNMISS") -> list[tuple]:
    return [tuple(r) for r in store.read_df(db, """SELECT period, status, target_period FROM progress_points
                                                   WHERE mission = ? AND indicator = ? ORDER BY position""",
                                            [mission, indicator]).itertuples(index=False)]


def test_progress_points_judge_each_period_against_the_target_then_in_force(db):
    load(db, "obs.csv", OBS + "UNMISS,UNIF_WOMEN_SHARE,2019,10\nUNMISS,UNIF_WOMEN_SHARE,2021,13\n"
                              "UNMISS,UNIF_WOMEN_SHARE,2023,13\nUNMISS,UNIF_WOMEN_SHARE,2025,19\n")
    load(db, "t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2022,12,10,2019\nUNMISS,UNIF_WOMEN_SHARE,2026,20,,\n")
    assert _points(db, "UNIF_WOMEN_SHARE") == [
        ("2019", "insufficient", "2022"),  # the baseline period itself
        ("2021", "on_track", "2022"),      # 12 met early
        ("2023", "off_track", "2026"),     # 3 of 10 towards 20, at 4/7 of the time
        ("2025", "on_track", "2026"),      # 9 of 10 at 6/7
    ]
    assert status(db, "UNIF_WOMEN_SHARE")["status"] == "on_track"


def test_progress_points_agree_with_progress_at_the_latest_period(db):
    """Every branch of the status rules, once through each view: the latest period's row of
    progress_points says what progress says."""
    load(db, "ind.csv", "code,name,themes,unit,direction\nMY_VISITS,Site visits,8,visits,increase\n")
    load(db, "obs.csv", OBS + "UNMISS,UNIF_WOMEN_SHARE,2024,5\nMINUSCA,UNIF_WOMEN_SHARE,2020,10\n"
                              "MONUSCO,UNIF_WOMEN_SHARE,2019,4\nMONUSCO,UNIF_WOMEN_SHARE,2025,19\n"
                              "UNMISS,MY_VISITS,2024-12,3\nUNMISS,MY_VISITS,2024,1\nUNMISS,MY_VISITS,2023,1\n"
                              "UNIFIL,UNIF_WOMEN_SHARE,2020,10\nUNIFIL,UNIF_WOMEN_SHARE,2024,12\n"
                              "UNISFA,UNIF_WOMEN_SHARE,2020,10\nUNISFA,UNIF_WOMEN_SHARE,2024,20\n"
                              "UNFICYP,UNIF_WOMEN_SHARE,2020,10\nUNFICYP,UNIF_WOMEN_SHARE,2024,15\n"
                              + "".join(f"UNMISS,{code},2020-Q4,20\nUNMISS,{code},2024-Q4,{value}\n" for code, value in (
                                  ("CONTINGENT_WOMEN_SHARE", 19.9), ("IPO_WOMEN_SHARE", 18), ("FPU_WOMEN_SHARE", 20.5)))
                              + "UNMISS,FAT_MALICIOUS,2020,9\nUNMISS,FAT_MALICIOUS,2024,8\nMINUSCA,FAT_MALICIOUS,2022,4\n")
    load(db, "t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2028,30,,\nMINUSCA,UNIF_WOMEN_SHARE,2028,30,10,2020\n"
                                "MONUSCO,UNIF_WOMEN_SHARE,2024,15,10,2020\nMONUSCO,UNIF_WOMEN_SHARE,2026,20,,\n"
                                "UNMISS,MY_VISITS,2026,9,,\nUNIFIL,UNIF_WOMEN_SHARE,2026,30,10,2020\n"
                                "UNISFA,UNIF_WOMEN_SHARE,2023,18,10,2020\nUNFICYP,UNIF_WOMEN_SHARE,2026,20,10,2020\n"
                                + "".join(f"UNMISS,{code},2026-Q4,20,20,2020-Q4\n" for code in (
                                    "CONTINGENT_WOMEN_SHARE", "IPO_WOMEN_SHARE", "FPU_WOMEN_SHARE"))
                                + "UNMISS,FAT_MALICIOUS,2026,2,9,2020\n")
    both = store.read_df(db, """SELECT p.mission, p.indicator, p.status, q.status AS point_status,
                                       p.attainment, q.attainment AS point_attainment, p.pace, q.pace AS point_pace,
                                       p.target_period, q.target_period AS point_target_period
                                FROM progress p LEFT JOIN progress_points q
                                  ON q.mission = p.mission AND q.indicator = p.indicator AND q.latest""")
    assert set(both["status"]) == {"no_target", "insufficient", "on_track", "at_risk", "off_track"}
    assert (both["status"] == both["point_status"]).all(), both
    for column in ("attainment", "pace", "target_period"):
        assert both[column].equals(both["point_" + column]), both[[column, "point_" + column]]
    assert store.read_df(db, "SELECT count(*) AS n FROM progress_points WHERE latest")["n"][0] == len(both)


def test_progress_points_follow_the_rule_figures_in_the_store(db):
    load(db, "obs.csv", OBS + "UNMISS,UNIF_WOMEN_SHARE,2020,10\nUNMISS,UNIF_WOMEN_SHARE,2024,12\n")
    load(db, "t.csv", TARGETS + "UNMISS,UNIF_WOMEN_SHARE,2026,30,10,2020\n")
    assert _points(db, "UNIF_WOMEN_SHARE")[-1][1] == "off_track"
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE status_rule SET value = 0.6 WHERE name = 'at_risk_band'")
    assert _points(db, "UNIF_WOMEN_SHARE")[-1][1] == "at_risk" == status(db, "UNIF_WOMEN_SHARE")["status"]
