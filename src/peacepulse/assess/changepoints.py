"""A lasting break in a series' level or trend, found by change-point detection (ruptures' PELT).

The series is modelled as straight lines, each free in level and slope. PELT picks the segments
that minimise the squared error plus a penalty per break of PENALTY · σ² · ln(n), where σ is the
series' own noise, estimated robustly from the spread of its period-to-period changes. A break is
reported only when the two lines around it lie at least SIZE · σ apart over the later segment (σ
here no smaller than the scatter around the fitted lines), the later segment holds at least
MIN_SEGMENT values, and the break is among the last RECENT values; only the last WINDOW values are
fitted. Series shorter than MIN_POINTS are not judged.

Measured on series made the way the demo makes its synthetic ones (a straight path plus normal
noise, rounded): of 500 with 31 quarterly values, at most one shows a break, and of 500 with
MIN_POINTS values, fewer than one in a hundred (tests/test_signals.py holds the first check). A
step of six times the noise in the last 6 of 31 values is found in about 19 runs out of 20.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import ruptures as rpt

MIN_POINTS = 16
MIN_SEGMENT = 4
PENALTY = 10.0
SIZE = 4.0
RECENT = 8
WINDOW = 40  # only the latest values are fitted: a break before them no longer needs a decision


class LineCost(rpt.base.BaseCost):
    """The squared error of the least-squares line through a segment, from running sums: the same
    figure as ruptures' CostLinear with a constant and the time as regressors, without a solve per
    segment."""

    model = "line"
    min_size = 2

    def fit(self, signal: np.ndarray) -> LineCost:
        y = np.asarray(signal, dtype=float).reshape(-1)
        self.signal = y.reshape(-1, 1)
        t = np.arange(len(y), dtype=float)
        self.sums = [np.concatenate([[0.0], np.cumsum(v)]) for v in (np.ones_like(y), t, t * t, y, t * y, y * y)]
        return self

    def error(self, start: int, end: int) -> float:
        n, st, stt, sy, sty, syy = (c[end] - c[start] for c in self.sums)
        det = n * stt - st * st
        if det <= 0:
            return 0.0
        slope = (n * sty - st * sy) / det
        level = (sy - slope * st) / n
        return float(max(syy - level * sy - slope * sty, 0.0))


@dataclass(frozen=True)
class Break:
    index: int          # position of the first value after the break
    before: float       # where the earlier line would have been at the last value
    after: float        # where the later line is at the last value
    noise: float        # σ


def noise(values: np.ndarray) -> float:
    """σ from the median absolute deviation of the changes; never below half the smallest step, so
    that a series of whole numbers with many repeats is not taken for a noiseless one."""
    steps = np.diff(values)
    sigma = 1.4826 * np.median(np.abs(steps - np.median(steps))) / np.sqrt(2)
    moved = np.abs(steps[steps != 0])
    return float(max(sigma, moved.min() / 2 if moved.size else 0.0, 1e-9))


def latest_break(values: list[float] | np.ndarray) -> Break | None:
    y = np.asarray(values, dtype=float)
    if len(y) < MIN_POINTS:
        return None
    skipped = max(len(y) - WINDOW, 0)
    y = y[skipped:]
    n = len(y)
    t = np.arange(n, dtype=float)
    sigma = noise(y)
    ends = rpt.Pelt(custom_cost=LineCost(), min_size=MIN_SEGMENT, jump=1).fit(y) \
        .predict(pen=PENALTY * sigma ** 2 * np.log(n))
    bounds = [0, *ends]
    # The gap is measured against the scatter around the fitted lines too: on a short series the
    # spread of the changes alone can put σ at half its size.
    cost = LineCost().fit(y)
    scatter = np.sqrt(sum(cost.error(a, b) for a, b in zip(bounds, bounds[1:])) / max(n - 2 * len(ends), 1))
    sigma = max(sigma, float(scatter))
    for start, cut, end in reversed(list(zip(bounds, bounds[1:], bounds[2:]))):
        if cut < n - RECENT:
            break
        left, right = np.polyfit(t[start:cut], y[start:cut], 1), np.polyfit(t[cut:end], y[cut:end], 1)
        apart = np.abs(np.polyval(left, t[cut:end]) - np.polyval(right, t[cut:end]))
        if apart.max() >= SIZE * sigma:
            return Break(skipped + cut, float(np.polyval(left, t[end - 1])), float(np.polyval(right, t[end - 1])),
                         sigma)
    return None
