"""The demo store: the seed catalogue, the real public series, and synthetic series for the rest.

Every synthetic row carries source 'synthetic' so that no one mistakes it for a
real figure; the dashboard draws such series differently.

Each synthetic series is a straight path plus normal noise (`trajectory` names the path). Only
the series in PLANTED_BREAKS get a lasting change in level, and the corrections upload revises
the last CORRECTED values of one series per mission; every other synthetic series is noise
around its path, which the signal rules must not mistake for news.
"""
from __future__ import annotations

import random
from datetime import date
from importlib.resources.abc import Traversable
from pathlib import Path

import pandas as pd
import platformdirs

from . import ingest, seeds, store
from .demo_assessments import synthetic_loop
from .kinds.periods import parse_period

SYNTHETIC = "synthetic"
FIRST_YEAR = 2019  # synthetic series run from here to the last period that has ended by the build date
SECTORS = ("Sector North", "Sector South", "Sector West")
# Share of mission-indicator pairs per trajectory; together with the pairs left without
# a target in seeds/demo-targets.csv this makes every status occur.
PROFILES = (("ahead", 0.45), ("behind", 0.3), ("regressing", 0.25))
# Series given a lasting change in level over their last values, so that the break rule has
# something real to find: (mission, indicator) -> (values changed, relative change of level).
PLANTED_BREAKS = {("UNMISS", "DISINFO_DETECTED"): (6, 0.35), ("MINUSCA", "CYBER_INCIDENTS"): (6, 0.4),
                  ("MONUSCO", "COMMUNITY_MEETINGS"): (5, -0.3)}
CORRECTED = 3  # latest values of one series per mission that the corrections upload lowers


def default_db() -> Path:
    """Where `peacepulse demo` keeps its store unless told otherwise: the user's own data folder,
    writable wherever the package is installed (on Linux ~/.local/share/peacepulse, or under $XDG_DATA_HOME)."""
    return Path(platformdirs.user_data_dir("peacepulse", appauthor=False)) / "demo.duckdb"


def _periods(period_type: str | None, today: date) -> list[str]:
    """The periods of a type from FIRST_YEAR to the last one that has ended before `today`, so a
    fresh demo store is current rather than stale."""
    years = range(FIRST_YEAR, today.year + 1)
    if period_type == "year":
        codes = [str(y) for y in years]
    elif period_type == "half":
        codes = [f"{y}-S{h}" for y in years for h in (1, 2)]
    elif period_type == "fiscal_year":
        codes = [f"FY{y - 1}/{y % 100:02d}" for y in years]
    elif period_type == "month":
        codes = [f"{y}-{m:02d}" for y in years for m in range(1, 13)]
    else:
        codes = [f"{y}-Q{q}" for y in years for q in range(1, 5)]
    return [c for c in codes if parse_period(c).end < today]


def _profile(rng: random.Random) -> str:
    pick, total = rng.random(), 0.0
    for name, share in PROFILES:
        total += share
        if pick < total:
            return name
    return PROFILES[-1][0]


def trajectory(mission: str, code: str, has_target: bool) -> str:
    """The path a synthetic series follows: with a target, 'ahead' (it reaches the target on time),
    'behind' (about 70 % of the way) or 'regressing' (away from it); without one, 'drift' (a level
    moving by up to a fifth). The same seed as the series itself, so the answer matches the data."""
    return _profile(random.Random(f"demo|{mission}|{code}")) if has_target else "drift"


def noisy_path(ind: pd.Series, target: pd.Series | None, kind: str, n: int, rng: random.Random,
                change: tuple[int, float] | None = None) -> list[float]:
    """Baseline to an end point set by the path, with noise; `change` moves the last values' level."""
    if target is None:
        start = rng.uniform(20, 60)
        end = start * rng.uniform(0.8, 1.2)
    else:
        start, goal = float(target["baseline"]), float(target["target"])
        end = start + (goal - start) * {"ahead": 1.02, "behind": 0.72, "regressing": -0.25}[kind]
    spread = max(abs(end - start) * 0.08, abs(start) * 0.02, 0.2)
    values = [start + (end - start) * i / max(n - 1, 1) + rng.gauss(0, spread) for i in range(n)]
    values[0] = start
    if change is not None:
        last, by = change
        values[-last:] = [v + by * end for v in values[-last:]]
    limit_high = 100.0 if ind["measure"] == "percent" else float("inf")
    digits = 1 if ind["measure"] in ("percent", "rate", "index", "score", "ratio") else 0
    return [round(min(max(v, 0.0), limit_high), digits) for v in values]


