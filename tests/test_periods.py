from datetime import date

import pytest

from peacepulse.kinds.periods import parse_period


@pytest.mark.parametrize("text, code, kind, start, end", [
    ("2024", "2024", "year", date(2024, 1, 1), date(2024, 12, 31)),
    ("2024-S1", "2024-S1", "half", date(2024, 1, 1), date(2024, 6, 30)),
    ("2024-s2", "2024-S2", "half", date(2024, 7, 1), date(2024, 12, 31)),
    ("2024-Q3", "2024-Q3", "quarter", date(2024, 7, 1), date(2024, 9, 30)),
    ("2024-q1", "2024-Q1", "quarter", date(2024, 1, 1), date(2024, 3, 31)),
    ("2024-02", "2024-02", "month", date(2024, 2, 1), date(2024, 2, 29)),
    ("2023-02", "2023-02", "month", date(2023, 2, 1), date(2023, 2, 28)),
    ("2024-07-15", "2024-07-15", "day", date(2024, 7, 15), date(2024, 7, 15)),
    ("FY2024/25", "FY2024/25", "fiscal_year", date(2024, 7, 1), date(2025, 6, 30)),
    ("fy1999/00", "FY1999/00", "fiscal_year", date(1999, 7, 1), date(2000, 6, 30)),
    (" 2024-Q4 ", "2024-Q4", "quarter", date(2024, 10, 1), date(2024, 12, 31)),
])
def test_accepted_forms(text, code, kind, start, end):
    period = parse_period(text)
    assert (period.code, period.type, period.start, period.end) == (code, kind, start, end)


@pytest.mark.parametrize("text", ["2024-13", "2024-Q5", "2024-S3", "2023-02-29", "FY2024/26",
                                  "24", "Q3 2024", "2024/25", "", "N/A"])
def test_rejected_forms(text):
    assert parse_period(text) is None
