"""The Dash app: shell (navbar, footer, URL), pages from dashboard/pages, a shared read cache.

`gunicorn dashboard.app:server` serves it; the store is store.resolve_db() ($PEACEPULSE_DB).
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
import flask
import flask_bootstrap
import plotly
from dash import dcc, html
from flask import request, send_from_directory
from werkzeug.exceptions import HTTPException

from dashboard import auth, data, past
from peacepulse import access, incidents, store

log = logging.getLogger(__name__)
# Incidents and store problems go to stderr with their traceback: the terminal of `peacepulse serve`, or
# gunicorn's (--capture-output puts them in its --error-logfile). Logging configured by whoever runs the
# server (gunicorn --log-config, a root handler) is left to do the job instead.
if not logging.getLogger("dashboard").hasHandlers():
    _stderr = logging.StreamHandler()
    _stderr.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("dashboard").addHandler(_stderr)
    logging.getLogger("dashboard").setLevel(logging.INFO)

try:
    SETTINGS = access.from_env()
except access.SettingsError as _err:
    # Said plainly, without a traceback; 4 is gunicorn's code for an app that cannot load, on which it stops
    # instead of starting workers again.
    print(f"peacepulse: the dashboard cannot start. {_err}", file=sys.stderr, flush=True)
    raise SystemExit(4) from None

HERE = Path(__file__).parent
NAV = [("Overview", "/"), ("Missions", "/missions"), ("Themes", "/themes"), ("Indicators", "/indicator"),
       ("Signals", "/signals"), ("Actions", "/actions"), ("Data quality", "/quality"), ("Upload", "/upload"),
       ("Users", "/users")]
# What a link needs, to be shown: others are hidden (and the server refuses what they lead to anyway).
NAV_NEEDS = {"/upload": "upload", "/users": "users"}

# Bootstrap's stylesheet comes from the bootstrap-flask package and is served by this app,
# so the dashboard needs no internet access (dbc.themes points at a CDN).
BOOTSTRAP_DIR = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "css"
BOOTSTRAP_URL = "/vendor/bootstrap.min.css"

# Named after the package so the pages import as dashboard.pages.<name>, not as a top-level `pages`.
app = dash.Dash("dashboard", use_pages=True, pages_folder=str(HERE / "pages"), assets_folder=str(HERE / "assets"),
                external_stylesheets=[BOOTSTRAP_URL],
                title="PeacePulse", suppress_callback_exceptions=True, update_title=None,
                on_error=data.callback_failed)
server = app.server
server.config.update(auth.flask_config(SETTINGS))
# The largest request the server reads: an upload's check sends the file twice, base64-encoded (a third
# larger), with room to spare, so that the upload page's own check speaks for any file near its limit.
from dashboard.pages import upload as upload_page  # noqa: E402 - a page imports only once the app exists

server.config["MAX_CONTENT_LENGTH"] = 4 * upload_page.MAX_BYTES
auth.install(app)  # before the other request hooks: a request that is refused opens nothing
for _page in dash.page_registry.values():  # every page, whether or not its module guards its layout
    if callable(_page["layout"]):
        _page["layout"] = data.page(_page["layout"])
server.add_url_rule(BOOTSTRAP_URL, "bootstrap_css",
                    lambda: send_from_directory(BOOTSTRAP_DIR, "bootstrap.min.css", max_age=86400))
data.cache.init_app(server)


@server.errorhandler(Exception)
def _failed(err: Exception):
    """Anything Dash's callback handling does not catch (a request it cannot take, an output it cannot send):
    the incident's message in the page's message area, or as a short page, never Flask's error page."""
    if isinstance(err, HTTPException):
        return err
    incident = incidents.record(log, f"request {request.method} {request.path}", err)
    message = data.FAILED.format(incident=incident)
    if request.path.endswith("/_dash-update-component"):  # the answer a callback gives, with no output changed
        side = {data.MESSAGES: {"children": data.alert(message, alert_id="incident").to_plotly_json()}}
        return json.dumps({"multi": True, "response": {}, "sideUpdate": side}, cls=plotly.utils.PlotlyJSONEncoder), \
            200, {"Content-Type": "application/json"}
    return message, 500, {"Content-Type": "text/plain; charset=utf-8"}


# The reads of one request share one read-only connection, closed when the request ends.
@server.before_request
def _share_reads() -> None:
    flask.g.pp_reads = store.shared_reads().__enter__()


@server.teardown_request
def _end_reads(_: BaseException | None) -> None:
    reads = flask.g.pop("pp_reads", None)
    if reads is not None:
        reads.__exit__(None, None, None)


def shell() -> html.Div:
    # Below Bootstrap's lg width the links fold behind a toggler, so a phone keeps its screen.
    navbar = dbc.Navbar(dbc.Container([
        dbc.NavbarBrand("PeacePulse", href="/"),
        dbc.NavbarToggler(id="nav-toggler", n_clicks=0),
        dbc.Collapse([dbc.Nav([dbc.NavLink(label, href=href, active="exact", id=f"nav-{i}",
                                           className=None if auth.can(NAV_NEEDS.get(href, "")) else "d-none")
                               for i, (label, href) in enumerate(NAV)], navbar=True, className="ms-auto"),
                      html.Div(past.picker(), className="ms-lg-3 my-2 my-lg-0"), auth.menu()],
                     id="nav-links", navbar=True, is_open=False),
    ], fluid=True), color="dark", dark=True, expand="lg", className="mb-2", id="navbar")
    footer = html.Footer(dbc.Container(html.Small(
        "PeacePulse performance assessment for peace operations. Synthetic demo data is flagged "
        "in the store and drawn with dashed lines; real series show their source on hover."),
        fluid=True, className="text-muted py-3 border-top mt-4"))
    return html.Div([
        dcc.Location(id="url", refresh="callback-nav"),
        navbar,
        dbc.Container([html.Div(id=past.BANNER), html.Div(id=data.MESSAGES), dash.page_container],
                      fluid=True, id="main"),
        footer,
    ])


app.layout = shell

# An alert from a failed callback belongs to the page it happened on.
app.clientside_callback("() => null", dash.Output(data.MESSAGES, "children"), dash.Input("url", "pathname"),
                        prevent_initial_call=True)
past.register(app, [href for _, href in NAV])
# Opening and closing the folded menu needs no server round trip.
app.clientside_callback("(n, open) => n ? !open : open", dash.Output("nav-links", "is_open"),
                        dash.Input("nav-toggler", "n_clicks"), dash.State("nav-links", "is_open"))


def main(host: str = "127.0.0.1", port: int = 8050, debug: bool = False) -> None:
    app.run(host=host, port=port, debug=debug)
