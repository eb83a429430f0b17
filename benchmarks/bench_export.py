"""The partitioned Parquet export: seconds, size, files and peak memory, beside DuckDB's plain COPY.

    python benchmarks/bench_export.py [--store demo|ROWS|PATH ...] [--json]

For each store (default: the demo store, built here, and the 10M read store of readstore.py), in child
processes of their own: `peacepulse.reads.partitioned.export_partitioned` into a new folder, and the
baseline, a plain `COPY (SELECT * FROM view) TO 'view.parquet'` of observations and observation_history
from one read-only connection, one file each, no partitions. Then a scan of every observation through
the export (plain read_parquet with hive partitioning) beside the same scan of the store's view.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_load
import steps

HERE = Path(__file__).resolve().parent
SCAN = "SELECT count(*), sum(value), count(DISTINCT mission) FROM {}"


def _size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def one(kind: str, db: Path, out: Path) -> dict:
    """One measurement, in this process (the parent runs each in a child of its own)."""
    import duckdb

    from peacepulse.reads import partitioned

    start = time.perf_counter()
    if kind == "export":
        partitioned.export_partitioned(db, out)
    elif kind == "copy":
        out.mkdir()
        with duckdb.connect(str(db), read_only=True) as con:
            for view in ("observations", "observation_history"):
                con.execute(f"COPY (SELECT * FROM {view}) TO '{out / view}.parquet' (FORMAT parquet)")
    elif kind == "scan-export":
        with duckdb.connect() as con:
            con.execute(SCAN.format(f"read_parquet('{out}/observations/*/*/*.parquet', hive_partitioning = true)")).fetchall()
    elif kind == "scan-store":
        with duckdb.connect(str(db), read_only=True) as con:
            con.execute(SCAN.format("observations")).fetchall()
    seconds = time.perf_counter() - start
    files, size = _size(out) if kind in ("export", "copy") else (0, 0)
    return {"seconds": seconds, "files": files, "bytes": size,
            "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


def child(kind: str, db: Path, out: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--one", kind, str(db), str(out)], capture_output=True,
                          text=True, timeout=3600, check=False, cwd=HERE.parent, env=steps.child_env())
    if done.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(stores: list[str]) -> dict:
    found = {}
    with tempfile.TemporaryDirectory(prefix="peacepulse-export-") as tmp:
        work = Path(tmp)
        for n, name in enumerate(stores):
            label, db, note = bench_load.resolve(name, work)
            out, plain = work / f"export-{n}", work / f"copy-{n}"
            r = {"export": child("export", db, out), "copy": child("copy", db, plain),
                 "scan_export": child("scan-export", db, out), "scan_store": child("scan-store", db, out)}
            shutil.rmtree(plain)
            shutil.rmtree(out)
            e, c = r["export"], r["copy"]
            print(f"store {label} ({note}): export {e['seconds']:.1f} s, {e['bytes'] / 1e6:,.1f} MB in {e['files']:,} "
                  f"files, peak RSS {e['peak_rss'] / 2 ** 20:,.0f} MiB; plain COPY {c['seconds']:.1f} s, "
                  f"{c['bytes'] / 1e6:,.1f} MB, {c['peak_rss'] / 2 ** 20:,.0f} MiB (export ÷ COPY: "
                  f"{e['seconds'] / c['seconds']:.1f} × the time, {e['bytes'] / c['bytes']:.1f} × the size); scan of "
                  f"every observation: {r['scan_export']['seconds']:.2f} s from the export, "
                  f"{r['scan_store']['seconds']:.2f} s from the store", flush=True)
            found[label] = r
    return found


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", action="append", help="demo, a number of rows (cached read store) or a path")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.store or ["demo", "10000000"])
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
