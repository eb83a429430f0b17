"""Turn text cells into typed values, keeping note of the cells that would not parse.

Parsing comes before the typed checks so that one bad cell gives one clear
message, not a cascade of follow-on failures.
"""
from __future__ import annotations

import math
import re

import pandas as pd

from .kinds.periods import parse_period

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_PLAIN = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
TRUE = {"true", "yes", "y", "1", "x"}
FALSE = {"false", "no", "n", "0", ""}


def _number(text: str) -> float | None:
    text = text.replace(" ", "").replace("\u00a0", "")
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    if not _PLAIN.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None  # 1e400 overflows to infinity


def numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parsed floats (NaN where blank or bad) and a mask of the cells that were not numbers."""
    unique = {text: _number(text) for text in cells.unique() if text}
    parsed = cells.map(lambda t: unique.get(t) if t else None).astype("float64")
    bad = (cells != "") & parsed.isna()
    return parsed, bad


def booleans(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    lowered = cells.str.lower()
    bad = ~lowered.isin(TRUE | FALSE)
    return lowered.isin(TRUE), bad


def dates(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    parsed = pd.to_datetime(cells.where(cells != ""), format="%Y-%m-%d", errors="coerce")
    bad = (cells != "") & parsed.isna()
    return parsed, bad


def periods(cells: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """Columns period, period_type, period_start, period_end; and a mask of bad codes."""
    unique = {text: parse_period(text) for text in cells.unique() if text}
    found = cells.map(lambda t: unique.get(t))
    frame = pd.DataFrame({
        "period": found.map(lambda p: p.code if p else None),
        "period_type": found.map(lambda p: p.type if p else None),
        "period_start": pd.to_datetime(found.map(lambda p: p.start if p else None)),
        "period_end": pd.to_datetime(found.map(lambda p: p.end if p else None)),
    }, index=cells.index)
    return frame, (cells != "") & found.isna()


def theme_lists(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'8;3' -> [8, 3]; a mask of lists that are not theme numbers 1-10 without repeats."""
    def parse(text: str) -> list[int] | None:
        parts = [p.strip() for p in re.split(r"[;,|]", text) if p.strip()]
        if not parts or not all(p.isdigit() and 1 <= int(p) <= 10 for p in parts):
            return None
        numbers_ = [int(p) for p in parts]
        return numbers_ if len(set(numbers_)) == len(numbers_) else None
    parsed = cells.map(parse)
    return parsed, parsed.isna()
