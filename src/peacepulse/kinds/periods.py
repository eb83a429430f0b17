"""Reporting periods: parse the codes people type into a type and a date range."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

PERIOD_TYPES = ("year", "half", "quarter", "month", "day", "fiscal_year")
FORMS = "2024, 2024-S1, 2024-Q3, 2024-07, 2024-07-15 or FY2024/25"

_PATTERNS = [
    ("year", re.compile(r"(\d{4})")),
    ("half", re.compile(r"(\d{4})-S([12])", re.I)),
    ("quarter", re.compile(r"(\d{4})-Q([1-4])", re.I)),
    ("month", re.compile(r"(\d{4})-(\d{2})")),
    ("day", re.compile(r"(\d{4})-(\d{2})-(\d{2})(?: 00:00:00)?")),
    ("fiscal_year", re.compile(r"FY(\d{4})/(\d{2})", re.I)),
]


@dataclass(frozen=True)
class Period:
    code: str
    type: str
    start: date
    end: date  # the last day of the period


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _build(kind: str, parts: tuple[str, ...]) -> Period | None:
    try:
        return _period(kind, int(parts[0]), parts)
    except ValueError:  # a period must start and end on dates a calendar has (years 1 to 9999)
        return None


def _period(kind: str, year: int, parts: tuple[str, ...]) -> Period | None:
    if kind == "year":
        return Period(f"{year}", kind, date(year, 1, 1), date(year, 12, 31))
    n = int(parts[1])
    if kind == "half":
        return Period(f"{year}-S{n}", kind, date(year, 6 * n - 5, 1), _month_end(year, 6 * n))
    if kind == "quarter":
        return Period(f"{year}-Q{n}", kind, date(year, 3 * n - 2, 1), _month_end(year, 3 * n))
    if kind == "month":
        if not 1 <= n <= 12:
            return None
        return Period(f"{year}-{n:02d}", kind, date(year, n, 1), _month_end(year, n))
    if kind == "day":
        try:
            day = date(year, n, int(parts[2]))
        except ValueError:
            return None
        return Period(day.isoformat(), kind, day, day)
    # fiscal_year: the UN peacekeeping budget year runs July to June.
    if n != (year + 1) % 100:
        return None
    return Period(f"FY{year}/{n:02d}", kind, date(year, 7, 1), date(year + 1, 6, 30))


def parse_period(text: str) -> Period | None:
    """The period a code stands for, or None when the code is not one of FORMS."""
    text = str(text).strip()
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _build(kind, match.groups())
    return None


_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
_BUDGET_YEAR = re.compile(r"FY\s*(\d{4})\s*[/\-\u2013]\s*(\d{2}|\d{4})|(\d{4})/(\d{2})", re.I)
_NO_SUCH_DAY = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_QUARTER = re.compile(r"Q([1-4])[ -]?(\d{4})|(\d{4}) ?Q([1-4])", re.I)


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def explain(text: str) -> str | None:
    """Why a common way of writing a period is not one of FORMS, and how to write it; None if none applies."""
    text = str(text).strip()
    quoted = text if len(text) <= 40 else text[:40] + "…"
    match = _DAY_FIRST.fullmatch(text)
    if match:
        a, b, year = (int(g) for g in match.groups())
        readings = list(dict.fromkeys(d for d in (_day(year, b, a), _day(year, a, b)) if d))
        if len(readings) == 1:
            return f"'{quoted}' is not a period: write a day as YYYY-MM-DD, here {readings[0]}."
        if readings:
            return (f"'{quoted}' is not a period, and could be {readings[0]} or {readings[1]} (day or month "
                    "first): write a day as YYYY-MM-DD.")
    match = _YEAR_FIRST.fullmatch(text)
    if match and _day(*(int(g) for g in match.groups())):
        return f"'{quoted}' is not a period: write a day as YYYY-MM-DD, here {_day(*(int(g) for g in match.groups()))}."
    match = _BUDGET_YEAR.fullmatch(text)
    if match:
        start, end = (int(g) for g in (match.groups()[:2] if match.group(1) else match.groups()[2:]))
        if end % 100 == (start + 1) % 100 and (end < 100 or end == start + 1):
            if start >= 9999:
                return None
            return f"'{quoted}' is not a period: write a UN budget year (July to June) as FY{start}/{(start + 1) % 100:02d}."
        return (f"'{quoted}' is not a period: a UN budget year runs from July to the next June, so it is written "
                f"with two years in a row, such as FY{start}/{(start + 1) % 100:02d}.")
    match = _NO_SUCH_DAY.fullmatch(text)
    if match:
        year, month, day = match.groups()
        if not 1 <= int(month) <= 12:
            return f"'{quoted}' is not a period: there is no month {int(month)}. Write a month as YYYY-MM, e.g. {year}-07."
        if day and int(year) > 0 and not _day(int(year), int(month), int(day)):
            return f"'{quoted}' is not a period: {year}-{month} has no day {int(day)}."
    match = _QUARTER.fullmatch(text)
    if match:
        quarter, year = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        return f"'{quoted}' is not a period: write a quarter as {year}-Q{quarter}."
    return None
