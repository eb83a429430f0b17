"""Incidents: an unexpected error logged with its traceback under a short id the user can quote.

The person who met the error sees only the id; whoever runs PeacePulse finds the traceback by it,
in the server's log for the dashboard and in the incident log file for the command line.
"""
from __future__ import annotations

import logging
import os
import secrets
import traceback
from datetime import datetime, timezone
from pathlib import Path


def new_id() -> str:
    """Eight hex digits: short enough to read out, and unique enough within one log."""
    return secrets.token_hex(4)


def record(log: logging.Logger, where: str, err: BaseException) -> str:
    """Log ``err`` with its traceback as a new incident at ``where``; return the incident's id."""
    incident = new_id()
    log.error("Incident %s in %s: %s: %s", incident, where, type(err).__name__, err,
              exc_info=(type(err), err, err.__traceback__))
    return incident


def log_file() -> Path:
    """Where the command line appends incidents: $PEACEPULSE_INCIDENT_LOG, else
    $XDG_STATE_HOME/peacepulse/incidents.log (by default ~/.local/state/peacepulse/incidents.log)."""
    if os.environ.get("PEACEPULSE_INCIDENT_LOG"):
        return Path(os.environ["PEACEPULSE_INCIDENT_LOG"])
    state = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state) / "peacepulse" / "incidents.log"


def append(path: Path, incident: str, where: str, err: BaseException) -> None:
    """Append one incident, headed by its id and the time, with the full traceback."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with path.open("a", encoding="utf-8") as out:
        out.write(f"--- Incident {incident} in {where} at {stamp}\n")
        out.write("".join(traceback.format_exception(err)))
