"""Peacekeeping fatalities per mission and year.

Input: ``odp_noticas.csv``, the UN DPO open-data list of fatalities (one row per
death, July 1948 to June 2021). The file starts with a UTF-8 byte-order mark and
writes the personnel type "Local " with a trailing space, so personnel type and
incident type are trimmed before use.

Zeros: a mission with no death in a year has no row in the file. A zero is only
meaningful while the mission was deployed, so FAT_TOTAL and FAT_MALICIOUS get
zeros for the years between the mission's first and last fatality year in the
file, and each such row says so in its comment. "UN Secretariat" names no
deployment and gets no zeros. A code that covers two successive missions (UNEF
for UNEF I and II) does get zeros for the years between them.

FAT_CIVILIAN follows the catalogue definition: international and locally
recruited civilians, without the file's "Other" type, so the three personnel
indicators can sum to less than FAT_TOTAL.

FAT_MALICIOUS_RATE counts malicious-act deaths of military, military observers
and police per 1,000 uniformed personnel. It needs the strength from
``CountryByYear.csv`` (see :mod:`.gender`), so it is only computed when that
path is given, and only for years that file covers in full (not those listed in
``gender.YEAR_NOTES``).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from ._common import Extract, alias_note_sql, as_path, connect, mission_sql, observations, problems
from .gender import YEAR_NOTES, load_strength

SOURCE = "UN DPO open data: fatalities (odp_noticas.csv)"
RATE_SOURCE = SOURCE + " and uniformed personnel by gender (CountryByYear.csv)"

# Indicator -> (filter on the trimmed columns, comment explaining the grouping).
GROUPS: dict[str, tuple[str, str | None]] = {
    "FAT_TOTAL": ("true", None),
    "FAT_MALICIOUS": ("incident = 'Malicious Act'", None),
    "FAT_MILITARY": ("ptype IN ('Military', 'Military Observer')", "Military and Military Observer"),
    "FAT_POLICE": ("ptype = 'Police'", None),
    "FAT_CIVILIAN": (
        "ptype IN ('International Civilian', 'Local')",
        "International Civilian and Local; the type Other is left out",
    ),
}
UNIFORMED = "('Military', 'Military Observer', 'Police')"
# Zero-filled years carry only the two headline indicators; the personnel
# breakdown is given for years with at least one death.
ZERO_FILLED = ("FAT_TOTAL", "FAT_MALICIOUS")
# Codes in the file that do not name a deployment, so a year without deaths says
# nothing and is not filled with zero.
NOT_DEPLOYED = ("UN Secretariat",)
_ZERO_NOTE = (
    "zero filled: no death recorded this year, between the first and last fatality years of this mission"
)

_READ = """
    SELECT row_number() OVER () + 1 AS line, *
    FROM read_csv(?, header = true, delim = ',', quote = '"', escape = '"',
                  all_varchar = true, encoding = 'utf-8')
