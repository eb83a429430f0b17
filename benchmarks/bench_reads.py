"""How long each query behind a dashboard view takes, connection included, against a plain GROUP BY.

    python benchmarks/bench_reads.py [ROWS ...] [--repeat N] [--json]

For each store size (default 1M and 10M; stores from readstore.py, cached), every query function a
page calls is run N times, each through peacepulse.store as the dashboard runs it: a fresh read-only
connection opened and closed per query. Printed: p50 and p95 in milliseconds, beside the same for a
plain `SELECT mission, indicator, avg(value) FROM observation_current GROUP BY ALL` (the baseline) and
for `SELECT 1` (the cost of the connection alone), all measured in the same run, interleaved.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import readstore

from peacepulse import store
from peacepulse.reads import quality, queries

TARGET_MS = 50.0
BASELINE_SQL = "SELECT mission, indicator, avg(value) FROM observation_current GROUP BY ALL"


def _pick(db: Path) -> dict:
    """The active mission with the most data (else a closed one), an indicator with revisions, its primary theme."""
    with store.reading(db) as con:
        mission = con.execute("SELECT mission FROM observation_summary JOIN missions m ON m.code = mission "
                              "GROUP BY mission, m.active ORDER BY coalesce(m.active::INTEGER, -1) DESC, "
                              "sum(observations) DESC, mission LIMIT 1").fetchall()[0][0]
        indicator = con.execute("SELECT indicator FROM observation_current WHERE revision > 1 GROUP BY ALL "
                                "ORDER BY count(*) DESC, indicator LIMIT 1").fetchall()[0][0]
        theme = con.execute("SELECT theme FROM indicator_themes WHERE indicator = ? AND is_primary",
                            [indicator]).fetchall()[0][0]
        codes = [r[0] for r in con.execute("SELECT indicator FROM indicator_themes WHERE theme = ? ORDER BY indicator",
                                           [theme]).fetchall()]
    return {"mission": mission, "indicator": indicator, "theme": theme, "codes": codes}


def calls(db: Path) -> dict[str, Callable[[], object]]:
    """Each view's queries, as the pages call them."""
    p = _pick(db)
    m, ind, n = p["mission"], p["indicator"], p["theme"]
    found: dict[str, Callable[[], object]] = {
        "overview: headline": lambda: queries.headline(db, None, True),
        "overview: scorecard": lambda: queries.scorecard(db, None, True),
        "overview: mission status (map)": lambda: queries.mission_status(db, None, True),
        "missions index": lambda: queries.mission_index(db),
        "themes index": lambda: queries.theme_index(db),
        "mission: year bounds": lambda: queries.year_bounds(db, m),
        "mission: indicators and progress": lambda: queries.mission_indicators(db, m),
        "mission: series": lambda: queries.series(db, m, None, (2000, 2025)),
        "mission: targets": lambda: queries.targets(db, m),
        "mission: progress": lambda: queries.progress(db, m),
        "theme: indicators with data": lambda: queries.theme_indicators(db, n),
        "theme: trends (series)": lambda: queries.series(db, None, p["codes"]),
        "theme: targets": lambda: queries.targets(db, None, p["codes"]),
        "theme: ranking": lambda: queries.ranking(db, n),
        "indicator: series": lambda: queries.series(db, None, ind),
        "indicator: breakdown dimensions": lambda: queries.breakdown_dims(db, ind),
        "indicator: breakdown by location": lambda: queries.breakdown(db, ind, "location", m),
        "indicator: revisions": lambda: queries.revisions(db, ind),
        "quality: coverage": lambda: quality.coverage(db),
        "quality: stale": lambda: quality.stale(db),
        "quality: outliers": lambda: quality.outliers(db),
        "quality: uploads": lambda: quality.batches(db),
    }
    if hasattr(queries, "observation_page"):
        found["indicator: observations, first block"] = lambda: queries.observation_page(db, ind, None, 0, 100)
        found["indicator: observations, a late block"] = lambda: queries.observation_page(db, ind, None, 50_000, 100)
        found["indicator: observations, count"] = lambda: queries.observation_count(db, ind)
    else:
        found["indicator: observations (all rows)"] = lambda: queries.observations(db, ind)
    return found


def _time(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def _p(t: list[float], q: float) -> float:
    return sorted(t)[max(0, round(q * len(t)) - 1)]


def measure(db: Path, repeat: int) -> dict[str, dict[str, float]]:
    """p50 and p95 (ms) per call, each with a connection of its own (p50, p95) and on a connection the
    request already holds (shared_p50, shared_p95: how the dashboard runs the second and later reads of
    one request). Rounds interleave the calls so noise falls on all alike."""
    runs = {"baseline: plain GROUP BY mission, indicator": lambda: store.read_df(db, BASELINE_SQL),
            "connection alone (SELECT 1)": lambda: store.read_df(db, "SELECT 1"), **calls(db)}
    for call in runs.values():  # warm the OS file cache and DuckDB's start-up once
        call()
    own: dict[str, list[float]] = {name: [] for name in runs}
    shared: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, call in runs.items():
            own[name].append(_time(call))
        with store.shared_reads():
            store.read_df(db, "SELECT 1")
            for name, call in runs.items():
                shared[name].append(_time(call))
    return {name: {"p50": statistics.median(t), "p95": _p(t, 0.95), "shared_p50": statistics.median(shared[name]),
                   "shared_p95": _p(shared[name], 0.95)} for name, t in own.items()}


def report(rows: int, found: dict[str, dict[str, float]]) -> str:
    base = found["baseline: plain GROUP BY mission, indicator"]
    lines = [f"{rows:,} observations: p50 / p95 ms with a connection of its own, ratio = p95 ÷ baseline p95, "
             f"then p50 / p95 on the request's open connection; target p95 ≤ {TARGET_MS:g} ms"]
    for name, t in found.items():
        verdict = "" if name.startswith(("baseline", "connection")) else (
            "met" if t["p95"] <= TARGET_MS else "not met")
        lines.append(f"  {name:<42} {t['p50']:7.1f} {t['p95']:7.1f}  ratio {t['p95'] / base['p95']:5.2f}  "
                     f"{t['shared_p50']:7.1f} {t['shared_p95']:7.1f}  {verdict}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", nargs="*", type=int, default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line too")
    args = parser.parse_args()
    results = {}
    for rows in args.rows:
        db, note = readstore.cached(rows)
        print(f"store of {rows:,}: {note}", flush=True)
        results[rows] = measure(db, args.repeat)
        print(report(rows, results[rows]), flush=True)
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
