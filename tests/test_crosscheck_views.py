"""Published figures recomputed from the raw public files with plain DuckDB, against the store's views.

The slices hold every MINUSMA record of the years checked, so plain SQL over
them gives the full-year figure, which must equal what the demo store (built
from data/real) shows in its `series` view.
"""
import duckdb
import pytest
from conftest import FIXTURES

from peacepulse import store

PUBLIC = FIXTURES / "public"


def shown(db, mission: str, indicator: str, period: str) -> float:
    rows = store.read_df(db, "SELECT value FROM series WHERE mission = ? AND indicator = ? AND period = ?",
                         [mission, indicator, period])
    assert len(rows) == 1
    return float(rows["value"][0])


def test_minusma_fatalities_2019_match_the_raw_file(demo_db):
    total, malicious = duckdb.sql(f"""
        SELECT count(*), count(*) FILTER (WHERE trim(Type_Of_Incident) = 'Malicious Act')
        FROM read_csv('{PUBLIC / "odp_noticas_slice.csv"}', all_varchar = true)
        WHERE Mission_Acronym = 'MINUSMA' AND Incident_Date LIKE '2019-%'""").fetchall()[0]
    assert (total, malicious) == (31, 22)
    assert shown(demo_db, "MINUSMA", "FAT_TOTAL", "2019") == total
    assert shown(demo_db, "MINUSMA", "FAT_MALICIOUS", "2019") == malicious


def test_minusma_womens_share_2018_matches_the_raw_file(demo_db):
    female, total = duckdb.sql(f"""
        SELECT sum(Female), sum(Total) FROM read_csv('{PUBLIC / "CountryByYear_slice.csv"}')
        WHERE Mission = 'MINUSMA' AND Year = 2018""").fetchall()[0]
    assert shown(demo_db, "MINUSMA", "UNIF_WOMEN_SHARE", "2018") == pytest.approx(100 * female / total, abs=0.01)
    assert shown(demo_db, "MINUSMA", "UNIF_STRENGTH", "2018") == pytest.approx(total, abs=0.5)


def test_minusca_allegations_2015_match_the_raw_file(demo_db):
    count = duckdb.sql(f"""
        SELECT count(*) FROM read_csv('{PUBLIC / "table_of_allegations_slice.csv"}', all_varchar = true)
        WHERE Mission = 'MINUSCA' AND Date LIKE '%/2015'""").fetchall()[0][0]
    assert count == 22
    assert shown(demo_db, "MINUSCA", "SEA_ALLEGATIONS", "2015") == count
