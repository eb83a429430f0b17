"""Overview: headline figures, the missions × themes scorecard and the mission map."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import components as ui
from dashboard.data import guarded, load
from peacepulse import figures
from peacepulse.reads import queries

dash.register_page(__name__, path="/", name="Overview", title="PeacePulse · Overview", order=0)


def _filters(kind: str | None, active: bool, real: bool) -> dbc.Row:
    return dbc.Row([
        dbc.Col(dcc.Dropdown(id="ovw-kind", options=[{"label": k.title(), "value": k} for k in ui.MISSION_KINDS],
                             value=kind, placeholder="All kinds of mission"), md=4),
        dbc.Col(ui.active_switch("ovw-active", active), md=3, className="pt-2"),
        dbc.Col(ui.real_switch("ovw-real", real), md=3, className="pt-2"),
    ], className="mb-3")


@guarded
def layout(kind: str | None = None, active: str | None = None, real: str | None = None, **_) -> html.Div:
    kind = kind if kind in ui.MISSION_KINDS else None
    only_active, only_real = ui.active_only(active), ui.real_only(real)
    head = load(queries.headline, kind, only_active)
    cells = load(queries.scorecard, kind, only_active, only_real)
    status = load(queries.mission_status, kind, only_active, only_real)
    themes = load(queries.themes)
    period = head["latest_period"] if isinstance(head["latest_period"], str) else "–"
    real_period = head["latest_period_real"] if isinstance(head["latest_period_real"], str) else "none"
    cards = _cards(head, period, real_period) if not only_real else dbc.Row([
        ui.headline("Missions with real data", int(head["missions_real"]), "ovw-missions"),
        ui.headline("Indicators with real data", int(head["indicators_real"]), "ovw-indicators"),
        ui.headline("Real data points", f"{int(head['data_points_real']):,}", "ovw-points",
                    f"{int(head['data_points']) - int(head['data_points_real']):,} synthetic left out"),
        ui.headline("Latest period of real data", real_period, "ovw-latest")])
    if status.empty and only_real:
        body = ui.empty_state("No real data yet for these missions: every series shown otherwise is synthetic.",
                              "ovw-empty")
    elif status.empty:
        body = ui.empty_state("No data yet for these missions. Upload observations on the Upload page "
                              "to see the scorecard and the map.", "ovw-empty")
    else:
        heatmap = figures.scorecard_heatmap(cells, status["code"].tolist(), themes)
        key = html.Ol([html.Li(dcc.Link(r.title, href=f"/theme?n={r.number}")) for r in themes.itertuples()],
                      className="small")
        body = html.Div([
            html.H4("Scorecard: missions × themes", className="mt-2"),
            html.P(f"Each cell counts the indicators on track (✓), at risk (!) and off track (✗). "
                   f"{figures.SYNTHETIC_MARK} marks a status that rests on synthetic demo series, "
                   f"{figures.STALE_MARK} one with series older than their reporting cycle allows. "
                   "Click a cell to open the mission on that theme.", className="text-muted small",
                   id="ovw-scorecard-key"),
            ui.status_legend(),
            ui.graph(heatmap, "ovw-scorecard"),
            html.Details([html.Summary("The ten themes"), key], className="mb-4"),
            html.H4("Missions by overall status"),
            ui.graph(figures.mission_map(status), "ovw-map"),
        ])
    return html.Div([ui.page_title("Where each mission stands", "page-title",
                                   "Status of each mission's indicators on the ten themes."),
                     _filters(kind, only_active, only_real), cards, body])


def _cards(head, period: str, real_period: str) -> dbc.Row:
    real = {k: int(head[f"{k}_real"]) for k in ("missions", "indicators", "data_points")}
    return dbc.Row([ui.headline("Missions with data", int(head["missions"]), "ovw-missions",
                                f"{real['missions']:,} with real data"),
                    ui.headline("Indicators with data", int(head["indicators"]), "ovw-indicators",
                                f"{real['indicators']:,} with real data"),
                    ui.headline("Data points", f"{int(head['data_points']):,}", "ovw-points",
                                f"{real['data_points']:,} real · {int(head['data_points']) - real['data_points']:,} "
                                "synthetic"),
                    ui.headline("Latest period", period, "ovw-latest", f"real data: {real_period}")])


@callback(Output("url", "search", allow_duplicate=True), Input("ovw-kind", "value"),
          Input("ovw-active", "value"), Input("ovw-real", "value"), State("url", "search"), prevent_initial_call=True)
def filter_to_url(kind: str | None, active: bool, real: bool, search: str | None) -> str:
    return ui.to_url(search, kind=kind, active=None if active else "0", real="1" if real else None)


@callback(Output("url", "href", allow_duplicate=True), Input("ovw-scorecard", "clickData"),
          State("ovw-real", "value"), State("url", "search"), prevent_initial_call=True)
def open_cell(click: dict | None, real: bool, search: str | None) -> str:
    point = (click or {}).get("points", [{}])[0]  # heatmap clicks carry x and y, not customdata
    if "x" not in point or "y" not in point:
        raise PreventUpdate
    return "/mission" + ui.query(code=point["y"], theme=point["x"], real="1" if real else None,
                                 as_of=ui.as_of_in(search))


@callback(Output("url", "href", allow_duplicate=True), Input("ovw-map", "clickData"), State("ovw-real", "value"),
          State("url", "search"), prevent_initial_call=True)
def open_point(click: dict | None, real: bool, search: str | None) -> str:
    point = (click or {}).get("points", [{}])[0]
    if not point.get("customdata"):
        raise PreventUpdate
    return "/mission" + ui.query(code=point["customdata"][0], real="1" if real else None, as_of=ui.as_of_in(search))
