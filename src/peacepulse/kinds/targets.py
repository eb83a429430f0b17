"""Targets: what a mission aims for on an indicator by a period, optionally from a baseline."""
from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from . import checks
from .cells import INDICATOR, MISSION, NUMBER, PERIOD, TEXT
from .spec import Column, Kind, row_check


class TargetRows(checks.CatalogueRows):
    """A valid target row, after its cells were parsed."""

    target: Series[float] = pa.Field(nullable=True)
    baseline: Series[float] = pa.Field(nullable=True)
    indicator_direction: Series[str] = pa.Field(nullable=True)

    @row_check("target", "{target} is outside 0-100, but this indicator is a percentage.")
    def percent_range(cls, df):
        return checks.within_percent(df["target"], df["indicator_measure"])

    @row_check("baseline", "{baseline} is outside 0-100, but this indicator is a percentage.")
    def baseline_percent_range(cls, df):
        return checks.within_percent(df["baseline"], df["indicator_measure"])

    @row_check("target", "{target} is negative, but this indicator counts things and cannot be below zero.")
    def not_negative(cls, df):
        return checks.not_negative(df["target"], df["indicator_measure"])

    @row_check("target", "The target {target} is on the wrong side of the baseline {baseline}: indicator "
                         "{indicator} should {indicator_direction}, so this target would count a change for the "
                         "worse as progress. Check the target, the baseline and the indicator's direction.")
    def beyond_baseline(cls, df):
        """A target equal to its baseline holds the level; otherwise it lies the way the indicator should go."""
        both = df["target"].notna() & df["baseline"].notna()
        up = df["indicator_direction"] == "increase"
        down = df["indicator_direction"] == "decrease"
        wrong = (up & (df["target"] < df["baseline"])) | (down & (df["target"] > df["baseline"]))
        return ~(both & wrong)

    @row_check("period", checks.DUPLICATE)
    def unique_key(cls, df):
        return checks.first_of_key(df)


TARGETS = Kind(
    name="targets",
    columns=(
        Column("mission", MISSION, required=True, example="UNMISS"),
        Column("indicator", INDICATOR, required=True, example="UNIF_WOMEN_SHARE"),
        Column("period", PERIOD, required=True, example="2028"),
        Column("target", NUMBER, required=True, example="15"),
        Column("baseline", NUMBER, example="7.5"),
        Column("baseline_period", PERIOD, example="2024"),
        Column("comment", TEXT, example="Example row: replace it with your own target"),
    ),
    model=TargetRows,
    key=("mission", "indicator", "period"),
    table="target_revision",
    stored={**{c: c for c in ("mission", "indicator", "period", "period_type", "period_start", "period_end",
                              "target", "baseline", "baseline_period")},
            "baseline_end": "baseline_period_end", "comment": "comment"},
    write="revision",
    current="targets",
)
