"""Failed logins, counted per user name, so that passwords cannot be guessed at the server's speed.

After FAILURES failed logins for a name within WINDOW, that name is refused for LOCKOUT after the last
of them, without its password being checked: a guess then costs the guesser time and teaches nothing.
A successful login clears the name's count. Names that no one holds are counted the same way, so the
answers do not tell which names exist.

The counts live in a file beside the users file (every gunicorn worker sees the same counts), changed
under the users file's lock. A name can thus be locked out by someone who does not know its password;
that is the price of the limit, and it ends LOCKOUT after the last failure (see SECURITY.md).
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .users import changing_beside, write_private

FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
KEPT = 10_000  # names remembered at most; the oldest are forgotten first


def path_beside(users_file: Path) -> Path:
    return users_file.with_name(users_file.stem + "-failed-logins.json")


def _key(name: str) -> str:
    return name.strip().casefold()[:256]  # as the users file keys its names


def _read(path: Path) -> dict[str, list[str]]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet; or damaged, which is no reason to keep everyone out: start again
        return {}
    return found if isinstance(found, dict) else {}


def _recent(times: list[str], now: datetime) -> list[datetime]:
    kept = []
    for text in times:
        try:
            moment = datetime.fromisoformat(text)
        except (TypeError, ValueError):
            continue
        if now - moment < WINDOW + LOCKOUT:  # old enough to neither lock nor take part in a lock
            kept.append(moment)
    return sorted(kept)


def locked_until(users_file: Path, name: str, now: datetime | None = None) -> datetime | None:
    """When `name` may try again, if it is locked out now; None if it may try now."""
    now = now or datetime.now(timezone.utc)
    times = _recent(_read(path_beside(users_file)).get(_key(name), []), now)
    if len(times) < FAILURES or times[-1] - times[-FAILURES] >= WINDOW:
        return None
    until = times[-1] + LOCKOUT
    return until if until > now else None


def failed(users_file: Path, name: str, now: datetime | None = None) -> None:
    """Count a failed login for `name`."""
    now, key, path = now or datetime.now(timezone.utc), _key(name), path_beside(users_file)
    with changing_beside(users_file):
        counts = _read(path)
        counts[key] = [t.isoformat() for t in _recent(counts.get(key, []), now)] + [now.isoformat()]
        counts = {k: v for k, v in counts.items() if _recent(v, now)}
        if len(counts) > KEPT:
            newest = sorted(counts, key=lambda k: counts[k][-1])[-KEPT:]
            counts = {k: counts[k] for k in newest}
        write_private(path, json.dumps(counts), "The failed-login counts")


def succeeded(users_file: Path, name: str) -> None:
    """A successful login: the name's count starts again."""
    path = path_beside(users_file)
    if not path.exists():
        return
    with changing_beside(users_file):
        counts = _read(path)
        if counts.pop(_key(name), None) is not None:
            write_private(path, json.dumps(counts), "The failed-login counts")
