"""Warnings: things worth a second look that never block an upload."""
from __future__ import annotations

import duckdb
import pandas as pd

from . import problems

SERIES = ["mission", "indicator", "sex", "age", "location"]
Z_LIMIT = 3.5       # Iglewicz and Hoaglin's cut-off for the modified z-score
MIN_HISTORY = 5


def _outliers(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> list[dict]:
    """Robust z-score of each new value against its series: stored values plus this file's."""
    incoming = rows[SERIES + ["period", "value"]].reset_index()
    con.register("incoming_values", incoming)
    try:
        stored = con.execute(
            """SELECT c.mission, c.indicator, c.sex, c.age, c.location, c.period, c.value
               FROM observation_current c
               SEMI JOIN (SELECT DISTINCT mission, indicator, sex, age, location FROM incoming_values) s
                 USING (mission, indicator, sex, age, location)
               ANTI JOIN incoming_values i USING (mission, indicator, sex, age, location, period)"""
        ).fetchdf()
    finally:
        con.unregister("incoming_values")
    pooled = pd.concat([stored, incoming[SERIES + ["period", "value"]]], ignore_index=True)
    grouped = pooled.groupby(SERIES, dropna=False)["value"]
    stats = pd.DataFrame({"median": grouped.median(), "n": grouped.size()})
    pooled = pooled.join(stats, on=SERIES)
    pooled["dev"] = (pooled["value"] - pooled["median"]).abs()
    stats["mad"] = pooled.groupby(SERIES, dropna=False)["dev"].median()
    checked = incoming.join(stats, on=SERIES)
    checked = checked[(checked["n"] >= MIN_HISTORY) & (checked["mad"] > 0)]
    z = 0.6745 * (checked["value"] - checked["median"]) / checked["mad"]
    found = []
    for row in checked[z.abs() > Z_LIMIT].itertuples():
        found.append(problems.problem(row.index, "value", f"{row.value:g}", (
            f"{row.value:g} is far from the usual level of this series (median {row.median:g} "
            f"over {int(row.n)} periods). It was kept; check that it is right."), "warning"))
    return found


def _outside_mission(rows: pd.DataFrame, missions: pd.DataFrame) -> list[dict]:
    dates = missions.set_index("code")
    start = pd.to_datetime(rows["mission"].map(dates["start_date"]))
    end = pd.to_datetime(rows["mission"].map(dates["end_date"]))
    before = pd.to_datetime(rows["period_end"]) < start
    after = pd.to_datetime(rows["period_start"]) > end
    flagged = rows[["mission", "period"]].assign(start=start, end=end, before=before)[before | after]
    found = []
    for row in flagged.itertuples():
        when = "before the mission began" if row.before else "after the mission ended"
        span = " to ".join("?" if pd.isna(d) else f"{d:%Y-%m-%d}" for d in (row.start, row.end)
                           ).removesuffix(" to ?")
        found.append(problems.problem(row.Index, "period", row.period, (
            f"Period {row.period} is {when} ({row.mission}: {span}). "
            "It was kept as context data."), "warning"))
    return found


def warnings_for(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame,
                 missions: pd.DataFrame) -> list[dict]:
    return _outliers(con, rows) + _outside_mission(rows, missions)
