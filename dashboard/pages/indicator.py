"""Indicator: metadata sheet, trend by mission, disaggregations, revision history and the data."""
from __future__ import annotations

from datetime import datetime

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import components as ui
from dashboard.data import db, figure, guarded, load
from peacepulse import figures, store
from peacepulse.figures import trends
from peacepulse.reads import exporting, queries

dash.register_page(__name__, path="/indicator", name="Indicator", title="PeacePulse · Indicator", order=3)
SHEET = [("definition", "Definition"), ("source", "Source"), ("direction", "Better when it goes"),
         ("unit", "Unit"), ("measure", "Measure"), ("period_type", "Period type"),
         ("result_level", "Result level"), ("disaggregations", "Disaggregations"), ("kpi", "Key indicator")]


def _sheet(ind: pd.Series, themes: pd.DataFrame) -> dbc.Table:
    titles = dict(zip(themes["number"], themes["title"]))
    text = {True: "yes", False: "no"}
    rows = [html.Tr([html.Th(label), html.Td(text.get(ind[key], str(ind[key])) if pd.notna(ind[key]) else "–")])
            for key, label in SHEET]
    links = [dcc.Link(f"{t}. {titles[t]}", href=f"/theme?n={t}", className="me-3") for t in ind["themes"]]
    rows.append(html.Tr([html.Th("Themes (primary first)"), html.Td(links)]))
    return dbc.Table(html.Tbody(rows), bordered=False, size="sm", className="mb-4", id="ind-sheet")


def _controls(code: str, mission: str | None, by: str, dims: list[str], catalogue: pd.DataFrame,
              missions: list[str], only_active: bool) -> dbc.Row:
    return dbc.Row([
        dbc.Col(dcc.Dropdown(id="ind-code", value=code, clearable=False, options=[
            {"label": f"{r.code} — {r.name}", "value": r.code} for r in catalogue.itertuples()]), md=5),
        dbc.Col(dcc.Dropdown(id="ind-mission", value=mission, placeholder="All missions",
                             options=missions), md=3),
        dbc.Col(ui.active_switch("ind-active", only_active), md=2, className="pt-2"),
        dbc.Col(dbc.RadioItems(id="ind-by", value=by, inline=True, options=[
            {"label": "Total", "value": "total"}, *({"label": f"By {d}", "value": d} for d in dims)]),
            md=2, className="pt-2"),
    ], className="mb-3 g-2")


