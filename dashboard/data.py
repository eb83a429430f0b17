"""Cached reads for the pages, keyed on the store's data version so an upload shows at once."""
from __future__ import annotations

import functools
import hashlib
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash.exceptions import PreventUpdate
from flask import g, has_app_context
from flask_caching import Cache

from peacepulse import figures, store
from peacepulse.figures import trends
from peacepulse.reads import quality, queries

log = logging.getLogger(__name__)
# A file cache works across gunicorn workers, which share no memory.
cache = Cache(config={"CACHE_TYPE": "FileSystemCache", "CACHE_THRESHOLD": 500,
                      "CACHE_DIR": str(Path(tempfile.gettempdir()) / "peacepulse-cache"),
                      "CACHE_DEFAULT_TIMEOUT": 24 * 3600})
FAILED = "This view could not be prepared. The server log has the details."
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
    path = db()
    digest = "pp-" + hashlib.sha256(repr((CODE, str(path.resolve()), version(path), key)).encode()).hexdigest()
    found = cache.get(digest) if has_app_context() else None
    if found is not None:
        return found
    value = compute()
    if has_app_context() and value is not None:
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


def alert(message: str, color: str = "danger") -> dbc.Alert:
    return dbc.Alert(message, color=color, className="my-3")


def guarded(view: Callable) -> Callable:
    """Show a store problem (missing, locked) as an alert in place of the view, never a traceback."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except PreventUpdate:
            raise
        except store.StoreError as err:
            return alert(str(err))
        except Exception:
            log.exception("view %s failed", view.__name__)
            return alert(FAILED)
    return wrapper
