"""Gender importer, run on a slice of CountryByYear.csv (CRLF, unnamed index column)."""

from pathlib import Path

import pytest

from peacepulse.sources import OBSERVATION_COLUMNS, extract
from peacepulse.sources.gender import strength_frame

FIXTURES = Path(__file__).parent / "fixtures" / "public"
GENDER = FIXTURES / "CountryByYear_slice.csv"


@pytest.fixture(scope="module")
def obs():
    result = extract("gender", GENDER)
    assert result.problems.empty
    assert result.targets is None
    return result.observations


def pick(obs, mission, indicator, period, sex="total"):
    row = obs[(obs.mission == mission) & (obs.indicator == indicator)
              & (obs.period == period) & (obs.sex == sex)]
    assert len(row) == 1
    return row.iloc[0]


def test_slice_has_unnamed_first_column():
    assert GENDER.read_bytes().startswith(b'"","Year","Country","Mission"')


def test_strength_by_sex(obs):
    assert list(obs.columns) == list(OBSERVATION_COLUMNS)
    assert pick(obs, "MINUSMA", "UNIF_STRENGTH", "2018")["value"] == 13885
    assert pick(obs, "MINUSMA", "UNIF_STRENGTH", "2018", "female")["value"] == 481
    assert pick(obs, "MINUSMA", "UNIF_STRENGTH", "2018", "male")["value"] == 13406


def test_womens_share(obs):
    row = pick(obs, "MINUSMA", "UNIF_WOMEN_SHARE", "2018")
    assert (row["numerator"], row["denominator"]) == (481, 13885)
    assert row["value"] == pytest.approx(3.46)
    assert row["comment"] is None


def test_undeployed_mission_years_are_skipped(obs):
    # The slice holds zero rows for MINUSMA 2012 and for many 2021 pairs.
    assert obs[(obs.mission == "MINUSMA") & (obs.period == "2012")].empty
    assert set(obs.mission) == {"MINUSMA", "UNTSO"}


def test_incomplete_years_are_flagged(obs):
    assert "partial year" in pick(obs, "UNTSO", "UNIF_STRENGTH", "2010")["comment"]
    assert "partial year" in pick(obs, "MINUSMA", "UNIF_WOMEN_SHARE", "2021")["comment"]
    assert "understated" in pick(obs, "MINUSMA", "UNIF_STRENGTH", "2017")["comment"]


def test_strength_frame():
    frame = strength_frame(GENDER)
    row = frame[(frame.mission == "MINUSMA") & (frame.yr == 2019)].iloc[0]
    assert row["total"] == 14390 and row["female"] == 630


def test_bad_numbers_are_problems(tmp_path):
    text = GENDER.read_text(encoding="utf-8").splitlines()
    # Constructed for this test: the slice's header and first row, then a row
    # whose Female count is not a number.
    path = tmp_path / "gender.csv"
    path.write_text("\n".join([text[0], text[1], '"2",2021,"Albania","UNMISS",n/a,3,3']) + "\n")
    problems = extract("gender", path).problems
    assert problems.to_dict("records") == [
        {"line": 3, "column": "Female", "value": "n/a", "problem": "not a number"}
    ]
