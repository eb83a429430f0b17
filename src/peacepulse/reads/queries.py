"""Read-side queries for the dashboard: each opens a short-lived connection and returns a DataFrame.

Values always travel as bound parameters. The few arguments that name something in the SQL text (a
filter's column, a breakdown's dimension, a reference date) are checked against a fixed set first.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import store

# Every column a filter may name, with the table aliases the queries use.
FILTER_COLUMNS = frozenset({"kind", "active", "code", "mission", "indicator", "m.kind", "m.active",
                            "p.mission", "p.indicator", "s.mission", "synthetic", "p.synthetic", "s.synthetic",
                            "theme", "owner", "status", "open"})


def filters_sql(filters: dict[str, object]) -> tuple[str, list]:
    """AND together `column = ?` (or `IN` for lists) for the filters that are set."""
    parts, params = [], []
    for column, value in filters.items():
        if column not in FILTER_COLUMNS:  # it goes into the SQL text: only the known columns may pass
            raise ValueError(f"not a column name a filter may use: {column!r}")
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            parts.append(f"{column} IN ({', '.join('?' * len(value))})" if value else "false")
            params.extend(value)
        else:
            parts.append(f"{column} = ?")
            params.append(value)
    return (" WHERE " + " AND ".join(parts)) if parts else "", params


def themes(db: Path) -> pd.DataFrame:
    return store.read_df(db, "SELECT number, title, summary FROM themes ORDER BY number")


def missions(db: Path, kind: str | None = None, active_only: bool = False) -> pd.DataFrame:
    where, params = filters_sql({"kind": kind, "active": True if active_only else None})
    return store.read_df(db, f"SELECT * FROM missions{where} ORDER BY code", params)


def _real(real_only: bool) -> bool | None:
    """The `synthetic` filter for "real data only": series with no synthetic value, else no filter."""
    return False if real_only else None


def mission_index(db: Path, kind: str | None = None, real_only: bool = False) -> pd.DataFrame:
    """Every mission or entity: what it is, how much data it has, and where its indicators stand."""
    where, params = filters_sql({"m.kind": kind})
    return store.read_df(db, f"""
        SELECT m.code, m.name, m.kind, m.active,
               count(p.indicator) AS indicators_with_data,
               count(*) FILTER (WHERE p.status = 'on_track') AS on_track,
               count(*) FILTER (WHERE p.status = 'at_risk') AS at_risk,
               count(*) FILTER (WHERE p.status = 'off_track') AS off_track,
               count(*) FILTER (WHERE p.status = 'insufficient') AS insufficient,
               count(*) FILTER (WHERE p.status = 'no_target') AS no_target,
               arg_max(p.latest_period, p.latest_period_end) AS latest_period,
               count(*) FILTER (WHERE p.stale) AS stale
        FROM missions m LEFT JOIN progress p ON p.mission = m.code AND NOT (? AND p.synthetic){where}
        GROUP BY ALL ORDER BY indicators_with_data DESC, m.code""", [real_only, *params])


def theme_index(db: Path, real_only: bool = False) -> pd.DataFrame:
    """The ten themes: their indicators, how many missions have data on them, and their status counts."""
    return store.read_df(db, """
        WITH per AS (SELECT it.theme, p.mission, p.status
                     FROM progress p JOIN indicator_themes it ON it.indicator = p.indicator
                     WHERE NOT (? AND p.synthetic))
        SELECT t.number, t.title,
               (SELECT count(*) FROM indicator_themes it WHERE it.theme = t.number) AS indicators,
               (SELECT count(*) FROM indicator_themes it WHERE it.theme = t.number AND it.is_primary) AS primary_for,
               count(DISTINCT per.mission) AS missions_with_data,
               count(*) FILTER (WHERE per.status = 'on_track') AS on_track,
               count(*) FILTER (WHERE per.status = 'at_risk') AS at_risk,
               count(*) FILTER (WHERE per.status = 'off_track') AS off_track,
               count(*) FILTER (WHERE per.status = 'insufficient') AS insufficient
        FROM themes t LEFT JOIN per ON per.theme = t.number
        GROUP BY t.number, t.title ORDER BY t.number""", [real_only])


def indicators(db: Path, code: str | None = None) -> pd.DataFrame:
    where, params = filters_sql({"code": code})
    return store.read_df(db, f"SELECT * FROM indicators{where} ORDER BY code", params)


def headline(db: Path, kind: str | None = None, active_only: bool = False) -> pd.Series:
    """Missions with data, indicators with data, data points and the latest period, each also for
    real data alone (``*_real``), so that synthetic demo values never pass for real ones."""
    where, params = filters_sql({"m.kind": kind, "m.active": True if active_only else None})
    # From the per-series counts the uploads keep (observation_summary), not a scan of every row.
    return store.read_df(db, f"""
        WITH o AS (SELECT o.* FROM observation_summary o JOIN missions m ON m.code = o.mission {where})
        SELECT count(DISTINCT mission) AS missions, count(DISTINCT indicator) AS indicators,
               coalesce(sum(observations), 0)::BIGINT AS data_points,
               arg_max(latest_period, (latest_period_end, latest_period_start)) AS latest_period,
               max(latest_period_end) AS latest_period_end,
               count(DISTINCT mission) FILTER (WHERE NOT synthetic) AS missions_real,
               count(DISTINCT indicator) FILTER (WHERE NOT synthetic) AS indicators_real,
               coalesce(sum(observations) FILTER (WHERE NOT synthetic), 0)::BIGINT AS data_points_real,
               arg_max(latest_period, (latest_period_end, latest_period_start)) FILTER (WHERE NOT synthetic)
                   AS latest_period_real
        FROM o""", params).iloc[0]


def scorecard(db: Path, kind: str | None = None, active_only: bool = False, real_only: bool = False) -> pd.DataFrame:
    where, params = filters_sql({"m.kind": kind, "m.active": True if active_only else None})
    return store.read_df(db, f"""SELECT s.* FROM scorecard_of(?) s JOIN missions m ON m.code = s.mission
                                 {where} ORDER BY s.mission, s.theme""", [real_only, *params])


def mission_status(db: Path, kind: str | None = None, active_only: bool = False,
                   real_only: bool = False) -> pd.DataFrame:
    """One row per mission with data: where it is and its overall status across indicators."""
    where, params = filters_sql({"m.kind": kind, "m.active": True if active_only else None})
    return store.read_df(db, f"""
        WITH scored AS (SELECT mission, avg(status_weight(status)) AS score, count(*) AS indicators
                        FROM progress WHERE NOT (? AND synthetic) GROUP BY mission)
        SELECT m.code, m.name, m.latitude, m.longitude, s.indicators, s.score, cell_status(s.score) AS status
        FROM scored s JOIN missions m ON m.code = s.mission{where} ORDER BY s.indicators DESC, m.code""",
        [real_only, *params])


def mission_indicators(db: Path, mission: str, real_only: bool = False) -> pd.DataFrame:
    """Every indicator under every theme, with this mission's progress where it has data.

    ``own`` marks the indicators users uploaded, as against the seed catalogue's; they come first."""
    return store.read_df(db, """
        SELECT it.theme, i.code, i.name, i.unit, i.direction, i.kpi, i.period_type, i.measure,
               coalesce(b.origin <> 'seed', false) AS own,
               p.latest_period, p.latest_value, p.baseline, p.baseline_period, p.target,
               p.target_period, coalesce(p.status, 'no_data') AS status, p.status_reason, p.stale,
               p.synthetic, p.n_points
        FROM indicator_themes it JOIN indicators i ON i.code = it.indicator
        JOIN indicator stored ON stored.code = i.code LEFT JOIN batch b ON b.batch_id = stored.batch_id
        LEFT JOIN progress p ON p.indicator = i.code AND p.mission = ? AND NOT (? AND p.synthetic)
        ORDER BY it.theme, NOT own, NOT it.is_primary, i.code""", [mission, real_only])


