"""As of a date: the menu bar's date picker, the banner of a page of the past, and links that stay there.

The moment lives in the URL (`?as_of=2026-03-31`, or a UTC time such as `2026-03-31T14:05:00`); the
pages read the store as it stood then (see data.page), and this module keeps the shell in step.
"""
from __future__ import annotations

from datetime import date, datetime
from urllib.parse import parse_qsl, urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, ctx, dcc, html, no_update

from peacepulse import store

BANNER = "as-of-banner"
PICKER = "as-of-picker"


def picker() -> dcc.DatePickerSingle:
    return dcc.DatePickerSingle(id=PICKER, placeholder="As of today", clearable=True, display_format="YYYY-MM-DD",
                                max_date_allowed=date.today().isoformat(), first_day_of_week=1,
                                show_outside_days=True, className="as-of-picker")


def with_as_of(search: str | None, value: str | None) -> str:
    """The query string with its as_of set to `value`, or removed for None."""
    params = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k != "as_of"]
    params += [("as_of", value)] if value else []
    return "?" + urlencode(params) if params else ""


def _first_upload() -> datetime | None:
    try:
        first = store.read_df(store.resolve_db(), "SELECT min(uploaded_at) AS t FROM batches")["t"].iloc[0]
    except (store.StoreError, store.QueryError):
        return None  # the page says what is wrong with the store
    return None if pd.isna(first) else first.to_pydatetime()


def banner(pathname: str, search: str | None, moment: datetime) -> dbc.Alert:
    when, first = store.as_of_label(moment), _first_upload()
    empty = None
    if first is not None and moment < first:
        empty = html.Div(f"Nothing had been uploaded to this store yet: its first upload was on "
                         f"{first:%Y-%m-%d at %H:%M} UTC.", id="as-of-empty")
    return dbc.Alert([
        html.Strong(f"As of {when}. "),
        "This page shows what the store held at the end of that day (UTC): later uploads and revisions are "
        "left out, and nothing can be changed. " if len(when) == 10 else
        "This page shows what the store held at that moment: later uploads and revisions are left out, and "
        "nothing can be changed. ",
        dcc.Link("Back to today", href=(pathname or "/") + with_as_of(search, None), id="as-of-today",
                 className="alert-link"), empty], color="info", className="my-2 py-2", id="as-of-notice")


def _as_of_text(search: str | None) -> str | None:
    return dict(parse_qsl((search or "").lstrip("?"))).get("as_of")


def _moment(search: str | None) -> datetime | None:
    """The URL's as-of moment; None for today, or for a malformed one (the page says what is wrong)."""
    text = _as_of_text(search)
    try:
        return store.parse_as_of(text) if text else None
    except ValueError:
        return None


def register(app: dash.Dash, nav: list[str]) -> None:
    """One callback keeps the picker, the banner and the menu's links in step with the URL: a date picked
    goes into the URL, and a URL's as_of shows in the picker and the banner."""
    @app.callback(Output("url", "search", allow_duplicate=True), Output(PICKER, "date"), Output(BANNER, "children"),
                  *[Output(f"nav-{i}", "href") for i in range(len(nav))],
                  Input(PICKER, "date"), Input("url", "search"), Input("url", "pathname"),
                  prevent_initial_call="initial_duplicate")
    def follow(picked: str | None, search: str | None, pathname: str | None):
        moment = _moment(search)
        day = moment.date().isoformat() if moment else None
        new_search = no_update
        # A date picked that differs from the URL's goes into it. The picker also reports its date when it
        # is drawn or set from here, which is no choice of the user's.
        if list(ctx.triggered_prop_ids) == [f"{PICKER}.date"] and picked != day:
            search = new_search = with_as_of(search, picked)
            moment = _moment(search)
        text = _as_of_text(search) if moment else None
        shown = banner(pathname, search, moment) if moment else None
        return (new_search, moment.date().isoformat() if moment else None, shown,
                *[href + with_as_of("", text) for href in nav])