"""


def extract(path: Path | str, strength_path: Path | str | None = None) -> Extract:
    con = connect()
    con.execute(f"CREATE TABLE raw AS {_READ}", [as_path(path)])
    con.execute(f"""
        CREATE TABLE deaths AS
        SELECT line, Incident_Date, Mission_Acronym,
               {mission_sql('Mission_Acronym')} AS mission,
               {alias_note_sql('Mission_Acronym')} AS alias_note,
               CAST(try_strptime(trim(Incident_Date), '%Y-%m-%d') AS DATE) AS day, year(day) AS yr,
               trim(Casualty_Personnel_Type) AS ptype, trim(Type_Of_Incident) AS incident
        FROM raw
    """)
    bad = con.execute("""
        SELECT line, 'Mission_Acronym' AS "column", Mission_Acronym AS value, 'mission is blank' AS problem
        FROM deaths WHERE mission IS NULL
        UNION ALL
        SELECT line, 'Incident_Date', Incident_Date, 'date is not YYYY-MM-DD' FROM deaths WHERE yr IS NULL
    """).fetchdf()
    counts = ",\n".join(f"count(*) FILTER (WHERE {cond}) AS {code}" for code, (cond, _) in GROUPS.items())
    con.execute(f"""
        CREATE TABLE yearly AS
        WITH ok AS (SELECT * FROM deaths WHERE mission IS NOT NULL AND yr IS NOT NULL),
        span AS (SELECT mission, unnest(range(min(yr), max(yr) + 1)) AS yr FROM ok
                 WHERE NOT list_contains(?, mission) GROUP BY mission
                 UNION SELECT DISTINCT mission, yr FROM ok),
        counted AS (SELECT mission, yr, {counts}, string_agg(DISTINCT alias_note, '; ') AS alias_note
                    FROM ok GROUP BY mission, yr)
        SELECT span.mission, span.yr, counted.alias_note,
               {", ".join(f"coalesce({c}, 0) AS {c}" for c in GROUPS)}
        FROM span LEFT JOIN counted USING (mission, yr)
    """, [list(NOT_DEPLOYED)])
    # The last year of the file is incomplete unless it runs to 31 December.
    (last_day,) = con.execute("SELECT max(day) FROM deaths").fetchone()
    partial = None
    if last_day is not None and (last_day.month, last_day.day) != (12, 31):
        partial = f"{last_day.year}: incomplete year, the file ends on {last_day.isoformat()}"
    con.execute("CREATE TABLE note (indicator VARCHAR, note VARCHAR)")
    con.executemany("INSERT INTO note VALUES (?, ?)", [(c, n) for c, (_, n) in GROUPS.items()])
    frame = con.execute(
        f"""
        SELECT mission, indicator, CAST(yr AS VARCHAR) AS period, value,
               NULL AS numerator, NULL AS denominator,
               nullif(concat_ws('; ', note, CASE WHEN total = 0 THEN $zero END,
                      CASE WHEN yr = $last_year THEN $partial END, alias_note), '') AS comment
        FROM (SELECT *, FAT_TOTAL AS total FROM yearly)
        UNPIVOT (value FOR indicator IN ({", ".join(GROUPS)}))
        LEFT JOIN note USING (indicator)
        WHERE total > 0 OR indicator IN {ZERO_FILLED}
        """,
        {"zero": _ZERO_NOTE, "partial": partial, "last_year": last_day.year if partial else None},
    ).fetchdf()
    frame["source"] = SOURCE
    if strength_path is not None:
        frame = _with_rate(con, frame, strength_path)
    frame["sex"] = "total"
    frame["age"] = "total"
    frame["location"] = "total"
    return Extract(observations(frame), None, problems(bad))


def _with_rate(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, strength_path: Path | str
) -> pd.DataFrame:
    """Malicious-act deaths of uniformed personnel per 1,000 uniformed personnel deployed."""
    load_strength(con, strength_path)
    skip = ", ".join(str(y) for y in YEAR_NOTES) or "NULL"
    rate = con.execute(f"""
        WITH mal AS (SELECT mission, yr, count(*) AS n FROM deaths
                     WHERE incident = 'Malicious Act' AND ptype IN {UNIFORMED}
                       AND mission IS NOT NULL AND yr IS NOT NULL
                     GROUP BY mission, yr)
        SELECT s.mission, 'FAT_MALICIOUS_RATE' AS indicator, CAST(s.yr AS VARCHAR) AS period,
               round(1000 * coalesce(mal.n, 0) / s.total, 3) AS value,
               coalesce(mal.n, 0) AS numerator, s.total AS denominator,
               'malicious-act deaths of military, military observers and police per 1,000 '
               || 'uniformed personnel (yearly mean strength)' AS comment
        FROM strength s LEFT JOIN mal USING (mission, yr)
        WHERE s.yr NOT IN ({skip})
    """).fetchdf()
    rate["source"] = RATE_SOURCE
    return pd.concat([frame, rate], ignore_index=True)