def series(db: Path, mission: str | None = None, indicator: str | list[str] | None = None,
           years: tuple[int, int] | None = None, real_only: bool = False) -> pd.DataFrame:
    where, params = filters_sql({"mission": mission, "indicator": indicator, "synthetic": _real(real_only)})
    if years:
        where += (" AND " if where else " WHERE ") + \
            "period_end >= make_date(?, 1, 1) AND period_start <= make_date(?, 12, 31)"
        params += [int(years[0]), int(years[1])]
    return store.read_df(db, f"SELECT * FROM series{where} ORDER BY mission, indicator, period_end", params)


def targets(db: Path, mission: str | None = None, indicator: str | list[str] | None = None) -> pd.DataFrame:
    where, params = filters_sql({"mission": mission, "indicator": indicator})
    return store.read_df(db, f"SELECT * FROM targets{where} ORDER BY mission, indicator, period_end", params)


def progress(db: Path, mission: str | None = None, indicator: str | list[str] | None = None,
             real_only: bool = False) -> pd.DataFrame:
    where, params = filters_sql({"p.mission": mission, "p.indicator": indicator, "p.synthetic": _real(real_only)})
    return store.read_df(db, f"""SELECT p.*, i.name FROM progress p JOIN indicators i ON i.code = p.indicator
                                 {where} ORDER BY p.mission, p.indicator""", params)


