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
    year = int(parts[0])
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
