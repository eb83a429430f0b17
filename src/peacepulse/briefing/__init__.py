"""The briefing: one self-contained HTML file on one mission, to read offline, share and print.

It holds the mission's scorecard row, each theme's trend charts (interactive, with plotly.js inside the
file once), the latest assessments with their findings and open recommendations, the signals, and
where the data came from: sources, uploads, what is synthetic, and the moment the data stood at.

``period`` (a period code such as ``2025``, ``2025-Q3`` or ``FY2024/25``) limits the trends to the
values up to its end, and the assessments to those of periods within it; the scorecard and the signals
are those of the data as it stands (at ``as_of``, if given).
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from .. import store
from . import render
from .gather import BriefingError, gather, mission_row, period_of

__all__ = ["BriefingError", "build", "write", "file_name", "mission_code"]


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def build(db: Path, mission: str, period: str | None = None, as_of: datetime | None = None) -> str:
    """The briefing's HTML text, of the store as it stood at `as_of` (UTC) if given, else as it is; a
    BriefingError for an unknown mission or a malformed period."""
    chosen = period_of(period)
    with store.as_of(as_of):
        moment = store.current_as_of()  # as_of, or the moment the caller already reads the store at
        return render.page(gather(db, mission, chosen, moment, _now(), store.today()))


def mission_code(db: Path, text: str) -> str:
    """The mission's code as the store spells it, whatever the case of `text`; a BriefingError naming the
    closest codes when no mission has it."""
    return str(mission_row(db, text)["code"])


def file_name(mission: str, period: str | None = None, as_of: datetime | None = None) -> str:
    """A name for the file, such as UNMISS-briefing-2025.html or UNMISS-briefing-as-of-2026-03-31.html."""
    parts = [mission.upper(), "briefing"]
    if period:
        parts.append(period.replace("/", "-"))
    if as_of:
        parts.append(f"as-of-{as_of:%Y-%m-%d}")
    return "-".join(parts) + ".html"


def write(db: Path, mission: str, output: Path, period: str | None = None, as_of: datetime | None = None) -> int:
    """Build the briefing and write it to `output`; the number of bytes written."""
    text = build(db, mission, period, as_of).encode("utf-8")
    output.write_bytes(text)
    return len(text)
