"""Published figures recomputed straight from the raw slices with plain SQL.

Each query reads the fixture on its own, without any importer code, and
the result is compared with what the importer produced.
"""

from pathlib import Path

import duckdb
import pytest

from peacepulse.sources import extract

FIXTURES = Path(__file__).parent / "fixtures" / "public"


def one(sql: str, *params: object) -> tuple:
    return duckdb.connect().execute(sql, list(params)).fetchone()


def observed(source: str, name: str, mission: str, indicator: str, period: str, sex: str = "total"):
    obs = extract(source, FIXTURES / name).observations
    row = obs[(obs.mission == mission) & (obs.indicator == indicator)
              & (obs.period == period) & (obs.sex == sex)]
    return row.iloc[0]


def test_minusma_fatalities_2019():
    (total, malicious) = one(
        """SELECT count(*), count(*) FILTER (WHERE Type_Of_Incident = 'Malicious Act')
           FROM read_csv_auto(?) WHERE Mission_Acronym = 'MINUSMA'
           AND Incident_Date BETWEEN DATE '2019-01-01' AND DATE '2019-12-31'""",
        str(FIXTURES / "odp_noticas_slice.csv"),
    )
    assert (total, malicious) == (31, 22)
    name = "odp_noticas_slice.csv"
    assert observed("fatalities", name, "MINUSMA", "FAT_TOTAL", "2019")["value"] == total
    assert observed("fatalities", name, "MINUSMA", "FAT_MALICIOUS", "2019")["value"] == malicious


def test_minusma_womens_share_2018():
    (female, total) = one(
        """SELECT sum(Female), sum(Total) FROM read_csv_auto(?)
           WHERE Mission = 'MINUSMA' AND Year = 2018""",
        str(FIXTURES / "CountryByYear_slice.csv"),
    )
    assert (female, total) == (481, 13885)
    row = observed("gender", "CountryByYear_slice.csv", "MINUSMA", "UNIF_WOMEN_SHARE", "2018")
    assert row["value"] == pytest.approx(100 * female / total, abs=0.005)
    assert (row["numerator"], row["denominator"]) == (female, total)


def test_minusca_observers_2015():
    (women, observers) = one(
        "SELECT sum(f_unmob), sum(unmob) FROM read_csv_auto(?) WHERE mission = 'MINUSCA' AND year = 2015",
        str(FIXTURES / "radpko_bases_cc_y_slice.csv"),
    )
    row = observed("radpko", "radpko_bases_cc_y_slice.csv", "MINUSCA", "MILOBS_WOMEN_SHARE", "2015")
    assert row["value"] == pytest.approx(100 * women / observers, abs=0.005)
    assert row["value"] == pytest.approx(4.69)


def test_minusca_allegations_2015():
    (n,) = one(
        """SELECT count(*) FROM read_csv_auto(?, all_varchar = true)
           WHERE Mission = 'MINUSCA' AND "Date" LIKE '%/2015'""",
        str(FIXTURES / "table_of_allegations_slice.csv"),
    )
    assert n == 22
    row = observed("sea", "table_of_allegations_slice.csv", "MINUSCA", "SEA_ALLEGATIONS", "2015")
    assert row["value"] == n
