"""Missions: an index of every mission and entity, with how much data each has and where it stands."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard import components as ui
from dashboard.data import guarded, load
from peacepulse.reads import queries

dash.register_page(__name__, path="/missions", name="Missions", title="PeacePulse · Missions", order=1)
COLUMNS = [{"field": "code", "cellRenderer": "markdown", "maxWidth": 130}, {"field": "name", "flex": 1, "minWidth": 240},
           {"field": "kind", "maxWidth": 140}, {"field": "active", "maxWidth": 100},
           {"field": "indicators_with_data", "headerName": "Indicators with data", "maxWidth": 170},
           *ui.status_count_columns(),
           {"field": "latest_period", "headerName": "Latest period", "maxWidth": 140},
           {"field": "stale", "headerName": "Stale", "maxWidth": 100}]


@guarded
def layout(kind: str | None = None, real: str | None = None, **_) -> html.Div:
    kind, only_real = (kind if kind in ui.MISSION_KINDS else None), ui.real_only(real)
    index = load(queries.mission_index, kind, only_real)
    suffix = "&real=1" if only_real else ""
    index = index.assign(code=[f"[{c}](/mission?code={c}{suffix})" for c in index["code"]],
                         active=index["active"].map({True: "yes", False: "no"}).fillna("unknown"))
    with_data = int((index["indicators_with_data"] > 0).sum())
    data = "real data" if only_real else "data"
    return html.Div([
        ui.page_title("Missions", "msns-heading",
                      f"{len(index):,} missions and entities, {with_data:,} of them with {data}. Open one to see its trends."),
        dbc.Row([dbc.Col(dcc.Dropdown(id="msns-kind", options=[{"label": k.title(), "value": k} for k in ui.MISSION_KINDS],
                                     value=kind, placeholder="All kinds of mission"), md=4),
                dbc.Col(ui.real_switch("msns-real", only_real), md=3, className="pt-2")], className="mb-3"),
        ui.grid(index, "msns-grid", "missions.csv", height=560, columns=COLUMNS),
    ])


@callback(Output("url", "search", allow_duplicate=True), Input("msns-kind", "value"), Input("msns-real", "value"),
          State("url", "search"), prevent_initial_call=True)
def kind_to_url(kind: str | None, real: bool, search: str | None) -> str:
    return ui.to_url(search, kind=kind, real="1" if real else None)
