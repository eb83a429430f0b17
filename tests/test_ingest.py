"""The upload life cycle: new codes, no-op re-uploads, revisions, dry runs, one transaction."""
from conftest import FIXTURES, held_open, upload

from peacepulse import ingest, store


def history(db):
    return store.read_df(db, """SELECT mission, indicator, period, sex, value, revision, batch_id
                                FROM observation_history ORDER BY indicator, period, sex, revision""")


def test_new_indicators_then_observations_that_use_them(db):
    indicators = upload(db, "indicators-new.csv")
    assert (indicators.kind, indicators.new, indicators.written) == ("indicators", 2, True)
    meta = store.read_df(db, "SELECT code, primary_theme, themes::VARCHAR AS themes, measure, kpi FROM indicators "
                             "WHERE code IN ('WOMEN_MEDIATORS', 'RADIO_REACH') ORDER BY code")
    assert meta.to_dict("records") == [
        {"code": "RADIO_REACH", "primary_theme": 10, "themes": "[10, 8]", "measure": "count", "kpi": False},
        {"code": "WOMEN_MEDIATORS", "primary_theme": 8, "themes": "[8, 3]", "measure": "percent", "kpi": True}]
    report = upload(db, "observations-new.csv")
    assert (report.kind, report.rows, report.new, report.revised, report.unchanged) == ("observations", 6, 6, 0, 0)
    assert report.message == "Written: 6 new, 0 revised, 0 unchanged (observations)."
    series = store.read_df(db, "SELECT indicator, period, value FROM series ORDER BY indicator, period")
    assert series.values.tolist() == [["RADIO_REACH", "2024-Q1", 120000.0], ["RADIO_REACH", "2024-Q2", 125000.0],
                                      ["WOMEN_MEDIATORS", "2024-Q1", 18.5], ["WOMEN_MEDIATORS", "2024-Q2", 21.0]]


def test_identical_upload_changes_nothing(db):
    upload(db, "indicators-new.csv")
    upload(db, "observations-new.csv")
    batches = len(store.read_df(db, "SELECT * FROM batches"))
    again = upload(db, "observations-new.csv")
    assert (again.new, again.revised, again.unchanged, again.written) == (0, 0, 6, False)
    assert again.message == "Nothing to change: all 6 rows are already in the store."
    assert len(store.read_df(db, "SELECT * FROM batches")) == batches
    assert len(history(db)) == 6


def test_corrected_file_makes_revisions_and_keeps_the_old_value(db):
    upload(db, "indicators-new.csv")
    first = upload(db, "observations-new.csv")
    corrected = upload(db, "observations-corrected.csv")
    assert (corrected.new, corrected.revised, corrected.unchanged) == (1, 1, 5)
    revised = history(db).query("indicator == 'WOMEN_MEDIATORS' and period == '2024-Q2'")
    assert revised[["value", "revision"]].values.tolist() == [[21.0, 1], [22.4, 2]]
    assert revised["batch_id"].tolist() == [first.batch_id, corrected.batch_id]
    current = store.read_df(db, "SELECT value, revision, source FROM observations "
                                "WHERE indicator = 'WOMEN_MEDIATORS' AND period = '2024-Q2'")
    assert current.values.tolist() == [[22.4, 2, "Civil Affairs records (revised)"]]
    assert len(store.read_df(db, "SELECT * FROM observations")) == 7


def test_dry_run_reports_counts_and_writes_nothing(db):
    upload(db, "indicators-new.csv")
    upload(db, "observations-new.csv")
    dry = upload(db, "observations-corrected.csv", commit=False)
    assert (dry.new, dry.revised, dry.unchanged, dry.written) == (1, 1, 5, False)
    assert dry.message == "Would write: 1 new, 1 revised, 5 unchanged (observations)."
    assert len(history(db)) == 6


def test_files_of_one_call_share_one_transaction(db):
    files = [(name, (FIXTURES / name).read_bytes())
             for name in ("indicators-new.csv", "observations-new.csv", "observations-broken.csv")]
    reports = ingest.ingest_many(db, files, commit=True)
    assert [r.ok for r in reports] == [True, True, False]
    assert not any(r.written for r in reports)
    codes = store.read_df(db, "SELECT code FROM indicators WHERE code = 'WOMEN_MEDIATORS'")
    assert codes.empty and history(db).empty


