"""Problems found in a file, and the plain-language wording of each pandera check."""
from __future__ import annotations

import difflib

import pandas as pd

from .kinds.periods import FORMS, PERIOD_TYPES
from .schemas import DIRECTIONS, MEASURES, MISSION_KINDS, RESULT_LEVELS, SEX

COLUMNS = ["line", "column", "value", "problem", "severity"]
ALLOWED = {"sex": SEX, "direction": DIRECTIONS, "measure": MEASURES, "kind": MISSION_KINDS,
           "result_level": RESULT_LEVELS, "period_type": list(PERIOD_TYPES)}


def line_of(index: int) -> int:
    """The spreadsheet line of a data row: the header is line 1."""
    return int(index) + 2


def frame(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["line", "column"], kind="stable").reset_index(drop=True)


def problem(index: int | None, column: str, value: object, text: str, severity: str = "error") -> dict:
    line = 1 if index is None else line_of(index)
    return {"line": line, "column": column, "value": "" if value is None else str(value),
            "problem": text, "severity": severity}


def suggest(code: str, known: list[str]) -> str:
    close = difflib.get_close_matches(str(code).upper(), [k.upper() for k in known], n=1, cutoff=0.5)
    if not close:
        return ""
    original = {k.upper(): k for k in known}[close[0]]
    return f" Did you mean '{original}'?"


def not_parsed(column: str, value: str) -> str:
    if column == "period" or column == "baseline_period":
        return f"'{value}' is not a period. Write it as one of {FORMS}."
    if column in ("start_date", "end_date"):
        return f"'{value}' is not a date. Write dates as YYYY-MM-DD, e.g. 2024-07-15."
    if column == "themes":
        return (f"'{value}' is not a list of theme numbers. Give numbers from 1 to 10 "
                "separated by ';', the primary theme first, e.g. 7;2.")
    if column == "kpi":
        return f"'{value}' is not yes or no. Write true or false."
    return f"'{value}' is not a number. Give a number, or leave the row out if there is no value."


def describe(check: str, column: str, row: pd.Series, ctx: dict) -> tuple[str, str]:
    """The column to blame and the sentence to show for one failed check on one row."""
    get = lambda c: row.get(c, "")  # noqa: E731 - raw text of a cell
    if check == "known_mission":
        return "mission", f"Unknown mission code '{get('mission')}'." + suggest(get("mission"), ctx["missions"])
    if check == "known_indicator":
        code = get("indicator")
        return "indicator", f"Unknown indicator code '{code}'." + suggest(code, ctx["indicators"])
    if check in ("percent_range", "baseline_percent_range"):
        col = {"percent_range": ctx["value_column"], "baseline_percent_range": "baseline"}[check]
        return col, f"{get(col)} is outside 0-100, but this indicator is a percentage."
    if check == "not_negative":
        col = ctx["value_column"]
        return col, f"{get(col)} is negative, but this indicator counts things and cannot be below zero."
    if check == "numerator_within_denominator":
        return "numerator", (f"The numerator ({get('numerator')}) is larger than the "
                             f"denominator ({get('denominator')}).")
    if check == "period_fits_indicator":
        return "period", (f"'{get('period')}' is a {row['period_type']} period, but indicator "
                          f"{row['indicator']} is reported by {row['ctx_period_type']}.")
    if check == "duplicate_key":
        first = ctx["first_lines"].get(row.name)
        key = ctx["key_text"](row)
        return ctx["key_column"], f"Duplicate row: {key} already appears on line {first}."
    if check == "percent_unit":
        return "unit", f"A percentage indicator needs '%' in its unit; got '{get('unit')}'."
    if check == "dates_in_order":
        return "end_date", f"The end date {get('end_date')} is before the start date {get('start_date')}."
    if check.startswith("isin"):
        return column, f"'{get(column)}' is not an accepted {column}. Use one of: {', '.join(ALLOWED[column])}."
    if check.startswith("str_matches"):
        return column, (f"'{get(column)}' is not a usable code: start with a letter or digit and use "
                        "only letters, digits, spaces, '_', '-' or '.', up to 40 characters.")
    if check.startswith("in_range"):
        return column, f"{get(column)} is not a valid {column}."
    if check.startswith("greater_than_or_equal_to"):
        return column, f"{get(column)} is negative; {column} counts people or events and cannot be below zero."
    return column or "", f"Failed the check {check}."
