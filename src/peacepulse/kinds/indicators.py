"""Indicators: the results framework, each indicator mapped to the ten themes."""
from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from . import checks
from .cells import BOOLEAN, LOWER, TEXT, THEMES
from .periods import PERIOD_TYPES
from .spec import Column, Kind, row_check

CODE = r"^[A-Za-z0-9][A-Za-z0-9_. \-]{0,39}$"
DIRECTIONS = ["increase", "decrease"]
MEASURES = ["count", "percent", "rate", "index", "days", "ratio", "score"]
RESULT_LEVELS = ["output", "outcome", "impact"]


class IndicatorRows(checks.KeyedRows):
    """A valid indicator row, after its cells were parsed."""

    code: Series[str] = pa.Field(nullable=True, str_matches=CODE)
    unit: Series[str] = pa.Field(nullable=True)
    direction: Series[str] = pa.Field(nullable=True, isin=DIRECTIONS)
    period_type: Series[str] = pa.Field(nullable=True, isin=list(PERIOD_TYPES))
    measure: Series[str] = pa.Field(nullable=True, isin=MEASURES)
    result_level: Series[str] = pa.Field(nullable=True, isin=RESULT_LEVELS)

    @row_check("unit", "A percentage indicator needs '%' in its unit; got '{unit}'.")
    def percent_unit(cls, df):
        return ~((df["measure"] == "percent") & df["unit"].notna() & ~df["unit"].str.contains("%"))

    @row_check("code", checks.DUPLICATE)
    def unique_key(cls, df):
        return checks.first_of_key(df)


INDICATORS = Kind(
    name="indicators",
    columns=(
        Column("code", TEXT, required=True, example="MY_PATROLS"),
        Column("name", TEXT, required=True, example="Night patrols completed"),
        Column("themes", THEMES, required=True, example="8;4"),
        Column("unit", TEXT, required=True, example="patrols"),
        Column("direction", LOWER, required=True, example="increase"),
        Column("definition", TEXT, example="Patrols between 18:00 and 06:00 that reached their route's end"),
        Column("period_type", LOWER, example="quarter"),
        Column("measure", LOWER, example="count"),
        Column("result_level", LOWER, example="output"),
        Column("aggregation", TEXT, example="sum"),
        Column("source", TEXT, example="example"),
        Column("component", TEXT, example="Force"),
        Column("disaggregations", TEXT, example="location"),
        Column("kpi", BOOLEAN, example="yes"),
    ),
    model=IndicatorRows,
    key=("code",),
    table="indicator",
    stored={**{c: c for c in ("code", "name", "definition", "result_level", "measure", "unit", "direction",
                              "aggregation", "period_type", "source", "component", "disaggregations", "kpi")},
            "theme_list": "themes"},
    write="replace",
    history="indicator_revision",
    # A '%' in the unit says what the measure is when the file does not.
    derived={"measure": "coalesce(measure, CASE WHEN contains(unit, '%') THEN 'percent' END)"},
)
