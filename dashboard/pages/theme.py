"""Theme: small multiples per indicator with one line per mission, and a ranking on the latest period."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard import components as ui
from dashboard.data import figure, guarded, load
from peacepulse.figures import trends
from peacepulse.reads import queries

dash.register_page(__name__, path="/theme", name="Theme", title="PeacePulse · Theme", order=2)

RANK_COLUMNS = [
    {"field": "name", "headerName": "Indicator", "minWidth": 220},
    {"field": "period", "headerName": "Period"}, {"field": "rank", "headerName": "Rank", "maxWidth": 90},
    {"field": "mission", "headerName": "Mission"},
    {"field": "value", "headerName": "Value", "valueFormatter": {"function": "d3.format(',.4~g')(params.value)"}},
    {"field": "unit", "headerName": "Unit"}, {"field": "target", "headerName": "Target"},
    {"field": "status", "headerName": "Status"}, {"field": "synthetic", "headerName": "Synthetic"},
]


@guarded
def layout(n: str | None = None, active: str | None = None, **_) -> html.Div:
    themes = load(queries.themes)
    if n is not None and not (n.strip().isdigit() and int(n) in set(themes["number"])):
        return html.Div([ui.page_title("Theme", "thm-heading"), ui.not_found(
            "theme", n, [str(x) for x in themes["number"]], "/theme?n={code}", "thm-unknown")])
    number = int(n) if n is not None else int(themes["number"].min())
    theme = themes[themes["number"] == number].iloc[0]
    only_active = ui.active_only(active)
    picker = dbc.Row([dbc.Col(dcc.Dropdown(id="thm-n", value=number, clearable=False, options=[
        {"label": f"{r.number}. {r.title}", "value": r.number} for r in themes.itertuples()]), md=5),
        dbc.Col(ui.active_switch("thm-active", only_active), md=3, className="pt-2")], className="mb-3")
    head = ui.page_title(f"Theme {number} · {theme['title']}", "thm-heading", theme["summary"])
    indicators = load(queries.theme_indicators, number)
    if indicators.empty:
        return html.Div([head, picker, ui.empty_state("No data yet under this theme.", "thm-empty")])
    codes = indicators["code"].tolist()
    missions = load(queries.missions, None, True)["code"].tolist() if only_active else None
    series, targets = load(queries.series, missions, codes), load(queries.targets, missions, codes)
    if series.empty:
        return html.Div([head, picker, ui.empty_state("No data yet from active missions under this theme.",
                                                      "thm-empty")])
    ranking = load(queries.ranking, number, missions)
    return html.Div([
        head, picker, ui.synthetic_caption(),
        html.P("Stars mark each mission's targets, in the mission's colour.", className="text-muted small"),
        ui.graph(figure("theme-lines", lambda: trends.mission_lines(series, targets, indicators), number,
                        only_active), "thm-lines"),
        html.H4("Ranking on the latest period", className="mt-4"),
        html.P("Per indicator, the missions that reported the most recent period, best first "
               "(lowest first where the indicator should decrease).", className="text-muted small"),
        ui.grid(ranking, "thm-ranking", f"theme-{number}-ranking.csv", columns=RANK_COLUMNS, height=420),
    ])


@callback(Output("url", "search", allow_duplicate=True), Input("thm-n", "value"), Input("thm-active", "value"),
          prevent_initial_call=True)
def theme_to_url(number: int, active: bool) -> str:
    return ui.query(n=number, active=None if active else "0")