def year_bounds(db: Path, mission: str | None = None) -> tuple[int, int] | None:
    where, params = filters_sql({"mission": mission})
    row = store.read_df(db, f"SELECT min(year(period_start)) lo, max(year(period_end)) hi FROM series{where}", params)
    return None if row["lo"].isna().iloc[0] else (int(row["lo"].iloc[0]), int(row["hi"].iloc[0]))


def breakdown_dims(db: Path, indicator: str, mission: str | None = None) -> list[str]:
    """The disaggregations (sex, age, location) that have data beyond the total."""
    where, params = filters_sql({"indicator": indicator, "mission": mission})
    row = store.read_df(db, f"""SELECT bool_or(by_sex) sex, bool_or(by_age) age, bool_or(by_location) location
                                FROM observation_summary{where}""", params)
    return [dim for dim in DIMENSIONS if row[dim].fillna(False).iloc[0]]


DIMENSIONS = ("sex", "age", "location")


def breakdown(db: Path, indicator: str, by: str, mission: str | None = None) -> pd.DataFrame:
    """Values split by one dimension, with the other two at their total."""
    if by not in DIMENSIONS:  # it names a column in the SQL below, so only these three may pass
        raise ValueError(f"cannot break down by {by!r}; use one of {', '.join(DIMENSIONS)}")
    others = [d for d in DIMENSIONS if d != by]
    where, params = filters_sql({"indicator": indicator, "mission": mission})
    return store.read_df(db, f"""SELECT mission, indicator, period, period_start, period_end, {by}, value, source,
               synthetic
        FROM observations{where} AND {by} <> 'total' AND {others[0]} = 'total' AND {others[1]} = 'total'
        ORDER BY mission, {by}, period_end""", params)


OBSERVATION_COLUMNS = ("mission", "indicator", "period", "sex", "age", "location", "value", "numerator", "denominator",
                       "source", "synthetic", "revision", "batch_id", "recorded_at", "comment")
# Mission, period, sex, age and location identify an observation of one indicator: rows in this order, after
# any sort asked for, come in the same order every time, so that pages of rows never overlap or skip.
_OBSERVATION_ORDER = ("mission", "period_end", "period", "sex", "age", "location")


