"""What keeping the rollups costs an upload: 10,000 new rows into a copy of the read store, with and without.

    python benchmarks/bench_rollup_cost.py [ROWS]

The rows are new keys on existing series (a sector the store does not have, on headline periods), the
common case of a monthly upload of breakdowns. Each variant runs twice, alternating, through
peacepulse.ingest.ingest_many; "without" skips peacepulse.store.rollups.refresh (the baseline).
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import readstore

from peacepulse import ingest, store
from peacepulse.ingest import write
from peacepulse.store import rollups


def main(rows: int) -> None:
    source, note = readstore.cached(rows)
    print(f"store of {rows:,}: {note}")
    with store.reading(source) as con:
        sample = con.execute("""SELECT mission, indicator, period, value FROM series_point
                                ORDER BY hash(mission, indicator, period) LIMIT 10000""").fetchall()
    text = "mission,indicator,period,value,location,source\n" + "".join(
        f"{m},{i},{p},{v},Sector 99,synthetic\n" for m, i, p, v in sample)
    keep = rollups.refresh
    with tempfile.TemporaryDirectory(prefix="peacepulse-rollups-") as tmp:
        for label in ("with rollups", "without (baseline)") * 2:
            db = Path(tmp) / "store.duckdb"
            shutil.copyfile(source, db)
            write.rollups.refresh = keep if label == "with rollups" else (lambda con, batch_id: None)
            start = time.perf_counter()
            report = ingest.ingest_many(db, [("new.csv", text.encode())], commit=True, origin="benchmark")[0]
            print(f"  {label:<20} {time.perf_counter() - start:6.2f} s  ({report.new:,} new rows)", flush=True)
            db.unlink()
    write.rollups.refresh = keep


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000)
