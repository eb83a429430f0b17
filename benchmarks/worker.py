"""One measured step, in a process of its own, so its peak memory is its own.

    python benchmarks/worker.py ingest STORE FILE
    python benchmarks/worker.py read_csv DUCKDB_FILE FILE

Prints one JSON line: the seconds the step took (process start-up and imports excluded),
the process's peak RSS (VmHWM) in bytes, and for an ingest what the report said.
"""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def peak_rss() -> int:
    """Bytes. Linux keeps ru_maxrss across exec, so a child would inherit its parent's
    peak; VmHWM belongs to this program's own address space."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def ingest(store: Path, file: Path) -> dict:
    from peacepulse import ingest as ingesting

    content = file.read_bytes()
    start = time.perf_counter()
    report = ingesting.ingest_many(store, [(file.name, content)], commit=True, origin="benchmark")[0]
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "ok": report.ok, "written": report.written, "new": report.new,
            "revised": report.revised, "unchanged": report.unchanged, "message": report.message,
            "warnings": int((report.problems["severity"] == "warning").sum())}


def read_csv(target: Path, file: Path) -> dict:
    """DuckDB's own load of the same file into a fresh on-disk database: the baseline."""
    import duckdb

    start = time.perf_counter()
    with duckdb.connect(str(target)) as con:
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{file}')").fetchall()
        rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    return {"seconds": time.perf_counter() - start, "rows": rows}


STEPS = {"ingest": ingest, "read_csv": read_csv}


if __name__ == "__main__":
    step, first, second = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    result = STEPS[step](first, second)
    print(json.dumps({**result, "peak_rss": peak_rss()}))
