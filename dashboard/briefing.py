"""The mission page's "Download briefing" button: the same file as `peacepulse report MISSION`."""
from __future__ import annotations

from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.data import db
from peacepulse import briefing

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
    code = (parse_qs((search or "").lstrip("?")).get("code") or [""])[0].strip()
    if not clicks or not code:
        raise PreventUpdate
    mission = briefing.mission_code(db(), code)  # as stored, whatever its case in the URL
    return dcc.send_string(briefing.build(db(), mission), briefing.file_name(mission), type="text/html")
