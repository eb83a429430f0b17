"""Uniformed strength and women's share per mission and year.

Input: ``CountryByYear.csv`` (mission x contributing country x year, female /
male / total), derived from the UN DPO open data on uniformed personnel by gender
in the MIT-licensed corinnee/UN_Peacekeeping_Analytics repository. Each figure is
the mean of twelve monthly totals, rounded to a whole person.

The file is a full cross-join of years, countries and missions, so most rows are
zero. Mission-years whose summed total is zero had no uniformed personnel in the
source and yield no observation: that is absence of deployment, not lost data.

Targets: none. The UN Uniformed Gender Parity Strategy 2018-2028 sets its 2028
targets per personnel category (military contingents, military observers and
staff officers, formed police units, individual police officers). This file has
no personnel-type breakdown, so no public target exists for the combined share
and ``targets`` is None.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from ._common import Extract, as_path, connect, mission_sql, observations, problems

SOURCE = "UN DPO open data: uniformed personnel by gender, yearly means (CountryByYear.csv)"

# Why some years need a warning. The derived file divides each year's sum of
# monthly reports by twelve even when months are missing, so years with gaps
# are too low: summed over missions, 2017 gives about 40,000 against a year-end
# total of about 93,000 (Our World in Data, from UN Peacekeeping figures), and
# 2012 about 66,000 against 94,000.
YEAR_NOTES: dict[int, str] = {
    2010: "partial year in the source, so the yearly mean is understated",
    2012: "likely understated: the source averages over twelve months and misses some reports this year",
    2017: "likely understated: the source averages over twelve months and misses several reports this year",
    2021: "partial year in the source, so the yearly mean is understated",
}

_READ = """
    SELECT row_number() OVER () + 1 AS line, *
    FROM read_csv(?, header = true, delim = ',', quote = '"', escape = '"',
                  all_varchar = true, encoding = 'utf-8',
                  columns = {'rownum': 'VARCHAR', 'Year': 'VARCHAR', 'Country': 'VARCHAR',
                             'Mission': 'VARCHAR', 'Female': 'VARCHAR', 'Male': 'VARCHAR',
                             'Total': 'VARCHAR'})
"""


def load_strength(con: duckdb.DuckDBPyConnection, path: Path | str) -> None:
    """Create table ``strength`` (mission, yr, female, male, total, note) and ``gender_problems``."""
    con.execute(f"CREATE OR REPLACE TABLE gender_raw AS {_READ}", [as_path(path)])
    con.execute("CREATE OR REPLACE TEMP TABLE year_note (yr INTEGER, note VARCHAR)")
    con.executemany("INSERT INTO year_note VALUES (?, ?)", list(YEAR_NOTES.items()))
    con.execute(f"""
        CREATE OR REPLACE TABLE gender_rows AS
        SELECT line, {mission_sql('Mission')} AS mission, Mission AS raw_mission, Year, Female, Male, Total,
               try_cast(trim(Year) AS INTEGER) AS yr,
               try_cast(trim(Female) AS DOUBLE) AS f,
               try_cast(trim(Male) AS DOUBLE) AS m,
               try_cast(trim(Total) AS DOUBLE) AS t
        FROM gender_raw
    """)
    con.execute("""
        CREATE OR REPLACE TABLE gender_problems AS
        SELECT line, 'Mission' AS "column", raw_mission AS value, 'mission is blank' AS problem
        FROM gender_rows WHERE mission IS NULL
        UNION ALL SELECT line, 'Year', Year, 'year is not a whole number' FROM gender_rows WHERE yr IS NULL
        UNION ALL SELECT line, 'Female', Female, 'not a number' FROM gender_rows WHERE f IS NULL
        UNION ALL SELECT line, 'Male', Male, 'not a number' FROM gender_rows WHERE m IS NULL
        UNION ALL SELECT line, 'Total', Total, 'not a number' FROM gender_rows WHERE t IS NULL
    """)
    con.execute("""
        CREATE OR REPLACE TABLE strength AS
        SELECT mission, yr, sum(f) AS female, sum(m) AS male, sum(t) AS total, any_value(note) AS note
        FROM gender_rows LEFT JOIN year_note USING (yr)
        WHERE line NOT IN (SELECT line FROM gender_problems)
        GROUP BY mission, yr
        HAVING sum(t) > 0
    """)


def extract(path: Path | str) -> Extract:
    con = connect()
    load_strength(con, path)
    frame = con.execute("""
        WITH s AS (SELECT *, CAST(yr AS VARCHAR) AS period FROM strength)
        SELECT mission, 'UNIF_STRENGTH' AS indicator, period, round(total, 1) AS value,
               'total' AS sex, NULL AS numerator, NULL AS denominator, note AS comment FROM s
        UNION ALL
        SELECT mission, 'UNIF_STRENGTH', period, round(female, 1), 'female', NULL, NULL, note FROM s
        UNION ALL
        SELECT mission, 'UNIF_STRENGTH', period, round(male, 1), 'male', NULL, NULL, note FROM s
        UNION ALL
        SELECT mission, 'UNIF_WOMEN_SHARE', period, round(100 * female / total, 2), 'total',
               female, total, note FROM s
    """).fetchdf()
    frame["age"] = "total"
    frame["location"] = "total"
    frame["source"] = SOURCE
    return Extract(observations(frame), None, problems(con.execute("FROM gender_problems").fetchdf()))


def strength_frame(path: Path | str) -> pd.DataFrame:
    """Deployed uniformed strength per mission-year, for other importers and tests."""
    con = connect()
    load_strength(con, path)
    return con.execute("FROM strength ORDER BY mission, yr").fetchdf()
