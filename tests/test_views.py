"""The public views: progress statuses, scorecard roll-up, comments, compatibility."""
import shutil
import subprocess

import pytest
from conftest import upload

from peacepulse import seeds, store

OBS = "mission,indicator,period,value\n"
TARGETS = "mission,indicator,period,target,baseline,baseline_period\n"


def status(db, mission, indicator):
    row = store.read_df(db, "SELECT status, attainment, pace FROM progress WHERE mission = ? AND indicator = ?",
                        [mission, indicator])
    return row.iloc[0]


@pytest.fixture
def scored(db):
    """Four indicators of theme 8 for UNMISS, one per status, with hand-checkable figures."""
    upload(db, "obs.csv", OBS + "\n".join([
        # increase, baseline 10 in 2020-Q4, target 30 in 2026-Q4; 2024-Q4 is 4/6 of the way in time
        "UNMISS,CONTINGENT_WOMEN_SHARE,2020-Q4,10", "UNMISS,CONTINGENT_WOMEN_SHARE,2024-Q4,24",   # 0.70 >= 0.67
        "UNMISS,IPO_WOMEN_SHARE,2020-Q4,10", "UNMISS,IPO_WOMEN_SHARE,2024-Q4,19",                 # 0.45: at risk
        "UNMISS,FPU_WOMEN_SHARE,2020-Q4,10", "UNMISS,FPU_WOMEN_SHARE,2024-Q4,9",                  # -0.05: off
        "UNMISS,STAFF_OFF_WOMEN_SHARE,2020-Q4,10", "UNMISS,STAFF_OFF_WOMEN_SHARE,2024-Q4,12",     # no target
        # decrease: baseline 100, target 50, latest 45 meets the target early
        "UNMISS,CIV_CASUALTIES,2020-Q4,100", "UNMISS,CIV_CASUALTIES,2024-Q4,45"]) + "\n")
    upload(db, "targets.csv", TARGETS + "\n".join([
        "UNMISS,CONTINGENT_WOMEN_SHARE,2026-Q4,30,10,2020-Q4", "UNMISS,IPO_WOMEN_SHARE,2026-Q4,30,10,2020-Q4",
        "UNMISS,FPU_WOMEN_SHARE,2026-Q4,30,10,2020-Q4", "UNMISS,CIV_CASUALTIES,2026-Q4,50,100,2020-Q4"]) + "\n")
    return db


def test_progress_status_is_direction_aware_and_paced(scored):
    on = status(scored, "UNMISS", "CONTINGENT_WOMEN_SHARE")
    assert on["status"] == "on_track" and on["attainment"] == pytest.approx(0.7)
    assert on["pace"] == pytest.approx(1461 / 2191)  # days 2020-12-31..2024-12-31 over ..2026-12-31
    assert status(scored, "UNMISS", "IPO_WOMEN_SHARE")["status"] == "at_risk"
    assert status(scored, "UNMISS", "FPU_WOMEN_SHARE")["status"] == "off_track"
    assert status(scored, "UNMISS", "STAFF_OFF_WOMEN_SHARE")["status"] == "no_target"
    met = status(scored, "UNMISS", "CIV_CASUALTIES")
    assert met["status"] == "on_track" and met["attainment"] == pytest.approx(1.1)


def test_without_a_stated_baseline_the_first_value_is_used(db):
    upload(db, "obs.csv", OBS + "UNMISS,FAT_MALICIOUS,2019,10\nUNMISS,FAT_MALICIOUS,2021,8\n")
    upload(db, "targets.csv", "mission,indicator,period,target\nUNMISS,FAT_MALICIOUS,2023,0\n")
    row = store.read_df(db, "SELECT baseline, baseline_period, target, target_period, latest_value FROM progress")
    assert row.values.tolist() == [[10.0, "2019", 0.0, "2023", 8.0]]


def test_scorecard_counts_indicators_under_every_theme_they_serve(scored):
    card = store.read_df(scored, "SELECT * FROM scorecard WHERE mission = 'UNMISS' AND theme = 8").iloc[0]
    # theme 8 holds the four women's-share indicators and civilian casualties
    assert (card["indicators"], card["on_track"], card["at_risk"], card["off_track"], card["no_target"]) == (5, 2, 1, 1, 1)
    assert card["status"] == "at_risk"  # (1 + 1 + 0.5 + 0) / 4 = 0.625
    themes_of_casualties = store.read_df(scored, "SELECT themes FROM indicators WHERE code = 'CIV_CASUALTIES'")
    for theme in themes_of_casualties["themes"][0]:
        assert not store.read_df(scored, "SELECT * FROM scorecard WHERE mission = 'UNMISS' AND theme = ?",
                                 [int(theme)]).empty


def test_public_views_and_their_columns_carry_comments(db):
    views = store.read_df(db, "SELECT view_name FROM duckdb_views() WHERE NOT internal AND comment IS NULL")
    assert views.empty, views
    uncommented = store.read_df(db, """SELECT table_name, column_name FROM duckdb_columns()
        WHERE table_name IN (SELECT view_name FROM duckdb_views() WHERE NOT internal) AND comment IS NULL""")
    assert uncommented.empty, uncommented


def test_migrations_are_recorded_once(db):
    seeds.init(db)
    versions = store.read_df(db, "SELECT version FROM schema_migration ORDER BY version")["version"].tolist()
    assert versions == sorted(set(versions)) and versions[:3] == [1, 2, 3]


@pytest.mark.skipif(shutil.which("duckdb") is None, reason="the duckdb CLI is not installed")
def test_an_older_duckdb_cli_reads_the_store(scored):
    out = subprocess.run(["duckdb", "-readonly", "-csv", str(scored),
                          "SELECT mission, indicator, status FROM progress ORDER BY indicator LIMIT 2"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["mission,indicator,status", "UNMISS,CIV_CASUALTIES,on_track",
                                       "UNMISS,CONTINGENT_WOMEN_SHARE,on_track"]


def test_pace_counts_from_the_stated_baseline_period_even_without_a_value_for_it(db):
    upload(db, "obs.csv", OBS + "UNMISS,CONTINGENT_WOMEN_SHARE,2021-Q4,12\nUNMISS,CONTINGENT_WOMEN_SHARE,2022-Q4,14\n")
    upload(db, "targets.csv", TARGETS + "UNMISS,CONTINGENT_WOMEN_SHARE,2024-Q4,20,10,2020-Q4\n")
    row = status(db, "UNMISS", "CONTINGENT_WOMEN_SHARE")
    assert row["pace"] == pytest.approx(730 / 1461)  # 2020-12-31 to 2022-12-31, of 2020-12-31 to 2024-12-31
    assert row["attainment"] == pytest.approx(0.4) and row["status"] == "at_risk"
