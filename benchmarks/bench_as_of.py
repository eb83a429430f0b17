"""What reading the store as of a moment costs, beside reading it today and a plain GROUP BY.

    python benchmarks/bench_as_of.py [ROWS ...]

The store is the read store of readstore.py (cached). Each query runs on its own connection, as a
dashboard request's first read does: today on the store file, as of a moment on an in-memory database
that rebuilds the views over the history (peacepulse.store.past). The moment is now, so both read the
same rows. Prints the median of five runs of each, and their ratios to the baseline GROUP BY.
"""
from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import readstore

from peacepulse import store

QUERIES = {
    "scorecard, every mission": "SELECT * FROM scorecard",
    "progress, one mission": "SELECT * FROM progress WHERE mission = (SELECT min(mission) FROM series_summary)",
    "series, one mission": "SELECT * FROM series WHERE mission = (SELECT min(mission) FROM series_summary)",
    "observations, one indicator": "SELECT count(*) FROM observations WHERE indicator = "
                                   "(SELECT min(indicator) FROM series_summary)",
}
RUNS = 5


def median_seconds(db: Path, sql: str) -> float:
    took = []
    for _ in range(RUNS):
        start = time.perf_counter()
        store.read_df(db, sql)
        took.append(time.perf_counter() - start)
    return statistics.median(took)


def main(sizes: list[int]) -> None:
    for rows in sizes:
        db, note = readstore.cached(rows)
        print(f"store of {rows:,} observations: {note}")
        base = median_seconds(db, "SELECT mission, indicator, avg(value) FROM observation_current GROUP BY ALL")
        moment = datetime.now() + timedelta(minutes=1)
        with store.as_of(moment):
            opened = median_seconds(db, "SELECT 1")
        print(f"  baseline GROUP BY {base:.3f} s; opening the store as of a moment {opened:.3f} s")
        print(f"  {'query':32} {'today':>8} {'as of':>8} {'as of ÷ today':>14} {'as of ÷ baseline':>17}")
        for name, sql in QUERIES.items():
            today = median_seconds(db, sql)
            with store.as_of(moment):
                then = median_seconds(db, sql)
            print(f"  {name:32} {today:8.3f} {then:8.3f} {then / today:14.1f} {then / base:17.1f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000_000])
