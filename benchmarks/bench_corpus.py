"""The corpus of hostile and malformed files (tests/corpus), each through `peacepulse ingest` as a person runs it,
then a big valid file: seconds and peak memory per file, each beside a baseline measured in the same run.

    PYTHONPATH=src:. python benchmarks/bench_corpus.py [--big-mb 200] [--no-big | --big-only] [--json]

Each file is ingested into a fresh copy of the seeded store by a process of its own, timed whole (start-up
included); the process reports its own peak RSS (VmHWM) as it ends. The baseline for the corpus is the
same command on a clean two-row file; the big file (valid observations, about --big-mb megabytes) is set
beside DuckDB's own read_csv of the same file into a fresh database, in a process of its own. Targets:
every file within 10 s and 1 GiB, with the exit code its outcome calls for.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import files
import steps

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from corpus import make  # noqa: E402
from corpus.outcomes import CASES  # noqa: E402

SECONDS, MEMORY = 10.0, 2 ** 30
# The CLI in this process, reporting its own peak memory at the end in the file named first.
RUN = """import json, sys
from pathlib import Path
from peacepulse import cli
code = cli.main(sys.argv[2:])
peak = next(int(l.split()[1]) * 1024 for l in Path('/proc/self/status').read_text().splitlines() if l.startswith('VmHWM:'))
Path(sys.argv[1]).write_text(json.dumps({"peak_rss": peak}))
sys.exit(code)
"""


def cli(template: Path, work: Path, file: Path, kind: str | None = None) -> dict:
    """`peacepulse ingest FILE` in a fresh process on a fresh copy of the store: seconds, peak RSS, exit code."""
    store = steps.copy_store(template, work / "store.duckdb")
    measured = work / "peak.json"
    measured.unlink(missing_ok=True)
    command = [sys.executable, "-c", RUN, str(measured), "--db", str(store), "ingest", str(file),
               *(["--kind", kind] if kind else [])]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=steps.child_env(), timeout=steps.TIMEOUT)
    seconds = time.perf_counter() - start
    store.unlink()
    store.with_name(store.name + ".wal").unlink(missing_ok=True)
    peak = json.loads(measured.read_text())["peak_rss"] if measured.exists() else 0
    return {"seconds": seconds, "peak_rss": peak, "exit": done.returncode,
            "said": (done.stdout.splitlines() or done.stderr.splitlines() or [""])[0]}


def big_file(work: Path, megabytes: int) -> tuple[Path, int]:
    """Valid observations (files.py) of about the size asked for."""
    universe = steps.universe()
    sample = files.write_valid(universe, work / "sample.csv", 0, 10_000)
    rows = int(megabytes * 2 ** 20 / (sample.stat().st_size / 10_000))
    sample.unlink()
    return files.write_valid(universe, work / f"valid-{megabytes}mb.csv", 0, rows), rows


def mib(n: int) -> str:
    return f"{n / 2 ** 20:,.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big-mb", type=int, default=200, help="size of the big valid file (default 200)")
    parser.add_argument("--no-big", action="store_true", help="leave the big file out")
    parser.add_argument("--big-only", action="store_true", help="only the big file, beside the clean one")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="peacepulse-corpus-") as tmp:
        work = Path(tmp)
        template = steps.seeded(work / "seeded.duckdb")
        corpus = make.build(work / "corpus")
        clean = work / "clean.csv"
        clean.write_text("mission,indicator,period,value\nUNMISS,FAT_TOTAL,2020,3\nUNMISS,FAT_TOTAL,2021,5\n")
        baseline = cli(template, work, clean)
        print(f"{'file':<38} {'outcome':<8} {'exit':>4} {'seconds':>8} {'÷ clean':>8} {'peak RSS':>9}  verdict")
        print(f"{'clean 2-row file (baseline)':<38} {'parsed':<8} {baseline['exit']:>4} {baseline['seconds']:>8.2f} "
              f"{1:>8.1f} {mib(baseline['peak_rss']):>9}  —", flush=True)
        figures = [{"file": "clean 2-row file (baseline)", **baseline, "met": None}]
        for case in [] if args.big_only else CASES:
            result = cli(template, work, corpus / case.name, case.kind)
            expected = 1 if case.outcome == "refused" else 0
            met = result["seconds"] <= SECONDS and result["peak_rss"] <= MEMORY and result["exit"] == expected
            figures.append({"file": case.name, "outcome": case.outcome, **result, "met": met})
            print(f"{case.name:<38} {case.outcome:<8} {result['exit']:>4} {result['seconds']:>8.2f} "
                  f"{result['seconds'] / baseline['seconds']:>8.1f} {mib(result['peak_rss']):>9}  "
                  f"{'met' if met else 'NOT MET: ' + result['said'][:80]}", flush=True)
        if not args.no_big:
            big, rows = big_file(work, args.big_mb)
            size = big.stat().st_size
            shutil.rmtree(corpus)
            read = steps.measured("read_csv", work / "baseline.duckdb", big)
            result = cli(template, work, big)
            met = result["seconds"] <= SECONDS and result["peak_rss"] <= MEMORY and result["exit"] == 0
            name = f"valid {size / 2 ** 20:,.0f} MB file ({rows:,} rows)"
            figures.append({"file": name, "outcome": "parsed", **result, "met": met,
                            "read_csv_seconds": read["seconds"], "read_csv_peak_rss": read["peak_rss"]})
            print(f"{name:<38} {'parsed':<8} {result['exit']:>4} {result['seconds']:>8.2f} "
                  f"{result['seconds'] / baseline['seconds']:>8.1f} {mib(result['peak_rss']):>9}  "
                  f"{'met' if met else 'NOT MET: ' + result['said'][:80]}")
            print(f"{'  DuckDB read_csv of it (baseline)':<38} {'':<8} {'':>4} {read['seconds']:>8.2f} "
                  f"{'':>8} {mib(read['peak_rss']):>9}  ingest ÷ read_csv = {result['seconds'] / read['seconds']:.1f}")
    failed = [f["file"] for f in figures if f["met"] is False]
    print(f"{len(figures) - 1 - len(failed)} of {len(figures) - 1} files within {SECONDS:.0f} s and "
          f"{mib(MEMORY)} with the exit code their outcome calls for" + (f"; not: {', '.join(failed)}" if failed else ""))
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
