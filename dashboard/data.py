"""Cached reads for the pages, keyed on the store's data version so an upload shows at once."""
from __future__ import annotations

import functools
import hashlib
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash.exceptions import PreventUpdate
from filelock import FileLock, Timeout
from flask import g, has_app_context
from flask_caching import Cache

from peacepulse import figures, incidents, store
from peacepulse.figures import trends
from peacepulse.reads import quality, queries

log = logging.getLogger(__name__)
# A file cache works across gunicorn workers, which share no memory.
cache = Cache(config={"CACHE_TYPE": "FileSystemCache", "CACHE_THRESHOLD": 500,
                      "CACHE_DIR": str(Path(tempfile.gettempdir()) / "peacepulse-cache"),
                      "CACHE_DEFAULT_TIMEOUT": 24 * 3600})
# An entry is computed under one of STRIPES file locks, chosen by its key: two keys share a lock now and
# then, which only makes one wait for the other.
COMPUTING = Path(tempfile.gettempdir()) / "peacepulse-computing"
STRIPES = 64
COMPUTE_WAIT = 90  # seconds; past that, a waiting request computes the entry itself
# What a user sees of an unexpected error: never its text, which may name files or code, only an id
# that finds it in the server log.
FAILED = ("Something went wrong on the server while preparing this view. Incident {incident} has been logged; "
          "quote it when you report the problem.")
MESSAGES = "app-messages"  # the shell's area for alerts from callbacks
# Entries depend on the code that made them as much as on the data: an upgrade must not serve old ones.
CODE = hashlib.sha256(b"".join(Path(m.__file__).read_bytes()
                               for m in (queries, quality, figures, trends))).hexdigest()[:16]


def db() -> Path:
    return store.resolve_db()


def version(path: Path) -> str:
    """The data version, read once per request."""
    if not has_app_context():
        return store.data_version(path)
    if "pp_version" not in g:
        g.pp_version = store.data_version(path)
    return g.pp_version


def _cached(key: tuple, compute: Callable[[], Any]) -> Any:
    """compute(), or what it gave last time for `key` on this data version. Across the workers, one
    request computes a missing entry while the others that ask for it meanwhile wait, then read it."""
    path = db()
    state = (CODE, str(path.resolve()), version(path), store.current_as_of(), key)
    digest = "pp-" + hashlib.sha256(repr(state).encode()).hexdigest()
    if not has_app_context():
        return compute()
    found = cache.get(digest)
    if found is not None:
        return found
    if g.get("pp_computing"):
        # Within another entry's computation, which holds a lock already: a request holds one at a
        # time, so no two requests can each wait for the other's.
        return _kept(digest, compute())
    COMPUTING.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(COMPUTING / f"{int(digest[3:7], 16) % STRIPES}.lock"), timeout=COMPUTE_WAIT)
    try:
        lock.acquire()
    except Timeout:  # the one computing it is slow, or stuck: compute it here too
        return _kept(digest, compute())
    try:
        found = cache.get(digest)  # computed by the request this one waited for
        if found is not None:
            return found
        g.pp_computing = True
        try:
            return _kept(digest, compute())
        finally:
            g.pp_computing = False
    finally:
        lock.release()


def _kept(digest: str, value: Any) -> Any:
    if value is not None:
        cache.set(digest, value)
    return value


def load(query: Callable[..., Any], *args, **kwargs) -> Any:
    """query(db, *args, **kwargs), from the cache when the data has not changed since."""
    key = (query.__module__, query.__qualname__, args, sorted(kwargs.items()))
    return _cached(key, lambda: query(db(), *args, **kwargs))


def figure(name: str, build: Callable[[], go.Figure], *key: object) -> dict:
    """A figure as a plain dict, cached under its name and the page state `key` that determines it.

    Building a figure with hundreds of traces costs most of a page's time; a cached dict costs none.
    """
    return _cached(("figure", name, key), lambda: build().to_dict())


def alert(message: str, color: str = "danger", alert_id: str | None = None) -> dbc.Alert:
    return dbc.Alert(message, color=color, className="my-3", **({"id": alert_id} if alert_id else {}))


def failure(err: Exception, where: str) -> dbc.Alert:
    """The alert for an error in place of a view: a store problem in words without the store's path,
    anything else as an incident logged with its traceback."""
    if isinstance(err, store.StoreError):
        log.warning("%s: %s", where, err)  # the server's log may name the path; the browser never sees it
        return alert(err.public, alert_id="store-problem")
    return alert(FAILED.format(incident=incidents.record(log, where, err)), alert_id="incident")


def store_problem() -> dbc.Alert | None:
    """An alert if the store cannot be used now (missing, locked, damaged), for a page that reads it only
    later, on request; None if it can."""
    try:
        path = db()
        store.require(path)
        with store.reading(path) as con:  # the data version no longer opens the store: open it here
            con.execute("SELECT count(*) FROM batch").fetchall()
    except Exception as err:
        return failure(err, "store check")
    return None


def guarded(view: Callable) -> Callable:
    """Show a failure as an alert in place of the view (see failure()), never a traceback."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except PreventUpdate:
            raise
        except Exception as err:
            return failure(err, f"{view.__module__}.{view.__qualname__}")
    return wrapper


def _in_the_past(component: Any, as_of: str) -> Any:
    """Every link within the page to another page keeps the page's as_of, so that following it stays
    in the past."""
    href = getattr(component, "href", None)
    if isinstance(href, str) and href.startswith("/") and "as_of=" not in href:
        component.href = href + ("&" if "?" in href else "?") + urlencode({"as_of": as_of})
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            _in_the_past(child, as_of)
    return component


def page(layout: Callable) -> Callable:
    """A page layout that never raises, and that takes one value per query parameter: a URL that repeats
    a parameter (?code=A&code=B) reaches the layout as its first value, not as a list.

    With ``as_of`` (a date, or a UTC time) the layout reads the store as it stood then; the shell's
    banner says so. A malformed one is refused in place of the page, never read as today."""
    shown = guarded(layout)

    @functools.wraps(layout)
    def wrapper(**query):
        given = {k: v[0] if isinstance(v, list) and v else v for k, v in query.items()}
        text = given.pop("as_of", None)
        if not text:
            return shown(**given)
        try:
            moment = store.parse_as_of(text)
        except ValueError as err:
            return alert(f"This page cannot be shown as of that date. {err}", "warning", "as-of-invalid")
        with store.as_of(moment):
            return _in_the_past(shown(**given), text)
    return wrapper


def callback_failed(err: Exception) -> None:
    """Dash calls this for any callback that raises: the alert goes to the shell's message area and the
    callback's own outputs stay as they were."""
    outputs = dash.ctx.outputs_list
    outputs = outputs if isinstance(outputs, list) else [outputs]
    named = ", ".join(f"{o.get('id')}.{o.get('property')}" for o in outputs if isinstance(o, dict))
    where = f"callback for {named or 'no output'} (triggered by {dash.ctx.triggered_id})"
    dash.set_props(MESSAGES, {"children": failure(err, where)})
