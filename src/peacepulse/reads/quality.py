"""Data-quality reads: coverage, stale series, outliers and the upload log, as DataFrames."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import store
from .queries import filters_sql

# Days a value stays current after its period ends, plus grace for late reporting.
FRESH_DAYS = {"day": (1, 7), "month": (31, 30), "quarter": (92, 45), "half": (183, 60),
              "year": (366, 90), "fiscal_year": (366, 90)}


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
    rules = " ".join(f"WHEN '{k}' THEN {a + g}" for k, (a, g) in FRESH_DAYS.items())
    ref = "current_date" if reference == "today" else "(SELECT max(period_end) FROM series)"
    return store.read_df(db, f"""
        WITH last AS (SELECT mission, indicator, arg_max(period, period_end) AS latest_period,
                             arg_max(period_type, period_end) AS period_type, max(period_end) AS latest_end
                      FROM series GROUP BY mission, indicator)
        SELECT * FROM (SELECT l.mission, l.indicator, i.name, l.period_type, l.latest_period,
                              date_diff('day', l.latest_end, {ref}) AS days_since,
                              CASE l.period_type {rules} END AS allowed_days
                       FROM last l JOIN indicators i ON i.code = l.indicator
                       JOIN missions m ON m.code = l.mission AND m.active)
        WHERE days_since > allowed_days ORDER BY days_since DESC, mission, indicator""")


def outliers(db: Path, threshold: float = 3.5, min_points: int = 5) -> pd.DataFrame:
    """Values far from their series' median: |x − median| / (1.4826 · MAD) above the threshold."""
    return store.read_df(db, """
        WITH s AS (SELECT mission, indicator, period, period_end, value, source,
                          median(value) OVER w AS median, count(*) OVER w AS n FROM series
                   WINDOW w AS (PARTITION BY mission, indicator)),
        m AS (SELECT *, median(abs(value - median)) OVER (PARTITION BY mission, indicator) AS mad FROM s)
        SELECT mission, indicator, period, value, round(median, 4) AS median, round(mad, 4) AS mad,
               round(abs(value - median) / (1.4826 * mad), 1) AS robust_z, source
        FROM m WHERE n >= ? AND mad > 0 AND abs(value - median) / (1.4826 * mad) > ?
        ORDER BY robust_z DESC""", [min_points, threshold])


def batches(db: Path) -> pd.DataFrame:
    return store.read_df(db, "SELECT * FROM batches ORDER BY batch_id DESC")
