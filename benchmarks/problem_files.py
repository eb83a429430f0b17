"""Observation files full of problems, for timing how fast the CLI reports them.

Each bad row starts as a valid row of the universe (see files.py) and is then spoilt in one
to three ways, following a fixed cycle of recipes so the mix is the same on every run.
"""
from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from pathlib import Path

from files import valid_rows, write_rows

Row = dict[str, str]

# The cycle of recipes, one per row. A "duplicate" copies the row before it whole (its
# errors too) and so must follow a row whose key still parses: never one with a bad period.
RECIPES: tuple[tuple[str, ...], ...] = (
    ("unknown_mission",),
    ("bad_period", "text_value"),
    ("out_of_range", "unknown_mission", "wrong_period_type"),
    ("text_value",),
    ("duplicate",),
    ("bad_period",),
    ("wrong_period_type", "out_of_range"),
    ("duplicate",),
    ("unknown_indicator", "text_value"),
)
BAD_PERIODS = ("2019-Q5", "19-07", "2019/20", "Q3 2019", "2019-13", "FY2019/21")
TEXT_VALUES = ("n/a", "about 12", "twelve", "12 %", "-", "1.2.3")


def _unknown_mission(row: Row, i: int) -> None:
    row["mission"] = f"{row['mission']}{'XQ'[i % 2]}{i % 10}"


def _unknown_indicator(row: Row, i: int) -> None:
    row["indicator"] = f"{row['indicator']}_OLD"


def _bad_period(row: Row, i: int) -> None:
    row["period"] = BAD_PERIODS[i % len(BAD_PERIODS)]


def _wrong_period_type(row: Row, i: int) -> None:
    row["period"] = "2019-Q3" if len(row["period"]) == 4 else "2019"


def _text_value(row: Row, i: int) -> None:
    row["value"] = TEXT_VALUES[i % len(TEXT_VALUES)]


def _out_of_range(row: Row, i: int) -> None:
    """A percentage over 100, or a negative count or number of days."""
    row["value"] = f"{100.5 + i % 50}" if row["measure"] == "percent" else f"{-1 - i % 9}"


SPOILERS: dict[str, Callable[[Row, int], None]] = {
    "unknown_mission": _unknown_mission, "unknown_indicator": _unknown_indicator,
    "bad_period": _bad_period, "wrong_period_type": _wrong_period_type,
    "text_value": _text_value, "out_of_range": _out_of_range,
}


def spoilt_rows(base: list[Row]) -> list[Row]:
    """Every row with one to three errors; a duplicate also carries its original's errors."""
    rows: list[Row] = []
    for i, original in enumerate(base):
        recipe = RECIPES[i % len(RECIPES)]
        row = dict(rows[-1]) if recipe == ("duplicate",) and rows else dict(original)
        for name in recipe:
            if name != "duplicate":
                SPOILERS[name](row, i)
        rows.append(row)
    return rows


def write_bad_rows(universe: Path, out: Path, rows: int) -> Path:
    """(a) rows observations, each with one to three errors of the kinds the README lists."""
    base = valid_rows(universe, 0, rows, measures=("percent", "count", "days"))
    return write_rows(out, spoilt_rows(base))


def unknown_codes(missions: list[str], rows: int) -> list[str]:
    """Distinct codes that are not missions: half one letter off a real code, half far from any."""
    known = set(missions)
    near = (f"{code}{chr(65 + n % 26)}{n // 26 or ''}" for n in range(rows) for code in missions)
    near_codes = list(islice((code for code in near if code not in known), rows // 2))
    return near_codes + [f"QZ{n:05d}" for n in range(rows - len(near_codes))]


def write_unknown_missions(universe: Path, out: Path, missions: list[str], rows: int) -> Path:
    """(b) rows that are valid but for their mission: all distinct codes, near and far."""
    base = valid_rows(universe, 0, rows, measures=("percent", "count", "days"))
    for row, code in zip(base, unknown_codes(missions, rows)):
        row["mission"] = code
    return write_rows(out, base)