def _rows(mission: str, ind: pd.Series, target: pd.Series | None) -> list[dict]:
    rng = random.Random(f"demo|{mission}|{ind['code']}")
    kind = _profile(rng) if target is not None else "drift"  # the first draw, as trajectory() makes it
    periods = _periods(ind["period_type"], date.today())
    values = noisy_path(ind, target, kind, len(periods), rng, PLANTED_BREAKS.get((mission, ind["code"])))
    base = {"mission": mission, "indicator": ind["code"], "source": SYNTHETIC,
            "comment": "Synthetic demo value, not a real figure"}
    rows = [{**base, "period": p, "value": v} for p, v in zip(periods, values)]
    splits = str(ind["disaggregations"] or "")
    if ind["measure"] == "count":  # counts add up, so their parts can be shown
        for p, v in list(zip(periods, values))[-8:]:
            if "sex" in splits:
                female = round(v * rng.uniform(0.2, 0.45))
                rows += [{**base, "period": p, "sex": "female", "value": female},
                         {**base, "period": p, "sex": "male", "value": v - female}]
            if "location" in splits:
                cuts = sorted(rng.uniform(0, v) for _ in SECTORS[:-1])
                parts = [round(b - a) for a, b in zip([0, *cuts], [*cuts, v])]
                parts[-1] = v - sum(parts[:-1])
                rows += [{**base, "period": p, "location": s, "value": x} for s, x in zip(SECTORS, parts)]
    return rows


def synthetic_observations(db: Path) -> pd.DataFrame:
    """Series for the demo missions' indicators that have no real data yet."""
    with (seeds.seed_dir() / "demo-targets.csv").open("rb") as f:
        targets = pd.read_csv(f)
    indicators = store.read_df(db, "SELECT code, measure, period_type, disaggregations FROM indicators")
    covered = store.read_df(db, "SELECT DISTINCT mission, indicator FROM observations")
    covered_pairs = set(zip(covered["mission"], covered["indicator"]))
    real_indicators = set(covered["indicator"])
    rows = []
    for mission in targets["mission"].unique():
        for ind in indicators.to_dict("records"):
            if ind["code"] in real_indicators or (mission, ind["code"]) in covered_pairs:
                continue
            match = targets[(targets["mission"] == mission) & (targets["indicator"] == ind["code"])]
            rows += _rows(mission, pd.Series(ind), None if match.empty else match.iloc[0])
    frame = pd.DataFrame(rows)
    for column in ("sex", "location"):
        frame[column] = frame[column].fillna("total") if column in frame else "total"
    return frame[["mission", "indicator", "period", "value", "sex", "location", "source", "comment"]]


def real_files() -> list[Traversable]:
    """The derived public series shipped in data/real, targets after the observations they qualify."""
    files = sorted((f for f in seeds.shipped("real").iterdir() if f.name.endswith(".csv")), key=lambda f: f.name)
    return [f for prefix in ("observations-", "targets-") for f in files if f.name.startswith(prefix)]


def build_demo(db: Path, progress: ingest.Progress = lambda _: None) -> None:
    """Build the demo store next to db and move it into place only when complete."""
    db.parent.mkdir(parents=True, exist_ok=True)
    building = db.with_name(db.name + ".building")
    store.remove(building)  # what a failed build left
    _require(seeds.init(building, progress=progress))
    files = [(p.name, p.read_bytes()) for p in real_files()]
    files.append(("demo-targets.csv", (seeds.seed_dir() / "demo-targets.csv").read_bytes()))
    _require(ingest.ingest_many(building, files, commit=True, origin="demo", progress=progress))
    synthetic = synthetic_observations(building)
    for name, frame in (("synthetic-observations.csv", synthetic), ("synthetic-corrections.csv",
                                                                    corrections(synthetic))):
        _require(ingest.ingest_many(building, [(name, frame.to_csv(index=False).encode())],
                                    commit=True, origin="demo", progress=progress))
    loop = dict(zip(("synthetic-assessments.csv", "synthetic-recommendations.csv"), synthetic_loop(building)))
    _require(ingest.ingest_many(building, [(name, frame.to_csv(index=False).encode()) for name, frame in loop.items()],
                                commit=True, origin="demo", progress=progress))
    store.move(building, db)


def corrections(synthetic: pd.DataFrame) -> pd.DataFrame:
    """A later upload that revises a few values, as real figures get revised."""
    headline = synthetic[(synthetic["sex"] == "total") & (synthetic["location"] == "total")]
    picked = headline.groupby("mission").tail(CORRECTED).copy()
    picked["value"] = (picked["value"] * 0.97).round(1)  # downward, so limits still hold
    picked["comment"] = "Synthetic demo correction of an earlier synthetic value"
    return picked


def _require(reports: list[ingest.Report]) -> None:
    bad = [r for r in reports if not r.ok]
    if bad:
        first = bad[0].problems.iloc[0]
        raise store.StoreError(f"The demo data failed validation in {bad[0].file_name}, "
                               f"line {first['line']}: {first['problem']}")


def summary(db: Path) -> str:
    counts = store.read_df(db, """SELECT count(DISTINCT mission) AS missions, count(*) AS points,
                                         count(*) FILTER (WHERE synthetic) AS synthetic
                                  FROM observations""").iloc[0]
    return (f"Demo store {db}: {counts['points']:,} data points for {counts['missions']} missions, "
            f"of which {counts['synthetic']:,} synthetic (flagged as such).")
