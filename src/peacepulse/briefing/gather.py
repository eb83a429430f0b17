"""Everything a briefing shows about one mission, read from the store in one go."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from .. import store
from ..assess import signals
from ..closest import closest
from ..kinds.periods import FORMS, Period, parse_period
from ..reads import assessments, queries


class BriefingError(ValueError):
    """A briefing that cannot be made as asked (an unknown mission, a malformed period), worded for the user."""


@dataclass(frozen=True)
class Facts:
    mission: pd.Series           # the mission's row of the missions view
    themes: pd.DataFrame         # number, title
    scorecard: pd.DataFrame      # the mission's scorecard row, one row per theme with data
    indicators: pd.DataFrame     # every indicator under every theme, with its progress for the mission
    series: pd.DataFrame         # headline values, up to the end of the period
    targets: pd.DataFrame
    progress: pd.DataFrame
    assessed: pd.DataFrame       # per theme, the latest assessment (of the period, if one is given)
    recommendations: pd.DataFrame
    changes: pd.DataFrame        # evidence revised since approval
    signals: pd.DataFrame
    sources: pd.DataFrame        # per source of the mission's series: synthetic or not, indicators, points, span
    batches: pd.DataFrame        # the uploads behind the mission's data, and the catalogue's
    period: Period | None
    as_of: datetime | None
    made_at: datetime            # UTC, naive
    today: date


def period_of(text: str | None) -> Period | None:
    if text is None:
        return None
    found = parse_period(text)
    if found is None:
        raise BriefingError(f"'{text}' is not a period; write it as {FORMS}.")
    return found


def mission_row(db: Path, code: str) -> pd.Series:
    """The mission whose code this is, whatever its case; a BriefingError naming the closest codes if none."""
    missions = queries.missions(db)
    found = missions[missions["code"].str.upper() == str(code).strip().upper()]
    if found.empty:
        near = closest(code, missions["code"].tolist())
        hint = f" Closest: {', '.join(near)}." if near else " `peacepulse sql \"SELECT code, name FROM missions\"` lists them."
        moment = store.current_as_of()
        when = f" as of {store.as_of_label(moment)}" if moment is not None else ""
        raise BriefingError(f"No mission '{code}'{when}.{hint}")
    return found.iloc[0]


def _sources(db: Path, code: str, until: date | None) -> pd.DataFrame:
    return store.read_df(db, """
        SELECT coalesce(source, 'not stated') AS source, bool_or(synthetic) AS synthetic,
               count(DISTINCT indicator) AS indicators, count(*) AS points,
               arg_min(period, period_end) AS first_period, arg_max(period, period_end) AS last_period
        FROM series WHERE mission = ? AND (?::DATE IS NULL OR period_end <= ?::DATE)
        GROUP BY ALL ORDER BY synthetic, points DESC, source""", [code, until, until])


def _batches(db: Path, code: str) -> pd.DataFrame:
    """The uploads whose rows the mission's current data are, with how many of them, and the catalogue's
    uploads (missions, indicators), which every mission's briefing rests on."""
    return store.read_df(db, """
        WITH used AS (
            SELECT batch_id, count(*) AS n FROM observations WHERE mission = ? GROUP BY ALL
            UNION ALL SELECT batch_id, count(*) FROM targets WHERE mission = ? GROUP BY ALL
            UNION ALL SELECT batch_id, count(*) FROM assessments WHERE mission = ? GROUP BY ALL
            UNION ALL SELECT batch_id, count(*) FROM recommendations WHERE mission = ? GROUP BY ALL)
        SELECT b.batch_id, b.kind, b.file_name, b.uploaded_at, b.origin, b.rows_new, b.rows_revised,
               coalesce(sum(u.n), 0)::BIGINT AS rows_for_mission
        FROM batches b LEFT JOIN used u USING (batch_id)
        WHERE u.batch_id IS NOT NULL OR b.kind IN ('missions', 'indicators')
        GROUP BY ALL ORDER BY b.batch_id""", [code] * 4)


def gather(db: Path, code: str, period: Period | None, as_of: datetime | None, made_at: datetime,
           today: date) -> Facts:
    with store.shared_reads():  # one connection for the dozen reads below
        m = mission_row(db, code)
        code = m["code"]
        until = period.end if period else None
        series = queries.series(db, code)
        if until is not None:
            series = series[series["period_end"].dt.date <= until]
        latest = assessments.latest(db, code, within=(period.start, period.end) if period else None)
        recs = assessments.recommendations(db, code)
        if until is not None:  # the period's and earlier ones, carried over while open
            recs = recs[[parse_period(p).end <= until for p in recs["period"]]]
        return Facts(
            mission=m, themes=queries.themes(db),
            scorecard=queries.scorecard(db).query("mission == @code"),
            indicators=queries.mission_indicators(db, code), series=series, targets=queries.targets(db, code),
            progress=queries.progress(db, code), assessed=latest, recommendations=recs,
            changes=assessments.evidence_changes(db, code), signals=signals.find(db, mission=code, today=today),
            sources=_sources(db, code, until), batches=_batches(db, code), period=period, as_of=as_of,
            made_at=made_at, today=today)
