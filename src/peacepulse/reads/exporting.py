"""Export the public views, and summarise what a store holds."""
from __future__ import annotations

from pathlib import Path

from .. import store

PUBLIC_VIEWS = ("themes", "missions", "indicators", "indicator_themes", "targets", "observations",
                "observation_history", "series", "progress", "scorecard", "batches")
FORMATS = {"csv": "(HEADER, DELIMITER ',')", "parquet": "(FORMAT parquet)"}


def export(db: Path, out: Path, fmt: str = "csv", views: list[str] | None = None) -> list[Path]:
    """Write each view to out/<view>.<fmt>; return the paths written.

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
            option = FORMATS[fmt]
            target = path.as_posix().replace("'", "''")
            con.execute(f"COPY (SELECT * FROM {view}) TO '{target}' {option}").fetchall()
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
