"""Ingest speed against DuckDB's own CSV load, measured in the same run.

    python benchmarks/bench_ingest.py [ROWS]

Prints seconds for both and their ratio (PeacePulse / DuckDB read_csv). The
target for later work is a ratio close to 1 at millions of rows.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import duckdb

from peacepulse import ingest, seeds

MISSIONS = ["UNMISS", "MINUSCA", "MONUSCO", "UNIFIL", "UNISFA", "MINURSO", "UNFICYP"]


def make_csv(path: Path, rows: int) -> None:
    """Quarterly counts over many sectors, so every row is a distinct key (synthetic)."""
    duckdb.sql(f"""
        COPY (SELECT ['{"','".join(MISSIONS)}'][1 + i % 7] AS mission, 'CIV_CASUALTIES' AS indicator,
                     (2000 + (i // 7) % 26)::VARCHAR || '-Q' || (1 + (i // 182) % 4)::VARCHAR AS period,
                     (i % 97)::DOUBLE AS value, 'Sector ' || (i // 728)::VARCHAR AS location,
                     'synthetic' AS source
              FROM range({rows}) t(i)) TO '{path}' (HEADER)""")


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "obs.csv"
        make_csv(csv, rows)
        start = time.perf_counter()
        with duckdb.connect(str(Path(tmp) / "baseline.duckdb")) as con:
            con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv}')").fetchall()
        baseline = time.perf_counter() - start
        db = Path(tmp) / "store.duckdb"
        seeds.init(db)
        start = time.perf_counter()
        report = ingest.ingest_upload(db, csv.name, csv.read_bytes(), commit=True, origin="benchmark")
        ours = time.perf_counter() - start
        assert report.written and report.new == rows, report.message
    print(f"rows={rows:,} duckdb_read_csv={baseline:.2f}s peacepulse_ingest={ours:.2f}s ratio={ours / baseline:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
