"""SEA allegations importer, on a slice of the UN table as .csv and as .xlsx.

The slice holds the first 40 records of the table (several spanning many
physical lines), all MINUSCA records reported in 2015, the OSES record, and two
rows constructed for these tests and marked "TEST CASE" in "Date of incident":
one with the report month written "June 2024" (line 12) and one with no
mission (line 66).
"""

from pathlib import Path

import pandas as pd
import pytest

from peacepulse.sources import extract

FIXTURES = Path(__file__).parent / "fixtures" / "public"
CSV = FIXTURES / "table_of_allegations_slice.csv"
XLSX = FIXTURES / "table_of_allegations_slice.xlsx"


@pytest.fixture(scope="module", params=[CSV, XLSX], ids=["csv", "xlsx"])
def result(request):
    return extract("sea", request.param)


def count(obs, mission, period):
    row = obs[(obs.mission == mission) & (obs.period == period)]
    assert len(row) == 1
    return row.iloc[0]


def test_slice_has_multiline_records():
    text = CSV.read_text(encoding="utf-8")
    assert '"Child (2)\n\nAdult (4)"' in text
    assert len(text.splitlines()) > 66


def test_problems_carry_spreadsheet_line_numbers(result):
    problems = result.problems
    assert list(problems.line) == [12, 66]
    assert list(problems.column) == ["Date", "Mission"]
    assert problems.value.iloc[0] == "June 2024"
    assert pd.isna(problems.value.iloc[1])


def test_counts_per_mission_and_report_year(result):
    obs = result.observations
    assert set(obs.indicator) == {"SEA_ALLEGATIONS"}
    assert count(obs, "MINUSCA", "2015")["value"] == 22
    assert count(obs, "MONUSCO", "2024")["value"] == 11
    assert count(obs, "OSES", "2019")["value"] == 1
    # 65 records, two of them unreadable: nothing else is lost.
    assert obs.value.sum() == 63


def test_partial_year_and_zero_years_are_explained(result):
    obs = result.observations
    assert count(obs, "MINUSCA", "2024")["comment"] == "2024: incomplete year, January to July only"
    gap = count(obs, "MINUSCA", "2018")
    assert gap["value"] == 0 and "no allegation reported" in gap["comment"]
    assert count(obs, "MINUSCA", "2015")["comment"] is None


def test_csv_and_xlsx_agree():
    a, b = extract("sea", CSV), extract("sea", XLSX)
    pd.testing.assert_frame_equal(a.observations, b.observations)
    assert list(a.problems.line) == list(b.problems.line)
