"""Read-side queries against a tiny store whose every value is known."""
from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from peacepulse import ingest, outliers, store
from peacepulse.reads import quality, queries

OBSERVATIONS = """mission,indicator,period,value,sex,source
UNMISS,FAT_MALICIOUS,2018,10,,UN open data
UNMISS,FAT_MALICIOUS,2019,11,,UN open data
UNMISS,FAT_MALICIOUS,2020,10,,UN open data
UNMISS,FAT_MALICIOUS,2021,12,,UN open data
UNMISS,FAT_MALICIOUS,2022,11,,UN open data
UNMISS,FAT_MALICIOUS,2023,10,,UN open data
UNMISS,FAT_MALICIOUS,2024,60,,UN open data
MINUSCA,FAT_MALICIOUS,2022,5,,UN open data
MINUSCA,FAT_MALICIOUS,2023,4,,UN open data
MINUSCA,FAT_MALICIOUS,2024,3,,UN open data
UNMISS,UNIF_WOMEN_SHARE,2022,5,,synthetic
UNMISS,UNIF_WOMEN_SHARE,2023,6,,synthetic
UNMISS,UNIF_WOMEN_SHARE,2024,7,,synthetic
MINUSCA,UNIF_WOMEN_SHARE,2019,4,,synthetic
"""
TARGETS = """mission,indicator,period,target,baseline,baseline_period
UNMISS,FAT_MALICIOUS,2025,8,10,2018
MINUSCA,FAT_MALICIOUS,2025,4,5,2022
"""


def _quarters() -> str:
    rows = ["mission,indicator,period,sex,value,source"]
    for q, total in zip(range(1, 5), (20, 18, 16, 14)):
        rows += [f"MINUSCA,CIV_CASUALTIES,2024-Q{q},total,{total},synthetic",
                 f"MINUSCA,CIV_CASUALTIES,2024-Q{q},female,{total * 0.4:g},synthetic",
                 f"MINUSCA,CIV_CASUALTIES,2024-Q{q},male,{total * 0.6:g},synthetic"]
    return "\n".join(rows) + "\n"


