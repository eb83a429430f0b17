"""Reading the store as of a moment: later batches and revisions are ignored, today's views are unchanged."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import upload

from peacepulse import cli, store
from peacepulse.assess import signals
from peacepulse.reads import assessments, queries
from peacepulse.store import past

FIRST = """mission,indicator,period,value,source
UNMISS,FAT_MALICIOUS,2020,12,UN open data
UNMISS,FAT_MALICIOUS,2021,11,UN open data
UNMISS,FAT_MALICIOUS,2022,10,UN open data
"""
TARGETS = "mission,indicator,period,target,baseline,baseline_period\nUNMISS,FAT_MALICIOUS,2030,2,12,2020\n"
APPROVED = ("mission,theme,period,rating,status,findings,evidence,reason\n"
            "UNMISS,5,2026,at_risk,approved,Attacks fell by a sixth.,FAT_MALICIOUS,Few attacks in the first half\n")
REVISED = "mission,indicator,period,value,source\nUNMISS,FAT_MALICIOUS,2022,14,UN open data (corrected)\n"
LATER = "mission,indicator,period,value,source\nUNMISS,FAT_MALICIOUS,2023,9,UN open data\n"
RENAMED = ("code,name,themes,unit,direction\n"
           "FAT_MALICIOUS,Peacekeepers killed by malicious acts (renamed),5;10,deaths,decrease\n")
CHANGED = ("mission,theme,period,rating,status,findings,evidence,reason,comment\n"
           "UNMISS,5,2026,off_track,approved,Attacks rose again.,FAT_MALICIOUS,Worse than the data show,"
           "New figures for 2022\n")


def _uploaded_at(db: Path, batch_id: int) -> datetime:
    return store.read_df(db, "SELECT uploaded_at FROM batches WHERE batch_id = ?", [batch_id])["uploaded_at"].iloc[0]


@pytest.fixture
def history(db: Path) -> tuple[Path, datetime]:
    """A store where an assessment was approved on evidence later revised, then more came: the moment
    returned is just after the approval, before the revision."""
    for name, text in (("obs.csv", FIRST), ("targets.csv", TARGETS), ("assessments.csv", APPROVED)):
        report = upload(db, name, text)
        assert report.ok, report.problems
    approved = _uploaded_at(db, report.batch_id)
    for name, text in (("revised.csv", REVISED), ("later.csv", LATER), ("indicators.csv", RENAMED),
                       ("assessments.csv", CHANGED)):
        report = upload(db, name, text)
        assert report.ok and report.new + report.revised == 1, report.problems
    return db, approved


def _value(db: Path, period: str) -> float | None:
    rows = store.read_df(db, "SELECT value FROM observations WHERE indicator = 'FAT_MALICIOUS' AND period = ?", [period])
    return None if rows.empty else rows["value"].iloc[0]


def test_asof001_as_of_a_moment_later_revisions_and_batches_are_ignored(history) -> None:
    db, approved = history
    with store.as_of(approved):
        assert _value(db, "2022") == 10 and _value(db, "2023") is None
        assert store.read_df(db, "SELECT max(revision) AS r FROM observation_history")["r"].iloc[0] == 1
        assert store.read_df(db, "SELECT name FROM indicators WHERE code = 'FAT_MALICIOUS'")["name"].iloc[0] \
            == "Fatalities from malicious acts"
        old = store.read_df(db, "SELECT rating, findings, revision FROM assessments").iloc[0]
        assert (old["rating"], old["findings"], old["revision"]) == ("at_risk", "Attacks fell by a sixth.", 1)
        assert assessments.evidence_changes(db, "UNMISS").empty
        latest = queries.progress(db, "UNMISS", "FAT_MALICIOUS").iloc[0]
        assert (latest["latest_period"], latest["latest_value"]) == ("2022", 10)
    # and today, outside the block, the store shows everything
    assert _value(db, "2022") == 14 and _value(db, "2023") == 9
    now = store.read_df(db, "SELECT rating, revision FROM assessments").iloc[0]
    assert (now["rating"], now["revision"]) == ("off_track", 2)


def test_asof002_batches_after_the_moment_are_not_counted(history) -> None:
    db, approved = history
    every = store.read_df(db, "SELECT batch_id, uploaded_at FROM batches ORDER BY batch_id")
    with store.as_of(approved):
        seen = store.read_df(db, "SELECT batch_id FROM batches ORDER BY batch_id")["batch_id"].tolist()
    assert seen == every[every["uploaded_at"] <= approved]["batch_id"].tolist()
    assert len(seen) == len(every) - 4  # the revision, the later value, the renaming, the changed assessment


def test_asof003_the_evidence_change_shows_from_the_revision_on(history) -> None:
    db, approved = history
    revised_at = _uploaded_at(db, int(store.read_df(db, "SELECT min(batch_id) AS b FROM batches WHERE file_name = "
                                                        "'revised.csv'")["b"].iloc[0]))
    with store.as_of(revised_at):  # the revision counts; the re-approval after it not yet
        changes = assessments.evidence_changes(db, "UNMISS")
        assert changes[["observation_period", "value_at_approval", "value_now"]].values.tolist() == [["2022", 10, 14]]
    with store.as_of(revised_at - timedelta(microseconds=1)):
        assert assessments.evidence_changes(db, "UNMISS").empty


def _public(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    views = [v for (v,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal "
                                       "AND database_name = current_database() AND schema_name = 'main' "
                                       "ORDER BY 1").fetchall()]
    return {v: con.execute(f'SELECT * FROM "{v}" ORDER BY ALL').fetchdf() for v in views}


def test_asof004_as_of_now_every_view_equals_today(history) -> None:
    db, _ = history
    with duckdb.connect(str(db), read_only=True) as con:
        today = _public(con)
    con = past.connect(str(db), datetime.now() + timedelta(minutes=1))  # no upload since; same day
    try:
        then = _public(con)
    finally:
        con.close()
    assert set(then) >= set(today) and len(today) > 15
    for view, frame in today.items():
        pd.testing.assert_frame_equal(then[view], frame, check_dtype=False, obj=view)


def test_asof005_the_analysts_macros_agree_with_the_views_as_of(history) -> None:
    db, approved = history
    for view, macro in (("observations", "observations_as_of"), ("targets", "targets_as_of"),
                        ("assessments", "assessments_as_of"), ("recommendations", "recommendations_as_of"),
                        ("indicators", "indicators_as_of"), ("batches", "batches_as_of")):
        for moment in (approved, datetime.now()):
            direct = store.read_df(db, f"SELECT * FROM {macro}(?::TIMESTAMP) ORDER BY ALL", [moment])
            with store.as_of(moment):
                viewed = store.read_df(db, f"SELECT * FROM {view} ORDER BY ALL")
            pd.testing.assert_frame_equal(direct, viewed, check_dtype=False, obj=f"{macro} at {moment}")
    old = store.read_df(db, "SELECT value FROM observations_as_of(?::TIMESTAMP) WHERE period = '2022'", [approved])
    assert old["value"].tolist() == [10]


def test_asof006_every_table_with_batches_is_read_as_of_the_moment(db: Path) -> None:
    """A new storage table whose rows come in batches must say how it reads in the past, or it would
    leak later rows into it."""
    columns = store.read_df(db, "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal "
                                "AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE NOT internal)")
    batched = set(columns[columns["column_name"].isin(["batch_id", "acknowledged_at", "uploaded_at"])]["table_name"])
    assert batched and batched <= set(past.TABLES), batched - set(past.TABLES)
    assert {"observation_current", "series_point", "outlier_flag"} <= set(past.TABLES)  # derived from history


def test_asof007_today_is_the_day_of_the_moment_for_staleness_and_due_dates(history) -> None:
    db, _ = history
    recs = "mission,theme,period,recommendation,owner,due\nUNMISS,5,2026,Patrol the two hot spots,Force,2027-01-31\n"
    assert upload(db, "recs.csv", recs).ok
    day_before, day_after = datetime(2027, 1, 30, 12), datetime(2027, 2, 1, 12)
    with store.as_of(day_before):
        assert store.today().isoformat() == "2027-01-30"
        assert not store.read_df(db, "SELECT overdue FROM recommendations")["overdue"].iloc[0]
        assert "recommendation_overdue" not in set(signals.find(db)["rule"])
    with store.as_of(day_after):
        assert store.read_df(db, "SELECT overdue FROM recommendations")["overdue"].iloc[0]
        assert "recommendation_overdue" in set(signals.find(db)["rule"])
        stale = store.read_df(db, "SELECT days_since_latest FROM progress WHERE indicator = 'FAT_MALICIOUS'")
        assert stale["days_since_latest"].iloc[0] == (day_after.date() - datetime(2023, 12, 31).date()).days


def test_asof008_nothing_can_be_written_as_of_a_moment(history) -> None:
    db, approved = history
    before = store.read_df(db, "SELECT count(*) AS n FROM batches")["n"].iloc[0]
    with store.as_of(approved), pytest.raises(store.StoreError, match="as it stood in the past"):
        upload(db, "later.csv", LATER.replace("2023", "2024"))
    with store.as_of(approved), pytest.raises(store.QueryError, match=r"only queries that read.*\(INSERT\)"):
        store.read_df(db, "INSERT INTO batch SELECT * FROM batch")
    assert store.read_df(db, "SELECT count(*) AS n FROM batches")["n"].iloc[0] == before


@pytest.mark.parametrize("text, expected", [
    ("2026-03-31", datetime(2026, 3, 31, 23, 59, 59, 999999)),
    ("2026-03-31T14:05:00", datetime(2026, 3, 31, 14, 5)),
    ("2026-03-31T14:05", datetime(2026, 3, 31, 14, 5)),
    ("2026-03-31 14:05:07Z", datetime(2026, 3, 31, 14, 5, 7)),
])
def test_asof009_a_date_means_the_end_of_that_day_and_a_time_is_taken_as_given(text, expected) -> None:
    assert store.parse_as_of(text) == expected


@pytest.mark.parametrize("text", ["31/03/2026", "2026-02-30", "yesterday", "2026-03-31T25:00", ""])
def test_asof010_anything_else_is_refused_with_the_accepted_forms(text) -> None:
    with pytest.raises(ValueError, match=r"give a date such as 2026-03-31 \(the end of that day, UTC\)"):
        store.parse_as_of(text)


def test_asof011_sql_and_signals_take_as_of_at_the_command_line(history, capsys) -> None:
    db, approved = history
    assert cli.main(["sql", "--db", str(db), "--as-of", approved.isoformat(), "--csv",
                     "SELECT period, value FROM series WHERE indicator = 'FAT_MALICIOUS' ORDER BY period"]) == 0
    assert capsys.readouterr().out == "period,value\n2020,12.0\n2021,11.0\n2022,10.0\n"
    assert cli.main(["sql", "--db", str(db), "--csv", "SELECT max(value) AS v FROM series"]) == 0
    assert capsys.readouterr().out == "v\n14.0\n"
    assert cli.main(["sql", "--db", str(db), "--as-of", approved.isoformat(), "DROP VIEW series"]) == 1
    assert "only queries that read can run" in capsys.readouterr().err
    assert cli.main(["signals", "--db", str(db), "--as-of", "2027-02-01"]) == 0
    assert capsys.readouterr().out.startswith("Signals as of 2027-02-01:\n")
    with pytest.raises(SystemExit) as stop:
        cli.main(["signals", "--db", str(db), "--as-of", "1/2/2027"])
    assert stop.value.code == 2 and "'1/2/2027' is not a date or a time" in capsys.readouterr().err


def test_asof012_a_store_from_before_versions_were_kept_says_how_to_upgrade(db: Path) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute("DROP TABLE indicator_revision")
    with store.as_of(datetime(2026, 1, 1)), pytest.raises(store.StoreError) as raised:
        queries.themes(db)
    assert raised.value.public.startswith("This store was written by an older PeacePulse")
    assert str(db) not in raised.value.public


def test_asof013_each_version_of_a_catalogue_entry_is_kept(db: Path) -> None:
    first = "code,name,kind,start_date\nMY_OFFICE,Liaison office,political,2024-01-01\n"
    report = upload(db, "missions.csv", first)
    assert report.ok, report.problems
    between = _uploaded_at(db, report.batch_id)
    assert upload(db, "missions.csv", first.replace("Liaison office", "Liaison and support office")).ok
    assert upload(db, "missions.csv", first.replace("Liaison office", "Liaison and support office")).unchanged == 1
    kept = store.read_df(db, "SELECT name, revision FROM mission_revision WHERE code = 'MY_OFFICE' ORDER BY revision")
    assert kept.values.tolist() == [["Liaison office", 1], ["Liaison and support office", 2]]
    with store.as_of(between):
        assert queries.missions(db).set_index("code").loc["MY_OFFICE", "name"] == "Liaison office"
    with store.as_of(between - timedelta(microseconds=1)):
        assert "MY_OFFICE" not in set(queries.missions(db)["code"])
    assert queries.missions(db).set_index("code").loc["MY_OFFICE", "name"] == "Liaison and support office"
