"""Rollups of the observations, kept in the transaction of every write so that reads never scan all rows.

The tables (created by migration 010) and what each holds, by its full definition in FULL:

- ``series_point``: the headline rows (sex, age and location all 'total'); behind the ``series`` view.
- ``series_summary``: per mission and indicator, the first and latest headline value and how many;
  behind the ``progress`` view.
- ``observation_summary``: per mission, indicator and real or synthetic, how many rows, the latest
  period, which breakdowns occur and how many keys were revised; for the headline figures.
- ``revised_observation``: every revision of the keys revised at least once.
- ``outlier_flag``: the values the rule in peacepulse.outliers flags, over every series.

``refresh`` brings them up to date after one batch was written; ``rebuild`` recomputes them all.
A test checks that the two always agree.
"""
from __future__ import annotations

import duckdb

from ..outliers import SERIES, outlier_sql

TABLES = ("series_point", "series_summary", "observation_summary", "revised_observation", "outlier_flag")
SYNTHETIC = "coalesce(lower(trim(source)) = 'synthetic', false)"
HEADLINE = "sex = 'total' AND age = 'total' AND location = 'total'"
KEY = "mission, indicator, period, sex, age, location"
_ORDER = "(period_end, period_start, period)"
_LATEST = "(latest_period_end, latest_period_start, latest_period)"


def _series_summary(points: str) -> str:
    return f"""
        SELECT mission, indicator,
               arg_max(period, {_ORDER}) AS latest_period, arg_max(period_type, {_ORDER}) AS latest_period_type,
               max(period_end) AS latest_period_end, arg_max(value, {_ORDER}) AS latest_value,
               arg_min(period, {_ORDER}) AS first_period, min(period_end) AS first_period_end,
               arg_min(value, {_ORDER}) AS first_value, count(*) AS n_points,
               bool_or({SYNTHETIC}) AS synthetic
        FROM {points} GROUP BY mission, indicator"""


def _observation_summary(rows: str) -> str:
    return f"""
        SELECT mission, indicator, {SYNTHETIC} AS synthetic, count(*) AS observations,
               arg_max(period, {_ORDER}) AS latest_period, arg_max(period_start, {_ORDER}) AS latest_period_start,
               max(period_end) AS latest_period_end,
               bool_or(sex <> 'total') AS by_sex, bool_or(age <> 'total') AS by_age,
               bool_or(location <> 'total') AS by_location, count(*) FILTER (WHERE revision > 1) AS revised
        FROM {rows} GROUP BY ALL"""


def _outliers(rows: str) -> str:
    pool = f"(SELECT {', '.join(SERIES)}, period, period_end, value, NULL::INTEGER AS line FROM {rows})"
    return f"""
        SELECT f.mission, f.indicator, f.sex, f.age, f.location, f.period, f.value,
               round(f.median, 4) AS median, round(f.scale, 4) AS scale, round(f.score, 1) AS score, c.source
        FROM ({outlier_sql(pool)}) f JOIN {rows} c USING (mission, indicator, sex, age, location, period)"""


# What each rollup holds, recomputed from the stored rows.
FULL = {
    "series_point": f"""SELECT mission, indicator, period, period_type, period_start, period_end, value, source
                        FROM observation_current WHERE {HEADLINE}""",
    "series_summary": _series_summary("series_point"),
    "observation_summary": _observation_summary("observation_current"),
    "revised_observation": f"""SELECT * FROM observation_revision
                               QUALIFY max(revision) OVER (PARTITION BY {KEY}) > 1""",
    "outlier_flag": _outliers("observation_current"),
}


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every rollup from the stored rows, inside the caller's transaction."""
    for table in TABLES:
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} BY NAME {FULL[table]}")


