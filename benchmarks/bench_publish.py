"""What publishing the store costs after a write, at 1M and 10M observations.

    python benchmarks/bench_publish.py [ROWS ...]

Every write ends by copying the working copy to a temporary file, flushing it to disk and renaming it
over the published file (peacepulse.store.publish). The store is the read store of readstore.py
(cached), copied first. Prints, as medians of three runs: the file's size; the publish step; a plain
copy of the same file without the flush (the floor any copy has); and a one-row upload from start to
end, publishing included, with the share of it that publishing takes.
"""
from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import readstore

from peacepulse import ingest
from peacepulse.store import publish

RUNS = 3


def _median(step) -> float:
    took = []
    for _ in range(RUNS):
        start = time.perf_counter()
        step()
        took.append(time.perf_counter() - start)
    return statistics.median(took)


def measure(rows: int, folder: Path) -> dict:
    source, note = readstore.cached(rows)
    db = folder / f"publish-{rows}.duckdb"
    shutil.copyfile(source, db)
    first = "mission,indicator,period,value,source\n"
    with publish.write_lock(db):
        publish.prepare_working_copy(db)

    def publish_once() -> None:
        with publish.write_lock(db):
            publish.publish(db)

    uploads = iter(range(1, 100))

    def upload_once() -> None:
        n = next(uploads)
        row = f"{first}UNMISS,FAT_MALICIOUS,{2100 + n},{n},synthetic\n"
        report = ingest.ingest_upload(db, f"one-{n}.csv", row.encode(), commit=True)
        assert report.written, report.message

    result = {
        "rows": rows, "note": note, "mib": db.stat().st_size / 2**20,
        "publish": _median(publish_once),
        "copy": _median(lambda: shutil.copyfile(publish.working_copy(db), folder / "plain-copy.duckdb")),
        "upload": _median(upload_once),
    }
    db.unlink()
    shutil.rmtree(publish.private_dir(db))
    return result


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1_000_000, 10_000_000]
    with tempfile.TemporaryDirectory(dir=readstore.CACHE.parent) as tmp:
        print("| store | file | publish | plain copy | publish ÷ copy | one-row upload | publish's share |")
        print("|---|---|---|---|---|---|---|")
        for rows in sizes:
            r = measure(rows, Path(tmp))
            print(f"| {rows:,} ({r['note']}) | {r['mib']:.0f} MiB | {r['publish']:.2f} s | {r['copy']:.2f} s | "
                  f"{r['publish'] / r['copy']:.1f} | {r['upload']:.2f} s | {r['publish'] / r['upload']:.0%} |",
                  flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
