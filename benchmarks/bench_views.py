"""How long the scorecard and progress views take at scale, against a plain GROUP BY.

    python benchmarks/bench_views.py [ROWS]

Rows are synthetic and written straight into the tables (this measures reads,
not ingest). Prints seconds for a plain DuckDB GROUP BY over the same rows (the
baseline) and for each view, and their ratio to the baseline.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from peacepulse import seeds, store


def fill(db: Path, rows: int) -> None:
    with store.writing(db) as con:
        con.execute(f"""
            INSERT INTO observation_current
            SELECT m.code, i.code, p.y::VARCHAR || '-Q' || p.q::VARCHAR, 'quarter',
                   make_date(p.y, 3 * p.q - 2, 1), last_day(make_date(p.y, 3 * p.q, 1)),
                   'total', 'total', 'Sector ' || s.n::VARCHAR, (random() * 100)::DOUBLE,
                   NULL, NULL, NULL, 'synthetic', 1, 1, now()
            FROM (SELECT code FROM mission WHERE kind = 'peacekeeping' LIMIT 20) m,
                 (SELECT code FROM indicator WHERE measure = 'percent' LIMIT 25) i,
                 (SELECT y, q FROM range(2000, 2025) a(y), range(1, 5) b(q)) p,
                 range({max(rows // (20 * 25 * 100), 1)}) s(n)
            LIMIT {rows}""").fetchall()
        con.execute("""INSERT INTO observation_current
                       SELECT mission, indicator, period, period_type, period_start, period_end,
                              'total', 'total', 'total', avg(value), NULL, NULL, NULL, 'synthetic', 1, 1, now()
                       FROM observation_current GROUP BY ALL""").fetchall()


def timed(db: Path, sql: str) -> float:
    start = time.perf_counter()
    store.read_df(db, sql)
    return time.perf_counter() - start


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.duckdb"
        seeds.init(db)
        fill(db, rows)
        base = timed(db, "SELECT mission, indicator, avg(value) FROM observation_current GROUP BY ALL")
        print(f"rows={rows:,} baseline_group_by={base:.3f}s")
        for view in ("progress", "scorecard"):
            took = timed(db, f"SELECT * FROM {view}")
            print(f"  {view:10} {took:.3f}s ratio={took / base:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
