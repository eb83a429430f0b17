"""A big store shaped like real use, for the read benchmarks, written with SQL straight into the tables.

    python benchmarks/readstore.py ROWS      # build (or find) the cached store and print its shape

About 110 missions × 65 indicators (at 10M rows; fewer missions for smaller stores), each indicator at
its own period type from 2000 to 2025. Every series has its headline rows (sex, age and location all
'total') and rows split by sex (2), age (4) and location (20 sectors), of which a fixed share is kept,
so that headline rows are about 6 % of all. Rows are inserted in a hashed order, so the rows of one
series are spread over the whole table as uploads over the years would leave them. A tenth of the
missions report under a real source name; the rest are synthetic. About 0.3 % of the rows were revised
once. About 7 in 8 series have a target due at the end of 2026, set so that every status occurs.

This measures reads, not ingest: nothing goes through the upload path. The rollups the ingest keeps
are rebuilt from the tables at the end, with the store's own rebuild.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
VERSION = 1  # bump when the shape changes, so cached stores are rebuilt
FULL_MISSIONS, FULL_ROWS = 110, 10_000_000
LOCATIONS = 20
AGES = ("0-17", "18-35", "36-59", "60+")

_PERIODS = """
    WITH years AS (SELECT y::INTEGER AS y FROM range(2000, 2026) t(y))
    SELECT 'year' AS period_type, y::VARCHAR AS period, make_date(y, 1, 1) AS period_start,
           make_date(y, 12, 31) AS period_end FROM years
    UNION ALL SELECT 'half', y || '-S' || h, make_date(y, 6 * h - 5, 1), last_day(make_date(y, 6 * h, 1))
    FROM years, range(1, 3) t(h)
    UNION ALL SELECT 'quarter', y || '-Q' || q, make_date(y, 3 * q - 2, 1), last_day(make_date(y, 3 * q, 1))
    FROM years, range(1, 5) t(q)
    UNION ALL SELECT 'month', y || '-' || lpad(m::VARCHAR, 2, '0'), make_date(y, m, 1), last_day(make_date(y, m, 1))
    FROM years, range(1, 13) t(m)
    UNION ALL SELECT 'fiscal_year', 'FY' || y || '/' || lpad(((y + 1) % 100)::VARCHAR, 2, '0'), make_date(y, 7, 1),
           make_date(y + 1, 6, 30) FROM years
