"""Outliers: a value far from its neighbours in the same series, in DuckDB SQL.

A series is one mission, indicator, sex, age and location, ordered by period_end. Each value is
compared with up to NEIGHBOURS values on each side of it (itself left out, so an error cannot hide
itself by inflating the spread); at either end of a series the window is one-sided, so the newest
value is judged against the ones before it. Judging against neighbours rather than the whole
history means steady trends and lasting level shifts are not flagged, only values that stand out
from the periods around them. A value is flagged by any of three tests:

1. Distance (a Hampel test), for every series:

       score = |value − median of the neighbours| / scale > THRESHOLD
       scale = max(1.4826 · MAD of the neighbours, REL_FLOOR · |median|, ABS_FLOOR)

   1.4826 · MAD estimates the standard deviation of normal noise. The floors keep flat series
   (MAD 0) judgeable without making tiny noise look huge.

2. Factor, when the value and all its neighbours are positive: the value is at least FACTOR times
   the neighbours' median, or at most 1/FACTOR of it, and differs from it by at least ABS_FLOOR.
   A slipped decimal point or a wrong unit is an error of an order of magnitude whatever the level
   and however much the neighbours wobble; the distance test misses it when the neighbours are
   noisy (a wide MAD), and it can never flag a drop by more than |median| / scale, so ×0.1 errors
   went mostly unflagged. Windows holding a zero (small counts such as fatalities) are left to the
   distance test, where the absolute floor keeps 0, 1, 0, 2 → 3 quiet.

3. Sign, a negative value in a series whose other values are all ≥ 0, when its neighbours' median is
   above zero: almost certainly a lost or added minus sign. Validation already refuses negative
   counts and percentages outside 0 to 100, so in practice this catches rates, ratios and indices.

A value lower than its neighbours in the first or last period of its series is flagged only by the
sign test. Missions start and end part-way through a year and the newest year may not be over, so
the source's figures for those periods are low: in the shipped real data, 55 of the 65 values the
distance test flagged this way are years the source itself marks as partial or understated, and
the other ten are first or last years of missions too. The cost is that a ×0.1 error in the first
or last period is not caught; a ×10 error there still is.

The constants were chosen with the planting benchmark (benchmarks/bench_outliers.py: errors planted
into the shipped real data; --holdout checks them on other plants in half of the series) and kept
round:

- NEIGHBOURS = 3: up to six neighbours, three years either side for yearly data; 2 to 5 score
  about the same, and wider windows blur into trends.
- THRESHOLD = 8: with only 3 to 6 neighbours the MAD is a noisy estimate, and real yearly series
  (fatalities, deployments) swing widely, so the textbook 3.5 flags about 6 % of the real data.
- REL_FLOOR = 0.1: the spread is never taken as less than 10 % of the local level, so a rise must
  be more than 80 % above its neighbours' median (above 1.8×) to be flagged by distance.
- ABS_FLOOR = 1: one unit (one death, one base, one percentage point), so counts near zero must
  move by more than 8 to be flagged by distance: 0→2, or even 0→6, in a quiet series is not.
- FACTOR = 8: close to an order of magnitude (log10 8 ≈ 0.9) with room for a ×10 error to be
  judged against a median that itself wobbles. 5 catches slightly more and flags more clean
  values (mission start-up and drawdown years that are not at the very end); 10 misses many ×10.
- MIN_POINTS = 5: a shorter series has too few neighbours to say what is usual.

The score returned is the distance score, so a value flagged only by the factor or sign test can
have a score below THRESHOLD.
"""
from __future__ import annotations

from dataclasses import dataclass

SERIES = ("mission", "indicator", "sex", "age", "location")
COLUMNS = SERIES + ("period", "period_end", "value", "line")


NEIGHBOURS = 3
THRESHOLD = 8.0
REL_FLOOR = 0.1
ABS_FLOOR = 1.0
FACTOR = 8.0
MIN_POINTS = 5


@dataclass(frozen=True)
class Rule:
    """The constants above, bundled so the benchmark can try others."""
    neighbours: int = NEIGHBOURS
    threshold: float = THRESHOLD
    rel_floor: float = REL_FLOOR
    abs_floor: float = ABS_FLOOR
    min_points: int = MIN_POINTS
    factor: float = FACTOR


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
                   min(value) OVER (PARTITION BY {series} ORDER BY period_end
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                                    EXCLUDE CURRENT ROW) AS others_lowest,
                   row_number() OVER (PARTITION BY {series} ORDER BY period_end) AS position,
                   count(*) OVER (PARTITION BY {series}) AS points
            FROM (SELECT {columns} FROM {relation} WHERE value IS NOT NULL)),
        centred AS (
            SELECT *, list_median(around)::DOUBLE AS median, list_min(around) AS lowest
            FROM windowed WHERE points >= {rule.min_points}),
        scaled AS (
            SELECT *, greatest(1.4826 * list_median(list_transform(around, lambda v: abs(v - median))),
                               {rule.rel_floor} * abs(median), {rule.abs_floor})::DOUBLE AS scale
            FROM centred),
        judged AS (
            SELECT *, (abs(value - median) / scale)::DOUBLE AS score,
                   value >= 0 AND value < median AND position IN (1, points) AS low_at_an_end,
                   lowest > 0 AND value > 0 AND abs(value - median) >= {rule.abs_floor}
                       AND greatest(value / median, median / value) >= {rule.factor} AS off_by_factor,
                   value < 0 AND others_lowest >= 0 AND median > 0 AS sign_lost
            FROM scaled)
        SELECT {columns}, median, scale, score, len(around)::INTEGER AS neighbours
        FROM judged
        WHERE (NOT low_at_an_end AND (score > {rule.threshold} OR off_by_factor)) OR sign_lost"""


def describe(value: float, median: float, n_neighbours: int) -> str:
    """The warning shown beside a flagged value."""
    return (f"{value:g} is far from the values around it in this series (median {median:g} of the "
            f"{n_neighbours} nearest periods). It was kept; check that it is right.")
