"""The mission page's "Download briefing" button: the same file as `peacepulse report MISSION`."""
from __future__ import annotations

from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.data import db
from peacepulse import briefing, store

LABEL = "Download briefing"


def button() -> html.Div:
    return html.Div([
        dbc.Button(LABEL, id="msn-briefing", size="sm", color="primary", outline=True,
                   title="One HTML file with this mission's scorecard, trends, assessments, signals and the "
                         "sources of its data; it opens without a network and prints to PDF."),
        dcc.Download(id="msn-briefing-file")], className="mb-2")


@callback(Output("msn-briefing-file", "data"), Input("msn-briefing", "n_clicks"), State("url", "search"),
          running=[(Output("msn-briefing", "disabled"), True, False),
                   (Output("msn-briefing", "children"), "Preparing the briefing…", LABEL)],
          prevent_initial_call=True)
def download(clicks: int | None, search: str | None) -> dict:
    """The briefing of the page's mission, as of the page's as_of if it has one."""
    query = parse_qs((search or "").lstrip("?"))
    code, when = ((query.get(k) or [""])[0].strip() for k in ("code", "as_of"))
    if not clicks or not code:
        raise PreventUpdate
    try:
        moment = store.parse_as_of(when) if when else None
    except ValueError:
        raise PreventUpdate from None  # the page says what is wrong with it, and shows no button
    with store.as_of(moment):
        mission = briefing.mission_code(db(), code)  # as stored, whatever its case in the URL
        text = briefing.build(db(), mission)
    return dcc.send_string(text, briefing.file_name(mission, as_of=moment), type="text/html")
