"""Export the public views, and summarise what a store holds.

A CSV may be opened in a spreadsheet, which runs a cell that starts like a formula (``=``, ``+``, ``-``,
``@``, a tab or a carriage return) as one: ``=HYPERLINK(...)`` typed into a comment would become a link.
So every CSV that PeacePulse writes puts a ``'`` before such a text cell, as OWASP advises against CSV
injection, and a spreadsheet then shows the text as it is. Numbers are left alone, whether stored
as numbers or as text that is nothing but a number (``-3.5``): a spreadsheet reads them as numbers.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .. import store

PUBLIC_VIEWS = ("themes", "missions", "indicators", "indicator_themes", "targets", "observations",
                "observation_history", "series", "progress", "scorecard", "batches")
FORMATS = {"csv": "(HEADER, DELIMITER ',')", "parquet": "(FORMAT parquet)"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"


def safe_text(value: object) -> object:
    """A cell as a CSV should hold it: text that a spreadsheet would run as a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not re.fullmatch(_PLAIN_NUMBER, value):
        return "'" + value
    return value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell made safe for a spreadsheet (see safe_text), numbers as they are."""
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_datetime64_any_dtype(out[column])):
            out[column] = out[column].map(safe_text)
    return out


def _safe_sql(name: str) -> str:
    """safe_text for one text column, in SQL, so that COPY writes a safe CSV."""
    c = '"' + name.replace('"', '""') + '"'
    return (rf"CASE WHEN regexp_matches({c}, '^[=+\-@\t\r]') AND NOT regexp_full_match({c}, '{_PLAIN_NUMBER}') "
            rf"THEN '''' || {c} ELSE {c} END AS {c}")


def export(db: Path, out: Path, fmt: str = "csv", views: list[str] | None = None) -> list[Path]:
    """Write each view to out/<view>.<fmt>; return the paths written. Text cells of a CSV are made safe
    for a spreadsheet (see safe_text).

    View names and the format go into the SQL text, so only the public views and the two formats pass."""
    chosen = views or list(PUBLIC_VIEWS)
    unknown = [v for v in chosen if v not in PUBLIC_VIEWS]
    if unknown:
        raise ValueError(f"Unknown view {', '.join(map(repr, unknown))}; choose from {', '.join(PUBLIC_VIEWS)}.")
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; choose from {', '.join(FORMATS)}.")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with store.reading(db, external=True) as con:  # COPY writes files
        for view in chosen:
            path = out / f"{view}.{fmt}"
            target = path.as_posix().replace("'", "''")
            select = "*"
            if fmt == "csv":
                text = [name for name, kind, *_ in con.execute(f"DESCRIBE SELECT * FROM {view}").fetchall()
                        if kind == "VARCHAR"]
                select = f"* REPLACE ({', '.join(_safe_sql(name) for name in text)})" if text else "*"
            con.execute(f"COPY (SELECT {select} FROM {view}) TO '{target}' {FORMATS[fmt]}").fetchall()
            written.append(path)
    return written


def status_text(db: Path) -> str:
    with store.reading(db) as con:
        counts = [(v, con.execute(f"SELECT count(*) FROM {v}").fetchall()[0][0])
                  for v in ("themes", "missions", "indicators", "targets", "observations", "observation_history", "batches")]
        latest = con.execute("""SELECT batch_id, uploaded_at, kind, file_name, rows_new, rows_revised, origin
                                FROM batches ORDER BY batch_id DESC LIMIT 5""").fetchall()
    lines = [f"Store: {db}"] + [f"  {name:20} {n:>12,}" for name, n in counts]
    lines.append("Latest uploads:" if latest else "No uploads yet.")
    for b in latest:
        lines.append(f"  #{b[0]} {b[1]:%Y-%m-%d %H:%M} UTC  {b[2]:12} {b[3]}  "
                     f"+{b[4]:,} new, {b[5]:,} revised ({b[6]})")
    return "\n".join(lines)
