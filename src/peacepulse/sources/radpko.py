"""Deployments per mission and year from RADPKO (Hunnicutt & Nomikos 2020).

Input: ``radpko_bases_cc_y.csv``, one row per mission, base and year for UN
Chapter VII missions in Africa, 1999-2019. Personnel figures are yearly means of
monthly estimates, hence fractional; summing the bases of a mission gives the
mission's mean strength for the year. Troops, police and military observers are
given in total and by sex; the file counts women, and men are the rest. Its
split by contributing country is not used here.

Target: the UN Uniformed Gender Parity Strategy 2018-2028 aims at 25% women among
military observers and staff officers by 2028. RADPKO has no staff officers, so
the target is applied to its military observers only. It is given for missions
still in the data in 2019 (the file's last year), the ones known to be deployed
once the strategy began; the baseline is the mission's first share in the file.
"""

from __future__ import annotations

from pathlib import Path

from ._common import TARGET_COLUMNS, Extract, as_path, connect, mission_sql, observations, problems

SOURCE = "RADPKO, Hunnicutt & Nomikos 2020 (radpko_bases_cc_y.csv)"
TARGET_NOTE = (
    "UN Uniformed Gender Parity Strategy 2018-2028: 25% women among military observers "
    "and staff officers by 2028; RADPKO counts military observers only"
)
TARGET_FROM_YEAR = 2019
# Indicator -> RADPKO column; the female count is the same name with "f_" in front.
COUNTS = {"MILOBS_DEPLOYED": "unmob", "TROOPS_DEPLOYED": "untrp", "POLICE_DEPLOYED": "unpol"}
NUMBERS = ("pko_deployed", *COUNTS.values(), *(f"f_{c}" for c in COUNTS.values()))

_READ = """
    SELECT row_number() OVER () + 1 AS line, *
    FROM read_csv(?, header = true, delim = ',', quote = '"', escape = '"',
                  all_varchar = true, encoding = 'utf-8', nullstr = ['', 'NA'])
"""


def extract(path: Path | str) -> Extract:
    con = connect()
    con.execute(f"CREATE TABLE raw AS {_READ}", [as_path(path)])
    casts = ", ".join(f"try_cast(trim({c}) AS DOUBLE) AS n_{c}" for c in NUMBERS)
    con.execute(f"""
        CREATE TABLE rows AS
        SELECT *, {mission_sql('mission')} AS code, try_cast(trim(year) AS INTEGER) AS yr, {casts}
        FROM raw
    """)
    checks = " UNION ALL ".join(
        f"SELECT line, '{c}', {c}, 'not a number' FROM rows WHERE n_{c} IS NULL" for c in NUMBERS
    )
    bad = con.execute(f"""
        SELECT line, 'mission' AS "column", mission AS value, 'mission is blank' AS problem
        FROM rows WHERE code IS NULL
        UNION ALL SELECT line, 'year', year, 'year is not a whole number' FROM rows WHERE yr IS NULL
        UNION ALL {checks}
    """).fetchdf()
    con.register("bad", bad)
    con.execute(f"""
        CREATE TABLE yearly AS
        SELECT code AS mission, yr, CAST(yr AS VARCHAR) AS period,
               {", ".join(f"sum(n_{c}) AS {c}" for c in NUMBERS[1:])},
               count(DISTINCT base) FILTER (WHERE n_pko_deployed > 0) AS bases
        FROM rows WHERE line NOT IN (SELECT line FROM bad)
        GROUP BY code, yr
    """)
    by_sex = " ".join(
        f"UNION ALL SELECT mission, '{code}', period, sex, round(n, 1), NULL, NULL FROM yearly, "
        f"LATERAL (VALUES ('total', {c}), ('female', f_{c}), ('male', {c} - f_{c})) AS t(sex, n)"
        for code, c in COUNTS.items()
    )
    frame = con.execute(f"""
        SELECT mission, 'MILOBS_WOMEN_SHARE' AS indicator, period, 'total' AS sex,
               round(100 * f_unmob / unmob, 2) AS value,
               round(f_unmob, 2) AS numerator, round(unmob, 2) AS denominator
        FROM yearly WHERE unmob > 0
        UNION ALL SELECT mission, 'BASES_COUNT', period, 'total', bases, NULL, NULL FROM yearly
        {by_sex}
    """).fetchdf()
    frame["comment"] = "yearly mean of monthly estimates, summed over bases"
    frame.loc[frame["indicator"] == "BASES_COUNT", "comment"] = "bases with personnel deployed that year"
    frame["age"] = "total"
    frame["location"] = "total"
    frame["source"] = SOURCE
    targets = con.execute(
        """
        WITH share AS (SELECT mission, yr, 100 * f_unmob / unmob AS pct FROM yearly WHERE unmob > 0)
        SELECT mission, 'MILOBS_WOMEN_SHARE' AS indicator, '2028' AS period, 25.0 AS target,
               round(arg_min(pct, yr), 2) AS baseline, CAST(min(yr) AS VARCHAR) AS baseline_period,
               ? AS comment
        FROM share GROUP BY mission
        HAVING mission IN (SELECT mission FROM yearly GROUP BY mission HAVING max(yr) >= ?)
        ORDER BY mission
        """,
        [TARGET_NOTE, TARGET_FROM_YEAR],
    ).fetchdf()
    return Extract(observations(frame), targets.reindex(columns=list(TARGET_COLUMNS)), problems(bad))
