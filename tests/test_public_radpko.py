"""RADPKO importer, run on a slice of radpko_bases_cc_y.csv (all 377 columns)."""

from pathlib import Path

import pytest

from peacepulse.sources import TARGET_COLUMNS, extract

FIXTURES = Path(__file__).parent / "fixtures" / "public"
RADPKO = FIXTURES / "radpko_bases_cc_y_slice.csv"


@pytest.fixture(scope="module")
def result():
    return extract("radpko", RADPKO)


def pick(obs, mission, indicator, period, sex="total"):
    row = obs[(obs.mission == mission) & (obs.indicator == indicator)
              & (obs.period == period) & (obs.sex == sex)]
    assert len(row) == 1
    return row.iloc[0]


def test_mission_year_sums(result):
    obs = result.observations
    assert result.problems.empty
    assert pick(obs, "MINUSCA", "TROOPS_DEPLOYED", "2019")["value"] == pytest.approx(11220.8)
    assert pick(obs, "MINUSCA", "POLICE_DEPLOYED", "2019")["value"] == pytest.approx(1786.4)
    assert pick(obs, "MINUSCA", "MILOBS_DEPLOYED", "2015")["value"] == pytest.approx(141.2)
    assert pick(obs, "MINUSCA", "BASES_COUNT", "2015")["value"] == 8
    assert pick(obs, "UNAMSIL", "BASES_COUNT", "1999")["value"] == 4


def test_counts_by_sex(result):
    obs = result.observations
    assert pick(obs, "MINUSCA", "TROOPS_DEPLOYED", "2019", "female")["value"] == pytest.approx(447.7)
    assert pick(obs, "MINUSCA", "TROOPS_DEPLOYED", "2019", "male")["value"] == pytest.approx(10773.1)
    assert pick(obs, "MINUSCA", "POLICE_DEPLOYED", "2015", "female")["value"] == pytest.approx(139.7)
    assert set(obs[obs.indicator == "BASES_COUNT"].sex) == {"total"}


def test_women_share_of_observers(result):
    row = pick(result.observations, "MINUSCA", "MILOBS_WOMEN_SHARE", "2019")
    assert row["value"] == pytest.approx(8.69)
    assert row["numerator"] == pytest.approx(9.25) and row["denominator"] == pytest.approx(106.5)
    assert row["numerator"] <= row["denominator"]


def test_parity_target_only_for_missions_present_in_2019(result):
    targets = result.targets
    assert list(targets.columns) == list(TARGET_COLUMNS)
    assert targets.to_dict("records")[0] | {"comment": None} == {
        "mission": "MINUSCA", "indicator": "MILOBS_WOMEN_SHARE", "period": "2028",
        "target": 25.0, "baseline": 4.69, "baseline_period": "2015", "comment": None,
    }
    assert "Uniformed Gender Parity Strategy" in targets.comment.iloc[0]
    assert "UNAMSIL" not in set(targets.mission)


def test_unreadable_numbers_are_problems(tmp_path):
    lines = RADPKO.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    # Constructed for this test: the first data row with troops written as text.
    position = lines[0].split(",").index("untrp")
    cells[position] = "many"
    path = tmp_path / "radpko.csv"
    path.write_text("\n".join([lines[0], lines[2], ",".join(cells)]) + "\n", encoding="utf-8")
    result = extract("radpko", path)
    assert result.problems.to_dict("records") == [
        {"line": 3, "column": "untrp", "value": "many", "problem": "not a number"}
    ]
    assert pick(result.observations, "UNAMSIL", "BASES_COUNT", "1999")["value"] == 1
