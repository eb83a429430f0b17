"""The demo store: real series where they exist, flagged synthetic series elsewhere, every status."""
import pytest

from peacepulse import store


def test_every_status_occurs(demo_db):
    statuses = set(store.read_df(demo_db, "SELECT DISTINCT status FROM progress")["status"])
    assert statuses == {"on_track", "at_risk", "off_track", "no_target"}


def test_synthetic_rows_are_flagged_and_real_rows_are_not(demo_db):
    rows = store.read_df(demo_db, """SELECT synthetic, count(*) AS n,
                                            count(*) FILTER (WHERE source = 'synthetic') AS labelled
                                     FROM observations GROUP BY synthetic""").set_index("synthetic")
    assert rows.loc[True, "n"] == rows.loc[True, "labelled"] > 1000
    assert rows.loc[False, "labelled"] == 0 and rows.loc[False, "n"] > 4000


@pytest.mark.parametrize("mission, first_year", [("UNIFIL", 2010), ("MONUSCO", 2010),
                                                 ("UNMISS", 2011), ("MINUSCA", 2014)])
def test_real_series_reach_back_to_the_mission_start(demo_db, mission, first_year):
    found = store.read_df(demo_db, """SELECT indicator, min(period) AS first FROM series
                                      WHERE mission = ? AND NOT synthetic
                                        AND indicator IN ('FAT_TOTAL', 'UNIF_WOMEN_SHARE', 'UNIF_STRENGTH')
                                      GROUP BY indicator""", [mission]).set_index("indicator")["first"]
    assert set(found.index) == {"FAT_TOTAL", "UNIF_WOMEN_SHARE", "UNIF_STRENGTH"}
    assert int(found["UNIF_WOMEN_SHARE"]) <= max(first_year, 2010)


def test_six_current_missions_cover_all_ten_themes(demo_db):
    covered = store.read_df(demo_db, """SELECT s.mission, count(DISTINCT s.theme) AS themes
                                        FROM scorecard s JOIN missions m ON m.code = s.mission
                                        WHERE m.active GROUP BY s.mission HAVING count(DISTINCT s.theme) = 10""")
    assert len(covered) >= 6


def test_demo_shows_revisions(demo_db):
    revised = store.read_df(demo_db, "SELECT count(*) AS n FROM observations WHERE revision > 1")["n"][0]
    assert revised > 0


def test_demo_has_a_few_synthetic_assessments_per_active_mission(demo_db) -> None:
    from peacepulse import store
    rows = store.read_df(demo_db, """SELECT a.mission, count(*) AS n, bool_and(a.synthetic) AS synthetic
                                     FROM assessments a JOIN missions m ON m.code = a.mission
                                     GROUP BY ALL""")
    judged = store.read_df(demo_db, """SELECT DISTINCT s.mission FROM scorecard s JOIN missions m ON m.code = s.mission
                                       WHERE m.active AND s.status IN ('on_track', 'at_risk', 'off_track')""")
    assert set(rows["mission"]) == set(judged["mission"]) and rows["n"].between(1, 3).all()
    assert rows["synthetic"].all()
    recs = store.read_df(demo_db, "SELECT bool_and(synthetic) AS s, count(*) FILTER (WHERE overdue) AS late FROM recommendations")
    assert bool(recs["s"].iloc[0]) and recs["late"].iloc[0] > 0
    differs = store.read_df(demo_db, "SELECT reason FROM assessments WHERE rating <> computed_status")
    assert differs["reason"].str.startswith("Synthetic demo").all()


def _listed(found):
    """One row per indicator a signal lists (a grouped signal names several, separated by ';')."""
    return found.assign(indicator=found["indicator"].str.split(";")).explode("indicator")


def _pairs(frame) -> set[tuple[str, str]]:
    return set(zip(frame["mission"], frame["indicator"]))


def test_the_demo_knows_the_path_of_each_synthetic_series(demo_db) -> None:
    from peacepulse import demo
    rows = store.read_df(demo_db, "SELECT mission, indicator, target IS NOT NULL AS has_target, attainment "
                                  "FROM progress WHERE synthetic")
    rows["path"] = [demo.trajectory(m, i, t) for m, i, t in zip(rows["mission"], rows["indicator"], rows["has_target"])]
    reached = rows[rows["has_target"]].groupby("path")["attainment"].median()
    assert reached["ahead"] > 0.85 and 0.5 < reached["behind"] < 0.9 and reached["regressing"] < 0
    assert set(rows.loc[~rows["has_target"], "path"]) == {"drift"}


def test_no_break_or_off_track_signal_fires_on_synthetic_noise_alone(demo_db) -> None:
    """Every synthetic series is a straight path plus noise unless the demo planted a change in it: a
    break fires on each planted change and on no other synthetic series, and no off-track or
    target signal fires on a series whose path keeps pace with its target."""
    from peacepulse import demo
    from peacepulse.assess import signals
    found = signals.find(demo_db)
    listed = _listed(found)
    synthetic = store.read_df(demo_db, "SELECT mission, indicator, target IS NOT NULL AS has_target "
                                       "FROM progress WHERE synthetic")
    revised = _pairs(store.read_df(demo_db, "SELECT DISTINCT mission, indicator FROM observations WHERE revision > 1"))
    noise = _pairs(synthetic) - set(demo.PLANTED_BREAKS) - revised
    keeping_pace = {(m, i) for m, i, t in zip(synthetic["mission"], synthetic["indicator"], synthetic["has_target"])
                    if t and demo.trajectory(m, i, True) == "ahead"} & noise
    assert len(noise) > 300 and len(keeping_pace) > 100
    breaks = _pairs(listed[listed["rule"] == "break"])
    assert set(demo.PLANTED_BREAKS) <= breaks
    assert not breaks & noise
    assert not _pairs(listed[listed["rule"].isin(["off_track_run", "target_near"])]) & keeping_pace
    assert {"off_track_run", "target_near", "break", "stale", "recommendation_overdue"} <= set(found["rule"])
    assert found["detail"].str.len().min() > 40  # every signal says why, with its figures


def test_each_mission_has_a_handful_of_signals(demo_db) -> None:
    from peacepulse.assess import signals
    found = signals.find(demo_db)
    assert found.groupby("mission").size().max() <= 8
    grouped = found[found["rule"].isin(["off_track_run", "target_near", "stale"])]
    assert not grouped.duplicated(["mission", "rule"]).any()  # one of each per mission, listing its indicators
    assert found["signal"].is_unique
