"""Data-quality reads: coverage, stale series, outliers and the upload log, as DataFrames."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import store
from .queries import filters_sql


def coverage(db: Path, missions: list[str] | None = None) -> pd.DataFrame:
    """Mission × indicator: periods reported against the periods any of these missions reported."""
    where, params = filters_sql({"mission": missions})
    return store.read_df(db, f"""
        WITH s AS (SELECT * FROM series{where}),
        per AS (SELECT indicator, count(DISTINCT period) AS expected FROM s GROUP BY indicator)
        SELECT s.mission, s.indicator, count(DISTINCT s.period) AS periods, per.expected,
               count(DISTINCT s.period) / per.expected AS share
        FROM s JOIN per USING (indicator) GROUP BY s.mission, s.indicator, per.expected
        ORDER BY s.mission, s.indicator""", params)


def stale(db: Path, reference: str = "latest") -> pd.DataFrame:
    """Series of active missions whose newest value is older than its period type allows.

    Age counts from `reference`: 'latest' (the newest period end in the store) or 'today'.
    A closed mission stops reporting by design, so its series are never stale.
    """
    ref = "current_date" if reference == "today" else "(SELECT max(latest_period_end) FROM series_summary)"
    return store.read_df(db, f"""
        WITH last AS (SELECT mission, indicator, latest_period, latest_period_type AS period_type,
                             latest_period_end AS latest_end
                      FROM series_summary)
        SELECT * FROM (SELECT l.mission, l.indicator, i.name, l.period_type, l.latest_period,
                              date_diff('day', l.latest_end, {ref}) AS days_since,
                              c.days + c.grace_days AS allowed_days
                       FROM last l JOIN indicators i ON i.code = l.indicator
                       JOIN reporting_cycles c ON c.period_type = l.period_type
                       JOIN missions m ON m.code = l.mission AND m.active)
        WHERE days_since > allowed_days ORDER BY days_since DESC, mission, indicator""")


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
