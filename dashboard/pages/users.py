"""Users: who may log in, with which role and missions; an admin adds and removes them (with login on).

The same users file as `peacepulse users`, changed under its lock, so a change made here and one made at
the command line at the same moment cannot undo each other.
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import auth
from dashboard import components as ui
from dashboard.data import alert, db, guarded, load
from peacepulse.access import Role, UsersError, users
from peacepulse.reads import queries

dash.register_page(__name__, path="/users", name="Users", title="PeacePulse · Users", order=9)


def _listing() -> html.Div:
    found = sorted(users.load(users.path_for(db())).values(), key=lambda u: u.name.casefold())
    me = auth.current().user.casefold()
    rows = [html.Tr([html.Td(u.name), html.Td(u.role.value), html.Td(u.described()), html.Td(
        dcc.ConfirmDialogProvider(dbc.Button("Remove", size="sm", color="danger", outline=True),
                                  id={"type": "usr-remove", "name": u.name},
                                  message=f"Remove {u.name}? They can no longer log in, and their sessions end.")
        if u.name.casefold() != me else html.Small("you", className="text-muted"))], id=f"usr-row-{u.name}")
        for u in found]
    return html.Div(dbc.Table([html.Thead(html.Tr([html.Th(h) for h in ("name", "role", "missions", "")])),
                               html.Tbody(rows)], size="sm", className="small", id="usr-table"))


def _form() -> dbc.Card:
    missions = load(queries.missions)["code"].tolist()
    return dbc.Card(dbc.CardBody([
        html.H2("Add a user", className="h6"),
        dbc.Row([
            dbc.Col([dbc.Label("User name", html_for="usr-name", className="small mb-0"),
                     dbc.Input(id="usr-name", autocomplete="off")], md=3),
            dbc.Col([dbc.Label("Role", html_for="usr-role", className="small mb-0"),
                     dbc.Select(id="usr-role", value=Role.VIEWER.value,
                                options=[{"label": r.value, "value": r.value} for r in Role])], md=2),
            dbc.Col([dbc.Label("Missions (editors only; none: every mission)", html_for="usr-missions",
                               className="small mb-0"),
                     dcc.Dropdown(id="usr-missions", options=missions, multi=True)], md=4),
            dbc.Col([dbc.Label("Password", html_for="usr-password", className="small mb-0"),
                     dbc.Input(id="usr-password", type="password", autocomplete="new-password")], md=3),
        ], className="g-2 mb-2"),
        dbc.Button("Add user", id="usr-add", color="primary"), html.Div(id="usr-feedback", className="mt-2")]),
        className="mb-3")


@guarded
def layout(**_) -> html.Div:
    title = ui.page_title("Users", "usr-heading", "Who may log in, and what each may do: a viewer sees the "
                          "dashboards; an editor also uploads data, makes assessments and acknowledges signals, "
                          "for every mission or only those named; an admin also changes the catalogue "
                          "(indicators and missions) and manages users.")
    refused = auth.refusal("users")
    if refused:
        return html.Div([title, ui.empty_state(refused, "usr-refused")])
    return html.Div([title, _form(), html.Div(_listing(), id="usr-listing")])


@callback(Output("usr-feedback", "children"), Output("usr-listing", "children"), Output("usr-password", "value"),
          Input("usr-add", "n_clicks"), State("usr-name", "value"), State("usr-role", "value"),
          State("usr-missions", "value"), State("usr-password", "value"), prevent_initial_call=True)
@auth.needs("users")
def add(clicks: int | None, name: str | None, role: str | None, missions: list[str] | None,
        password: str | None) -> tuple:
    if not clicks:
        raise PreventUpdate
    try:
        user = users.add(users.path_for(db()), name or "", role or "", password or "", missions or [])
    except (UsersError, ValueError) as err:  # ValueError: a role that is none of the three
        said = str(err) if isinstance(err, UsersError) else f"'{role}' is not a role: choose viewer, editor or admin."
        return alert(said, "warning", "usr-problem"), no_update, no_update
    done = dbc.Alert(f"Added {user.name}, {user.role.value} for {user.described()}.", color="success", id="usr-added",
                     className="py-2 small")
    return done, _listing(), ""


@callback(Output("usr-feedback", "children", allow_duplicate=True), Output("usr-listing", "children", allow_duplicate=True),
          Input({"type": "usr-remove", "name": ALL}, "submit_n_clicks"), prevent_initial_call=True)
@auth.needs("users")
def remove(clicks: list[int | None]) -> tuple:
    if not ctx.triggered_id or not any(clicks):
        raise PreventUpdate
    name = str(ctx.triggered_id["name"])
    if name.casefold() == auth.current().user.casefold():
        return alert("You cannot remove yourself here: another admin, or `peacepulse users remove`, can.", "warning",
                     "usr-problem"), no_update
    try:
        user = users.remove(users.path_for(db()), name)
    except UsersError as err:
        return alert(str(err), "warning", "usr-problem"), _listing()
    return dbc.Alert(f"Removed {user.name}.", color="success", id="usr-removed", className="py-2 small"), _listing()
