"""Outliers: a value far from its neighbours in the same series (a Hampel test), in DuckDB SQL.

A series is one mission, indicator, sex, age and location, ordered by period_end. Each value is
compared with up to NEIGHBOURS values on each side of it (itself left out, so an error cannot hide
itself by inflating the spread); at either end of a series the window is one-sided, so the newest
value is judged against the ones before it. Judging against neighbours rather than the whole
history means steady trends and lasting level shifts are not flagged, only values that stand out
from the periods around them.

    score = |value − median of the neighbours| / scale
    scale = max(1.4826 · MAD of the neighbours, REL_FLOOR · |median|, ABS_FLOOR)

1.4826 · MAD estimates the standard deviation of normal noise. The floors keep flat series (MAD 0)
judgeable without making tiny noise look huge: a one-off jump from a flat level still scores high,
while a wobble of a few percent does not. The constants were chosen with the planting benchmark
(benchmarks/bench_outliers.py: errors planted into the shipped real data) and kept round:

- NEIGHBOURS = 3: up to six neighbours, three years either side for yearly data; 2 to 5 score
  about the same, and wider windows blur into trends.
- THRESHOLD = 8: with only 3 to 6 neighbours the MAD is a noisy estimate, and real yearly series
  (fatalities, deployments) swing widely, so the textbook 3.5 flags about 6 % of the real data.
  At 8 under 2 % is flagged, fewer than the whole-history rule this replaces, while every ×100
  and most ×10 errors are still caught.
- REL_FLOOR = 0.1: the spread is never taken as less than 10 % of the local level, so a value
  must be more than 80 % off its neighbours' median (below 0.2× or above 1.8×) to be flagged.
  A larger floor would make drops to zero unflaggable (REL_FLOOR · THRESHOLD must stay below 1).
- ABS_FLOOR = 1: one unit (one death, one base, one percentage point), so counts near zero must
  move by more than 8 to be flagged: 0→2, or even 0→6, in a quiet series is not.
- MIN_POINTS = 5: a shorter series has too few neighbours to say what is usual.
"""
from __future__ import annotations

from dataclasses import dataclass

SERIES = ("mission", "indicator", "sex", "age", "location")
COLUMNS = SERIES + ("period", "period_end", "value", "line")


NEIGHBOURS = 3
THRESHOLD = 8.0
REL_FLOOR = 0.1
ABS_FLOOR = 1.0
MIN_POINTS = 5


@dataclass(frozen=True)
class Rule:
    """The constants above, bundled so the benchmark can try others."""
    neighbours: int = NEIGHBOURS
    threshold: float = THRESHOLD
    rel_floor: float = REL_FLOOR
    abs_floor: float = ABS_FLOOR
    min_points: int = MIN_POINTS


RULE = Rule()


def outlier_sql(relation: str, rule: Rule = RULE) -> str:
    """A query over `relation` returning its flagged rows: COLUMNS plus median, scale, score and neighbours."""
    series, columns = ", ".join(SERIES), ", ".join(COLUMNS)
    return f"""
        WITH windowed AS (
            SELECT {columns},
                   list(value) OVER (PARTITION BY {series} ORDER BY period_end
                                     ROWS BETWEEN {rule.neighbours} PRECEDING AND {rule.neighbours} FOLLOWING
                                     EXCLUDE CURRENT ROW) AS around,
                   count(*) OVER (PARTITION BY {series}) AS points
            FROM (SELECT {columns} FROM {relation} WHERE value IS NOT NULL)),
        centred AS (SELECT *, list_median(around)::DOUBLE AS median FROM windowed WHERE points >= {rule.min_points}),
        scaled AS (
            SELECT *, greatest(1.4826 * list_median(list_transform(around, lambda v: abs(v - median))),
                               {rule.rel_floor} * abs(median), {rule.abs_floor})::DOUBLE AS scale
            FROM centred)
        SELECT {columns}, median, scale, (abs(value - median) / scale)::DOUBLE AS score,
               len(around)::INTEGER AS neighbours
        FROM scaled
        WHERE abs(value - median) / scale > {rule.threshold}"""


def describe(value: float, median: float, n_neighbours: int) -> str:
    """The warning shown beside a flagged value."""
    return (f"{value:g} is far from the values around it in this series (median {median:g} of the "
            f"{n_neighbours} nearest periods). It was kept; check that it is right.")
