"""Assessments: a mission's judgement of where it stands on a theme in a period, and why."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from . import checks
from .cells import INDICATOR_LIST, LOWER, MISSION, PERIOD, TEXT, THEME
from .spec import Column, Kind, row_check

RATINGS = ["on_track", "at_risk", "off_track"]
WORKFLOW = ["draft", "submitted", "approved"]
# The statuses a stored assessment may move to: draft, then submitted, then approved; back to draft
# with a comment. An approved one stays approved unless reopened as a draft, with a comment.
MOVES = {"draft": {"draft", "submitted"}, "submitted": {"submitted", "approved", "draft"},
         "approved": {"approved", "draft"}}
KEY = ("mission", "theme", "period")
CONTENT = ("rating", "findings", "reason", "participants", "evidence")
_SAME_KEY = " AND ".join(f"a.{k} = parsed_row.{k}" for k in KEY)
_SAME_CONTENT = " AND ".join(f"a.{c} IS NOT DISTINCT FROM parsed_row.{c}" for c in CONTENT)


class AssessmentRows(checks.MissionCodeRows):
    """A valid assessment row, after its cells were parsed."""

    theme: Series[float] = pa.Field(nullable=True, isin=list(range(1, 11)))
    rating: Series[str] = pa.Field(nullable=True, isin=RATINGS)
    status: Series[str] = pa.Field(isin=WORKFLOW)
    computed_status: Series[str] = pa.Field(nullable=True)
    reason: Series[str] = pa.Field(nullable=True)
    comment: Series[str] = pa.Field(nullable=True)
    previous_status: Series[str] = pa.Field(nullable=True)
    changes_approved: Series[bool] = pa.Field(nullable=True)
    evidence_unknown: Series[str] = pa.Field(nullable=True)

    @row_check("reason", "The rating {rating} differs from the status computed from the indicators "
                         "({computed_status}), so it needs a reason: say why in the reason column.")
    def reason_for_a_different_rating(cls, df):
        differs = df["rating"].notna() & df["computed_status"].isin(RATINGS) & (df["rating"] != df["computed_status"])
        return ~differs | df["reason"].notna()

    @row_check("evidence", "Unknown indicator code(s) in the evidence: {evidence_unknown}. List indicator "
                           "codes of the catalogue, separated by ';'.")
    def known_evidence(cls, df):
        return df["evidence_unknown"].isna()

    @row_check("status", "This assessment is {previous_status}; it cannot become {status} in one step. An "
                         "assessment goes from draft to submitted to approved, or back to draft with a comment.")
    def one_step_at_a_time(cls, df):
        """A new assessment may start at any status, so that approved ones can be brought in from files."""
        allowed = [pd.isna(before) or now not in WORKFLOW or now in MOVES[before]
                   for before, now in zip(df["previous_status"], df["status"])]
        return pd.Series(allowed, index=df.index)

    @row_check("comment", "Sending a submitted assessment back to draft needs a comment: say what should change.")
    def comment_to_send_back(cls, df):
        back = (df["previous_status"] == "submitted") & (df["status"] == "draft")
        return ~back | df["comment"].notna()

    @row_check("comment", "This assessment was approved, so a change to it needs a comment saying why. The "
                          "approved version is kept as an earlier revision.")
    def comment_to_change_an_approved_one(cls, df):
        return ~df["changes_approved"].fillna(False).astype(bool) | df["comment"].notna()

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
        Column("comment", TEXT, example=""),
        Column("source", TEXT, example="example"),
    ),
    model=AssessmentRows,
    key=KEY,
    table="assessment_revision",
    stored={**{c: c for c in (*KEY, "period_type", "period_start", "period_end", "rating", "computed_status",
                              "reason", "findings", "status", "participants", "evidence", "comment",
                              "source")}},
    write="revision",
    current="assessments",
    # The scorecard cell as it stood when the rating was given, kept beside it but never compared.
    derived={"status": "coalesce(status, 'draft')",
             "computed_status": "(SELECT s.status FROM scorecard s WHERE s.mission = parsed_row.mission "
                                "AND s.theme = parsed_row.theme)",
             "previous_status": f"(SELECT a.status FROM assessments a WHERE {_SAME_KEY})",
             "changes_approved": f"(SELECT NOT ({_SAME_CONTENT} AND coalesce(parsed_row.status, 'draft') = 'approved') "
                                 f"FROM assessments a WHERE {_SAME_KEY} AND a.status = 'approved')"},
    recorded=("computed_status", "comment"),
    # At approval, the headline values of the evidence up to the end of the period, as they stand.
    after_write=("""INSERT INTO assessment_evidence
        SELECT s.mission, s.theme, s.period, coalesce(s.old_revision, 0) + 1, o.indicator, o.period, o.value,
               o.revision
        FROM staged s JOIN observations o ON o.mission = s.mission
             AND list_contains(string_split(s.evidence, ';'), o.indicator)
             AND o.sex = 'total' AND o.age = 'total' AND o.location = 'total' AND o.period_end <= s.period_end
        WHERE s.change <> 'unchanged' AND s.status = 'approved'""",),
)
