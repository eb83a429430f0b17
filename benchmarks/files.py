"""Synthetic upload files for the benchmarks, generated with DuckDB SQL from the seed catalogue.

Every valid row comes from one "universe" of distinct observation keys (mission, indicator,
period, sex, age, location) over the seed missions and indicators. Row n of the universe is
always the same row, so a file is a slice [start, start + rows) of it: slices that do not
overlap never share a key, which is how a big store and the new rows uploaded into it stay
apart. All values are synthetic and marked so in the source column.
"""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import duckdb

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
VERSION = 1            # bump when the universe changes, so cached stores are rebuilt
FIRST_YEAR, LAST_YEAR = 1990, 2025
SECTORS = 90           # location values of indicators disaggregated by location
AGES = ("0-17", "18-35", "36-59", "60+")  # age groups of indicators disaggregated by age
COLUMNS = ("mission", "indicator", "period", "sex", "age", "location", "value", "source")

_PERIODS = f"""
    WITH years AS (SELECT y::INTEGER AS y FROM range({FIRST_YEAR - 1}, {LAST_YEAR + 1}) t(y))
    SELECT 'year' AS period_type, y, y::VARCHAR AS period, make_date(y, 1, 1) AS period_start,
           make_date(y, 12, 31) AS period_end FROM years
    UNION ALL SELECT 'half', y, y || '-S' || h, make_date(y, 6 * h - 5, 1),
           last_day(make_date(y, 6 * h, 1)) FROM years, range(1, 3) t(h)
    UNION ALL SELECT 'quarter', y, y || '-Q' || q, make_date(y, 3 * q - 2, 1),
           last_day(make_date(y, 3 * q, 1)) FROM years, range(1, 5) t(q)
    UNION ALL SELECT 'month', y, y || '-' || lpad(m::VARCHAR, 2, '0'), make_date(y, m, 1),
           last_day(make_date(y, m, 1)) FROM years, range(1, 13) t(m)
    UNION ALL SELECT 'day', y, strftime(make_date(y, m, d), '%Y-%m-%d'), make_date(y, m, d),
           make_date(y, m, d) FROM years, range(1, 13) t(m), (VALUES (1), (15)) t(d)
    UNION ALL SELECT 'fiscal_year', y, 'FY' || y || '/' || lpad(((y + 1) % 100)::VARCHAR, 2, '0'),
           make_date(y, 7, 1), make_date(y + 1, 6, 30) FROM years
"""

# A mission's periods run from 1990 or the year before it began, whichever is later, to its
# end or 2025. Only totals (no sex, age or location) reach before the mission began: those
# rows draw a warning, not an error. Periods after a mission ended are left out.
_UNIVERSE = """
    CREATE TABLE universe AS
    WITH missions AS (
        SELECT code AS mission, try_cast(start_date AS DATE) AS began, try_cast(end_date AS DATE) AS ended
        FROM read_csv('{seeds}/missions.csv', all_varchar = true)),
    indicators AS (
        SELECT code AS indicator, coalesce(nullif(lower(period_type), ''), 'year') AS period_type,
               coalesce(nullif(lower(measure), ''), 'index') AS measure,
               coalesce(lower(disaggregations), '') AS disaggregations
        FROM read_csv('{seeds}/indicators.csv', all_varchar = true)),
    splits AS (
        SELECT i.indicator, s.sex, s.age, s.location, s.needs FROM indicators i,
            (SELECT NULL AS sex, NULL AS age, NULL AS location, 'all' AS needs
             UNION ALL SELECT unnest(['female', 'male']), NULL, NULL, 'sex'
             UNION ALL SELECT NULL, unnest({ages}), NULL, 'age'
             UNION ALL SELECT NULL, NULL, 'Sector ' || n, 'location' FROM range(1, {sectors} + 1) t(n)) s
        WHERE s.needs = 'all' OR contains(i.disaggregations, s.needs)),
    keys AS (
        SELECT m.mission, i.indicator, p.period, s.sex, s.age, s.location, i.measure,
               coalesce(p.period_end < m.began, false) AS early
        FROM missions m, indicators i
        JOIN periods p USING (period_type)
        JOIN splits s USING (indicator)
        WHERE p.y >= greatest({first}, coalesce(year(m.began) - 1, {first}))
          AND (m.ended IS NULL OR p.period_start <= m.ended)
          AND (m.began IS NULL OR p.period_end >= m.began OR s.needs = 'all'))
    SELECT row_number() OVER (ORDER BY hash(mission, indicator, period, sex, age, location),
                                       mission, indicator, period, sex, age, location) - 1 AS n, *
    FROM keys
"""

# A value that fits each measure: percentages within 0-100, counts and days whole and >= 0.
_VALUE = """CASE measure
    WHEN 'percent' THEN round(((n * 7919) % 10001) / 100.0, 2)
    WHEN 'count' THEN ((n * 104729) % 500)::DOUBLE
    WHEN 'days' THEN ((n * 104729) % 120)::DOUBLE
    ELSE round(((n * 7919) % 1000) / 100.0, 2) END"""


def catalogue_digest() -> str:
    """Changes whenever the seed catalogue or the generator does: part of every cache key."""
    digest = hashlib.sha256(f"v{VERSION} duckdb {duckdb.__version__}".encode())
    for name in ("missions.csv", "indicators.csv"):
        digest.update((SEEDS / name).read_bytes())
    return digest.hexdigest()[:12]


def build_universe(path: Path) -> int:
    """Write the table of every valid key into a DuckDB file; return how many keys it holds."""
    with duckdb.connect(str(path)) as con:
        con.execute(f"CREATE TABLE periods AS {_PERIODS}")
        con.execute(_UNIVERSE.format(seeds=SEEDS, sectors=SECTORS, ages=list(AGES), first=FIRST_YEAR))
        con.execute("DROP TABLE periods")
        return con.execute("SELECT count(*) FROM universe").fetchone()[0]


def universe_size(universe: Path) -> int:
    with duckdb.connect(str(universe), read_only=True) as con:
        return con.execute("SELECT count(*) FROM universe").fetchone()[0]


def write_valid(universe: Path, out: Path, start: int, rows: int) -> Path:
    """Rows [start, start + rows) of the universe as an observations CSV, every row valid."""
    with duckdb.connect(str(universe), read_only=True) as con:
        available = con.execute("SELECT count(*) FROM universe WHERE n >= ?", [start]).fetchone()[0]
        if available < rows:
            raise ValueError(f"The universe has {available:,} keys from {start:,}; {rows:,} were asked for.")
        con.execute(f"""
            COPY (SELECT mission, indicator, period, sex, age, location, {_VALUE} AS value,
                         'synthetic' AS source
                  FROM universe WHERE n >= {start} AND n < {start + rows} ORDER BY n)
            TO '{out}' (HEADER)""")
    return out


def valid_rows(universe: Path, start: int, rows: int, measures: tuple[str, ...]) -> list[dict]:
    """Valid rows as dicts, from indicators of the given measures only (for the problem files)."""
    wanted = ", ".join(f"'{m}'" for m in measures)
    with duckdb.connect(str(universe), read_only=True) as con:
        frame = con.execute(f"""
            SELECT mission, indicator, period, coalesce(sex, '') AS sex, coalesce(age, '') AS age,
                   coalesce(location, '') AS location, {_VALUE}::VARCHAR AS value,
                   'synthetic' AS source, measure
            FROM universe WHERE n >= {start} AND measure IN ({wanted}) ORDER BY n LIMIT {rows}""").fetchdf()
    return frame.to_dict("records")


def write_rows(out: Path, rows: list[dict]) -> Path:
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return out
