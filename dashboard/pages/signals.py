"""Signals: what needs a decision now, per mission, each acknowledgeable with a note."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import auth
from dashboard import components as ui
from dashboard.data import MESSAGES, alert, db, guarded, load
from peacepulse import store
from peacepulse.assess import signals
from peacepulse.reads import queries

dash.register_page(__name__, path="/signals", name="Signals", title="PeacePulse · Signals", order=5)
SEVERITIES = {"high": "danger", "medium": "warning", "low": "secondary"}


def _item(i: int, r) -> dbc.ListGroupItem:
    return dbc.ListGroupItem([
        html.Div([dbc.Badge(r.severity, color=SEVERITIES[r.severity], className="me-2"),
                  html.Strong(r.rule.replace("_", " ")), " · ",
                  dcc.Link("open the panel", href=r.link),
                  dbc.Button("Acknowledge", id={"type": "sig-ack", "index": i}, size="sm", color="secondary",
                             outline=True, className="float-end")
                  # the past cannot be acknowledged, nor can a mission the user may not change
                  if store.current_as_of() is None and auth.can("acknowledge", r.mission) else None]),
        html.Div(r.detail, className="small"),
        html.Small(f"Acknowledged: {r.note}", className="text-muted") if isinstance(r.note, str) else None,
    ], id=f"sig-item-{i}")


def _modal() -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("Acknowledge this signal")),
        dbc.ModalBody([html.P(id="sig-chosen", className="small"),
                       dbc.Textarea(id="sig-note", placeholder="Why it can rest, e.g. 'Known; reporting resumes in "
                                                               "the next quarter'", rows=3),
                       html.Small("It stays hidden until the figures behind it change.", className="text-muted")]),
        dbc.ModalFooter(dbc.Button("Acknowledge", id="sig-confirm", color="primary")),
    ], id="sig-modal", is_open=False)


@guarded
def layout(mission: str | None = None, severity: str | None = None, **query) -> html.Div:
    show_acknowledged = query.get("acknowledged") == "1"
    found = load(signals.find, None, None, show_acknowledged)
    missions = sorted(found["mission"].unique())
    if mission and mission not in missions:
        known = load(queries.missions)["code"].tolist()
        if mission not in known:
            return html.Div([ui.page_title("Signals", "sig-heading"), ui.not_found(
                "mission", mission, known, "/signals?mission={code}", "sig-unknown")])
    chosen = _chosen(found, mission, severity)
    controls = dbc.Row([
        dbc.Col(dcc.Dropdown(id="sig-mission", value=mission, options=missions, placeholder="All missions"), md=3),
        dbc.Col(dcc.Dropdown(id="sig-severity", value=severity if severity in SEVERITIES else None,
                             options=list(SEVERITIES), placeholder="Any severity"), md=2),
        dbc.Col(dbc.Switch(id="sig-acknowledged", value=show_acknowledged, label="Show acknowledged ones too"),
                md=3, className="pt-2"),
    ], className="mb-3 g-2")
    rules = html.Details([html.Summary("The rules"),
                          html.Ul([html.Li(f"{k.replace('_', ' ')} ({signals.SEVERITY[k]}): {v}")
                                   for k, v in signals.RULES.items()], className="small"),
                          html.Ul([html.Li(f"{k}: {v}") for k, v in signals.SEVERITIES.items()], className="small")],
                         className="mb-3")
    return html.Div([ui.page_title("Signals", "sig-heading"), controls, rules,
                     html.Div(_listing(chosen, mission), id="sig-listing"), dcc.Store(id="sig-picked"), _modal()])


def _chosen(found, mission: str | None, severity: str | None):
    chosen = found[found["mission"] == mission] if mission else found
    return chosen[chosen["severity"] == severity] if severity in SEVERITIES else chosen


def _listing(chosen, mission: str | None) -> list:
    """The count, then each mission's signals; the keys the acknowledge buttons stand for."""
    n, places = len(chosen), chosen["mission"].nunique()
    head = html.P(f"{n:,} signal{'s need' if n != 1 else ' needs'} a decision"
                  + (f" for {mission}" if mission else f" across {places:,} mission{'s' * (places != 1)}") + ".",
                  id="sig-count", className="text-muted")
    if chosen.empty:
        return [head, ui.empty_state("No signal needs a decision here.", "sig-empty")]
    indexed = chosen.reset_index(drop=True)
    cards = [dbc.Card([dbc.CardHeader(html.H4(f"{m} · {len(rows)}", className="h6 mb-0")),
                       dbc.ListGroup([_item(i, r) for i, r in zip(rows.index, rows.itertuples())], flush=True)],
                      className="mb-3", id=f"sig-mission-{m}") for m, rows in indexed.groupby("mission", sort=True)]
    keys = indexed[["signal", "fingerprint", "detail"]].to_dict("records")
    return [head, html.Div(cards), dcc.Store(id="sig-keys", data=keys)]


@callback(Output("sig-picked", "data"), Output("sig-modal", "is_open"), Output("sig-chosen", "children"),
          Input({"type": "sig-ack", "index": ALL}, "n_clicks"), State("sig-keys", "data"), prevent_initial_call=True)
@auth.needs("acknowledge")
def pick(clicks: list[int | None], keys: list[dict]) -> tuple:
    if not ctx.triggered_id or not any(clicks):
        raise PreventUpdate
    chosen = keys[ctx.triggered_id["index"]]
    return chosen, True, chosen["detail"]


@callback(Output("sig-listing", "children"), Output("sig-note", "invalid"), Output("sig-modal", "is_open", allow_duplicate=True),
          Input("sig-confirm", "n_clicks"), State("sig-picked", "data"), State("sig-note", "value"),
          State("sig-mission", "value"), State("sig-severity", "value"), State("sig-acknowledged", "value"),
          prevent_initial_call=True)
@auth.needs("acknowledge")
def confirm(_: int, picked: dict | None, note: str | None, mission: str | None, severity: str | None,
            acknowledged: bool) -> tuple:
    if not picked:
        raise PreventUpdate
    refused = auth.refusal("acknowledge", signals.mission_of(str(picked.get("signal", ""))))
    if refused:
        dash.set_props(MESSAGES, {"children": alert(refused, "warning", "sig-refused")})
        return dash.no_update, False, False
    if not (note or "").strip():
        return dash.no_update, True, True
    signals.acknowledge(db(), picked["signal"], picked["fingerprint"], note, user=auth.current().user)
    found = load(signals.find, None, None, bool(acknowledged))  # read after the write: a new data version
    return _listing(_chosen(found, mission, severity), mission), False, False


@callback(Output("url", "search", allow_duplicate=True), Input("sig-mission", "value"),
          Input("sig-severity", "value"), Input("sig-acknowledged", "value"), State("url", "search"), prevent_initial_call=True)
def filters_to_url(mission: str | None, severity: str | None, acknowledged: bool, search: str | None) -> str:
    return ui.to_url(search, mission=mission, severity=severity, acknowledged="1" if acknowledged else None)



