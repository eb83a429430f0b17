"""Allegations of sexual exploitation and abuse per mission and report year.

Input: the UN "Table of allegations" from Conduct in UN Field Missions, as the
exported ``.xlsx`` (first sheet) or its ``.csv`` conversion. One row is one
allegation; ``Date`` is the month it was reported, written ``M/YYYY``. Cells
such as ``Victim`` hold several lines ("Child (2)", "Adult (4)"), so one CSV
record may span several physical lines; line numbers in ``problems`` count
records, as a spreadsheet shows them (header = line 1).

SEA_ALLEGATIONS counts rows per mission and report year. A mission with no
allegation reported in a year between its first and last report year gets a zero
(the table lists every allegation reported from 2015 on). Rows with a blank
mission or an unreadable date are reported in ``problems`` and not counted.
"""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import load_workbook

from ._common import Extract, alias_note_sql, as_path, connect, mission_sql, observations, problems

SOURCE = "UN Conduct in UN Field Missions: table of allegations, as of July 2024"
_ZERO_NOTE = "no allegation reported this year, between the first and last report years of this mission"

_READ_CSV = """
    SELECT row_number() OVER () + 1 AS line, "Date", Mission
    FROM read_csv(?, header = true, delim = ',', quote = '"', escape = '"',
                  all_varchar = true, encoding = 'utf-8')
"""


def _cell(value: object) -> str | None:
    # A month typed into Excel may come back as a date; keep it as M/YYYY.
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.month}/{value.year}"
    return None if value is None else str(value)


def _read_xlsx(path: Path | str) -> pd.DataFrame:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows)]
        date, mission = header.index("Date"), header.index("Mission")
        # Wholly empty rows (often trailing ones) are not allegations.
        records = [
            {"line": n, "Date": _cell(r[date]), "Mission": _cell(r[mission])}
            for n, r in enumerate(rows, start=2)
            if any(c is not None for c in r)
        ]
    finally:
        book.close()
    return pd.DataFrame(records, columns=["line", "Date", "Mission"])


def _load(con: duckdb.DuckDBPyConnection, path: Path | str) -> None:
    if str(path).lower().endswith((".xlsx", ".xlsm")):
        con.register("sheet", _read_xlsx(path))
        con.execute("CREATE TABLE raw AS SELECT * FROM sheet")
    else:
        con.execute(f"CREATE TABLE raw AS {_READ_CSV}", [as_path(path)])


def extract(path: Path | str) -> Extract:
    con = connect()
    _load(con, path)
    con.execute(f"""
        CREATE TABLE rows AS
        SELECT line, "Date", Mission AS raw_mission, {mission_sql('Mission')} AS code,
               {alias_note_sql('Mission')} AS alias_note,
               try_cast(regexp_extract(trim("Date"), '^(\\d{{1,2}})/(\\d{{4}})$', 1) AS INTEGER) AS mon,
               try_cast(regexp_extract(trim("Date"), '^(\\d{{1,2}})/(\\d{{4}})$', 2) AS INTEGER) AS yr
        FROM raw
    """)
    bad = con.execute("""
        SELECT line, 'Mission' AS "column", raw_mission AS value, 'mission is blank' AS problem
        FROM rows WHERE code IS NULL
        UNION ALL
        SELECT line, 'Date', "Date", 'report month is not M/YYYY'
        FROM rows WHERE yr IS NULL OR mon NOT BETWEEN 1 AND 12
    """).fetchdf()
    con.register("bad", bad)
    # The table's last report year is incomplete unless its last month is December.
    last = con.execute("""SELECT max(yr * 100 + mon) FROM rows
                          WHERE line NOT IN (SELECT line FROM bad)""").fetchone()[0]
    con.execute("CREATE TABLE partial (yr INTEGER, note VARCHAR)")
    if last is not None and last % 100 != 12:
        year, month = divmod(last, 100)
        note = f"{year}: incomplete year, January to {calendar.month_name[month]} only"
        con.execute("INSERT INTO partial VALUES (?, ?)", [year, note])
    frame = con.execute(f"""
        WITH ok AS (SELECT code AS mission, yr, alias_note FROM rows
                    WHERE line NOT IN (SELECT line FROM bad)),
        span AS (SELECT mission, unnest(range(min(yr), max(yr) + 1)) AS yr FROM ok GROUP BY mission),
        counted AS (SELECT mission, yr, count(*) AS n, string_agg(DISTINCT alias_note, '; ') AS alias_note
                    FROM ok GROUP BY mission, yr)
        SELECT span.mission, 'SEA_ALLEGATIONS' AS indicator, CAST(span.yr AS VARCHAR) AS period,
               coalesce(n, 0) AS value, NULL AS numerator, NULL AS denominator,
               nullif(concat_ws('; ', CASE WHEN n IS NULL THEN '{_ZERO_NOTE}' END,
                                partial.note, alias_note), '') AS comment
        FROM span LEFT JOIN counted USING (mission, yr) LEFT JOIN partial USING (yr)
    """).fetchdf()
    frame["sex"] = "total"
    frame["age"] = "total"
    frame["location"] = "total"
    frame["source"] = SOURCE
    return Extract(observations(frame), None, problems(bad))
