"""What a valid row is, per kind of file: pandera models that read as the specification.

They run on frames that parsing.py has already typed. Columns starting with
``ctx_`` carry what the catalogue says about each row (does the mission exist,
what does the indicator measure), added by validate.py before the checks run.
Cells that failed to parse are null here and were reported already, so every
check lets nulls pass.
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .kinds.periods import PERIOD_TYPES

SEX = ["total", "female", "male", "other"]
DIRECTIONS = ["increase", "decrease"]
MEASURES = ["count", "percent", "rate", "index", "days", "ratio", "score"]
RESULT_LEVELS = ["output", "outcome", "impact"]
MISSION_KINDS = ["peacekeeping", "political", "regional", "headquarters"]
OBSERVATION_KEY = ["mission", "indicator", "period", "sex", "age", "location"]
TARGET_KEY = ["mission", "indicator", "period"]


def _repeats(df: pd.DataFrame, key: list[str]) -> pd.Series:
    complete = df[key].notna().all(axis=1)
    return ~(complete & df.duplicated(key, keep="first"))


class _CatalogueRows(pa.DataFrameModel):
    """Rows that refer to a mission and an indicator of the catalogue."""

    ctx_mission_known: Series[bool]
    ctx_indicator_known: Series[bool]
    ctx_measure: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(name="known_mission")
    def known_mission(cls, df: pd.DataFrame) -> pd.Series:
        return df["mission"].isna() | df["ctx_mission_known"]

    @pa.dataframe_check(name="known_indicator")
    def known_indicator(cls, df: pd.DataFrame) -> pd.Series:
        return df["indicator"].isna() | df["ctx_indicator_known"]


def _in_range(values: pd.Series, measure: pd.Series) -> pd.Series:
    return values.isna() | (measure != "percent") | values.between(0, 100)


def _not_negative(values: pd.Series, measure: pd.Series) -> pd.Series:
    return values.isna() | ~measure.isin(["count", "days"]) | (values >= 0)


class ObservationRows(_CatalogueRows):
    """One measured value of an indicator, for a mission and a period."""

    mission: Series[str] = pa.Field(nullable=True)
    indicator: Series[str] = pa.Field(nullable=True)
    period: Series[str] = pa.Field(nullable=True)
    period_type: Series[str] = pa.Field(nullable=True, isin=list(PERIOD_TYPES))
    value: Series[float] = pa.Field(nullable=True)
    numerator: Series[float] = pa.Field(nullable=True, ge=0)
    denominator: Series[float] = pa.Field(nullable=True, ge=0)
    sex: Series[str] = pa.Field(isin=SEX)
    age: Series[str]
    location: Series[str]
    ctx_period_type: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(name="percent_range")
    def percent_range(cls, df: pd.DataFrame) -> pd.Series:
        return _in_range(df["value"], df["ctx_measure"])

    @pa.dataframe_check(name="not_negative")
    def not_negative(cls, df: pd.DataFrame) -> pd.Series:
        return _not_negative(df["value"], df["ctx_measure"])

    @pa.dataframe_check(name="numerator_within_denominator")
    def numerator_within_denominator(cls, df: pd.DataFrame) -> pd.Series:
        both = df["numerator"].notna() & df["denominator"].notna()
        return ~both | (df["numerator"] <= df["denominator"])

    @pa.dataframe_check(name="period_fits_indicator")
    def period_fits_indicator(cls, df: pd.DataFrame) -> pd.Series:
        expected = df["ctx_period_type"]
        return df["period_type"].isna() | expected.isna() | (df["period_type"] == expected)

    @pa.dataframe_check(name="duplicate_key")
    def unique_key(cls, df: pd.DataFrame) -> pd.Series:
        return _repeats(df, OBSERVATION_KEY)


class TargetRows(_CatalogueRows):
    """A target, and optionally a baseline, for an indicator in a mission."""

    mission: Series[str] = pa.Field(nullable=True)
    indicator: Series[str] = pa.Field(nullable=True)
    period: Series[str] = pa.Field(nullable=True)
    target: Series[float] = pa.Field(nullable=True)
    baseline: Series[float] = pa.Field(nullable=True)

    @pa.dataframe_check(name="percent_range")
    def percent_range(cls, df: pd.DataFrame) -> pd.Series:
        return _in_range(df["target"], df["ctx_measure"])

    @pa.dataframe_check(name="baseline_percent_range")
    def baseline_percent_range(cls, df: pd.DataFrame) -> pd.Series:
        return _in_range(df["baseline"], df["ctx_measure"])

    @pa.dataframe_check(name="not_negative")
    def not_negative(cls, df: pd.DataFrame) -> pd.Series:
        return _not_negative(df["target"], df["ctx_measure"])

    @pa.dataframe_check(name="duplicate_key")
    def unique_key(cls, df: pd.DataFrame) -> pd.Series:
        return _repeats(df, TARGET_KEY)


class IndicatorRows(pa.DataFrameModel):
    """An indicator of a results framework, mapped to the ten themes."""

    code: Series[str] = pa.Field(nullable=True, str_matches=r"^[A-Za-z0-9][A-Za-z0-9_. \-]{0,39}$")
    name: Series[str] = pa.Field(nullable=True)
    unit: Series[str] = pa.Field(nullable=True)
    direction: Series[str] = pa.Field(nullable=True, isin=DIRECTIONS)
    period_type: Series[str] = pa.Field(nullable=True, isin=list(PERIOD_TYPES))
    measure: Series[str] = pa.Field(nullable=True, isin=MEASURES)
    result_level: Series[str] = pa.Field(nullable=True, isin=RESULT_LEVELS)

    @pa.dataframe_check(name="percent_unit")
    def percent_unit(cls, df: pd.DataFrame) -> pd.Series:
        return ~((df["measure"] == "percent") & df["unit"].notna() & ~df["unit"].str.contains("%"))

    @pa.dataframe_check(name="duplicate_key")
    def unique_key(cls, df: pd.DataFrame) -> pd.Series:
        return _repeats(df, ["code"])


class MissionRows(pa.DataFrameModel):
    """A mission or other entity whose performance is assessed."""

    code: Series[str] = pa.Field(nullable=True, str_matches=r"^[A-Za-z0-9][A-Za-z0-9_. \-]{0,39}$")
    name: Series[str] = pa.Field(nullable=True)
    kind: Series[str] = pa.Field(nullable=True, isin=MISSION_KINDS)
    latitude: Series[float] = pa.Field(nullable=True, in_range={"min_value": -90, "max_value": 90})
    longitude: Series[float] = pa.Field(nullable=True, in_range={"min_value": -180, "max_value": 180})

    @pa.dataframe_check(name="dates_in_order")
    def dates_in_order(cls, df: pd.DataFrame) -> pd.Series:
        both = df["start_date"].notna() & df["end_date"].notna()
        return ~both | (df["start_date"] <= df["end_date"])

    @pa.dataframe_check(name="duplicate_key")
    def unique_key(cls, df: pd.DataFrame) -> pd.Series:
        return _repeats(df, ["code"])


MODELS = {"observations": ObservationRows, "targets": TargetRows,
          "indicators": IndicatorRows, "missions": MissionRows}
