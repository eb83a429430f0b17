"""Pieces shared by the pages: badges, grids, graphs, headline cards, query strings."""
from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html
from dash.exceptions import PreventUpdate

from peacepulse.closest import closest
from peacepulse.figures import STATUS_COLORS, STATUS_LABELS, STATUS_SYMBOLS, SYNTHETIC_NOTE


def query(**params: object) -> str:
    """A query string of the parameters that are set, e.g. '?code=UNMISS&theme=7'."""
    kept = {k: v for k, v in params.items() if v not in (None, "", [], False)}
    return "?" + urlencode(kept) if kept else ""


def as_of_in(search: str | None) -> str | None:
    """The `as_of` parameter of a query string, as written, or None."""
    values = parse_qs((search or "").lstrip("?")).get("as_of")
    return values[0] if values else None


def to_url(search: str | None, **params: object) -> str:
    """The query string of a page's controls after the user changed one; `search` is the page's query
    string now, whose `as_of` is kept: a page of the past stays in the past.

    Dash also calls the callback when the page is drawn, with every control at once; the URL drew the
    page and already says what it should, so it is left alone: rewriting it would drop what the
    controls cannot show (an unknown code, a range of years) and break a shared link.
    """
    if len(dash.ctx.triggered_prop_ids) == len(dash.ctx.inputs_list) > 1:
        raise PreventUpdate
    return query(**params, as_of=as_of_in(search))


def active_only(value: str | None) -> bool:
    """The `active` query parameter: active missions only unless it is '0'."""
    return value != "0"


def active_switch(switch_id: str, on: bool) -> dbc.Switch:
    return dbc.Switch(id=switch_id, value=on, label="Active missions only")


def real_only(value: str | None) -> bool:
    """The `real` query parameter: '1' leaves out every series with a synthetic value."""
    return value == "1"


def real_switch(switch_id: str, on: bool) -> dbc.Switch:
    return dbc.Switch(id=switch_id, value=on, label="Real data only")


def status_badge(status: str, class_name: str = "") -> dbc.Badge:
    """Status as colour, symbol and words, so it never depends on colour alone."""
    text = f"{STATUS_SYMBOLS[status]} {STATUS_LABELS[status]}".strip()
    return dbc.Badge(text, color=STATUS_COLORS[status], className=f"status-badge {class_name}",
                     text_color="dark", style={"fontSize": "0.8rem"})  # black reads on all (≥ 5:1)


def status_legend() -> html.Div:
    return html.Div([status_badge(s, "me-2") for s in STATUS_COLORS], className="mb-2")


def graph(figure: go.Figure | dict, graph_id: str) -> dcc.Graph:
    """A graph that follows its container's width; the figure's height moves to the container."""
    spec = figure if isinstance(figure, dict) else figure.to_plotly_json()
    layout = dict(spec.get("layout", {}))
    height = layout.pop("height", None)
    # Of Plotly's toolbar only "download as PNG" is kept: zoom and lasso confuse more than they help here.
    config = {"displaylogo": False, "topojsonURL": dash.get_asset_url("topojson/"),
              "modeBarButtons": [["toImage"]], "toImageButtonOptions": {"filename": graph_id}}
    return dcc.Graph(id=graph_id, figure={**spec, "layout": layout}, config=config, responsive=True,
                     style={"height": f"{height}px"} if height else None)


def _cell(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat(" ", "seconds")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return None if pd.isna(value) else value


def grid(frame: pd.DataFrame, grid_id: str, file_name: str | None = None, height: int = 360,
         columns: list[dict] | None = None) -> dag.AgGrid:
    """A sortable, filterable table; `file_name` names its CSV export."""
    rows = [{k: _cell(v) for k, v in row.items()} for row in frame.to_dict("records")]
    return dag.AgGrid(
        id=grid_id, rowData=rows,
        columnDefs=columns or [{"field": c, "headerName": c.replace("_", " ").capitalize()} for c in frame.columns],
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        # Given columns carry their own widths (a wrapping text column, say); others fit their content.
        columnSize="responsiveSizeToFit" if columns else "autoSize", style={"height": height},
        dashGridOptions={"pagination": len(rows) > 200, "paginationPageSize": 100,
                         "animateRows": False, "enableCellTextSelection": True},
        csvExportParams={"fileName": file_name or f"{grid_id}.csv"})


def headline(label: str, value: object, card_id: str, note: str | None = None) -> dbc.Col:
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.Div(label, className="text-muted small"),
        html.Div(str(value), id=card_id, className="fs-3 fw-semibold"),
        html.Div(note, id=f"{card_id}-note", className="text-muted small") if note else None])),
        xs=6, md=3, className="mb-3")


def synthetic_caption(real: bool = False) -> html.P:
    text = ("Real data only: series with synthetic demo values are left out." if real
            else SYNTHETIC_NOTE + ". Real series show their source on hover.")
    return html.P(text, className="text-muted small fst-italic mb-1", id="synthetic-caption")


def page_title(text: str, title_id: str, subtitle: str | None = None) -> html.Div:
    return html.Div([html.H2(text, id=title_id, className="mt-3 mb-1"),
                     html.P(subtitle, className="text-muted") if subtitle else None])


def empty_state(message: str, title_id: str | None = None) -> dbc.Alert:
    return dbc.Alert(message, color="secondary", className="my-3", **({"id": title_id} if title_id else {}))


def status_count_columns() -> list[dict]:
    """Grid columns counting indicators per status, headed with the status's own symbol and word."""
    return [{"field": s, "headerName": f"{STATUS_SYMBOLS[s]} {STATUS_LABELS[s]}", "maxWidth": 150}
            for s in ("on_track", "at_risk", "off_track", "insufficient")]


def not_found(what: str, given: str, known: list[str], href: str, alert_id: str) -> dbc.Alert:
    """A link that names nothing known says so, with the closest known ones, and never shows another page."""
    near = closest(given, known)
    links = [html.Span([", " if i else "", dcc.Link(code, href=href.format(code=code))]) for i, code in enumerate(near)]
    return dbc.Alert([f"No {what} '{given}'.", *([" Closest: ", *links, "."] if near else [])],
                     color="warning", className="my-3", id=alert_id)


PAGE_ROWS = 100  # rows a paged grid fetches at a time
MISSION_KINDS = ["peacekeeping", "political", "regional", "headquarters"]  # the missions' kind filter


def paged_grid(grid_id: str, columns: list[str], height: int = 420) -> dag.AgGrid:
    """A grid that asks the server for one block of rows at a time (AG Grid's infinite row model), for
    tables too long to send whole. A callback on its getRowsRequest answers with getRowsResponse."""
    return dag.AgGrid(
        id=grid_id, rowModelType="infinite",
        columnDefs=[{"field": c, "headerName": c.replace("_", " ").capitalize()} for c in columns],
        # Sorting is done by the server; filtering would need the same and is left to the CSV.
        defaultColDef={"sortable": True, "filter": False, "resizable": True, "minWidth": 90,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        columnSize="autoSize", style={"height": height},
        dashGridOptions={"pagination": True, "paginationPageSize": PAGE_ROWS, "cacheBlockSize": PAGE_ROWS,
                         "maxBlocksInCache": 10, "infiniteInitialRowCount": PAGE_ROWS,
                         "animateRows": False, "enableCellTextSelection": True})


def rows_response(frame: pd.DataFrame, count: int) -> dict:
    """One block of rows for a paged grid, with the total so that it can show the last page."""
    return {"rowData": [{k: _cell(v) for k, v in row.items()} for row in frame.to_dict("records")], "rowCount": count}
