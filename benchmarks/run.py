"""The benchmark suite: each figure beside its target, in one command.

    python benchmarks/run.py [--quick] [--markdown FILE] [--only PART]

Figures (see benchmarks/README.md): the bulk ingest ratio against DuckDB's own CSV load,
incremental uploads into big stores, the peak memory of a bulk ingest, how fast the CLI
reports files full of problems, the dashboard's queries at 1M and 10M observations beside a
plain GROUP BY, its pages in a browser with the server's memory, the hostile corpus of
tests/corpus with a 200 MB file, and 50 simulated users at once against gunicorn. Every timed
step runs in a child process; big stores are cached in benchmarks/.cache/.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import files
import pandas as pd
import problem_files
import steps

GIB = 1024 ** 3
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Sizes:
    bulk: int
    stores: tuple[int, int]
    new: int
    problems: int
    reads: tuple[int, ...] = (1_000_000, 10_000_000)
    pages: int = 10_000_000
    repeat: int = 20
    big_mb: int = 200  # the big valid file run after the hostile corpus
    load_rows: int = 10_000_000  # the big store of the load test, beside the demo store
    load_seconds: int = 60


FULL = Sizes(bulk=1_000_000, stores=(1_000_000, 10_000_000), new=10_000, problems=10_000)
QUICK = Sizes(bulk=100_000, stores=(100_000, 1_000_000), new=10_000, problems=2_000, reads=(100_000, 1_000_000),
              pages=1_000_000, repeat=10, big_mb=20, load_rows=1_000_000, load_seconds=20)
FEW = 5  # rows of the small file whose ingest is subtracted as fixed cost


@dataclass(frozen=True)
class Figure:
    name: str
    measured: str
    target: str
    met: bool | None  # None: context, no target

    def verdict(self) -> str:
        return "—" if self.met is None else ("met" if self.met else "not met")


def show(figure: Figure) -> Figure:
    print(f"{figure.name:<44} {figure.measured:<38} {figure.target:<10} {figure.verdict()}", flush=True)
    return figure


def rows_label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else f"{n:,}"


def mib(n: int) -> str:
    return f"{n / 2 ** 20:,.0f} MiB"


def ingest_fresh(template: Path, work: Path, file: Path, expect_new: int) -> dict:
    """Ingest one file into a fresh copy of the seeded store, in a child process."""
    store = steps.copy_store(template, work / f"fresh-{file.stem}.duckdb")
    result = steps.measured("ingest", store, file)
    if result["new"] != expect_new:
        raise RuntimeError(f"{file.name}: expected {expect_new:,} new rows; {result['message']}")
    store.unlink()
    return result


def bulk(universe: Path, template: Path, work: Path, rows: int) -> list[Figure]:
    """Figures 1 and 3: bulk ingest against read_csv, and the peak memory of both."""
    big = files.write_valid(universe, work / f"bulk-{rows}.csv", 0, rows)
    few = files.write_valid(universe, work / f"bulk-{FEW}.csv", 0, FEW)
    baseline = steps.measured("read_csv", work / "baseline.duckdb", big)
    fixed = ingest_fresh(template, work, few, FEW)
    ours = ingest_fresh(template, work, big, rows)
    ratio = (ours["seconds"] - fixed["seconds"]) / baseline["seconds"]
    label = rows_label(rows)
    return [
        show(Figure(f"bulk ingest {label} rows ÷ DuckDB read_csv", f"{ratio:.1f} ({ours['seconds']:.1f} s − "
                    f"{fixed['seconds']:.2f} s vs {baseline['seconds']:.2f} s)", "≤ 1.5", ratio <= 1.5)),
        show(Figure(f"peak RSS, ingest of {label} rows", mib(ours["peak_rss"]), "≤ 1 GiB",
                    ours["peak_rss"] <= GIB)),
        show(Figure(f"peak RSS, DuckDB read_csv of {label} rows", mib(baseline["peak_rss"]), "context", None)),
    ]


def marginal(cached: Path, universe: Path, work: Path, held: int, new: int) -> float:
    """Seconds for `new` rows minus seconds for FEW rows, both new keys, into a copy of the store."""
    store = steps.copy_store(cached, work / f"store-{held}.duckdb")
    few = files.write_valid(universe, work / f"new-{held}-{FEW}.csv", held, FEW)
    many = files.write_valid(universe, work / f"new-{held}-{new}.csv", held + FEW, new)
    results = [steps.measured("ingest", store, file) for file in (few, many)]
    for result, expected in zip(results, (FEW, new)):
        if result["new"] != expected:
            raise RuntimeError(f"incremental into {held:,}: {result['message']}")
    store.unlink()
    return results[1]["seconds"] - results[0]["seconds"]


def incremental(universe: Path, work: Path, sizes: Sizes, rebuild: bool) -> list[Figure]:
    """Figure 2: marginal time of a 10k-row upload into stores of two sizes, and their ratio."""
    found: list[Figure] = []
    seconds: list[float] = []
    for held in sizes.stores:
        start = time.perf_counter()
        cached, note = steps.big_store(held, universe, work, rebuild)
        print(f"  store of {held:,} rows: {note} (ready after {time.perf_counter() - start:.0f} s)", flush=True)
        seconds.append(marginal(cached, universe, work, held, sizes.new))
        found.append(show(Figure(f"{rows_label(sizes.new)} new rows into a {rows_label(held)} store, marginal",
                                 f"{seconds[-1]:.2f} s", "≤ 1 s", seconds[-1] <= 1.0)))
    growth = seconds[1] / seconds[0] if seconds[0] > 0 else float("inf")
    small, large = (rows_label(n) for n in sizes.stores)
    found.append(show(Figure(f"marginal time, {large} store ÷ {small} store", f"{growth:.2f}", "≤ 1.2",
                             growth <= 1.2)))
    return found


def lines_reported(report: Path) -> set[int]:
    if not report.exists():
        return set()
    lines = pd.read_csv(report, usecols=["line"])["line"].dropna()
    return {int(line) for line in lines}


def problem_figure(name: str, template: Path, work: Path, file: Path, rows: int, valid: float) -> Figure:
    """Time the CLI on a file whose every row is bad; check each bad row is in the report."""
    store = steps.copy_store(template, work / f"cli-{file.stem}.duckdb")
    report = work / f"{file.stem}-problems.csv"
    run = steps.cli_ingest(store, file, report)
    missing = set(range(2, rows + 2)) - lines_reported(report)
    verdict = run.seconds <= 3.0 and run.returncode == 1 and not missing
    notes = "" if run.returncode == 1 else f", exit {run.returncode} (1 expected)"
    notes += f", {len(missing):,} bad rows missing from the report" if missing else ""
    return show(Figure(name, f"{run.seconds:.1f} s, ratio to a valid file {run.seconds / valid:.1f}{notes}",
                       "≤ 3 s", verdict))


def problems(universe: Path, template: Path, work: Path, rows: int) -> list[Figure]:
    """Figure 4: the CLI on (a) rows with one to three errors, (b) unknown mission codes."""
    valid_file = files.write_valid(universe, work / f"valid-{rows}.csv", 0, rows)
    store = steps.copy_store(template, work / "cli-valid.duckdb")
    valid = steps.cli_ingest(store, valid_file, work / "valid-problems.csv")
    if valid.returncode != 0:
        raise RuntimeError(f"the CLI refused the valid {rows:,}-row file (exit {valid.returncode})")
    label = rows_label(rows)
    baseline = show(Figure(f"CLI ingest, valid {label}-row file (baseline)", f"{valid.seconds:.1f} s",
                           "context", None))
    missions = list(pd.read_csv(files.SEEDS / "missions.csv", usecols=["code"])["code"])
    bad = problem_files.write_bad_rows(universe, work / f"bad-{rows}.csv", rows)
    unknown = problem_files.write_unknown_missions(universe, work / f"unknown-{rows}.csv", missions, rows)
    return [
        baseline,
        problem_figure(f"CLI report, {label} rows with 1–3 errors each", template, work, bad, rows, valid.seconds),
        problem_figure(f"CLI report, {label} unknown mission codes", template, work, unknown, rows,
                       valid.seconds),
    ]


def _child_json(script: str, *args: str) -> dict:
    """Run a benchmark script in a child process and return the JSON it prints last."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(HERE / script), *args, "--json"], capture_output=True, text=True,
                          env=steps.child_env(), timeout=3 * steps.TIMEOUT, check=False, cwd=HERE.parent)
    print("\n".join("  " + line for line in done.stdout.splitlines()[:-1]), flush=True)
    if done.returncode != 0:
        raise RuntimeError(f"{script} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def reads(sizes: Sizes) -> list[Figure]:
    """Every query behind a dashboard view, connection included: p95 against 50 ms, beside a plain GROUP BY."""
    found = _child_json("bench_reads.py", *map(str, sizes.reads), "--repeat", str(sizes.repeat))
    figures = []
    for rows, timings in found.items():
        label = rows_label(int(rows))
        base = timings.pop("baseline: plain GROUP BY mission, indicator")
        figures.append(show(Figure(f"plain GROUP BY mission, indicator, {label} (baseline)",
                                   f"p50 {base['p50']:.0f} ms, p95 {base['p95']:.0f} ms", "context", None)))
        for name, t in timings.items():
            context = name.startswith("connection")
            figures.append(show(Figure(f"{name}, {label}", f"p50 {t['p50']:.0f} ms, p95 {t['p95']:.0f} ms "
                                       f"({t['p95'] / base['p95']:.2f} of GROUP BY); open connection p95 "
                                       f"{t['shared_p95']:.0f} ms", "context" if context else "≤ 50 ms",
                                       None if context else t["p95"] <= 50)))
    return figures


def pages(sizes: Sizes) -> list[Figure]:
    """Pages in headless Chromium, cold and warm; the data each sends; the server's peak memory."""
    found = _child_json("bench_pages.py", str(sizes.pages))
    label = rows_label(sizes.pages)
    figures = []
    for name, p in found["pages"].items():
        figures.append(show(Figure(f"page {name}, {label}, cold", f"{p['cold']:.1f} s", "≤ 4 s", p["cold"] <= 4)))
        figures.append(show(Figure(f"page {name}, {label}, warm", f"{p['warm']:.1f} s", "≤ 2 s", p["warm"] <= 2)))
        figures.append(show(Figure(f"page {name}, {label}, data sent", f"{p['data_bytes'] / 1024:,.0f} KiB", "≤ 2 MiB",
                                   p["data_bytes"] <= 2 * 2 ** 20)))
    rss = found["rss"]
    figures.append(show(Figure(f"server peak RSS, {label}, largest process", mib(max(rss.values())), "≤ 1 GiB",
                               max(rss.values()) <= GIB)))
    figures.append(show(Figure(f"server peak RSS, {label}, all {len(rss)} processes", mib(sum(rss.values())),
                               "context", None)))
    return figures


def corpus(sizes: Sizes) -> list[Figure]:
    """The hostile corpus (tests/corpus) through the CLI, each file within 10 s and 1 GiB, then a big valid file."""
    found = _child_json("bench_corpus.py", "--big-mb", str(sizes.big_mb))
    base, files_, big = found[0], [f for f in found[1:] if "read_csv_seconds" not in f], found[-1]
    slowest, largest = max(files_, key=lambda f: f["seconds"]), max(files_, key=lambda f: f["peak_rss"])
    met = [f for f in files_ if f["met"]]
    figures = [
        show(Figure("CLI ingest, clean 2-row file (baseline)", f"{base['seconds']:.1f} s, {mib(base['peak_rss'])}",
                    "context", None)),
        show(Figure(f"corpus of {len(files_)} hostile files, each ≤ 10 s and ≤ 1 GiB", f"{len(met)} of {len(files_)}",
                    "all", len(met) == len(files_))),
        show(Figure("corpus, slowest file", f"{slowest['file']}: {slowest['seconds']:.1f} s "
                    f"({slowest['seconds'] / base['seconds']:.1f} of the baseline)", "≤ 10 s", slowest["seconds"] <= 10)),
        show(Figure("corpus, largest peak RSS", f"{largest['file']}: {mib(largest['peak_rss'])}", "≤ 1 GiB",
                    largest["peak_rss"] <= GIB)),
    ]
    if "read_csv_seconds" in big:
        figures.append(show(Figure(f"CLI ingest, {big['file']}", f"{big['seconds']:.1f} s, "
                                   f"{big['seconds'] / big['read_csv_seconds']:.1f} of DuckDB read_csv "
                                   f"({big['read_csv_seconds']:.1f} s), {mib(big['peak_rss'])}", "≤ 10 s, ≤ 1 GiB",
                                   big["met"])))
    return figures


def load(sizes: Sizes) -> list[Figure]:
    """50 simulated users on gunicorn with 4 workers, beside one user, on the demo store and a big one."""
    found = _child_json("bench_load.py", "--store", "demo", "--store", str(sizes.load_rows),
                        "--seconds", str(sizes.load_seconds), "--baseline-seconds", str(max(10, sizes.load_seconds // 3)))
    figures = []
    for store, r in found.items():
        one, many, ratio = r["baseline"], r["load"], r["ratios"]
        users = many["users"]
        figures += [
            show(Figure(f"load, {store}, {users} users: requests/s", f"{many['rps']:.1f} ({ratio['rps']:.1f} × one user's "
                        f"{one['rps']:.1f})", "context", None)),
            show(Figure(f"load, {store}, {users} users: request p50 / p95",
                        f"{many['p50'] * 1000:,.0f} / {many['p95'] * 1000:,.0f} ms ({ratio['p50']:.1f} / "
                        f"{ratio['p95']:.1f} × one user's)", "context", None)),
            show(Figure(f"load, {store}, {users} users: page view p50 / p95",
                        f"{many['views']['p50']:.1f} / {many['views']['p95']:.1f} s ({ratio['view_p50']:.1f} / "
                        f"{ratio['view_p95']:.1f} × one user's)", "context", None)),
            show(Figure(f"load, {store}, {users} users: failed requests", f"{many['errors']} of {many['requests']:,}",
                        "0", many["errors"] == 0 and one["errors"] == 0)),
        ]
    return figures


def versions() -> str:
    import duckdb
    import pandera

    return f"duckdb {duckdb.__version__}, pandas {pd.__version__}, pandera {pandera.__version__}"


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return (f"{os.cpu_count()} cores, {memory / GIB:.0f} GiB, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}")


def markdown(figures: list[Figure], mode: str, took: float) -> str:
    command = f"python benchmarks/run.py{' --quick' if mode == 'quick' else ''}"
    head = [f"Run of `{command}` on {time.strftime('%Y-%m-%d')} ({mode} sizes, {took / 60:.1f} min in all).", "",
            f"- Machine: {machine()}", f"- Versions: {versions()}", "",
            "| figure | measured | target | met |", "|---|---|---|---|"]
    return "\n".join(head + [f"| {f.name} | {f.measured} | {f.target} | {f.verdict()} |" for f in figures]) + "\n"


def table(figures: list[Figure]) -> str:
    width = max(len(f.name) for f in figures)
    return "\n".join(f"{f.name:<{width}}  {f.measured:<44}  {f.target:<8}  {f.verdict()}" for f in figures)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--markdown", metavar="FILE", type=Path, help="also write the table here as markdown")
    parser.add_argument("--only", choices=["bulk", "incremental", "problems", "reads", "pages", "corpus", "load"],
                        action="append",
                        help="run only these parts (repeatable)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached key universe and stores")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    sizes, mode = (QUICK, "quick") if args.quick else (FULL, "full")
    parts = args.only or ["bulk", "incremental", "problems", "reads", "pages", "corpus", "load"]
    started = time.perf_counter()
    print(f"PeacePulse benchmarks, {mode} sizes; {machine()}; {versions()}", flush=True)
    ingest_parts = {"bulk", "incremental", "problems"} & set(parts)
    universe = steps.universe(args.rebuild) if ingest_parts else Path()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="peacepulse-bench-") as tmp:
        work = Path(tmp)
        template = steps.seeded(work / "seeded.duckdb") if ingest_parts else Path()
        if "bulk" in parts:
            figures += bulk(universe, template, work, sizes.bulk)
        if "incremental" in parts:
            figures += incremental(universe, work, sizes, args.rebuild)
        if "problems" in parts:
            figures += problems(universe, template, work, sizes.problems)
    if "reads" in parts:
        figures += reads(sizes)
    if "pages" in parts:
        figures += pages(sizes)
    if "corpus" in parts:
        figures += corpus(sizes)
    if "load" in parts:
        figures += load(sizes)
    took = time.perf_counter() - started
    print(f"\nSummary ({mode} sizes, {took:.0f} s):\n{table(figures)}")
    if args.markdown:
        args.markdown.write_text(markdown(figures, mode, took))
        print(f"Markdown table written to {args.markdown}")


if __name__ == "__main__":
    main()
