"""How long the scorecard and progress views take at scale, against a plain GROUP BY.

    python benchmarks/bench_views.py [ROWS]

The store is the read store of readstore.py (cached), whose rows were written straight into
the tables and whose rollups were then rebuilt: this measures reads, not ingest. Prints
seconds for a plain DuckDB GROUP BY over the same rows (the baseline) and for each view, and
their ratio to the baseline. bench_reads.py measures every query the dashboard makes.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import readstore

from peacepulse import store


def timed(db: Path, sql: str) -> float:
    start = time.perf_counter()
    store.read_df(db, sql)
    return time.perf_counter() - start


def main(rows: int) -> None:
    db, note = readstore.cached(rows)
    print(f"store of {rows:,}: {note}")
    base = timed(db, "SELECT mission, indicator, avg(value) FROM observation_current GROUP BY ALL")
    print(f"rows={rows:,} baseline_group_by={base:.3f}s")
    for view in ("progress", "scorecard"):
        took = timed(db, f"SELECT * FROM {view}")
        print(f"  {view:10} {took:.3f}s ratio={took / base:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
