"""Reads of the adaptive loop: the latest assessment of each theme, and the recommendations."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from .. import store
from .queries import filters_sql


def latest(db: Path, mission: str, within: tuple[date, date] | None = None) -> pd.DataFrame:
    """Per theme, the assessment of the latest period: rating beside the status computed when it was
    given, findings, workflow status, and how many of its evidence values were revised since approval.
    `within` (first day, last day) keeps only the assessments of periods inside it."""
    start, end = within or (None, None)
    return store.read_df(db, """
        SELECT a.theme, a.period, a.rating, a.computed_status, a.reason, a.findings, a.status, a.participants,
               a.evidence, a.source, a.synthetic, a.revision, a.recorded_at,
               (SELECT count(*) FROM evidence_changes e WHERE e.mission = a.mission AND e.theme = a.theme
                                                        AND e.period = a.period) AS evidence_changed
        FROM assessments a WHERE a.mission = ? AND (?::DATE IS NULL OR a.period_start >= ?::DATE)
                                               AND (?::DATE IS NULL OR a.period_end <= ?::DATE)
        QUALIFY row_number() OVER (PARTITION BY a.theme ORDER BY a.period_end DESC, a.period_start) = 1
        ORDER BY a.theme""", [mission, start, start, end, end])


def evidence_changes(db: Path, mission: str) -> pd.DataFrame:
    return store.read_df(db, """SELECT theme, period, indicator, observation_period, value_at_approval, value_now,
                                       revised_at FROM evidence_changes WHERE mission = ?
                                ORDER BY theme, period, indicator, observation_period""", [mission])


def recommendations(db: Path, mission: str | None = None, theme: int | None = None, owner: str | None = None,
                    status: str | None = None, open_only: bool = False) -> pd.DataFrame:
    """Recommendations, overdue ones first, then by due date; open ones only when asked."""
    where, params = filters_sql({"mission": mission, "theme": theme, "owner": owner, "status": status,
                                 "open": True if open_only else None})
    return store.read_df(db, f"""
        SELECT mission, theme, period, recommendation, owner, due, status, overdue, open, progress_update,
               source, synthetic, completed_at, recorded_at
        FROM recommendations{where}
        ORDER BY overdue DESC, open DESC, due, mission, theme, recommendation""", params)
