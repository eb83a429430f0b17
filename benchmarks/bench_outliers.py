"""How well the outlier rule separates planted errors from the shipped real data.

    python benchmarks/bench_outliers.py [--grid] [--holdout]

Loads data/real/observations-*.csv, plants PLANTS errors into a copy (one per series long enough to
judge, fixed seed): ×10, ×100, ×0.1, a sign flip or two adjacent digits swapped. Runs
peacepulse.outliers over the whole planted data set and prints the share of clean rows flagged and
the share of planted errors caught (the planted row itself flagged), overall and per kind of error,
each beside its target; then the share flagged in the unplanted data. --grid also prints the same
figures for nearby settings of the rule, to show how sensitive they are. --holdout also prints the
figures for other plants (seeds HOLDOUT_SEEDS), counted only in the half of the series each seed
picks, to check the constants were not fitted to the one planting above.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from peacepulse import outliers
from peacepulse.kinds.periods import parse_period

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "real"
SEED = 20240701
PLANTS = 200
HOLDOUT_SEEDS = (1, 2, 3)
CLEAN_TARGET, CAUGHT_TARGET = 0.01, 0.90
# Rows the source itself says are off (partial years, averages over months without data): real anomalies.
MARKED = "understated|incomplete year"


def _swap_digits(value: float, rng: np.random.Generator) -> float | None:
    text = f"{abs(value):.10g}"
    pairs = [i for i in range(len(text) - 1)
             if text[i].isdigit() and text[i + 1].isdigit() and text[i] != text[i + 1]]
    if not pairs:
        return None
    i = int(rng.choice(pairs))
    return float(text[:i] + text[i + 1] + text[i] + text[i + 2:]) * np.sign(value)


PLANT_KINDS: dict[str, Callable[[float, np.random.Generator], float | None]] = {
    "x10": lambda v, _: v * 10,
    "x100": lambda v, _: v * 100,
    "x0.1": lambda v, _: v * 0.1,
    "sign flip": lambda v, _: -v,
    "swapped digits": _swap_digits,
}


def load() -> pd.DataFrame:
    frames = [pd.read_csv(path, dtype={"period": str}) for path in sorted(DATA.glob("observations-*.csv"))]
    data = pd.concat(frames, ignore_index=True)
    data["period_end"] = pd.to_datetime(data["period"].map(lambda p: parse_period(p).end))
    data["line"] = np.arange(len(data), dtype="int32")
    data["marked"] = data["comment"].fillna("").str.contains(MARKED)
    return data[[*outliers.COLUMNS, "marked"]]


def plant(data: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A copy of data with errors planted, one per judgeable series, and the list of plants."""
    planted = data.copy()
    sizes = planted.groupby(list(outliers.SERIES), dropna=False)["value"].transform("size")
    candidates = planted[(sizes >= outliers.MIN_POINTS) & (planted["value"] != 0)]
    groups = list(candidates.groupby(list(outliers.SERIES), dropna=False).groups.values())
    plants = []
    for g in rng.permutation(len(groups)):
        kind = str(rng.choice(list(PLANT_KINDS)))
        row = int(rng.choice(groups[g]))
        old = float(planted.at[row, "value"])
        new = PLANT_KINDS[kind](old, rng)
        if new is None or new == old:
            continue
        planted.at[row, "value"] = new
        plants.append({"line": planted.at[row, "line"], "kind": kind, "old": old, "new": new})
        if len(plants) == PLANTS:
            break
    return planted, pd.DataFrame(plants)


def baseline_sql(relation: str) -> str:
    """The rule this replaces: robust z-score against the whole history of the series, above 3.5."""
    series = ", ".join(outliers.SERIES)
    return f"""
        WITH s AS (SELECT *, median(value) OVER w AS med, count(*) OVER w AS n FROM {relation}
                   WINDOW w AS (PARTITION BY {series})),
        m AS (SELECT *, median(abs(value - med)) OVER (PARTITION BY {series}) AS mad FROM s)
        SELECT line FROM m WHERE n >= 5 AND mad > 0 AND abs(value - med) / (1.4826 * mad) > 3.5"""


def flagged(data: pd.DataFrame, rule: outliers.Rule = outliers.RULE, sql: Callable[..., str] | None = None) -> set[int]:
    con = duckdb.connect()
    con.register("data", data)
    query = sql("data") if sql else outliers.outlier_sql("data", rule)
    return set(con.execute(query).fetchdf()["line"].astype(int))


def rejected_by_validation(planted: pd.DataFrame, plants: pd.DataFrame) -> pd.Series:
    """Plants the upload checks refuse before any warning: negative counts, percentages outside 0-100."""
    measures = pd.read_csv(ROOT / "seeds" / "indicators.csv").set_index("code")["measure"]
    rows = plants.merge(planted[["line", "indicator"]], on="line")
    measure = rows["indicator"].map(measures)
    return ((measure.isin(["count", "days"]) & (rows["new"] < 0))
            | ((measure == "percent") & ~rows["new"].between(0, 100)))


