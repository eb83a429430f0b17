"""Fatalities importer, run on a slice of the UN DPO file (BOM and CRLF kept)."""

from pathlib import Path

import pandas as pd
import pytest

from peacepulse.sources import OBSERVATION_COLUMNS, extract

FIXTURES = Path(__file__).parent / "fixtures" / "public"
DEATHS = FIXTURES / "odp_noticas_slice.csv"
STRENGTH = FIXTURES / "CountryByYear_slice.csv"


def value(obs: pd.DataFrame, mission: str, indicator: str, period: str) -> float:
    row = obs[(obs.mission == mission) & (obs.indicator == indicator) & (obs.period == period)]
    assert len(row) == 1, (mission, indicator, period)
    return float(row.iloc[0]["value"])


@pytest.fixture(scope="module")
def result():
    return extract("fatalities", DEATHS, strength_path=STRENGTH)


def test_slice_keeps_the_quirks():
    raw = DEATHS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfCasualty_ID,")
    assert b",Local ," in raw


def test_contract_columns_and_no_problems(result):
    assert list(result.observations.columns) == list(OBSERVATION_COLUMNS)
    assert result.problems.empty
    assert result.targets is None
    obs = result.observations
    assert set(obs.sex) == {"total"} and set(obs.age) == {"total"} and set(obs.location) == {"total"}
    assert obs.source.str.startswith("UN DPO open data: fatalities (odp_noticas.csv)").all()


def test_minusma_2019_breakdown(result):
    obs = result.observations
    assert value(obs, "MINUSMA", "FAT_TOTAL", "2019") == 31
    assert value(obs, "MINUSMA", "FAT_MALICIOUS", "2019") == 22
    assert value(obs, "MINUSMA", "FAT_MILITARY", "2019") == 25
    assert value(obs, "MINUSMA", "FAT_POLICE", "2019") == 3
    # Two "Local " deaths; the one of type Other is left out, as the indicator defines.
    assert value(obs, "MINUSMA", "FAT_CIVILIAN", "2019") == 2


def test_local_with_trailing_space_counts_as_civilian(result):
    # Line 135 of the original: UNEF, 1961, personnel type "Local ".
    assert value(result.observations, "UNEF", "FAT_CIVILIAN", "1961") == 1


def test_personnel_types_add_up_to_total_less_other(result):
    obs = result.observations
    parts = obs[obs.indicator.isin(["FAT_MILITARY", "FAT_POLICE", "FAT_CIVILIAN"])]
    summed = parts.groupby(["mission", "period"]).value.sum()
    totals = obs[obs.indicator == "FAT_TOTAL"].set_index(["mission", "period"]).value
    gap = (totals.reindex(summed.index) - summed)
    # The slice has two deaths of type Other: MINUSMA 2019 and UNOWA 2017.
    assert gap[gap != 0].to_dict() == {("MINUSMA", "2019"): 1, ("UNOWA", "2017"): 1}
    assert obs[obs.indicator == "FAT_TOTAL"].value.sum() == 95  # every data row of the slice


def test_zero_years_are_filled_only_inside_the_span(result):
    obs = result.observations
    untso = obs[(obs.mission == "UNTSO") & (obs.indicator == "FAT_TOTAL")]
    assert list(untso.period) == [str(y) for y in range(1948, 1957)]
    zero = untso[untso.period == "1951"].iloc[0]
    assert zero["value"] == 0 and "zero filled" in zero["comment"]
    filled = obs[(obs.mission == "UNTSO") & (obs.period == "1951")]
    assert sorted(filled.indicator) == ["FAT_MALICIOUS", "FAT_TOTAL"]


def test_no_zero_years_for_the_secretariat(result):
    obs = result.observations
    rows = obs[(obs.mission == "UN Secretariat") & (obs.indicator == "FAT_TOTAL")]
    assert list(rows.period) == ["1961", "1997"]
    assert list(rows.value) == [1, 1]


def test_aliases_are_applied_and_noted(result):
    obs = result.observations
    assert "OSE-Syria" not in set(obs.mission)
    assert value(obs, "OSES", "FAT_TOTAL", "2021") == 1
    # UNOWA is a catalogue code of its own (the office before 2016), so it stays.
    assert value(obs, "UNOWA", "FAT_TOTAL", "2017") == 1
    oses = obs[(obs.mission == "OSES") & (obs.indicator == "FAT_TOTAL")].iloc[0]
    assert "mission code OSE-Syria in the source" in oses["comment"]
    assert "2021: incomplete year, the file ends on 2021-06-10" in oses["comment"]


def test_malicious_rate_uses_strength(result):
    obs = result.observations
    rate = obs[(obs.indicator == "FAT_MALICIOUS_RATE") & (obs.mission == "MINUSMA")]
    row = rate[rate.period == "2019"].iloc[0]
    # All 22 malicious-act deaths of 2019 were military or police.
    assert (row["numerator"], row["denominator"]) == (22, 14390)
    assert row["value"] == pytest.approx(1.529)
    # 2017 and 2021 are incomplete in the strength file, so no rate is given.
    assert not rate.period.isin(["2017", "2021"]).any()
    assert (rate.numerator <= rate.denominator).all()


def test_rate_counts_uniformed_deaths_only(tmp_path):
    # Constructed for this test: two malicious-act deaths in MINUSMA in 2019,
    # one soldier and one locally recruited staff member.
    header = DEATHS.read_bytes().split(b"\r\n")[0]
    rows = [
        b"TEST-1,2019-01-05,MINUSMA,Fatality,Chad,148,TCD,Military,Malicious Act",
        b"TEST-2,2019-02-05,MINUSMA,Fatality,Mali,466,MLI,Local ,Malicious Act",
    ]
    path = tmp_path / "deaths.csv"
    path.write_bytes(b"\r\n".join([header, *rows]) + b"\r\n")
    obs = extract("fatalities", path, strength_path=STRENGTH).observations
    assert value(obs, "MINUSMA", "FAT_MALICIOUS", "2019") == 2
    row = obs[(obs.indicator == "FAT_MALICIOUS_RATE") & (obs.period == "2019")].iloc[0]
    assert (row["numerator"], row["denominator"]) == (1, 14390)


def test_no_rate_without_strength_file():
    obs = extract("fatalities", DEATHS).observations
    assert "FAT_MALICIOUS_RATE" not in set(obs.indicator)


def test_unreadable_rows_are_reported_with_line_numbers(tmp_path):
    # Constructed for this test: a real header with a BOM, one good row,
    # one row with a day-first date and one with no mission.
    header = DEATHS.read_bytes().split(b"\r\n")[0]
    rows = [
        b"UNTSO-1948-07-02408,1948-07-06,UNTSO,Fatality,France,250,FRA,Military,Malicious Act",
        b"TEST-1,06/07/1948,UNTSO,Fatality,France,250,FRA,Military,Accident",
        b"TEST-2,1948-07-06,,Fatality,France,250,FRA,Military,Accident",
    ]
    path = tmp_path / "deaths.csv"
    path.write_bytes(b"\r\n".join([header, *rows]) + b"\r\n")
    result = extract("fatalities", path)
    problems = result.problems
    assert list(problems.line) == [3, 4]
    assert list(problems.column) == ["Incident_Date", "Mission_Acronym"]
    assert problems.value.iloc[0] == "06/07/1948"
    assert value(result.observations, "UNTSO", "FAT_TOTAL", "1948") == 1
