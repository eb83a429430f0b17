"""Actions: every mission's recommendations, overdue ones first, filtered from the URL."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard import components as ui
from dashboard.assessment import ACTION_STATUS
from dashboard.data import guarded, load
from peacepulse.reads import assessments, queries

dash.register_page(__name__, path="/actions", name="Actions", title="PeacePulse · Actions", order=5)
COLUMNS = [{"field": "overdue", "headerName": "Overdue", "maxWidth": 110},
           {"field": "mission", "cellRenderer": "markdown", "maxWidth": 130},
           {"field": "theme", "headerName": "Theme", "maxWidth": 90}, {"field": "period", "maxWidth": 110},
           {"field": "recommendation", "flex": 2, "minWidth": 260, "wrapText": True, "autoHeight": True},
           {"field": "owner", "minWidth": 140}, {"field": "due", "maxWidth": 130},
           {"field": "status", "maxWidth": 150},
           {"field": "progress_update", "headerName": "Latest update", "flex": 1, "minWidth": 200, "wrapText": True,
            "autoHeight": True}]


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


def _filters(everything: pd.DataFrame, chosen: dict, show_all: bool) -> dbc.Row:
    def pick(field: str, label: str, options: list) -> dbc.Col:
        return dbc.Col(dcc.Dropdown(id=f"act-{field}", value=chosen[field], placeholder=label, options=options), md=2)
    return dbc.Row([
        pick("mission", "All missions", sorted(everything["mission"].unique())),
        pick("theme", "All themes", [{"label": str(t), "value": t} for t in sorted(everything["theme"].unique())]),
        pick("owner", "All owners", sorted(everything["owner"].unique())),
        pick("status", "Any status", [{"label": v, "value": k} for k, v in ACTION_STATUS.items()]),
        dbc.Col(dbc.Switch(id="act-all", value=show_all, label="Include completed and dropped"), md=3,
                className="pt-2"),
    ], className="mb-3 g-2")


@guarded
def layout(mission: str | None = None, theme: str | None = None, owner: str | None = None,
           status: str | None = None, **query) -> html.Div:
    show_all = query.get("all") == "1"
    everything = load(assessments.recommendations)
    chosen = {"mission": mission, "theme": _int(theme), "owner": owner,
              "status": status if status in ACTION_STATUS else None}
    head = ui.page_title("Actions", "act-heading", "Recommendations of every assessment, overdue ones first.")
    if everything.empty:
        return html.Div([head, ui.empty_state("No recommendations yet. Upload a recommendations file on the "
                                              "Upload page.", "act-empty")])
    known = set(load(queries.missions)["code"])
    if mission and mission not in known:
        return html.Div([head, ui.not_found("mission", mission, sorted(known), "/actions?mission={code}",
                                            "act-unknown")])
    rows = load(assessments.recommendations, chosen["mission"], chosen["theme"], chosen["owner"],
                chosen["status"], not show_all)
    overdue = int(rows["overdue"].sum())
    rows = rows.assign(mission=[f"[{m}](/mission?code={m}&theme={t})" for m, t in zip(rows["mission"], rows["theme"])],
                       overdue=rows["overdue"].map({True: "⚠ overdue", False: ""}),
                       status=rows["status"].map(ACTION_STATUS))
    summary = html.P(f"{len(rows):,} recommendations, {overdue:,} of them overdue.", id="act-summary",
                     className="text-muted")
    table = (ui.grid(rows.drop(columns=["open", "completed_at", "recorded_at"]), "act-grid", "actions.csv",
                     height=560, columns=COLUMNS) if not rows.empty
             else ui.empty_state("No recommendation matches these filters.", "act-none"))
    return html.Div([head, _filters(everything, chosen, show_all), summary, table])


@callback(Output("url", "search", allow_duplicate=True), Input("act-mission", "value"), Input("act-theme", "value"),
          Input("act-owner", "value"), Input("act-status", "value"), Input("act-all", "value"),
          State("url", "search"), prevent_initial_call=True)
def filters_to_url(mission: str | None, theme: int | None, owner: str | None, status: str | None,
                   show_all: bool, search: str | None) -> str:
    return ui.to_url(search, mission=mission, theme=theme, owner=owner, status=status, all="1" if show_all else None)
