"""Stage validated rows, count them as new, revised or unchanged, then write them.

Staging reads the store and fills a temporary table only, so a dry run of one
file needs no more than a read-only connection. Writing happens inside the
caller's transaction.

Observations and targets are append-only: a changed value becomes a new revision
and the old one stays in the history. Missions and indicators are catalogue
entries and are replaced in place.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from .schemas import OBSERVATION_KEY, TARGET_KEY

PERIOD = ["period_type", "period_start", "period_end"]
OBSERVATION_VALUES = ["value", "numerator", "denominator", "comment", "source"]
TARGET_VALUES = ["target", "baseline", "baseline_period", "baseline_end", "comment"]
# Column order of observation_revision and target_revision, before revision, batch_id, recorded_at.
OBSERVATION_COLUMNS = OBSERVATION_KEY[:3] + PERIOD + OBSERVATION_KEY[3:] + OBSERVATION_VALUES
TARGET_COLUMNS = TARGET_KEY + PERIOD + TARGET_VALUES
INDICATOR_COLUMNS = ["code", "name", "definition", "result_level", "measure", "unit", "direction",
                     "aggregation", "period_type", "source", "component", "disaggregations", "kpi"]
MISSION_COLUMNS = ["code", "name", "kind", "lead_entity", "start_date", "end_date", "hq_location",
                   "country", "latitude", "longitude", "source"]
INDICATORS_NOW = """(SELECT i.*, string_agg(t.theme::VARCHAR, ';' ORDER BY t.rank) AS theme_list
                     FROM indicator i LEFT JOIN indicator_theme t ON t.indicator = i.code GROUP BY ALL)"""


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _staged_frame(kind: str, rows: pd.DataFrame) -> pd.DataFrame:
    if kind == "observations":
        return rows[OBSERVATION_COLUMNS]
    if kind == "targets":
        return rows[TARGET_COLUMNS]
    if kind == "indicators":
        return rows[INDICATOR_COLUMNS].assign(theme_list=rows["themes"].map(lambda t: ";".join(map(str, t))))
    return rows[MISSION_COLUMNS]


# kind -> (what the staged rows are compared with, its key, the columns that make a revision)
SPECS = {
    "observations": ("observation_current", OBSERVATION_KEY, OBSERVATION_VALUES),
    "targets": ("targets", TARGET_KEY, TARGET_VALUES),
    "indicators": (INDICATORS_NOW, ["code"], INDICATOR_COLUMNS[1:] + ["theme_list"]),
    "missions": ("mission", ["code"], MISSION_COLUMNS[1:]),
}


def stage(con, kind: str, rows: pd.DataFrame) -> dict[str, int]:
    """Put the rows in the temporary table `staged` with a change column; return the counts."""
    current, key, compare = SPECS[kind]
    same = " AND ".join(f"c.{col} IS NOT DISTINCT FROM s.{col}" for col in compare)
    revision = "c.revision" if kind in ("observations", "targets") else "NULL"
    con.register("incoming_rows", _staged_frame(kind, rows))
    try:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE staged AS
            SELECT s.*, {revision} AS old_revision,
                   CASE WHEN c.{key[0]} IS NULL THEN 'new'
                        WHEN {same} THEN 'unchanged' ELSE 'revised' END AS change
            FROM incoming_rows s LEFT JOIN {current} c USING ({', '.join(key)})""").fetchall()
    finally:
        con.unregister("incoming_rows")
    counts = dict(con.execute("SELECT change, count(*) FROM staged GROUP BY change").fetchall())
    return {k: counts.get(k, 0) for k in ("new", "revised", "unchanged")}


def _append(con, table: str, columns: list[str], batch_id: int) -> None:
    con.execute(f"""INSERT INTO {table} SELECT {', '.join(columns)}, coalesce(old_revision, 0) + 1, {batch_id}, ?
                    FROM staged WHERE change <> 'unchanged'""", [now()]).fetchall()


def _replace(con, table: str, columns: list[str], batch_id: int) -> None:
    con.execute(f"DELETE FROM {table} WHERE code IN (SELECT code FROM staged WHERE change = 'revised')").fetchall()
    con.execute(f"""INSERT INTO {table} SELECT {', '.join(columns)}, {batch_id}
                    FROM staged WHERE change <> 'unchanged'""").fetchall()


def write(con, kind: str, batch_id: int) -> None:
    """Write the staged rows that are new or revised, as batch_id."""
    if kind == "observations":
        _append(con, "observation_revision", OBSERVATION_COLUMNS, batch_id)
        match = " AND ".join(f"t.{k} = k.{k}" for k in OBSERVATION_KEY)
        con.execute(f"""DELETE FROM observation_current t USING staged k
                        WHERE k.change = 'revised' AND {match}""").fetchall()
        con.execute(f"INSERT INTO observation_current SELECT * FROM observation_revision "
                    f"WHERE batch_id = {batch_id}").fetchall()
    elif kind == "targets":
        _append(con, "target_revision", TARGET_COLUMNS, batch_id)
    elif kind == "indicators":
        con.execute("""DELETE FROM indicator_theme WHERE indicator IN
                       (SELECT code FROM staged WHERE change = 'revised')""").fetchall()
        _replace(con, "indicator", INDICATOR_COLUMNS, batch_id)
        con.execute("""INSERT INTO indicator_theme
                       SELECT code, theme::INTEGER, rank FROM (
                           SELECT code, unnest(string_split(theme_list, ';')) AS theme,
                                  generate_subscripts(string_split(theme_list, ';'), 1) AS rank
                           FROM staged WHERE change <> 'unchanged')""").fetchall()
    else:
        _replace(con, "mission", MISSION_COLUMNS, batch_id)
