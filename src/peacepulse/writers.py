"""Write validated rows inside the caller's transaction, counting new, revised and unchanged.

Unchanged rows are never written, so a batch id that ends up unused costs nothing.

Observations and targets are append-only: a changed value becomes a new revision
and the old one stays in the history. Missions and indicators are catalogue
entries and are replaced in place.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from .schemas import OBSERVATION_KEY, TARGET_KEY

OBSERVATION_VALUES = ["value", "numerator", "denominator", "comment", "source"]
TARGET_VALUES = ["target", "baseline", "baseline_period", "baseline_end", "comment"]
PERIOD = ["period_type", "period_start", "period_end"]
INDICATOR_COLUMNS = ["code", "name", "definition", "result_level", "measure", "unit", "direction",
                     "aggregation", "period_type", "source", "component", "disaggregations", "kpi"]
MISSION_COLUMNS = ["code", "name", "kind", "lead_entity", "start_date", "end_date", "hq_location",
                   "country", "latitude", "longitude", "source"]


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _same(columns: list[str]) -> str:
    return " AND ".join(f"c.{c} IS NOT DISTINCT FROM s.{c}" for c in columns)


def _classify(con, frame: pd.DataFrame, current: str, key: list[str], compare: list[str],
              extra: str = "") -> dict[str, int]:
    """Stage the rows in `classified` with a change column; return the counts."""
    con.register("incoming_rows", frame)
    try:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE classified AS
            SELECT s.*, {extra}
                   CASE WHEN c.{key[0]} IS NULL THEN 'new'
                        WHEN {_same(compare)} THEN 'unchanged' ELSE 'revised' END AS change
            FROM incoming_rows s LEFT JOIN {current} c USING ({', '.join(key)})""")
    finally:
        con.unregister("incoming_rows")
    counts = dict(con.execute("SELECT change, count(*) FROM classified GROUP BY change").fetchall())
    return {k: counts.get(k, 0) for k in ("new", "revised", "unchanged")}


def _append(con, table: str, current: str | None, key: list[str], columns: list[str],
            batch_id: int) -> None:
    select = f"""SELECT {', '.join(columns)}, coalesce(old_revision, 0) + 1, {batch_id}, ?
                 FROM classified WHERE change <> 'unchanged'"""
    con.execute(f"INSERT INTO {table} {select}", [now()])
    if current:
        match = " AND ".join(f"t.{k} = k.{k}" for k in key)
        con.execute(f"DELETE FROM {current} t USING classified k WHERE k.change = 'revised' AND {match}")
        con.execute(f"INSERT INTO {current} SELECT * FROM {table} WHERE batch_id = {batch_id}")


def observations(con, rows: pd.DataFrame, batch_id: int) -> dict[str, int]:
    columns = OBSERVATION_KEY + PERIOD + OBSERVATION_VALUES
    ordered = OBSERVATION_KEY[:3] + PERIOD + OBSERVATION_KEY[3:] + OBSERVATION_VALUES
    counts = _classify(con, rows[columns], "observation_current", OBSERVATION_KEY,
                       ["value", "numerator", "denominator", "comment", "source"], "c.revision AS old_revision,")
    _append(con, "observation_revision", "observation_current", OBSERVATION_KEY, ordered, batch_id)
    return counts


def targets(con, rows: pd.DataFrame, batch_id: int) -> dict[str, int]:
    columns = TARGET_KEY + PERIOD + TARGET_VALUES
    counts = _classify(con, rows[columns], "targets", TARGET_KEY, TARGET_VALUES,
                       "c.revision AS old_revision,")
    _append(con, "target_revision", None, TARGET_KEY, columns, batch_id)
    return counts


def _replace(con, table: str, columns: list[str], batch_id: int) -> None:
    con.execute(f"DELETE FROM {table} WHERE code IN (SELECT code FROM classified WHERE change = 'revised')")
    con.execute(f"INSERT INTO {table} SELECT {', '.join(columns)}, {batch_id} "
                "FROM classified WHERE change <> 'unchanged'")


def indicators(con, rows: pd.DataFrame, batch_id: int) -> dict[str, int]:
    frame = rows[INDICATOR_COLUMNS].copy()
    frame["theme_list"] = rows["themes"].map(lambda t: ";".join(map(str, t)))
    current = """(SELECT i.*, string_agg(t.theme::VARCHAR, ';' ORDER BY t.rank) AS theme_list
                  FROM indicator i LEFT JOIN indicator_theme t ON t.indicator = i.code GROUP BY ALL)"""
    counts = _classify(con, frame, current, ["code"], INDICATOR_COLUMNS[1:] + ["theme_list"])
    con.execute("""DELETE FROM indicator_theme WHERE indicator IN
                   (SELECT code FROM classified WHERE change = 'revised')""")
    _replace(con, "indicator", INDICATOR_COLUMNS, batch_id)
    con.execute("""INSERT INTO indicator_theme
                   SELECT code, theme::INTEGER, rank FROM (
                       SELECT code, unnest(string_split(theme_list, ';')) AS theme,
                              generate_subscripts(string_split(theme_list, ';'), 1) AS rank
                       FROM classified WHERE change <> 'unchanged')""")
    return counts


def missions(con, rows: pd.DataFrame, batch_id: int) -> dict[str, int]:
    counts = _classify(con, rows[MISSION_COLUMNS], "mission", ["code"], MISSION_COLUMNS[1:])
    _replace(con, "mission", MISSION_COLUMNS, batch_id)
    return counts


WRITERS = {"observations": observations, "targets": targets,
           "indicators": indicators, "missions": missions}
