"""Data-quality reads: coverage, stale series, outliers and the upload log, as DataFrames."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import store
from .queries import filters_sql

# A period's number in a count of periods of its type: months from year 0 in steps of the period's
# length (the UN budget year starts in July), or days.
_BUCKET = """CASE {t} WHEN 'day' THEN date_diff('day', DATE '2000-01-01', {d})
    ELSE floor((year({d}) * 12 + month({d}) - 1 - CASE {t} WHEN 'fiscal_year' THEN 6 ELSE 0 END)
               / CASE {t} WHEN 'year' THEN 12 WHEN 'fiscal_year' THEN 12 WHEN 'half' THEN 6
                          WHEN 'quarter' THEN 3 ELSE 1 END)::BIGINT END"""


def _bucket(period_type: str, day: str) -> str:
    return _BUCKET.format(t=period_type, d=day)


def coverage(db: Path, missions: list[str] | None = None) -> pd.DataFrame:
    """Mission × indicator: periods reported out of the periods the indicator should have.

    Those are the periods of the indicator's type (else of its latest value) that fall within the
    mission's life, from the later of its start and the indicator's first value anywhere, to the end
    of the last period that has ended by today or by the mission's end.
    """
    where, params = filters_sql({"s.mission": missions})
    today = f"DATE '{store.today().isoformat()}'"  # the as-of day when reading the past
    return store.read_df(db, f"""
        WITH typed AS (
            SELECT s.mission, s.indicator, coalesce(i.period_type, s.latest_type) AS period_type
            FROM (SELECT mission, indicator, arg_max(period_type, (period_end, period_start)) AS latest_type
                  FROM series s{where} GROUP BY ALL) s
            JOIN indicators i ON i.code = s.indicator),
        first_anywhere AS (SELECT indicator, period_type, min(period_start) AS first_start
                           FROM series GROUP BY ALL),
        spans AS (
            SELECT t.*, greatest(coalesce(m.start_date, f.first_start), f.first_start) AS from_day,
                   least(coalesce(m.end_date, {today}), {today}) AS to_day,
                   m.end_date IS NOT NULL AND m.end_date < {today} AS ended
            FROM typed t JOIN missions m ON m.code = t.mission
            JOIN first_anywhere f ON f.indicator = t.indicator AND f.period_type = t.period_type),
        bounds AS (
            SELECT *, {_bucket("period_type", "from_day")} AS lo,
                   {_bucket("period_type", "to_day")}
                   - CASE WHEN ended OR {_bucket("period_type", "to_day + 1")} <> {_bucket("period_type", "to_day")}
                          THEN 0 ELSE 1 END AS hi
            FROM spans),
        reported AS (
            SELECT b.mission, b.indicator, count(DISTINCT {_bucket("s.period_type", "s.period_start")}) AS periods
            FROM bounds b JOIN series s ON s.mission = b.mission AND s.indicator = b.indicator
                                      AND s.period_type = b.period_type
            WHERE {_bucket("s.period_type", "s.period_start")} BETWEEN b.lo AND b.hi
            GROUP BY ALL)
        SELECT b.mission, b.indicator, b.period_type, b.from_day, b.to_day,
               coalesce(r.periods, 0) AS periods, greatest(b.hi - b.lo + 1, 0) AS expected,
               CASE WHEN b.hi >= b.lo THEN least(coalesce(r.periods, 0) / (b.hi - b.lo + 1), 1) END AS share
        FROM bounds b LEFT JOIN reported r USING (mission, indicator)
        ORDER BY b.mission, b.indicator""", params)


def stale(db: Path) -> pd.DataFrame:
    """Series whose newest value is older than its period type's reporting cycle allows, counted to today:
    the `stale` flag of the progress view, so the list and every status badge agree. A mission that has
    ended stops reporting by design, so its series are never stale."""
    return store.read_df(db, """
        SELECT p.mission, p.indicator, i.name, s.latest_period_type AS period_type, p.latest_period,
               p.days_since_latest AS days_since, c.days + c.grace_days AS allowed_days
        FROM progress p JOIN indicators i ON i.code = p.indicator
        JOIN series_summary s ON s.mission = p.mission AND s.indicator = p.indicator
        JOIN reporting_cycles c ON c.period_type = s.latest_period_type
        WHERE p.stale ORDER BY days_since DESC, p.mission, p.indicator""")


def reporting_cycles(db: Path) -> pd.DataFrame:
    """How long a value of each period type stays current; the same rule marks progress as stale."""
    return store.read_df(db, "SELECT * FROM reporting_cycles ORDER BY days")


def outliers(db: Path) -> pd.DataFrame:
    """Values far from their neighbours in the same series, by the rule in peacepulse.outliers.

    Every upload judges the series it touches again and keeps the flagged values in outlier_flag."""
    return store.read_df(db, """
        SELECT mission, indicator, sex, age, location, period, value, median, scale, score, source
        FROM outlier_flag ORDER BY score DESC, mission, indicator, period""")


def batches(db: Path) -> pd.DataFrame:
    return store.read_df(db, "SELECT * FROM batches ORDER BY batch_id DESC")
