"""Theme: small multiples per indicator with one line per mission, and a ranking on the latest period."""
from __future__ import annotations

from urllib.parse import parse_qs

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard import components as ui
from dashboard.data import figure, guarded, load
from peacepulse.figures import STATUS_LABELS, STATUS_SYMBOLS, trends
from peacepulse.reads import queries

dash.register_page(__name__, path="/theme", name="Theme", title="PeacePulse · Theme", order=2)

RANK_COLUMNS = [
    {"field": "name", "headerName": "Indicator", "minWidth": 220},
    {"field": "period", "headerName": "Period"}, {"field": "rank", "headerName": "Rank", "maxWidth": 90},
    {"field": "mission", "headerName": "Mission"},
    {"field": "value", "headerName": "Value", "valueFormatter": {"function": "d3.format(',.4~g')(params.value)"}},
    {"field": "unit", "headerName": "Unit"}, {"field": "target", "headerName": "Target"},
    {"field": "status", "headerName": "Status", "minWidth": 150}, {"field": "synthetic", "headerName": "Synthetic"},
]


def status_text(status: object) -> str:
    """A status as symbol and word, as everywhere else; a mission without progress has none."""
    return f"{STATUS_SYMBOLS[status]} {STATUS_LABELS[status]}".strip() if status in STATUS_LABELS else "–"


def _picker(number: int, themes: pd.DataFrame, only_active: bool, only_real: bool, missions: list[str],
            shown: list[str]) -> dbc.Row:
    return dbc.Row([
        dbc.Col(dcc.Dropdown(id="thm-n", value=number, clearable=False, options=[
            {"label": f"{r.number}. {r.title}", "value": r.number} for r in themes.itertuples()]), md=4),
        dbc.Col(dcc.Dropdown(id="thm-show", value=shown, multi=True, options=missions,
                             placeholder=f"Missions in colour (up to {trends.HIGHLIGHTED})"), md=4),
        dbc.Col([ui.active_switch("thm-active", only_active), ui.real_switch("thm-real", only_real)],
                md=3, className="pt-1"),
    ], className="mb-3 g-2")


@guarded
def layout(n: str | None = None, active: str | None = None, real: str | None = None, show: str | None = None,
           **_) -> html.Div:
    themes = load(queries.themes)
    if n is not None and not (n.strip().isdigit() and int(n) in set(themes["number"])):
        return html.Div([ui.page_title("Theme", "thm-heading"), ui.not_found(
            "theme", n, [str(x) for x in themes["number"]], "/theme?n={code}", "thm-unknown")])
    number = int(n) if n is not None else int(themes["number"].min())
    theme = themes[themes["number"] == number].iloc[0]
    only_active, only_real = ui.active_only(active), ui.real_only(real)
    head = ui.page_title(f"Theme {number} · {theme['title']}", "thm-heading", theme["summary"])
    indicators = load(queries.theme_indicators, number, only_real)
    missions = load(queries.missions, None, True)["code"].tolist() if only_active else None
    series = load(queries.series, missions, indicators["code"].tolist(), None, only_real)
    present = sorted(series["mission"].unique())
    asked = [m.strip() for m in (show or "").split(",") if m.strip()]
    shown = [m for m in asked if m in present][:trends.HIGHLIGHTED] or trends.highlighted(series)
    picker = _picker(number, themes, only_active, only_real, present, shown)
    if indicators.empty or series.empty:
        scope = " from active missions" if only_active else ""
        what = "real data" if only_real else "data"
        return html.Div([head, picker, ui.empty_state(f"No {what} yet{scope} under this theme.", "thm-empty")])
    unknown = [m for m in asked if m not in present]
    warning = ui.not_found("mission with data under this theme", ", ".join(unknown), present,
                           f"/theme?n={number}&show={{code}}", "thm-unknown") if unknown else None
    targets = load(queries.targets, missions, indicators["code"].tolist())
    ranking = load(queries.ranking, number, missions, only_real)
    ranking = ranking.assign(status=ranking["status"].map(status_text))
    lines = figure("theme-lines", lambda: trends.mission_lines(series, targets, indicators, highlight=shown),
                   number, only_active, only_real, tuple(shown))
    return html.Div([
        head, picker, warning, ui.synthetic_caption(only_real),
        html.P(f"Up to {trends.HIGHLIGHTED} missions are drawn in colour, each in one colour on every chart; "
               "the others are grey. Stars mark targets, in the mission's colour.", className="text-muted small",
               id="thm-key"),
        ui.graph(lines, "thm-lines"),
        html.H4("Ranking on the latest period", className="mt-4"),
        html.P("Per indicator, the missions that reported the most recent period, best first "
               "(lowest first where the indicator should decrease).", className="text-muted small"),
        ui.grid(ranking, "thm-ranking", f"theme-{number}-ranking.csv", columns=RANK_COLUMNS, height=420),
    ])


@callback(Output("url", "search", allow_duplicate=True), Input("thm-n", "value"), Input("thm-active", "value"),
          Input("thm-real", "value"), Input("thm-show", "value"), State("url", "search"), prevent_initial_call=True)
def theme_to_url(number: int, active: bool, real: bool, show: list[str] | None, search: str | None) -> str:
    # Missions picked by hand stay picked as the switches change; a new theme has missions of its own.
    before = parse_qs((search or "").lstrip("?")).get("show", [None])[0]
    picked = {"thm-show": ",".join((show or [])[:trends.HIGHLIGHTED]), "thm-n": None}.get(dash.ctx.triggered_id, before)
    return ui.to_url(search, n=number, active=None if active else "0", real="1" if real else None, show=picked)