"""

_TARGET_PERIOD = """CASE period_type WHEN 'year' THEN '2026' WHEN 'half' THEN '2026-S2' WHEN 'month' THEN '2026-12'
                         WHEN 'fiscal_year' THEN 'FY2026/27' ELSE '2026-Q4' END"""


def missions_for(rows: int) -> int:
    return max(1, round(FULL_MISSIONS * rows / FULL_ROWS))


def fill(con: duckdb.DuckDBPyConnection, rows: int) -> None:
    """Write `rows` observations (and their targets) into a seeded store, inside the caller's transaction."""
    n_missions = missions_for(rows)
    con.execute(f"CREATE TEMP TABLE pick_mission AS SELECT code AS mission FROM mission ORDER BY code LIMIT {n_missions}")
    con.execute("""CREATE TEMP TABLE pick_indicator AS
                   SELECT code AS indicator, coalesce(nullif(period_type, 'day'), 'year') AS period_type,
                          coalesce(measure, 'index') AS measure, direction FROM indicator""")
    con.execute(f"CREATE TEMP TABLE pick_period AS {_PERIODS}")
    splits = ", ".join(["('total', 'total', 'total')", "('female', 'total', 'total')", "('male', 'total', 'total')",
                        *(f"('total', '{a}', 'total')" for a in AGES),
                        *(f"('total', 'total', 'Sector {n}')" for n in range(1, LOCATIONS + 1))])
    headline = con.execute("""SELECT count(*) FROM pick_mission, pick_indicator i
                              JOIN pick_period p USING (period_type)""").fetchall()[0][0]
    split_rows = headline * (len(splits.split("), (")) - 1)
    keep = min(1.0, 1.01 * (rows - headline) / split_rows) if rows > headline else 0.0
    # A series' level and trend come from hashes of its mission and indicator; the splits wobble around it.
    con.execute(f"""
        CREATE TEMP TABLE generated AS
        WITH keys AS (
            SELECT m.mission, i.indicator, i.measure, p.period, p.period_type, p.period_start, p.period_end,
                   s.sex, s.age, s.location,
                   hash(m.mission, i.indicator, p.period, s.sex, s.age, s.location) AS h,
                   (hash(m.mission, i.indicator) % 60)::DOUBLE + 20 AS level,
                   ((hash(m.mission, i.indicator, 'slope') % 201)::DOUBLE - 100) / 100 AS slope,
                   year(p.period_end) - 2000 + month(p.period_end) / 12.0 AS t,
                   hash(m.mission) % 10 = 0 AS real
            FROM pick_mission m, pick_indicator i
            JOIN pick_period p USING (period_type)
            CROSS JOIN (VALUES {splits}) s(sex, age, location)),
        kept AS (
            SELECT * FROM keys
            WHERE (sex = 'total' AND age = 'total' AND location = 'total') OR (h % 100000) < {keep * 100000:.0f})
        SELECT mission, indicator, period, period_type, period_start, period_end, sex, age, location,
               CASE measure
                   WHEN 'percent' THEN round(least(100, greatest(0, level + slope * t + ((h % 1000) / 250.0 - 2))), 2)
                   WHEN 'count' THEN round(greatest(0, level + slope * t + ((h % 1000) / 100.0 - 5)))
                   WHEN 'days' THEN round(greatest(0, level + slope * t + ((h % 1000) / 100.0 - 5)))
                   ELSE round(greatest(0, level + slope * t + ((h % 1000) / 250.0 - 2)), 2) END
               * CASE WHEN h % 20011 = 7 AND measure <> 'percent' THEN 10 ELSE 1 END AS value,
               CASE WHEN real THEN 'Mission reporting' ELSE 'synthetic' END AS source,
               h % 331 = 5 AS revised, h
        FROM kept ORDER BY (sex = 'total' AND age = 'total' AND location = 'total') DESC, h
        LIMIT {rows}""")
    batch = con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM batch").fetchall()[0][0]
    counts = con.execute("SELECT count(*), count(*) FILTER (WHERE revised) FROM generated").fetchall()[0]
    con.execute("INSERT INTO batch (batch_id, kind, file_name, sha256, uploaded_at, rows_in_file, rows_new, "
                "rows_revised, rows_unchanged, origin) "
                "VALUES (?, 'observations', 'generated.csv', '', now(), ?, ?, 0, 0, 'benchmark'),"
                "(?, 'observations', 'revised.csv', '', now(), ?, 0, ?, 0, 'benchmark')",
                [batch, counts[0], counts[0], batch + 1, counts[1], counts[1]])
    columns = "mission, indicator, period, period_type, period_start, period_end, sex, age, location"
    # Interleaved: the table is written in hash order, not series by series.
    con.execute(f"""INSERT INTO observation_revision BY NAME
                    SELECT {columns}, value, source, 1 AS revision, {batch} AS batch_id, now() AS recorded_at
                    FROM generated ORDER BY h""")
    con.execute(f"""INSERT INTO observation_revision BY NAME
                    SELECT {columns}, value + 1 AS value, source, 2 AS revision, {batch + 1} AS batch_id,
                           now() AS recorded_at
                    FROM generated WHERE revised ORDER BY h""")
    con.execute(f"""INSERT INTO observation_current BY NAME
                    SELECT {columns}, value + CASE WHEN revised THEN 1 ELSE 0 END AS value, source,
                           CASE WHEN revised THEN 2 ELSE 1 END AS revision,
                           CASE WHEN revised THEN {batch + 1} ELSE {batch} END AS batch_id, now() AS recorded_at
                    FROM generated ORDER BY h""")
    # Targets: the end of 2026 in the indicator's own period type, at a pace that gives every status.
    con.execute(f"""
        INSERT INTO target_revision BY NAME
        WITH first AS (SELECT mission, indicator, arg_min(value, period_end) AS first_value,
                              arg_max(value, period_end) AS latest_value
                       FROM generated WHERE sex = 'total' AND age = 'total' AND location = 'total' GROUP BY ALL),
        due AS (SELECT f.*, i.period_type, i.direction, {_TARGET_PERIOD} AS period,
                       hash(f.mission, f.indicator, 'target') % 8 AS pick FROM first f JOIN pick_indicator i USING (indicator))
        SELECT d.mission, d.indicator, d.period, d.period_type, p.period_start, p.period_end,
               round(d.first_value + (d.latest_value - d.first_value)
                     * [0.9, 1.1, 1.4, 2.5, -1.0, 1.2, 0.5][d.pick::BIGINT + 1], 2)
                   + CASE WHEN d.latest_value = d.first_value THEN 1 ELSE 0 END AS target,
               NULL AS baseline, NULL AS baseline_period, NULL AS baseline_end, NULL AS comment,
               1 AS revision, {batch} AS batch_id, now() AS recorded_at
        FROM due d JOIN ({_PERIODS.replace('2026)', '2027)')}) p USING (period_type, period)
        WHERE d.pick < 7""")
    con.execute("DROP TABLE generated")


