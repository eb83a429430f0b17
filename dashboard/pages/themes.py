"""Themes: the ten take-aways, each with its indicators and where the missions stand on it."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html

from dashboard import components as ui
from dashboard.data import guarded, load
from peacepulse.reads import queries

dash.register_page(__name__, path="/themes", name="Themes", title="PeacePulse · Themes", order=2)
COLUMNS = [{"field": "number", "headerName": "#", "maxWidth": 70},
           {"field": "title", "cellRenderer": "markdown", "flex": 1, "minWidth": 240},
           {"field": "indicators", "headerName": "Indicators", "maxWidth": 120},
           {"field": "primary_for", "headerName": "Primary theme of", "maxWidth": 140},
           {"field": "missions_with_data", "headerName": "Missions with data", "maxWidth": 150},
           *ui.status_count_columns()]


@guarded
def layout(real: str | None = None, **_) -> html.Div:
    only_real = ui.real_only(real)
    index = load(queries.theme_index, only_real)
    suffix = "&real=1" if only_real else ""
    index = index.assign(title=[f"[{title}](/theme?n={n}{suffix})" for n, title in zip(index["number"], index["title"])])
    return html.Div([
        ui.page_title("Themes", "thms-heading", "The ten take-aways of the 2024 symposium. Status counts are "
                      "mission × indicator pairs; an indicator counts under every theme it serves."),
        dbc.Row(dbc.Col(ui.real_switch("thms-real", only_real), md=3), className="mb-2"),
        ui.grid(index, "thms-grid", "themes.csv", height=480, columns=COLUMNS),
    ])


@callback(Output("url", "search", allow_duplicate=True), Input("thms-real", "value"), State("url", "search"),
          prevent_initial_call=True)
def real_to_url(real: bool, search: str | None) -> str:
    return ui.to_url(search, real="1" if real else None)
