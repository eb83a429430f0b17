"""Missions: the peace operations and other entities whose performance is assessed."""
from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from . import checks
from .cells import DATE, LOWER, NUMBER, TEXT
from .indicators import CODE
from .spec import Column, Kind, row_check

MISSION_KINDS = ["peacekeeping", "political", "regional", "headquarters"]
ASSESSMENT_CYCLES = ["year", "half", "quarter"]


class MissionRows(checks.KeyedRows):
    """A valid mission row, after its cells were parsed."""

    code: Series[str] = pa.Field(nullable=True, str_matches=CODE)
    kind: Series[str] = pa.Field(nullable=True, isin=MISSION_KINDS)
    latitude: Series[float] = pa.Field(nullable=True, in_range={"min_value": -90, "max_value": 90})
    longitude: Series[float] = pa.Field(nullable=True, in_range={"min_value": -180, "max_value": 180})
    start_date: Series[pa.DateTime] = pa.Field(nullable=True)
    end_date: Series[pa.DateTime] = pa.Field(nullable=True)
    assessment_cycle: Series[str] = pa.Field(nullable=True, isin=ASSESSMENT_CYCLES)

    @row_check("end_date", "The end date {end_date} is before the start date {start_date}.")
    def dates_in_order(cls, df):
        both = df["start_date"].notna() & df["end_date"].notna()
        return ~both | (df["start_date"] <= df["end_date"])

    @row_check("code", checks.DUPLICATE)
    def unique_key(cls, df):
        return checks.first_of_key(df)


MISSIONS = Kind(
    name="missions",
    columns=(
        Column("code", TEXT, required=True, example="MY_OFFICE"),
        Column("name", TEXT, required=True, example="Liaison office (example)"),
        Column("kind", LOWER, example="political"),
        Column("lead_entity", TEXT, example="DPPA"),
        Column("start_date", DATE, example="2024-01-01"),
        Column("end_date", DATE, example=""),
        Column("hq_location", TEXT, example="Nairobi"),
        Column("country", TEXT, example="Kenya"),
        Column("latitude", NUMBER, example="-1.29"),
        Column("longitude", NUMBER, example="36.82"),
        Column("source", TEXT, example="example"),
        Column("assessment_cycle", LOWER, example="year"),
    ),
    model=MissionRows,
    key=("code",),
    table="mission",
    stored={c: c for c in ("code", "name", "kind", "lead_entity", "start_date", "end_date", "hq_location",
                           "country", "latitude", "longitude", "source", "assessment_cycle")},
    write="replace",
    history="mission_revision",
)
