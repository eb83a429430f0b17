"""Adaptive signals: what needs a decision now, per mission, each with the rule that fired, the
figures that made it fire, its severity and a link to the panel behind it.

The rules, most severe first; their thresholds are the constants below.

- off_track_run (high): off track at each of an indicator's last OFF_TRACK_RUN values. The status
  at each period is the store's `progress_points` view: the formula of the `progress` badge, with
  the target in force at that period, so a signal never disagrees with a badge. A period without
  a target, or before the baseline, ends a run. One signal per mission lists every such
  indicator, how long it has been off track, and its latest attainment against pace.
- target_near (high): a target falls due within TARGET_WINDOW days, is not met, and the gap is not
  closing fast enough: the straight line through the last TREND_POINTS values, carried to the due
  date, misses the target by more than SHORTFALL_SE standard errors of that projection (σ being
  the larger of the series' noise, `changepoints.noise`, and the scatter around the line). With
  fewer than MIN_TREND_POINTS values since the baseline there is no trend to carry. One signal per
  mission; an indicator already in its off-track signal is not listed again.
- evidence_changed (high): evidence of an approved assessment was revised after approval.
- break (medium): a lasting break in level or trend, one signal per series (see `changepoints`).
- assessment_overdue (medium): no assessment within the mission's cycle plus ASSESSMENT_GRACE days.
- rating_disagrees (medium): the computed status disagrees with the last approved rating.
- recommendation_overdue (medium): past its due date and neither completed nor dropped.
- stale (low): latest values older than their reporting cycle allows (`progress.stale`). One
  signal per mission lists the indicators, by the period of their latest value.

SEVERITIES says what each severity asks for. A signal grouped per mission names a theme only when
everything it lists shares one, and its `indicator` lists the codes, separated by ';'.

On 500 series of noise around a path that keeps pace with its target or holds its level, as the
demo makes them, neither off_track_run nor target_near fires (tests/test_signals.py).

An acknowledgement hides a signal (its `signal` key) for as long as its `fingerprint`, a digest of
the figures it lists, stays the same: a new or revised value behind it brings it back.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from .. import store
from . import changepoints

OFF_TRACK_RUN = 3        # off track at each of this many latest values
TARGET_WINDOW = 180      # days before a target falls due in which a target that will be missed fires
TREND_POINTS = 6         # latest values whose straight line is carried to the due date
MIN_TREND_POINTS = 3     # fewer values since the baseline: no trend to carry
SHORTFALL_SE = 3.0       # the projection must miss the target by more than this many standard errors
ASSESSMENT_GRACE = 90    # days after an assessment cycle ends before the next one is overdue
CYCLE_DAYS = {"year": 365, "half": 182, "quarter": 91}
SEVERITIES = {
    "high": "A target or an approved judgement is in doubt now: act, or revise the plan.",
    "medium": "The assessment loop, or the course of a series, needs a look at the next review.",
    "low": "The data needs upkeep.",
}
SEVERITY = {"off_track_run": "high", "target_near": "high", "evidence_changed": "high", "break": "medium",
            "assessment_overdue": "medium", "rating_disagrees": "medium", "recommendation_overdue": "medium",
            "stale": "low"}
RULES = {
    "off_track_run": f"Off track by the status rules at each of an indicator's last {OFF_TRACK_RUN} values; "
                     "one signal per mission lists them.",
    "target_near": f"A target falls due within {TARGET_WINDOW} days and the gap is not closing fast enough: the "
                   f"trend of the last {TREND_POINTS} values, carried to the due date, misses it by more than "
                   f"{SHORTFALL_SE:g} standard errors. Indicators already off track are not listed again.",
    "evidence_changed": "Evidence of an approved assessment was revised after approval.",
    "break": f"A lasting break in level or trend: at least {changepoints.SIZE:g} times the series' noise, "
             f"for at least {changepoints.MIN_SEGMENT} values, among the last {changepoints.RECENT} "
             f"(series of {changepoints.MIN_POINTS} values or more).",
    "assessment_overdue": f"No assessment within the mission's cycle, plus {ASSESSMENT_GRACE} days' grace.",
    "rating_disagrees": "The computed status disagrees with the last approved rating.",
    "recommendation_overdue": "A recommendation is past its due date and neither completed nor dropped.",
    "stale": "Latest values older than their reporting cycle allows (the progress view's stale flag); "
             "one signal per mission lists them.",
}
COLUMNS = ["mission", "theme", "indicator", "rule", "severity", "detail", "link", "signal", "fingerprint"]


def _label(status: str) -> str:
    return status.replace("_", " ")


def _row(mission: str, theme: int | None, indicator: str | None, rule: str, detail: str, figures: object,
         grouped: bool = False, subject: str | None = None) -> dict:
    """One signal. Its key is the rule and mission, then (unless it is grouped per mission) the theme and
    indicator, and `subject` where one theme can hold several (an assessment's period, a recommendation)."""
    link = f"/mission?code={mission}" + (f"&theme={theme}" if theme else "")
    if indicator and not theme and not grouped:
        link = f"/indicator?code={indicator}&mission={mission}"
    key = (rule, mission) if grouped else (rule, mission, theme or "", indicator or "")
    key += (subject,) if subject else ()
    return {"mission": mission, "theme": theme, "indicator": indicator, "rule": rule, "severity": SEVERITY[rule],
            "detail": detail, "link": link, "signal": "|".join(str(x) for x in key),
            "fingerprint": hashlib.sha256(repr(figures).encode()).hexdigest()[:16]}


def mission_of(signal: str) -> str:
    """The mission a signal's key names (the key is the rule, then the mission; see _row)."""
    parts = signal.split("|")
    return parts[1] if len(parts) > 1 else ""


def _grouped(mission: str, rule: str, listed: pd.DataFrame, detail: str, figures: object) -> dict:
    themes = listed["theme"].unique()
    return _row(mission, int(themes[0]) if len(themes) == 1 else None, ";".join(sorted(listed["indicator"])), rule,
                detail, figures, grouped=True)


def _points(con: duckdb.DuckDBPyConnection, mission: str | None) -> pd.DataFrame:
    """Every value of the active missions' series (or one mission's), with its status then."""
    return con.execute("""
        SELECT p.mission, p.indicator, p.primary_theme AS theme, p.direction, p.period, p.period_end, p.position,
               p.latest, p.value, p.baseline, p.baseline_end, p.target, p.target_period, p.target_end, p.status
        FROM progress_points p JOIN missions m ON m.code = p.mission AND m.active
        WHERE $mission IS NULL OR p.mission = $mission
        ORDER BY p.mission, p.indicator, p.position""", {"mission": mission}).fetchdf()


def _runs(con: duckdb.DuckDBPyConnection, mission: str | None) -> pd.DataFrame:
    """Each active series off track at each of its last OFF_TRACK_RUN values or more, with the run's length."""
    return con.execute("""
        WITH back AS (
            SELECT p.*, row_number() OVER (PARTITION BY p.mission, p.indicator ORDER BY p.position DESC) AS back
            FROM progress_points p JOIN missions m ON m.code = p.mission AND m.active
            WHERE $mission IS NULL OR p.mission = $mission),
        runs AS (
            SELECT mission, indicator,
                   coalesce(min(back) FILTER (WHERE status <> 'off_track'), max(back) + 1) - 1 AS run
            FROM back GROUP BY mission, indicator)
        SELECT b.mission, b.primary_theme AS theme, b.indicator, r.run, s.period AS since, b.period, b.value,
               b.attainment, b.pace, b.baseline, b.target, b.target_period, b.target_end,
               (SELECT list(x.value ORDER BY x.position) FROM back x
                WHERE x.mission = b.mission AND x.indicator = b.indicator AND x.back <= r.run) AS run_values
        FROM runs r
        JOIN back b ON b.mission = r.mission AND b.indicator = r.indicator AND b.back = 1
        JOIN back s ON s.mission = r.mission AND s.indicator = r.indicator AND s.back = r.run
        WHERE r.run >= $run ORDER BY b.mission, b.primary_theme, b.indicator""",
                       {"mission": mission, "run": OFF_TRACK_RUN}).fetchdf()


def _by_theme(listed: pd.DataFrame, item) -> str:
    """'Theme 1: A (…), B (…). Theme 4: C (…).', the indicators under their primary theme."""
    return " ".join(f"Theme {theme}: " + ", ".join(item(r) for r in rows.itertuples()) + "."
                    for theme, rows in listed.sort_values(["theme", "indicator"]).groupby("theme", sort=True))


def _run_item(r) -> str:
    where = (f"attainment {r.attainment:.2f} against pace {r.pace:.2f}" if pd.notna(r.attainment)
             else f"off the level {r.target:,.4g} to hold")
    return (f"{r.indicator} since {r.since} ({r.run} values; {r.value:,.4g} in {r.period}, {where}, "
            f"target {r.target:,.4g} by {r.target_period})")


def off_track_runs(runs: pd.DataFrame) -> list[dict]:
    found = []
    for mission, listed in runs.groupby("mission", sort=True):
        n = len(listed)
        detail = (f"{n} indicator{'s' * (n != 1)} off track by the status rules at each of "
                  f"{'their' if n != 1 else 'its'} last {OFF_TRACK_RUN} values or more. " + _by_theme(listed, _run_item))
        figures = [(r.indicator, r.since, r.period, [round(v, 6) for v in r.run_values], r.baseline, r.target,
                    r.target_period) for r in listed.itertuples()]
        found.append(_grouped(mission, "off_track_run", listed, detail, figures))
    return found


def _projection(s: pd.DataFrame, since: pd.Timestamp, due: pd.Timestamp) -> tuple[int, float, float] | None:
    """(values used, where the straight line through the latest values after `since` is at `due`, the
    standard error of that)."""
    recent = s[s["period_end"] > since].tail(TREND_POINTS)
    if len(recent) < MIN_TREND_POINTS:
        return None
    x = recent["period_end"].map(pd.Timestamp.toordinal).to_numpy(float)
    y = recent["value"].to_numpy(float)
    x0 = float(due.toordinal())
    slope, level = np.polyfit(x, y, 1)
    spread = float(((x - x.mean()) ** 2).sum())
    scatter = np.sqrt(((y - (slope * x + level)) ** 2).sum() / (len(x) - 2)) if len(x) > 2 else 0.0
    sigma = max(changepoints.noise(s["value"].to_numpy(float)), scatter)
    se = sigma * np.sqrt(1 / len(x) + (x0 - x.mean()) ** 2 / spread)
    return len(recent), float(slope * x0 + level), float(se)


def targets_near(points: pd.DataFrame, today: date, skip: set[tuple[str, str]]) -> list[dict]:
    latest = points[points["latest"] & points["status"].isin(["at_risk", "off_track"])]
    away = (latest["target_end"] - pd.Timestamp(today)).dt.days
    latest = latest[away.between(0, TARGET_WINDOW)]
    latest = latest[pd.Series([key not in skip for key in zip(latest["mission"], latest["indicator"])],
                              index=latest.index, dtype=bool)]
    series = dict(iter(points.merge(latest[["mission", "indicator"]]).groupby(["mission", "indicator"])))
    rows = []
    for r in latest.itertuples():
        away = (r.target_end.date() - today).days
        made = _projection(series[(r.mission, r.indicator)], r.baseline_end, r.target_end)
        if made is None:
            continue
        used, reach, se = made
        short = r.target - reach if r.direction != "decrease" else reach - r.target
        if short > SHORTFALL_SE * se:
            rows.append({"mission": r.mission, "theme": r.theme, "indicator": r.indicator, "target": r.target,
                         "due": r.target_end.date(), "away": away, "period": r.period, "value": r.value,
                         "used": used, "reach": reach, "short": short, "se": se})
    found = []
    for mission, listed in pd.DataFrame(rows).groupby("mission", sort=True) if rows else []:
        n = len(listed)
        detail = (f"{n} target{'s' * (n != 1)} due within {TARGET_WINDOW} days will not be met at the pace of the "
                  "latest values. " + _by_theme(listed, _near_item))
        figures = [(r.indicator, r.target, str(r.due), r.period, round(r.value, 6), round(r.reach, 6))
                   for r in listed.itertuples()]
        found.append(_grouped(mission, "target_near", listed, detail, figures))
    return found


def _near_item(r) -> str:
    return (f"{r.indicator} due {r.due:%Y-%m-%d}, {r.away} days away ({r.value:,.4g} in {r.period}; the trend of "
            f"its last {r.used} values reaches {r.reach:,.4g}, {r.short:,.3g} short of {r.target:,.4g}, "
            f"standard error {r.se:,.2g})")


def breaks(points: pd.DataFrame) -> list[dict]:
    found = []
    for (mission, indicator), s in points.groupby(["mission", "indicator"], sort=True):
        cut = changepoints.latest_break(s["value"].to_numpy())
        if cut is None:
            continue
        at = s.iloc[cut.index]
        found.append(_row(mission, int(s["theme"].iloc[0]), indicator, "break",
                          f"{indicator}: a lasting break from {at['period']}: the trend before it leads to "
                          f"{cut.before:,.4g} by {s['period'].iloc[-1]}, the values since to {cut.after:,.4g}, "
                          f"{abs(cut.after - cut.before) / cut.noise:.1f} times the series' noise "
                          f"({cut.noise:,.3g}).", (at["period"], round(cut.before, 6), round(cut.after, 6))))
    return found


def stale(con: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = con.execute("""SELECT p.mission, p.primary_theme AS theme, p.indicator, p.latest_period, p.days_since_latest
                          FROM progress p JOIN missions m ON m.code = p.mission AND m.active
                          WHERE p.stale ORDER BY p.mission, p.latest_period_end, p.indicator""").fetchdf()
    found = []
    for mission, listed in rows.groupby("mission", sort=True):
        by_period = [f"latest {period} ({int(days.iloc[0]):,} days ago): " + ", ".join(codes)
                     for period, codes, days in ((p, g["indicator"], g["days_since_latest"])
                                                 for p, g in listed.groupby("latest_period", sort=False))]
        n = len(listed)
        detail = (f"{n} indicator{'s have' if n != 1 else ' has'} no value within {'their' if n != 1 else 'its'} "
                  "reporting cycle: " + "; ".join(by_period) + ".")
        found.append(_grouped(mission, "stale", listed, detail,
                              list(zip(listed["indicator"], listed["latest_period"]))))
    return found


def assessments_overdue(con: duckdb.DuckDBPyConnection, today: date) -> list[dict]:
    rows = con.execute("""SELECT a.mission, a.theme, max(a.period_end) AS last_end, arg_max(a.period, a.period_end),
                                 any_value(m.assessment_cycle)
                          FROM assessments a JOIN missions m ON m.code = a.mission AND m.active
                          GROUP BY a.mission, a.theme ORDER BY ALL""").fetchall()
    found = []
    for mission, theme, last_end, period, cycle in rows:
        late = (today - last_end).days - CYCLE_DAYS.get(cycle, 365) - ASSESSMENT_GRACE
        if late > 0:
            found.append(_row(mission, theme, None, "assessment_overdue",
                              f"Theme {theme}: the last assessment covers {period}; with a {cycle} cycle the next "
                              f"was due {late:,} days ago.", (period, cycle)))
    return found


def ratings_disagree(con: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = con.execute("""
        WITH approved AS (SELECT * FROM assessments WHERE status = 'approved'
                          QUALIFY row_number() OVER (PARTITION BY mission, theme ORDER BY period_end DESC) = 1)
        SELECT a.mission, a.theme, a.period, a.rating, s.status
        FROM approved a JOIN scorecard s USING (mission, theme)
        WHERE s.status IN ('on_track', 'at_risk', 'off_track') AND s.status <> a.rating ORDER BY ALL""").fetchall()
    return [_row(m, t, None, "rating_disagrees", f"Theme {t}: rated {_label(r)} in the approved assessment of {p}; "
                 f"the indicators now say {_label(s)}.", (p, r, s)) for m, t, p, r, s in rows]


def recommendations_overdue(con: duckdb.DuckDBPyConnection, today: date) -> list[dict]:
    rows = con.execute("""SELECT mission, theme, recommendation, owner, due, status FROM recommendations
                          WHERE open AND due < ? ORDER BY ALL""", [today]).fetchall()
    return [_row(m, t, None, "recommendation_overdue", f"Theme {t}: '{rec}' ({owner}) was due on {due:%Y-%m-%d}, "
                 f"{(today - due).days:,} days ago, and is {_label(st)}.", (rec, due, st), subject=rec)
            for m, t, rec, owner, due, st in rows]


def evidence_changed(con: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = con.execute("""SELECT mission, theme, period, string_agg(indicator || ' ' || observation_period || ': '
                                 || value_at_approval || ' → ' || value_now, '; ' ORDER BY indicator, observation_period)
                          FROM evidence_changes GROUP BY ALL ORDER BY ALL""").fetchall()
    return [_row(m, t, None, "evidence_changed", f"Theme {t}: evidence of the approved assessment of {p} changed "
                 f"since approval: {what}.", what, subject=p) for m, t, p, what in rows]


def find(db: Path, mission: str | None = None, today: date | None = None, acknowledged: bool = False) -> pd.DataFrame:
    """Every signal, most severe first (then in the order of RULES); those acknowledged for the data they
    rest on are left out unless `acknowledged`. `today` defaults to the store's today (the as-of day
    within store.as_of)."""
    today = today or store.today()
    with store.reading(db) as con:
        # the series rules judge each series alone: with a mission given, only its series are read
        points, runs = _points(con, mission), _runs(con, mission)
        found = (off_track_runs(runs) + targets_near(points, today, set(zip(runs["mission"], runs["indicator"])))
                 + evidence_changed(con) + breaks(points) + assessments_overdue(con, today) + ratings_disagree(con)
                 + recommendations_overdue(con, today) + stale(con))
        acks = con.execute("SELECT signal, fingerprint, note, acknowledged_at FROM signal_acks").fetchdf()
    frame = pd.DataFrame(found, columns=COLUMNS).astype({"theme": "Int64"})
    if mission is not None:
        frame = frame[frame["mission"] == mission]
    latest = acks.sort_values("acknowledged_at").drop_duplicates(["signal", "fingerprint"], keep="last")
    frame = frame.merge(latest, on=["signal", "fingerprint"], how="left")
    if not acknowledged:
        frame = frame[frame["note"].isna()]
    order = {**{s: i for i, s in enumerate(SEVERITIES)}, **{r: i for i, r in enumerate(RULES)}}
    return frame.sort_values(["mission", "severity", "rule", "theme", "indicator"],
                             key=lambda c: c.map(order) if c.name in ("severity", "rule") else c,
                             na_position="first").reset_index(drop=True)


def acknowledge(db: Path, signal: str, fingerprint: str, note: str, user: str | None = None) -> None:
    """Hide a signal until the data behind it changes; the note says why, ``user`` who."""
    if not note.strip():
        raise ValueError("An acknowledgement needs a note saying why the signal can rest.")
    with store.writing(db) as con:
        store.migrate(con)  # a store from before acknowledgements recorded who made them
        con.execute("INSERT INTO signal_ack (signal, fingerprint, note, acknowledged_at, acknowledged_by) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [signal, fingerprint, note.strip(), datetime.now(timezone.utc).replace(tzinfo=None), user])
