"""Warnings: findings worth a second look that never block an upload.

Each rule is a query over ``staged`` (the parsed rows of the file with their change
against the store) giving the rows it flags: line, column, value, subject (what the
finding is about, for grouping), summary (the grouped sentence's ending), problem
(the sentence for that one row, or ``describe`` words it). Rows that are unchanged are never judged: a
re-upload of identical content lists no warnings.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import outliers

SERIES = ("mission", "indicator", "sex", "age", "location")


@dataclass(frozen=True)
class Warning:
    """A rule: its query, and, where the query does not word each row itself, how to."""

    name: str
    query: str
    describe: Callable[[dict], str] | None = None


OUTSIDE_MISSION = Warning("outside_mission", """
    SELECT line, 'period' AS "column", period AS value, mission AS subject,
           CASE WHEN period_end < mission_start_date
                THEN 'before the mission began on ' || strftime(mission_start_date, '%Y-%m-%d')
                ELSE 'after the mission ended on ' || strftime(mission_end_date, '%Y-%m-%d') END AS summary,
           'Period ' || period || ' is '
           || CASE WHEN period_end < mission_start_date THEN 'before the mission began' ELSE 'after the mission ended' END
           || ' (' || mission || ': ' || coalesce(strftime(mission_start_date, '%Y-%m-%d'), '?')
           || coalesce(' to ' || strftime(mission_end_date, '%Y-%m-%d'), '')
           || '). It was kept as context data.' AS problem
    FROM staged
    WHERE change <> 'unchanged' AND (period_end < mission_start_date OR period_start > mission_end_date)""")

NOT_BEGUN = Warning("not_begun", """
    SELECT line, 'period' AS "column", period AS value, mission AS subject,
           'for periods that have not begun yet' AS summary,
           'Period ' || period || ' begins on ' || strftime(period_start, '%Y-%m-%d')
           || ', after today, so no value can have been observed for it yet. It was kept; check the period.' AS problem
    FROM staged
    WHERE change <> 'unchanged' AND period_start > current_date""")

_KEYS = ", ".join(SERIES)
_POOL = f"""(SELECT {_KEYS}, period, period_end, value, NULL::INTEGER AS line
             FROM observation_current c
             SEMI JOIN (SELECT DISTINCT {_KEYS} FROM staged WHERE change <> 'unchanged') USING ({_KEYS})
             ANTI JOIN (SELECT {_KEYS}, period FROM staged) USING ({_KEYS}, period)
             UNION ALL
             SELECT {_KEYS}, period, period_end, value, line FROM staged WHERE change <> 'unchanged')"""

OUTLIER = Warning("outlier", f"""
    SELECT line, 'value' AS "column", printf('%g', value) AS value,
           mission || ' ' || indicator
           || CASE WHEN sex || age || location = 'totaltotaltotal' THEN ''
                   ELSE ' (' || concat_ws(', ', nullif(sex, 'total'), nullif(age, 'total'),
                                          nullif(location, 'total')) || ')' END AS subject,
           'far from the values around them in their series' AS summary,
           value AS number, median, neighbours
    FROM ({outliers.outlier_sql(_POOL)}) WHERE line IS NOT NULL""",
    describe=lambda row: outliers.describe(row["number"], row["median"], row["neighbours"]))