def test_dry_run_of_several_files_sees_the_earlier_ones(db):
    files = [(name, (FIXTURES / name).read_bytes()) for name in ("indicators-new.csv", "observations-new.csv")]
    reports = ingest.ingest_many(db, files, commit=False)
    assert [(r.ok, r.new) for r in reports] == [(True, 2), (True, 6)]
    assert store.read_df(db, "SELECT count(*) AS n FROM indicators WHERE code = 'RADIO_REACH'")["n"][0] == 0


def test_each_upload_is_recorded_in_batches(db):
    upload(db, "indicators-new.csv")
    upload(db, "observations-new.csv")
    batch = store.read_df(db, "SELECT * FROM batches ORDER BY batch_id DESC LIMIT 1").iloc[0]
    assert (batch["kind"], batch["file_name"], batch["rows_in_file"], batch["rows_new"], batch["origin"]) == (
        "observations", "observations-new.csv", 6, 6, "test")
    assert len(batch["sha256"]) == 64


def test_targets_are_revised_like_observations(db):
    upload(db, "indicators-new.csv")
    first = upload(db, "targets-new.csv")
    assert (first.kind, first.new) == ("targets", 2)
    changed = (FIXTURES / "targets-new.csv").read_text().replace("2026,30,15", "2026,35,15")
    second = upload(db, "targets-new.csv", changed)
    assert (second.new, second.revised, second.unchanged) == (0, 1, 1)
    target = store.read_df(db, "SELECT target, revision FROM targets WHERE indicator = 'WOMEN_MEDIATORS'")
    assert target.values.tolist() == [[35.0, 2]]


def test_missing_store_is_a_clear_error(tmp_path):
    try:
        ingest.ingest_upload(tmp_path / "none.duckdb", "x.csv", b"a,b\n", commit=True)
    except store.StoreError as err:
        assert "There is no store at" in str(err) and "peacepulse init" in str(err)
    else:
        raise AssertionError("expected a StoreError")


def test_checking_one_file_works_while_an_analyst_reads_the_store(db):
    with held_open(db, read_only=True):  # e.g. DBeaver or the duckdb CLI with -readonly
        dry = upload(db, "indicators-new.csv", commit=False)
    assert (dry.ok, dry.new, dry.written) == (True, 2, False)
    assert dry.message == "Would write: 2 new, 0 revised, 0 unchanged (indicators)."


def test_an_observation_may_state_its_confidence(db):
    report = upload(db, "obs.csv", "mission,indicator,period,value,confidence\nUNMISS,FAT_TOTAL,2020,3,High\n"
                                   "UNMISS,FAT_TOTAL,2021,4,\n")
    assert report.written, report.problems
    rows = store.read_df(db, "SELECT period, coalesce(confidence, '(none)') AS c FROM observations ORDER BY period")
    assert rows.values.tolist() == [["2020", "high"], ["2021", "(none)"]]
    bad = upload(db, "obs.csv", "mission,indicator,period,value,confidence\nUNMISS,FAT_TOTAL,2022,3,sure\n")
    assert bad.problems["problem"].tolist() == [
        "'sure' is not an accepted confidence. Use one of: high, medium, low."]


def test_a_dry_run_lists_the_series_that_would_change(db):
    upload(db, "obs.csv", "mission,indicator,period,value\nUNMISS,FAT_TOTAL,2020,3\nUNMISS,FAT_TOTAL,2021,4\n")
    report = upload(db, "obs.csv", "mission,indicator,period,value\nUNMISS,FAT_TOTAL,2020,3\nUNMISS,FAT_TOTAL,2021,5\n"
                                   "UNMISS,FAT_TOTAL,2022,6\nMINUSCA,FAT_TOTAL,2022,1\n", commit=False)
    assert report.changes.values.tolist() == [["MINUSCA", "FAT_TOTAL", 1, 0], ["UNMISS", "FAT_TOTAL", 1, 1]]
    assert list(report.changes.columns) == ["mission", "indicator", "new", "revised"]
