"""The Dash app: shell (navbar, footer, URL), pages from dashboard/pages, a shared read cache.

`gunicorn dashboard.app:server` serves it; the store is store.resolve_db() ($PEACEPULSE_DB).
"""
from __future__ import annotations

from pathlib import Path

import dash
import dash_bootstrap_components as dbc
import flask
import flask_bootstrap
from dash import dcc, html
from flask import send_from_directory

from dashboard import data
from peacepulse import store

HERE = Path(__file__).parent
NAV = [("Overview", "/"), ("Missions", "/missions"), ("Themes", "/themes"), ("Indicators", "/indicator"),
       ("Data quality", "/quality"), ("Upload", "/upload")]

# Bootstrap's stylesheet comes from the bootstrap-flask package and is served by this app,
# so the dashboard needs no internet access (dbc.themes points at a CDN).
BOOTSTRAP_DIR = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "css"
BOOTSTRAP_URL = "/vendor/bootstrap.min.css"

# Named after the package so the pages import as dashboard.pages.<name>, not as a top-level `pages`.
app = dash.Dash("dashboard", use_pages=True, pages_folder=str(HERE / "pages"), assets_folder=str(HERE / "assets"),
                external_stylesheets=[BOOTSTRAP_URL],
                title="PeacePulse", suppress_callback_exceptions=True, update_title=None)
server = app.server
server.add_url_rule(BOOTSTRAP_URL, "bootstrap_css",
                    lambda: send_from_directory(BOOTSTRAP_DIR, "bootstrap.min.css", max_age=86400))
data.cache.init_app(server)


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
        dbc.Collapse(dbc.Nav([dbc.NavLink(label, href=href, active="exact") for label, href in NAV],
                             navbar=True, className="ms-auto"), id="nav-links", navbar=True, is_open=False),
    ], fluid=True), color="dark", dark=True, expand="lg", className="mb-2", id="navbar")
    footer = html.Footer(dbc.Container(html.Small(
        "PeacePulse performance assessment for peace operations. Synthetic demo data is flagged "
        "in the store and drawn with dashed lines; real series show their source on hover."),
        fluid=True, className="text-muted py-3 border-top mt-4"))
    return html.Div([
        dcc.Location(id="url", refresh="callback-nav"),
        navbar,
        dbc.Container(dash.page_container, fluid=True, id="main"),
        footer,
    ])


app.layout = shell

# Opening and closing the folded menu needs no server round trip.
app.clientside_callback("(n, open) => n ? !open : open", dash.Output("nav-links", "is_open"),
                        dash.Input("nav-toggler", "n_clicks"), dash.State("nav-links", "is_open"))


def main(host: str = "127.0.0.1", port: int = 8050, debug: bool = False) -> None:
    app.run(host=host, port=port, debug=debug)
