"""The rollups every upload keeps equal what a full recomputation from the stored rows gives."""
from __future__ import annotations

from conftest import upload

from peacepulse import demo, store
from peacepulse.store import rollups

YEARS = range(2015, 2024)


def differences(db) -> dict[str, int]:
    """Rows of each rollup not in its recomputation, plus the other way round (0 everywhere when equal)."""
    found = {}
    with store.reading(db) as con:
        for table in rollups.TABLES:
            columns = ", ".join(r[0] for r in con.execute(f"DESCRIBE {table}").fetchall())
            one = f"SELECT {columns} FROM {table}"
            other = f"SELECT {columns} FROM ({rollups.FULL[table]})"
            found[table] = con.execute(f"SELECT (SELECT count(*) FROM ({one} EXCEPT ALL {other})) + "
                                       f"(SELECT count(*) FROM ({other} EXCEPT ALL {one}))").fetchall()[0][0]
    return found


def assert_match(db) -> None:
    assert differences(db) == dict.fromkeys(rollups.TABLES, 0)
    # The public views over the rollups give what they gave when they scanned the observations.
    with store.reading(db) as con:
        series = con.execute("""SELECT count(*) FROM (
            (SELECT mission, indicator, period, value, source FROM series
             EXCEPT ALL SELECT mission, indicator, period, value, source FROM observations
             WHERE sex = 'total' AND age = 'total' AND location = 'total')
            UNION ALL
            (SELECT mission, indicator, period, value, source FROM observations
             WHERE sex = 'total' AND age = 'total' AND location = 'total'
             EXCEPT ALL SELECT mission, indicator, period, value, source FROM series))""").fetchall()[0][0]
        latest = con.execute("""SELECT count(*) FROM progress p FULL JOIN (
                SELECT mission, indicator, arg_max(value, (period_end, period_start, period)) AS value, count(*) AS n
                FROM observations WHERE sex = 'total' AND age = 'total' AND location = 'total' GROUP BY ALL) o
            USING (mission, indicator)
            WHERE p.latest_value IS DISTINCT FROM o.value OR p.n_points IS DISTINCT FROM o.n""").fetchall()[0][0]
    assert (series, latest) == (0, 0)


def rows_of(db, sql: str) -> list[tuple]:
    with store.reading(db) as con:
        return con.execute(sql).fetchall()


def _yearly(values: list[float], source: str = "Mission reporting", location: str = "") -> str:
    return "mission,indicator,period,value,location,source\n" + "".join(
        f"UNMISS,FAT_TOTAL,{y},{v},{location},{source}\n" for y, v in zip(YEARS, values))


def written(db, name: str, text: str | None = None):
    report = upload(db, name, text)
    assert report.written, report.message
    return report


def test_rollups_follow_new_rows_revisions_and_re_uploads(db):
    assert_match(db)
    written(db, "indicators-new.csv")
    written(db, "observations-new.csv")
    assert_match(db)
    written(db, "observations-corrected.csv")  # revises one headline value and its source
    assert_match(db)
    assert upload(db, "observations-corrected.csv").new == 0  # a re-upload changes nothing
    assert_match(db)
    assert rows_of(db, "SELECT period, revision FROM revised_observation WHERE indicator = 'WOMEN_MEDIATORS' "
                       "ORDER BY revision") == [("2024-Q2", 1), ("2024-Q2", 2)]


def test_outliers_appear_and_go_with_the_values_that_make_them(db):
    values = [10, 12, 11, 13, 120, 12, 11, 13, 12]
    written(db, "fatalities.csv", _yearly(values))
    written(db, "fatalities-sector.csv", _yearly(values, location="Juba"))
    assert_match(db)
    flagged = "SELECT location, period, value FROM outlier_flag WHERE mission = 'UNMISS' ORDER BY location"
    assert rows_of(db, flagged) == [("Juba", "2019", 120.0), ("total", "2019", 120.0)]
    corrected = values[:4] + [12] + values[5:]
    assert written(db, "fatalities-corrected.csv", _yearly(corrected)).revised == 1
    assert_match(db)
    assert rows_of(db, flagged) == [("Juba", "2019", 120.0)]


def test_a_revision_that_turns_synthetic_rows_real_moves_their_counts(db):
    written(db, "demo.csv", _yearly([5, 6, 7, 8, 9, 10, 11, 12, 13], source=demo.SYNTHETIC))
    written(db, "demo-sector.csv", _yearly([1] * 9, source=demo.SYNTHETIC, location="Juba"))
    counts = "SELECT synthetic, observations, revised FROM observation_summary WHERE mission = 'UNMISS' ORDER BY 1"
    assert rows_of(db, counts) == [(True, 18, 0)]
    written(db, "real.csv", _yearly([5, 6, 7, 8, 9, 10, 11, 12, 14], source="Mission reporting"))
    assert_match(db)
    assert rows_of(db, counts) == [(False, 9, 9), (True, 9, 0)]
    written(db, "real-again.csv", _yearly([5, 6, 7, 8, 9, 10, 11, 12, 15], source="Mission reporting"))
    assert_match(db)
    assert rows_of(db, "SELECT revision FROM revised_observation WHERE period = '2023' AND location = 'total' "
                       "ORDER BY revision") == [(1,), (2,), (3,)]


def test_the_demo_store_rollups_match(demo_db):
    assert_match(demo_db)


def test_rebuild_gives_the_same_rollups(db):
    written(db, "indicators-new.csv")
    written(db, "observations-new.csv")
    written(db, "observations-corrected.csv")
    before = {t: sorted(rows_of(db, f"SELECT * FROM {t}"), key=repr) for t in rollups.TABLES}
    with store.writing(db) as con:
        rollups.rebuild(con)
    assert {t: sorted(rows_of(db, f"SELECT * FROM {t}"), key=repr) for t in rollups.TABLES} == before
