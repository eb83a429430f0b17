"""Assessments: a mission's judgement of where it stands on a theme in a period, and why."""
from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from . import checks
from .cells import INDICATOR_LIST, LOWER, MISSION, PERIOD, TEXT, THEME
from .spec import Column, Kind, row_check

RATINGS = ["on_track", "at_risk", "off_track"]
WORKFLOW = ["draft", "submitted", "approved"]
KEY = ("mission", "theme", "period")


class AssessmentRows(checks.MissionRows):
    """A valid assessment row, after its cells were parsed."""

    theme: Series[float] = pa.Field(nullable=True, isin=list(range(1, 11)))
    rating: Series[str] = pa.Field(nullable=True, isin=RATINGS)
    status: Series[str] = pa.Field(isin=WORKFLOW)
    computed_status: Series[str] = pa.Field(nullable=True)
    reason: Series[str] = pa.Field(nullable=True)
    evidence_unknown: Series[str] = pa.Field(nullable=True)

    @row_check("reason", "The rating {rating} differs from the status computed from the indicators "
                         "({computed_status}), so it needs a reason: say why in the reason column.")
    def reason_for_a_different_rating(cls, df):
        differs = df["computed_status"].isin(RATINGS) & (df["rating"] != df["computed_status"])
        return ~differs | df["reason"].notna()

    @row_check("evidence", "Unknown indicator code(s) in the evidence: {evidence_unknown}. List indicator "
                           "codes of the catalogue, separated by ';'.")
    def known_evidence(cls, df):
        return df["evidence_unknown"].isna()

    @row_check("period", checks.DUPLICATE)
    def unique_key(cls, df):
        return checks.first_of_key(df)


ASSESSMENTS = Kind(
    name="assessments",
    columns=(
        Column("mission", MISSION, required=True, example="UNMISS"),
        Column("theme", THEME, required=True, example="8"),
        Column("period", PERIOD, required=True, example="2026"),
        Column("rating", LOWER, required=True, example="at_risk"),
        Column("findings", TEXT, example="Example row: patrol coverage rose, but reports of violence did not fall."),
        Column("reason", TEXT, example="Recent incidents are not yet in the indicators."),
        Column("status", LOWER, example="draft"),
        Column("participants", TEXT, example="Civil affairs; Force; Human rights"),
        Column("evidence", INDICATOR_LIST, example="CIV_CASUALTIES;OBS_PATROLS_DONE"),
    ),
    model=AssessmentRows,
    key=KEY,
    table="assessment_revision",
    stored={**{c: c for c in (*KEY, "period_type", "period_start", "period_end", "rating", "computed_status",
                              "reason", "findings", "status", "participants", "evidence")}},
    write="revision",
    current="assessments",
    # The scorecard cell as it stood when the rating was given, kept beside it but never compared.
    derived={"status": "coalesce(status, 'draft')",
             "computed_status": "(SELECT s.status FROM scorecard s WHERE s.mission = parsed_row.mission "
                                "AND s.theme = parsed_row.theme)"},
    recorded=("computed_status",),
)
