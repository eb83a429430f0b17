"""Observations: one measured value of an indicator, for a mission and a period."""
from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from . import checks, warnings
from .cells import INDICATOR, LOWER, MISSION, NUMBER, PERIOD, SEX, TEXT, TOTAL_IF_EMPTY
from .spec import Column, Kind, row_check

SEX_VALUES = ["total", "female", "male", "other"]
CONFIDENCE = ["high", "medium", "low"]
KEY = ("mission", "indicator", "period", "sex", "age", "location")


class ObservationRows(checks.CatalogueRows):
    """A valid observation row, after its cells were parsed."""

    period_type: Series[str] = pa.Field(nullable=True)
    indicator_period_type: Series[str] = pa.Field(nullable=True)
    value: Series[float] = pa.Field(nullable=True)
    numerator: Series[float] = pa.Field(nullable=True, ge=0)
    denominator: Series[float] = pa.Field(nullable=True, ge=0)
    sex: Series[str] = pa.Field(isin=SEX_VALUES)
    confidence: Series[str] = pa.Field(nullable=True, isin=CONFIDENCE)

    @row_check("value", "{value} is outside 0-100, but this indicator is a percentage.")
    def percent_range(cls, df):
        return checks.within_percent(df["value"], df["indicator_measure"])

    @row_check("value", "{value} is negative, but this indicator counts things and cannot be below zero.")
    def not_negative(cls, df):
        return checks.not_negative(df["value"], df["indicator_measure"])

    @row_check("numerator", "The numerator ({numerator}) is larger than the denominator ({denominator}).")
    def numerator_within_denominator(cls, df):
        both = df["numerator"].notna() & df["denominator"].notna()
        return ~both | (df["numerator"] <= df["denominator"])

    @row_check("period", "'{period}' is a {period_type} period, but indicator {indicator} is reported "
                         "by {indicator_period_type}.")
    def period_fits_indicator(cls, df):
        expected = df["indicator_period_type"]
        return df["period_type"].isna() | expected.isna() | (df["period_type"] == expected)

    @row_check("period", checks.DUPLICATE)
    def unique_key(cls, df):
        return checks.first_of_key(df)


OBSERVATIONS = Kind(
    name="observations",
    columns=(
        Column("mission", MISSION, required=True, example="UNMISS"),
        Column("indicator", INDICATOR, required=True, example="UNIF_WOMEN_SHARE"),
        Column("period", PERIOD, required=True, example="2024"),
        Column("value", NUMBER, required=True, example="7.5"),
        Column("sex", SEX, example=""),
        Column("age", TOTAL_IF_EMPTY, example=""),
        Column("location", TOTAL_IF_EMPTY, example=""),
        Column("numerator", NUMBER, example=""),
        Column("denominator", NUMBER, example=""),
        Column("comment", TEXT, example="Example row: replace it with your own figures"),
        Column("source", TEXT, example="example"),
        Column("confidence", LOWER, example="high"),
    ),
    model=ObservationRows,
    key=KEY,
    table="observation_revision",
    stored={c: c for c in ("mission", "indicator", "period", "period_type", "period_start", "period_end",
                           "sex", "age", "location", "value", "numerator", "denominator", "comment", "source",
                           "confidence")},
    write="revision",
    current="observation_current",
    # observation_current holds the newest revision of each key, kept in the upload's own transaction.
    after_write=(
        "DELETE FROM observation_current c USING staged s WHERE s.change = 'revised' AND "
        + " AND ".join(f"c.{k} = s.{k}" for k in KEY),
        "INSERT INTO observation_current SELECT * FROM observation_revision WHERE batch_id = {batch_id}",
    ),
    warnings=(warnings.OUTSIDE_MISSION, warnings.NOT_BEGUN, warnings.OUTLIER),
)