def digest() -> str:
    seeds = sorted((ROOT / "seeds").glob("*.csv"))
    parts = [p.read_bytes() for p in seeds] + [str(VERSION).encode(), duckdb.__version__.encode()]
    parts += [p.read_bytes() for p in sorted((ROOT / "src" / "peacepulse" / "store" / "migrations").glob("*.sql"))]
    return hashlib.sha256(b"".join(parts)).hexdigest()[:12]


def build(path: Path, rows: int) -> None:
    from peacepulse import seeds, store
    from peacepulse.store import rollups

    seeds.init(path)
    with store.writing(path) as con:
        fill(con, rows)
        rollups.rebuild(con)
    with duckdb.connect(str(path)) as con:
        con.execute("CHECKPOINT")


def cached(rows: int, rebuild: bool = False) -> tuple[Path, str]:
    """The cached store of `rows` observations, built if missing; and a note on how it came to be."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"reads-{rows}-{digest()}.duckdb"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists() and not rebuild:
        return path, f"cached; building took {json.loads(meta.read_text())['seconds']:.0f} s"
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    start = time.perf_counter()
    build(partial, rows)
    seconds = time.perf_counter() - start
    partial.rename(path)
    meta.write_text(json.dumps({"rows": rows, "seconds": seconds, "date": time.strftime("%Y-%m-%d")}))
    return path, f"built in {seconds:.0f} s"


def shape(path: Path) -> dict:
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute("""SELECT count(*), count(DISTINCT mission), count(DISTINCT indicator),
                                    avg((sex = 'total' AND age = 'total' AND location = 'total')::INTEGER),
                                    count(DISTINCT location), avg((source = 'synthetic')::INTEGER)
                             FROM observation_current""").fetchall()[0]
        statuses = dict(con.execute("SELECT status, count(*) FROM progress GROUP BY ALL").fetchall())
    return {"rows": row[0], "missions": row[1], "indicators": row[2], "headline_share": round(row[3], 4),
            "locations": row[4] - 1, "synthetic_share": round(row[5], 3), "statuses": statuses}


if __name__ == "__main__":
    target_rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    store_path, note = cached(target_rows, "--rebuild" in sys.argv)
    print(store_path, note)
    print(shape(store_path))