@pytest.fixture
def db_fresh(seeded_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "fresh.duckdb"
    shutil.copy(seeded_template, path)
    return path


@pytest.fixture(scope="module")
def db(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("queries") / "tiny.duckdb"
    shutil.copy(seeded_template, path)
    files = [("obs.csv", OBSERVATIONS), ("targets.csv", TARGETS), ("quarters.csv", _quarters()),
             ("revision.csv", "mission,indicator,period,value,source\nUNMISS,FAT_MALICIOUS,2023,9,UN open data\n")]
    for name, text in files:
        report = ingest.ingest_upload(path, name, text.encode(), commit=True)
        assert report.ok and report.written, report.problems
    return path


def test_qry001_headline_counts(db: Path) -> None:
    head = queries.headline(db)
    assert (head["missions"], head["indicators"], head["data_points"]) == (2, 3, 26)
    assert pd.Timestamp(head["latest_period_end"]).date() == date(2024, 12, 31)
    assert queries.headline(db, kind="political")["missions"] == 0


def test_qry002_scorecard_counts_under_every_mapped_theme(db: Path) -> None:
    cells = queries.scorecard(db).set_index(["mission", "theme"])
    unmiss5 = cells.loc[("UNMISS", 5)]
    assert (unmiss5["indicators"], unmiss5["off_track"], unmiss5["no_target"]) == (2, 1, 1)
    assert unmiss5["status"] == "off_track"
    assert cells.loc[("UNMISS", 10), "status"] == "off_track"  # FAT_MALICIOUS maps to themes 5 and 10
    assert cells.loc[("MINUSCA", 10), "status"] == "on_track"
    assert ("UNMISS", 1) not in cells.index


def test_qry003_scorecard_filters_by_kind_and_activity(db: Path) -> None:
    assert queries.scorecard(db, kind="political").empty
    assert set(queries.scorecard(db, kind="peacekeeping", active_only=True)["mission"]) == {"MINUSCA", "UNMISS"}


def test_qry004_mission_status_is_overall(db: Path) -> None:
    status = queries.mission_status(db).set_index("code")["status"].to_dict()
    assert status == {"MINUSCA": "on_track", "UNMISS": "off_track"}


def test_qry005_mission_indicators_lists_every_theme_member(db: Path) -> None:
    rows = queries.mission_indicators(db, "UNMISS")
    theme5 = rows[rows["theme"] == 5].set_index("code")
    assert theme5.loc["FAT_MALICIOUS", "status"] == "off_track"
    assert theme5.loc["UNIF_WOMEN_SHARE", "status"] == "no_target"
    assert theme5.loc["FAT_MILITARY", "status"] == "no_data"
    assert rows["theme"].nunique() == 10


def test_qry006_series_years_and_bounds(db: Path) -> None:
    assert queries.year_bounds(db, "UNMISS") == (2018, 2024)
    assert queries.year_bounds(db, "UNTSO") is None
    got = queries.series(db, "UNMISS", "FAT_MALICIOUS", (2019, 2021))
    assert got["period"].tolist() == ["2019", "2020", "2021"]
    assert queries.series(db, "UNMISS", "FAT_MALICIOUS")["value"].tolist()[5] == 9  # the revised value


def test_qry007_breakdown(db: Path) -> None:
    assert queries.breakdown_dims(db, "CIV_CASUALTIES", "MINUSCA") == ["sex"]
    assert queries.breakdown_dims(db, "FAT_MALICIOUS") == []
    split = queries.breakdown(db, "CIV_CASUALTIES", "sex", "MINUSCA")
    assert len(split) == 8 and set(split["sex"]) == {"female", "male"}


def test_qry008_revisions_only_for_revised_keys(db: Path) -> None:
    rev = queries.revisions(db, "FAT_MALICIOUS")
    assert rev[["period", "revision", "value"]].values.tolist() == [["2023", 1, 10.0], ["2023", 2, 9.0]]
    assert queries.revisions(db, "UNIF_WOMEN_SHARE").empty


def test_qry009_ranking_respects_direction(db: Path) -> None:
    rank = queries.ranking(db, 5)
    fat = rank[rank["indicator"] == "FAT_MALICIOUS"]
    assert fat["mission"].tolist() == ["MINUSCA", "UNMISS"] and fat["period"].iloc[0] == "2024"
    assert queries.theme_indicators(db, 5)["code"].tolist() == ["CIV_CASUALTIES", "FAT_MALICIOUS",
                                                                 "UNIF_WOMEN_SHARE"]


def test_qry010_coverage_share(db: Path) -> None:
    cov = quality.coverage(db).set_index(["mission", "indicator"])
    years = _ended_year() - 2018 + 1  # both missions began before the first value anywhere, in 2018
    assert cov.loc[("UNMISS", "FAT_MALICIOUS"), ["periods", "expected"]].tolist() == [7, years]
    assert cov.loc[("MINUSCA", "FAT_MALICIOUS"), ["periods", "expected"]].tolist() == [3, years]
    assert cov.loc[("MINUSCA", "FAT_MALICIOUS"), "share"] == 3 / years


def test_qry011_stale_is_the_progress_rule_counted_to_today(db: Path) -> None:
    stale = quality.stale(db)
    flagged = store.read_df(db, "SELECT mission, indicator FROM progress WHERE stale ORDER BY ALL")
    assert sorted(stale[["mission", "indicator"]].values.tolist()) == flagged.values.tolist() != []
    row = stale[(stale["mission"] == "MINUSCA") & (stale["indicator"] == "UNIF_WOMEN_SHARE")].iloc[0]
    assert row["days_since"] == (date.today() - date(2019, 12, 31)).days and row["allowed_days"] == 366 + 90


def _ended_year() -> int:
    """The last calendar year that has ended by today."""
    today = date.today()
    return today.year if (today.month, today.day) == (12, 31) else today.year - 1


def _last_quarter() -> str:
    """The last quarter that has ended by today."""
    today = date.today()
    q = (today.month - 1) // 3  # quarters of this year already over
    return f"{today.year}-Q{q}" if q else f"{today.year - 1}-Q4"


def test_qry016_coverage_counts_the_periods_of_each_missions_life(db_fresh: Path) -> None:
    """Periods expected: of the indicator's type, from the later of the mission's start and the indicator's
    first value anywhere, to the last period ended by today or by the mission's end."""
    missions = ("code,name,start_date,end_date\nNEWM,New mission,2022-07-01,\n"
                "OLDM,Old mission,2000-01-01,2005-12-31\n")
    obs = ["mission,indicator,period,value,source",
           "NEWM,FAT_MALICIOUS,2022,1,test", "NEWM,FAT_MALICIOUS,2023,1,test",
           "OLDM,FAT_MALICIOUS,1999,1,test", "OLDM,FAT_MALICIOUS,2001,1,test", "OLDM,FAT_MALICIOUS,2003,1,test",
           f"NEWM,CIV_CASUALTIES,{_last_quarter()},3,test"]
    for name, text in (("missions.csv", missions), ("obs.csv", "\n".join(obs) + "\n")):
        report = ingest.ingest_upload(db_fresh, name, text.encode(), commit=True)
        assert report.ok, report.problems
    cov = quality.coverage(db_fresh).set_index(["mission", "indicator"])
    assert cov.loc[("NEWM", "FAT_MALICIOUS"), ["periods", "expected"]].tolist() == [2, _ended_year() - 2022 + 1]
    # 1999 came before the mission began: neither counted nor expected; it ended in 2005: 2000-2005
    assert cov.loc[("OLDM", "FAT_MALICIOUS"), ["periods", "expected", "share"]].tolist() == [2, 6, 2 / 6]
    # the quarter that ended last is the first expected one, as the first value anywhere
    assert cov.loc[("NEWM", "CIV_CASUALTIES"), ["period_type", "periods", "expected"]].tolist() == ["quarter", 1, 1]
    stale = quality.stale(db_fresh).set_index(["mission", "indicator"]).index
    assert ("NEWM", "FAT_MALICIOUS") in stale        # fires: 2023 is long past a yearly cycle
    assert ("OLDM", "FAT_MALICIOUS") not in stale    # the mission ended: never stale
    assert ("NEWM", "CIV_CASUALTIES") not in stale   # last month: current


def test_qry012_outliers_far_from_neighbours(db: Path) -> None:
    out = quality.outliers(db)
    got = out[["mission", "indicator", "period", "value"]].values.tolist()
    assert got == [["UNMISS", "FAT_MALICIOUS", "2024", 60.0]]
    assert out["median"].iloc[0] == 11 and out["score"].iloc[0] > outliers.THRESHOLD
    assert out["source"].iloc[0] == "UN open data"


def test_qry013_empty_store_gives_empty_frames(seeded_template: Path) -> None:
    db = seeded_template
    assert queries.headline(db)["data_points"] == 0
    for query in (queries.scorecard, queries.mission_status, quality.coverage, quality.stale, quality.outliers):
        assert query(db).empty, query.__name__
    assert len(queries.themes(db)) == 10


def test_qry014_missing_store_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(store.StoreError):
        queries.headline(tmp_path / "absent.duckdb")


def test_breakdown_takes_only_its_three_dimensions(demo_db):
    import pytest
    crafted = "sex, read_text('/etc/os-release') AS leak, sex"
    with pytest.raises(ValueError, match="cannot break down by"):
        queries.breakdown(demo_db, "UNIF_STRENGTH", crafted)
    split = queries.breakdown(demo_db, "UNIF_STRENGTH", "sex")
    assert set(split["sex"]) <= {"female", "male", "other"} and not split.empty


def test_filters_refuse_anything_but_a_column_name():
    import pytest
    assert queries.filters_sql({"m.kind": "political"}) == (" WHERE m.kind = ?", ["political"])
    with pytest.raises(ValueError, match="not a column name"):
        queries.filters_sql({"kind = kind OR 1=1 --": "x"})


def test_qry015_real_data_only_leaves_out_every_synthetic_series(db: Path) -> None:
    everything, real = queries.scorecard(db), queries.scorecard(db, real_only=True)
    assert everything["synthetic"].sum() > 0 and real["synthetic"].sum() == 0
    direct = store.read_df(db, """SELECT p.mission, it.theme, count(*) AS n FROM progress p
                                  JOIN indicator_theme it ON it.indicator = p.indicator
                                  WHERE NOT p.synthetic GROUP BY ALL ORDER BY ALL""")
    assert real[["mission", "theme", "indicators"]].values.tolist() == direct.values.tolist()
    # A cell resting on synthetic series alone is gone, not shown as empty
    synthetic_only = everything[everything["synthetic"] == everything["indicators"]]
    assert not synthetic_only.empty
    assert synthetic_only.merge(real, on=["mission", "theme"]).empty
    assert not queries.series(db, real_only=True)["synthetic"].any() and queries.series(db)["synthetic"].any()
    rows = queries.mission_indicators(db, "UNMISS", real_only=True)
    assert set(rows[rows["code"] == "UNIF_WOMEN_SHARE"]["status"]) == {"no_data"}
    assert set(rows[rows["code"] == "FAT_MALICIOUS"]["status"]) != {"no_data"}
    assert set(queries.progress(db, real_only=True)["indicator"]) == {"FAT_MALICIOUS"}
    status = queries.mission_status(db, real_only=True).set_index("code")["indicators"].to_dict()
    assert status == {"UNMISS": 1, "MINUSCA": 1}
    index = queries.mission_index(db, real_only=True).set_index("code")
    assert index.loc["UNMISS", "indicators_with_data"] == 1
    assert queries.mission_index(db).set_index("code").loc["UNMISS", "indicators_with_data"] == 2
    ranked = queries.ranking(db, 5, real_only=True)
    assert not ranked.empty and not ranked["synthetic"].any()
    assert queries.theme_index(db, real_only=True)["missions_with_data"].sum() \
        < queries.theme_index(db)["missions_with_data"].sum()


CRAFTED = "sex) from read_text('/etc/os-release') --"


def test_qry017_every_argument_that_names_sql_is_checked_against_a_fixed_set(db: Path, tmp_path: Path) -> None:
    from peacepulse.reads import exporting
    refused = {
        "filters_sql": lambda: queries.filters_sql({CRAFTED: "x"}),
        "breakdown": lambda: queries.breakdown(db, "CIV_CASUALTIES", CRAFTED),
        "export (view)": lambda: exporting.export(db, tmp_path / "out", "csv", [CRAFTED]),
        "export (format)": lambda: exporting.export(db, tmp_path / "out", CRAFTED, ["themes"]),
    }
    for name, call in refused.items():
        with pytest.raises(ValueError, match=re.escape(repr(CRAFTED))):
            call()
        assert not (tmp_path / "out").exists(), name
    # and the values of the fixed sets pass
    assert queries.filters_sql({"p.mission": "UNMISS"}) == (" WHERE p.mission = ?", ["UNMISS"])
    assert set(queries.breakdown(db, "CIV_CASUALTIES", "sex")["sex"]) == {"female", "male"}
    assert [p.name for p in exporting.export(db, tmp_path / "out", "parquet", ["themes"])] == ["themes.parquet"]


@pytest.mark.parametrize("call", [
    lambda db, v: queries.missions(db, v), lambda db, v: queries.mission_index(db, v),
    lambda db, v: queries.indicators(db, v), lambda db, v: queries.headline(db, v).to_frame().T.query("data_points > 0"),
    lambda db, v: queries.scorecard(db, v), lambda db, v: queries.mission_status(db, v),
    lambda db, v: queries.mission_indicators(db, v).dropna(subset=["n_points"]),
    lambda db, v: queries.series(db, v, v), lambda db, v: queries.targets(db, v, [v]),
    lambda db, v: queries.progress(db, v, v), lambda db, v: queries.breakdown(db, v, "sex", v),
    lambda db, v: queries.observations(db, v, v), lambda db, v: queries.revisions(db, v, v),
    lambda db, v: queries.ranking(db, 1, [v]), lambda db, v: quality.coverage(db, [v]),
], ids=["missions", "mission_index", "indicators", "headline", "scorecard", "mission_status", "mission_indicators",
        "series", "targets", "progress", "breakdown", "observations", "revisions", "ranking", "coverage"])
def test_qry018_a_crafted_value_is_only_ever_a_value(db: Path, call) -> None:
    """Codes and kinds are bound parameters: a crafted one matches nothing and reads nothing."""
    assert call(db, CRAFTED).empty
    assert queries.breakdown_dims(db, CRAFTED, CRAFTED) == [] and queries.year_bounds(db, CRAFTED) is None


def test_reads_in_a_shared_block_use_one_connection_and_let_go_of_it(demo_db, tmp_path) -> None:
    import duckdb

    copy = tmp_path / "store.duckdb"
    shutil.copy(demo_db, copy)
    with store.shared_reads():
        with store.reading(copy) as first, store.reading(copy) as second:
            assert first is second
        assert not queries.headline(copy).empty
        with store.writing(copy) as con:  # a write closes the shared read connection first
            con.execute("CREATE TABLE scratch AS SELECT 1 AS x")
        assert store.read_df(copy, "SELECT x FROM scratch")["x"].tolist() == [1]
    # Nothing is held after the block: another process could write now.
    with duckdb.connect(str(copy)) as con:
        assert con.execute("SELECT count(*) FROM scratch").fetchall() == [(1,)]


def test_the_data_version_changes_with_a_commit_and_not_with_reads(db) -> None:
    from conftest import upload

    before = store.data_version(db)
    store.read_df(db, "SELECT count(*) FROM observations")
    assert store.data_version(db) == before
    assert upload(db, "obs.csv", "mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,2024,3\n").written
    assert store.data_version(db) != before