def observations(db: Path, indicator: str, mission: str | list[str] | None = None) -> pd.DataFrame:
    where, params = filters_sql({"indicator": indicator, "mission": mission})
    return store.read_df(db, f"""SELECT {', '.join(OBSERVATION_COLUMNS)}
        FROM observations{where} ORDER BY {', '.join(_OBSERVATION_ORDER)}""", params)


def observation_page(db: Path, indicator: str, mission: str | list[str] | None = None, start: int = 0,
                     rows: int = 100, sort: list[tuple[str, str]] | None = None) -> pd.DataFrame:
    """Rows [start, start + rows) of an indicator's observations, sorted by `sort` ((column, 'asc' or 'desc')
    pairs, columns of OBSERVATION_COLUMNS) and then by the key, for a grid that fetches one block at a time."""
    where, params = filters_sql({"indicator": indicator, "mission": mission})
    order = [f"{c} {'DESC' if d == 'desc' else 'ASC'}" for c, d in sort or [] if c in OBSERVATION_COLUMNS]
    order += [c for c in _OBSERVATION_ORDER if c not in {o.split()[0] for o in order}]
    return store.read_df(db, f"""SELECT {', '.join(OBSERVATION_COLUMNS)} FROM observations{where}
        ORDER BY {', '.join(order)} LIMIT ? OFFSET ?""", [*params, max(0, int(rows)), max(0, int(start))])


def observation_count(db: Path, indicator: str, mission: str | list[str] | None = None) -> int:
    """How many observations an indicator has (for these missions), from the counts the uploads keep."""
    where, params = filters_sql({"indicator": indicator, "mission": mission})
    found = store.read_df(db, f"SELECT coalesce(sum(observations), 0)::BIGINT AS n FROM observation_summary{where}", params)
    return int(found["n"].iloc[0])


def revisions(db: Path, indicator: str, mission: str | None = None) -> pd.DataFrame:
    """Every revision of the observations of an indicator that were revised at least once."""
    where, params = filters_sql({"indicator": indicator, "mission": mission})
    # revised_observation holds the history of exactly the keys revised at least once.
    return store.read_df(db, f"""SELECT mission, period, sex, age, location, revision, value, source,
               batch_id, recorded_at, comment
        FROM revised_observation{where}
        ORDER BY mission, period, sex, age, location, revision""", params)


def theme_indicators(db: Path, theme: int, real_only: bool = False) -> pd.DataFrame:
    """Indicators under a theme that have data, key ones first."""
    return store.read_df(db, """SELECT i.code, i.name, i.unit, i.direction, i.kpi FROM indicators i
        JOIN indicator_themes it ON it.indicator = i.code AND it.theme = ?
        WHERE i.code IN (SELECT indicator FROM series_summary WHERE NOT (? AND synthetic))
        ORDER BY NOT i.kpi, i.code""", [int(theme), real_only])


def ranking(db: Path, theme: int, missions: list[str] | None = None, real_only: bool = False) -> pd.DataFrame:
    """Per indicator of a theme, the missions ranked on the latest period any of them reported."""
    where, params = filters_sql({"s.mission": missions, "s.synthetic": _real(real_only)})
    return store.read_df(db, f"""
        WITH s AS (SELECT s.*, i.name, i.unit, i.direction FROM series s
                   JOIN indicators i ON i.code = s.indicator
                   JOIN indicator_themes it ON it.indicator = s.indicator AND it.theme = ?{where}),
        latest AS (SELECT * FROM s QUALIFY period_end = max(period_end) OVER (PARTITION BY indicator))
        SELECT l.indicator, l.name, l.period, rank() OVER (PARTITION BY l.indicator ORDER BY
                   CASE WHEN l.direction = 'decrease' THEN l.value ELSE -l.value END) AS rank,
               l.mission, l.value, l.unit, p.target, p.status, l.synthetic
        FROM latest l LEFT JOIN progress p USING (mission, indicator)
        ORDER BY l.indicator, rank, l.mission""", [int(theme), *params])
