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
while a wobble of a few percent does not. The constants were chosen by planting errors into the
shipped real data (benchmarks/bench_outliers.py) and kept round:

- NEIGHBOURS = 3: six neighbours for an inner value; wider windows blur into trends, narrower ones
  let two adjacent errors mask each other.
- THRESHOLD = 3.5: Iglewicz and Hoaglin's usual cut-off for this modified z-score.
- REL_FLOOR = 0.1: the spread is never taken as less than 10 % of the local level, so a value must
  be about 35 % off its neighbours' median to be flagged.
- ABS_FLOOR = 1: one unit (one death, one base, one percentage point); with THRESHOLD this means
  counts near zero must move by more than 3.5 to be flagged, so 0→2 in a quiet series is not.
- MIN_POINTS = 5: a shorter series has too few neighbours to say what is usual.
"""
from __future__ import annotations

from dataclasses import dataclass

SERIES = ("mission", "indicator", "sex", "age", "location")
COLUMNS = SERIES + ("period", "period_end", "value", "line")


NEIGHBOURS = 3
THRESHOLD = 3.5
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