def scores(data: pd.DataFrame, planted: pd.DataFrame, plants: pd.DataFrame,
           rule: outliers.Rule = outliers.RULE) -> dict[str, float]:
    hits = flagged(planted, rule)
    caught = plants["line"].isin(hits)
    result = {"clean flagged": len(hits - set(plants["line"])) / (len(planted) - len(plants)),
              "caught": caught.mean()}
    result |= {f"caught {kind}": share for kind, share in caught.groupby(plants["kind"]).mean().items()}
    result["unplanted flagged"] = len(flagged(data, rule)) / len(data)
    return result


def _line(name: str, share: float, target: str, detail: str = "") -> str:
    return f"  {name:42} {share:7.2%}   target {target:7} {detail}"


def report(data: pd.DataFrame, planted: pd.DataFrame, plants: pd.DataFrame) -> None:
    hits = flagged(planted)
    caught = plants["line"].isin(hits)
    clean = len(hits - set(plants["line"]))
    print(f"rows={len(data):,} plants={len(plants)} seed={SEED} rule={outliers.RULE}")
    print(_line("clean rows flagged", clean / (len(data) - len(plants)), f"<= {CLEAN_TARGET:.0%}",
                f"({clean} of {len(data) - len(plants):,})"))
    marked = len(hits & set(planted.loc[planted["marked"], "line"]) - set(plants["line"]))
    print(f"    of which {marked} are rows the source marks as understated or an incomplete year")
    print(_line("planted errors caught", caught.mean(), f">= {CAUGHT_TARGET:.0%}",
                f"({caught.sum()} of {len(plants)})"))
    for kind, group in caught.groupby(plants["kind"]):
        print(_line(f"  {kind}", group.mean(), f">= {CAUGHT_TARGET:.0%}", f"({group.sum()} of {len(group)})"))
    size = pd.cut(plants["old"].abs(), [0, 10, 100, np.inf], right=False, labels=["< 10", "10 to 100", ">= 100"])
    for label, group in caught.groupby(size, observed=True):
        print(_line(f"  true value {label}", group.mean(), f">= {CAUGHT_TARGET:.0%}", f"({group.sum()} of {len(group)})"))
    reaching = ~rejected_by_validation(planted, plants)
    print(_line("caught, of those validation lets through", caught[reaching].mean(), f">= {CAUGHT_TARGET:.0%}",
                f"({caught[reaching].sum()} of {reaching.sum()})"))
    unplanted = len(flagged(data))
    print(_line("unplanted rows flagged", unplanted / len(data), f"<= {CLEAN_TARGET:.0%}",
                f"({unplanted} of {len(data):,})"))
    old, old_unplanted = flagged(planted, sql=baseline_sql), len(flagged(data, sql=baseline_sql))
    print(f"baseline (whole-history robust z > 3.5): clean rows flagged "
          f"{len(old - set(plants['line'])) / (len(data) - len(plants)):.2%}, planted errors caught "
          f"{plants['line'].isin(old).mean():.2%}, unplanted rows flagged {old_unplanted / len(data):.2%}")


def grid(data: pd.DataFrame, planted: pd.DataFrame, plants: pd.DataFrame) -> None:
    base = outliers.RULE
    rules = [replace(base, neighbours=k) for k in (2, 4, 5)]
    rules += [replace(base, threshold=t) for t in (3.5, 5.0, 6.0, 7.0, 10.0)]
    rules += [replace(base, rel_floor=r) for r in (0.0, 0.05, 0.2)]
    rules += [replace(base, abs_floor=a) for a in (0.5, 2.0)]
    rules += [replace(base, min_points=m) for m in (4, 6, 8)]
    rules += [replace(base, factor=f) for f in (5.0, 6.0, 10.0, 1e9)]  # 1e9: without the factor test
    print("\nnearby rules: clean flagged / caught / unplanted flagged")
    for rule in [base, *rules]:
        s = scores(data, planted, plants, rule)
        print(f"  {rule}  {s['clean flagged']:.2%} / {s['caught']:.1%} / {s['unplanted flagged']:.2%}")


def holdout(data: pd.DataFrame) -> None:
    """The headline figures for other plantings, each counted in a random half of the series."""
    print("\nheld out: other seeds, half of the series each: clean flagged / caught / caught of those validation lets through")
    for seed in HOLDOUT_SEEDS:
        rng = np.random.default_rng(seed)
        planted, plants = plant(data, rng)
        series = planted.groupby(list(outliers.SERIES), dropna=False).ngroup()
        half = planted.loc[series.isin(rng.permutation(series.max() + 1)[: (series.max() + 1) // 2]), "line"]
        hits, kept = flagged(planted) & set(half), plants[plants["line"].isin(half)]
        caught = kept["line"].isin(hits)
        reaching = ~rejected_by_validation(planted, kept).to_numpy()
        clean = len(hits - set(kept["line"]))
        print(f"  seed {seed}: {clean / (len(half) - len(kept)):.2%} ({clean} of {len(half) - len(kept):,}) / "
              f"{caught.mean():.1%} ({caught.sum()} of {len(kept)}) / {caught[reaching].mean():.1%} "
              f"({caught[reaching].sum()} of {reaching.sum()})")


def main(args: list[str]) -> None:
    data = load()
    planted, plants = plant(data, np.random.default_rng(SEED))
    report(data, planted, plants)
    if "--grid" in args:
        grid(data, planted, plants)
    if "--holdout" in args:
        holdout(data)


if __name__ == "__main__":
    main(sys.argv[1:])