@guarded
def layout(code: str | None = None, mission: str | None = None, by: str = "total", active: str | None = None,
           **_) -> html.Div:
    catalogue = load(queries.indicators)
    if code:  # codes match whatever their case in the URL
        match = catalogue[catalogue["code"].str.upper() == code.strip().upper()]["code"]
        if match.empty:
            return html.Div([ui.page_title("Indicator", "ind-heading"), ui.not_found(
                "indicator", code, catalogue["code"].tolist(), "/indicator?code={code}", "ind-unknown")])
        code = match.iloc[0]
    else:
        with_data = load(queries.progress)["indicator"]
        code = with_data.iloc[0] if not with_data.empty else catalogue["code"].iloc[0]
    ind = catalogue[catalogue["code"] == code].iloc[0]
    series = load(queries.series, None, code)
    missions = sorted(series["mission"].unique())
    mission = mission if mission in missions else None
    dims = load(queries.breakdown_dims, code, mission)
    by = by if by in dims else "total"
    only_active = ui.active_only(active)
    if mission:
        series = series[series["mission"] == mission]
    elif only_active:
        series = series[series["mission"].isin(load(queries.missions, None, True)["code"])]
    shown = [mission] if mission else sorted(series["mission"].unique())
    head = ui.page_title(ind["name"], "ind-heading", f"{code} · {ind['unit']}")
    parts = [head, _controls(code, mission, by, dims, catalogue, missions, only_active), _sheet(ind, load(queries.themes))]
    if series.empty:
        scope = " from active missions" if missions and not mission else ""
        return html.Div([*parts, ui.empty_state(f"No data yet for this indicator{scope}.", "ind-empty")])
    targets = load(queries.targets, shown, code)
    meta = catalogue[catalogue["code"] == code]
    trend = figure("indicator-trend", lambda: trends.mission_lines(series, targets, meta, cols=1),
                   code, mission, only_active)
    parts += [html.H4("Trend by mission"), ui.synthetic_caption(), ui.graph(trend, "ind-trend")]
    if by != "total":
        split = load(queries.breakdown, code, by, mission)
        split = split[split["mission"].isin(shown)]
        chart = (trends.breakdown(split, by, ind["unit"]) if not split.empty
                 else figures.empty(f"No values by {by} for these missions."))
        parts += [html.H4(f"By {by}"), ui.graph(chart, "ind-breakdown")]
    revisions = load(queries.revisions, code, mission)
    revisions = revisions[revisions["mission"].isin(shown)]
    parts += [html.H4("Revision history", className="mt-4"),
              ui.grid(revisions, "ind-revisions", f"{code}-revisions.csv", height=260) if not revisions.empty
              else html.P("No value of this indicator has been revised.", className="text-muted")]
    # The data can run to hundreds of thousands of rows: the grid fetches them a block at a time.
    moment = store.current_as_of()
    scope = {"code": code, "missions": [mission] if mission else (shown if only_active else None),
             "as_of": moment.isoformat() if moment else None}
    count = load(queries.observation_count, code, scope["missions"])
    parts += [html.Div([html.H4("Data", className="d-inline me-3"),
                        html.Span(f"{count:,} rows", className="text-muted me-3", id="ind-count"),
                        dbc.Button("Download CSV", id="ind-csv", size="sm", color="secondary", outline=True)],
                       className="mt-4 mb-2"),
              dcc.Store(id="ind-scope", data=scope), dcc.Download(id="ind-download"),
              ui.paged_grid("ind-table", list(queries.OBSERVATION_COLUMNS), height=420)]
    return html.Div(parts)


@callback(Output("url", "search", allow_duplicate=True), Input("ind-code", "value"),
          Input("ind-mission", "value"), Input("ind-by", "value"), Input("ind-active", "value"),
          State("url", "search"), prevent_initial_call=True)
def controls_to_url(code: str, mission: str | None, by: str, active: bool, search: str | None) -> str:
    return ui.to_url(search, code=code, mission=mission, by=None if by == "total" else by, active=None if active else "0")


def _as_of(scope: dict):
    """The grid's and the download's reads see the store as the page did."""
    return store.as_of(datetime.fromisoformat(scope["as_of"]) if scope.get("as_of") else None)


@callback(Output("ind-table", "getRowsResponse"), Input("ind-table", "getRowsRequest"), State("ind-scope", "data"))
def rows(request: dict | None, scope: dict | None) -> dict:
    """One block of the data, in the grid's sort order, then by mission, period and breakdown."""
    if not request or not scope:
        raise PreventUpdate
    start = int(request.get("startRow") or 0)
    size = max(1, min(int(request.get("endRow") or start + ui.PAGE_ROWS) - start, 1000))
    sort = [(s["colId"], s["sort"]) for s in request.get("sortModel") or [] if s.get("colId")]
    with _as_of(scope):
        # Blocks are not cached: scrolling would crowd the page results out of the cache.
        block = queries.observation_page(db(), scope["code"], scope["missions"], start, size, sort)
        return ui.rows_response(block, load(queries.observation_count, scope["code"], scope["missions"]))


@callback(Output("ind-download", "data"), Input("ind-csv", "n_clicks"), State("ind-scope", "data"),
          prevent_initial_call=True)
def download(_: int, scope: dict | None) -> dict:
    """Every row, as a file: the grid holds only the blocks on screen."""
    if not scope:
        raise PreventUpdate
    with _as_of(scope):
        table = queries.observations(db(), scope["code"], scope["missions"])
    suffix = f"-{scope['missions'][0]}" if scope["missions"] and len(scope["missions"]) == 1 else ""
    # Text a spreadsheet would run as a formula (a comment typed as =HYPERLINK(...)) is sent as text.
    return dcc.send_data_frame(exporting.neutralised(table).to_csv, f"{scope['code']}{suffix}.csv", index=False)
