"""Recommendations: what an assessment asks someone to do by a date, and how far it has got."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from . import checks
from .cells import DATE, LOWER, MISSION, PERIOD, TEXT, THEME
from .spec import Column, Kind, row_check

STATUSES = ["not_started", "in_progress", "constrained", "completed", "dropped"]
KEY = ("mission", "theme", "period", "recommendation")


class RecommendationRows(checks.MissionCodeRows):
    """A valid recommendation row, after its cells were parsed."""

    theme: Series[float] = pa.Field(nullable=True, isin=list(range(1, 11)))
    status: Series[str] = pa.Field(isin=STATUSES)
    due: Series[object] = pa.Field(nullable=True)
    period_start: Series[object] = pa.Field(nullable=True)

    @row_check("due", "The due date {due} is before the start of the assessment period {period}: a "
                      "recommendation falls due after the assessment that made it.")
    def due_after_the_period_began(cls, df):
        due, start = pd.to_datetime(df["due"]), pd.to_datetime(df["period_start"])
        return due.isna() | start.isna() | (due >= start)

    @row_check("recommendation", checks.DUPLICATE)
    def unique_key(cls, df):
        return checks.first_of_key(df)


RECOMMENDATIONS = Kind(
    name="recommendations",
    columns=(
        Column("mission", MISSION, required=True, example="UNMISS"),
        Column("theme", THEME, required=True, example="8"),
        Column("period", PERIOD, required=True, example="2026"),
        Column("recommendation", TEXT, required=True, example="Example row: add night patrols to the two "
                                                               "counties with most reported incidents."),
        Column("owner", TEXT, required=True, example="Force Chief of Staff"),
        Column("due", DATE, required=True, example="2027-03-31"),
        Column("status", LOWER, example="in_progress"),
        Column("update", TEXT, example="Patrol plan drafted; waiting for helicopter hours."),
        Column("source", TEXT, example="example"),
    ),
    model=RecommendationRows,
    key=KEY,
    table="recommendation_revision",
    stored={**{c: c for c in (*KEY, "period_type", "period_start", "period_end", "owner", "due", "status",
                              "completed_at", "source")}, "progress_update": "update"},
    write="revision",
    current="recommendations",
    # Completed when first reported completed; a later revision of a completed one keeps that day.
    derived={"status": "coalesce(status, 'not_started')",
             "completed_at": "CASE WHEN coalesce(parsed_row.status, 'not_started') = 'completed' THEN coalesce("
                             "(SELECT r.completed_at FROM recommendations r WHERE r.mission = parsed_row.mission "
                             "AND r.theme = parsed_row.theme AND r.period = parsed_row.period "
                             "AND r.recommendation = parsed_row.recommendation), current_date::TIMESTAMP) END"},
    recorded=("completed_at",),
)
