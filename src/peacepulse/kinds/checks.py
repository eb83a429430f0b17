"""Checks shared by several kinds, so each rule is written once."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .spec import row_check

DUPLICATE = "Duplicate row: {key_text} already appears on line {key_first_line}."


def within_percent(values: pd.Series, measure: pd.Series) -> pd.Series:
    return values.isna() | (measure != "percent") | values.between(0, 100)


def not_negative(values: pd.Series, measure: pd.Series) -> pd.Series:
    return values.isna() | ~measure.isin(["count", "days"]) | (values >= 0)


def first_of_key(df: pd.DataFrame) -> pd.Series:
    """True for the first row of each key. The first line of every key is worked out in SQL
    before the checks run (`key_first_line`), which is far cheaper than comparing here."""
    return df["key_first_line"].isna() | (df["key_first_line"] == df.index)


class KeyedRows(pa.DataFrameModel):
    """Rows with a key; `key_first_line` is the first line of the file holding the same key."""

    key_first_line: Series[float] = pa.Field(nullable=True)


class MissionCodeRows(KeyedRows):
    """Rows that refer to a mission of the catalogue."""

    mission_known: Series[bool]

    @row_check("mission", "Unknown mission code '{mission}'.{closest_mission}")
    def known_mission(cls, df):
        return df["mission_known"]


class CatalogueRows(MissionCodeRows):
    """Rows that refer to a mission and an indicator of the catalogue."""

    indicator_known: Series[bool]
    indicator_measure: Series[str] = pa.Field(nullable=True)

    @row_check("indicator", "Unknown indicator code '{indicator}'.{closest_indicator}")
    def known_indicator(cls, df):
        return df["indicator_known"]