def refresh(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    """Bring the rollups up to date after batch `batch_id` of observations was written (same transaction).

    The written rows are the batch's rows of observation_revision: revision 1 for a new key, more
    for a revised one. Only the series they touch are recomputed; rows that are new to a mission and
    indicator with no revision in the batch are added to its summary without reading the others.
    """
    written = f"(SELECT * FROM observation_revision WHERE batch_id = {int(batch_id)})"
    con.execute(f"CREATE OR REPLACE TEMP TABLE rollup_written AS SELECT * FROM {written}")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE rollup_pairs AS
                    SELECT mission, indicator, bool_or(revision > 1) AS revised, bool_or({HEADLINE}) AS headline
                    FROM rollup_written GROUP BY ALL""")
    # Headline points, and the per-series summary over them (a small table).
    con.execute(f"""DELETE FROM series_point p USING rollup_written w
                    WHERE w.revision > 1 AND w.{HEADLINE.replace(' AND ', ' AND w.')}
                      AND p.mission = w.mission AND p.indicator = w.indicator AND p.period = w.period""")
    con.execute(f"INSERT INTO series_point BY NAME {FULL['series_point'].replace('observation_current', 'rollup_written')}")
    # Only series whose headline rows changed need their summary again.
    con.execute("DELETE FROM series_summary s USING rollup_pairs p "
                "WHERE p.headline AND s.mission = p.mission AND s.indicator = p.indicator")
    headline_pairs = "(SELECT mission, indicator FROM rollup_pairs WHERE headline)"
    con.execute(f"""INSERT INTO series_summary BY NAME
                    {_series_summary(f'(SELECT * FROM series_point SEMI JOIN {headline_pairs} USING (mission, indicator))')}""")
    # Row counts: a pair with a revision in this batch is recounted from its stored rows (a revision may
    # move a row between real and synthetic); the others only gain the new rows.
    only_new = "(SELECT * FROM rollup_pairs WHERE NOT revised)"
    pair = "USING (mission, indicator)"
    stored_rows = f"(SELECT * FROM observation_current SEMI JOIN (SELECT * FROM rollup_pairs WHERE revised) {pair})"
    new_rows = f"(SELECT * FROM rollup_written SEMI JOIN {only_new} {pair})"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE rollup_counts AS
        WITH parts AS (
            SELECT * FROM observation_summary SEMI JOIN {only_new} USING (mission, indicator)
            UNION ALL BY NAME {_observation_summary(new_rows)}
            UNION ALL BY NAME {_observation_summary(stored_rows)})
        SELECT mission, indicator, synthetic, sum(observations) AS observations,
               arg_max(latest_period, {_LATEST}) AS latest_period,
               arg_max(latest_period_start, {_LATEST}) AS latest_period_start, max(latest_period_end) AS latest_period_end,
               bool_or(by_sex) AS by_sex, bool_or(by_age) AS by_age, bool_or(by_location) AS by_location,
               sum(revised) AS revised
        FROM parts GROUP BY ALL""")
    con.execute("DELETE FROM observation_summary s USING rollup_pairs p "
                "WHERE s.mission = p.mission AND s.indicator = p.indicator")
    con.execute("INSERT INTO observation_summary BY NAME SELECT * FROM rollup_counts")
    # History of revised keys: on a key's first revision its first row joins it.
    con.execute(f"""INSERT INTO revised_observation BY NAME
                    SELECT r.* FROM observation_revision r
                    SEMI JOIN (SELECT {KEY} FROM rollup_written WHERE revision = 2) USING ({KEY})
                    WHERE r.revision = 1""")
    con.execute("INSERT INTO revised_observation BY NAME SELECT * FROM rollup_written WHERE revision > 1")
    # Outliers: every series the batch touches is judged again, over all its rows.
    series = ", ".join(SERIES)
    # Only the columns the rule reads: the rows of the touched series can be most of the store.
    con.execute(f"""CREATE OR REPLACE TEMP TABLE rollup_series AS
                    SELECT {series}, period, period_end, value, source FROM observation_current
                    SEMI JOIN (SELECT DISTINCT {series} FROM rollup_written) USING ({series})""")
    con.execute("DELETE FROM outlier_flag f USING (SELECT DISTINCT " + series + " FROM rollup_written) s WHERE "
                + " AND ".join(f"f.{c} = s.{c}" for c in SERIES))
    con.execute(f"INSERT INTO outlier_flag BY NAME {_outliers('rollup_series')}")
    con.execute("DROP TABLE rollup_written; DROP TABLE rollup_pairs; DROP TABLE rollup_counts; DROP TABLE rollup_series")
