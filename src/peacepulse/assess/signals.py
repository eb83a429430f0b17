"""Adaptive signals: what needs a decision now, per mission, each with the rule that fired, the
figures that made it fire, its severity and a link to the panel behind it.

The rules and their thresholds are all here. Status bands come from the store's `status_rules`,
and staleness is the `progress` view's own flag, so a signal never disagrees with a badge.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from .. import store
from ..kinds.periods import parse_period
from . import changepoints

OFF_TRACK_RUN = 3        # off track at each of this many latest values
TARGET_WINDOW = 180      # days before a target falls due in which a gap that is not closing fires
ASSESSMENT_GRACE = 90    # days after an assessment cycle ends before the next one is overdue
CYCLE_DAYS = {"year": 365, "half": 182, "quarter": 91}
SEVERITY = {"off_track_run": "high", "break": "medium", "target_near": "high", "stale": "low",
            "assessment_overdue": "medium", "rating_disagrees": "medium", "recommendation_overdue": "medium",
            "evidence_changed": "high"}
RULES = {
    "off_track_run": f"Off track at each of its last {OFF_TRACK_RUN} values, by the status rules.",
    "break": "A lasting break in level or trend (change-point detection; see peacepulse.assess.changepoints).",
    "target_near": f"A target falls due within {TARGET_WINDOW} days and the gap to it is not closing.",
    "stale": "The latest value is older than its reporting cycle allows (the progress view's stale flag).",
    "assessment_overdue": f"No assessment within the mission's cycle, plus {ASSESSMENT_GRACE} days' grace.",
    "rating_disagrees": "The computed status disagrees with the last approved rating.",
    "recommendation_overdue": "A recommendation is past its due date and neither completed nor dropped.",
    "evidence_changed": "Evidence of an approved assessment was revised after approval.",
}
COLUMNS = ["mission", "theme", "indicator", "rule", "severity", "detail", "link", "signal", "fingerprint"]


def _label(status: str) -> str:
    return status.replace("_", " ")


def _row(mission: str, theme: int | None, indicator: str | None, rule: str, detail: str, figures: object) -> dict:
    link = f"/mission?code={mission}" + (f"&theme={theme}" if theme else "")
    if indicator and not theme:
        link = f"/indicator?code={indicator}&mission={mission}"
    signal = "|".join(str(x) for x in (rule, mission, theme or "", indicator or ""))
    return {"mission": mission, "theme": theme, "indicator": indicator, "rule": rule, "severity": SEVERITY[rule],
            "detail": detail, "link": link, "signal": signal,
            "fingerprint": hashlib.sha256(repr(figures).encode()).hexdigest()[:16]}


def _band(con: duckdb.DuckDBPyConnection, name: str) -> float:
    return float(con.execute("SELECT value FROM status_rules WHERE name = ?", [name]).fetchone()[0])


def _judged_series(con) -> pd.DataFrame:
    return con.execute("""
        SELECT s.mission, s.indicator, p.primary_theme AS theme, s.period, s.period_end, s.value, p.direction,
               p.baseline, p.baseline_period, p.target, p.target_period, p.status, p.latest_period
        FROM series s JOIN progress p USING (mission, indicator)
        JOIN missions m ON m.code = s.mission AND m.active
        ORDER BY s.mission, s.indicator, s.period_end, s.period_start""").fetchdf()


def off_track_runs(con, series: pd.DataFrame) -> list[dict]:
    """The status rule at each value after the baseline: met, or attainment within the band of pace."""
    band, hold = _band(con, "at_risk_band"), _band(con, "hold_band")
    found = []
    for (mission, indicator), s in series[series["target"].notna()].groupby(["mission", "indicator"], sort=True):
        first = s.iloc[0]
        b = first["baseline"]
        start, due = parse_period(str(first["baseline_period"])), parse_period(str(first["target_period"]))
        if pd.isna(b) or start is None or due is None or due.end <= start.end:
            continue
        after = s[s["period_end"].dt.date > start.end].tail(OFF_TRACK_RUN)
        if len(after) < OFF_TRACK_RUN:
            continue
        t, up = first["target"], first["direction"] != "decrease"
        marks = []
        for r in after.itertuples():
            met = r.value >= t if up else r.value <= t
            if t == b:
                off = not met and abs(r.value - t) > hold * abs(t)
                marks.append((r.period, r.value, None, None, off))
                continue
            attained = (r.value - b) / (t - b)
            pace = (r.period_end.date() - start.end).days / (due.end - start.end).days
            marks.append((r.period, r.value, attained, pace, not met and attained < pace - band))
        if all(m[-1] for m in marks):
            said = ", ".join(f"{p} {v:,.4g}" + (f" (attainment {a:.2f} against pace {q:.2f})" if a is not None else "")
                             for p, v, a, q, _ in marks)
            found.append(_row(mission, int(first["theme"]), indicator, "off_track_run",
                              f"{indicator}: off track at each of its last {OFF_TRACK_RUN} values: {said}; target "
                              f"{t:,.4g} by {first['target_period']} from {b:,.4g} in {first['baseline_period']}.",
                              marks))
    return found


def breaks(series: pd.DataFrame) -> list[dict]:
    found = []
    for (mission, indicator), s in series.groupby(["mission", "indicator"], sort=True):
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


def targets_near(series: pd.DataFrame, today: date) -> list[dict]:
    found = []
    for (mission, indicator), s in series[series["target"].notna() & (series["status"] != "on_track")] \
            .groupby(["mission", "indicator"], sort=True):
        due = parse_period(str(s["target_period"].iloc[0]))
        if due is None or not 0 <= (due.end - today).days <= TARGET_WINDOW or len(s) < 2:
            continue
        t = s["target"].iloc[0]
        (p0, v0), (p1, v1) = s[["period", "value"]].iloc[-2], s[["period", "value"]].iloc[-1]
        if abs(t - v1) >= abs(t - v0):
            found.append(_row(mission, int(s["theme"].iloc[0]), indicator, "target_near",
                              f"{indicator}: the target {t:,.4g} is due by {due.end:%Y-%m-%d}, "
                              f"{(due.end - today).days} days away, and the gap did not close: "
                              f"{abs(t - v0):,.4g} in {p0}, {abs(t - v1):,.4g} in {p1}.", (t, p0, v0, p1, v1)))
    return found


def stale(con) -> list[dict]:
    rows = con.execute("""SELECT p.mission, p.primary_theme, p.indicator, p.latest_period, p.days_since_latest
                          FROM progress p JOIN missions m ON m.code = p.mission AND m.active
                          WHERE p.stale ORDER BY ALL""").fetchall()
    return [_row(m, int(t), i, "stale", f"{i}: the latest value is {p}, {d:,} days ago, longer than its reporting "
                 "cycle allows.", p) for m, t, i, p, d in rows]


def assessments_overdue(con, today: date) -> list[dict]:
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


def ratings_disagree(con) -> list[dict]:
    rows = con.execute("""
        WITH approved AS (SELECT * FROM assessments WHERE status = 'approved'
                          QUALIFY row_number() OVER (PARTITION BY mission, theme ORDER BY period_end DESC) = 1)
        SELECT a.mission, a.theme, a.period, a.rating, s.status
        FROM approved a JOIN scorecard s USING (mission, theme)
        WHERE s.status IN ('on_track', 'at_risk', 'off_track') AND s.status <> a.rating ORDER BY ALL""").fetchall()
    return [_row(m, t, None, "rating_disagrees", f"Theme {t}: rated {_label(r)} in the approved assessment of {p}; "
                 f"the indicators now say {_label(s)}.", (p, r, s)) for m, t, p, r, s in rows]


def recommendations_overdue(con, today: date) -> list[dict]:
    rows = con.execute("""SELECT mission, theme, recommendation, owner, due, status FROM recommendations
                          WHERE open AND due < ? ORDER BY ALL""", [today]).fetchall()
    return [_row(m, t, None, "recommendation_overdue", f"Theme {t}: '{rec}' ({owner}) was due on {due:%Y-%m-%d}, "
                 f"{(today - due).days:,} days ago, and is {_label(st)}.", (rec, due, st))
            for m, t, rec, owner, due, st in rows]


def evidence_changed(con) -> list[dict]:
    rows = con.execute("""SELECT mission, theme, period, string_agg(indicator || ' ' || observation_period || ': '
                                 || value_at_approval || ' → ' || value_now, '; ' ORDER BY indicator, observation_period)
                          FROM evidence_changes GROUP BY ALL ORDER BY ALL""").fetchall()
    return [_row(m, t, None, "evidence_changed", f"Theme {t}: evidence of the approved assessment of {p} changed "
                 f"since approval: {what}.", what) for m, t, p, what in rows]


def find(db: Path, mission: str | None = None, today: date | None = None, acknowledged: bool = False) -> pd.DataFrame:
    """Every signal, most severe first; those acknowledged for the data they rest on are left out
    unless `acknowledged`."""
    today = today or store.today()
    with store.reading(db) as con:
        series = _judged_series(con)
        if mission is not None:  # the series rules judge each series alone: judge only this mission's
            series = series[series["mission"] == mission]
        found = (off_track_runs(con, series) + breaks(series) + targets_near(series, today) + stale(con)
                 + assessments_overdue(con, today) + ratings_disagree(con) + recommendations_overdue(con, today)
                 + evidence_changed(con))
        acks = con.execute("SELECT signal, fingerprint, note, acknowledged_at FROM signal_acks").fetchdf()
    frame = pd.DataFrame(found, columns=COLUMNS)
    if mission is not None:
        frame = frame[frame["mission"] == mission]
    latest = acks.sort_values("acknowledged_at").drop_duplicates(["signal", "fingerprint"], keep="last")
    frame = frame.merge(latest, on=["signal", "fingerprint"], how="left")
    if not acknowledged:
        frame = frame[frame["note"].isna()]
    order = {"high": 0, "medium": 1, "low": 2}
    return frame.sort_values(["mission", "severity", "rule", "theme", "indicator"],
                             key=lambda c: c.map(order) if c.name == "severity" else c).reset_index(drop=True)


def acknowledge(db: Path, signal: str, fingerprint: str, note: str) -> None:
    """Hide a signal until the data behind it changes; the note says why."""
    if not note.strip():
        raise ValueError("An acknowledgement needs a note saying why the signal can rest.")
    with store.writing(db) as con:
        con.execute("INSERT INTO signal_ack VALUES (?, ?, ?, ?)",
                    [signal, fingerprint, note.strip(), datetime.now(timezone.utc).replace(tzinfo=None)])
