"""Upload: drop a CSV or .xlsx, read the dry-run report, then commit it to the store.

The file's bytes wait in the browser (a dcc.Store) between the dry run and the commit,
so the server keeps no state between requests.
"""
from __future__ import annotations

import base64
import binascii

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import components as ui
from dashboard.data import alert, db, guarded
from peacepulse import ingest

dash.register_page(__name__, path="/upload", name="Upload", title="PeacePulse · Upload", order=5)
MAX_BYTES = 20 * 1024 * 1024
SHOWN = 1000  # problems sent to the browser; the CLI's --report lists them all
PROBLEM_COLUMNS = [{"field": "line", "maxWidth": 90}, {"field": "column"}, {"field": "value"},
                   {"field": "problem", "flex": 1, "minWidth": 320, "wrapText": True, "autoHeight": True},
                   {"field": "severity", "maxWidth": 120}]


def layout(**_) -> html.Div:
    return html.Div([
        ui.page_title("Upload data", "upl-heading", "Observations, targets, indicators or missions as CSV "
                      "or .xlsx. You see what would change before anything is written."),
        dcc.Upload(id="upl-file", max_size=-1, multiple=False, className="border border-2 rounded p-4 "
                   "text-center bg-light mb-3", children=html.Div([
                       "Drag and drop a file here, or ", html.A("choose a file", href="#"),
                       html.Div([f"Up to {MAX_BYTES // 2**20} MB; send larger files with ",
                                 html.Code("peacepulse ingest FILE"), "."], className="small text-muted")])),
        dcc.Loading(html.Div(id="upl-report")),
        dbc.Button("Commit to the store", id="upl-commit", color="primary", disabled=True, className="my-2"),
        dcc.Loading(html.Div(id="upl-result")),
        dcc.Store(id="upl-pending", storage_type="memory"),
    ])


def _report(report: ingest.Report) -> html.Div:
    counts = dbc.Row([ui.headline(label, f"{value:,}", f"upl-{key}") for key, label, value in (
        ("rows", "Rows in file", report.rows), ("new", "New", report.new),
        ("revised", "Revised", report.revised), ("unchanged", "Unchanged", report.unchanged))])
    errors = int((report.problems["severity"] == "error").sum())
    color = "danger" if errors else "warning" if len(report.problems) else "success"
    problems = (ui.grid(report.problems.head(SHOWN), "upl-problems", "upload-problems.csv", height=320,
                        columns=PROBLEM_COLUMNS) if len(report.problems) else None)
    more = (html.P([f"Showing the first {SHOWN:,} of {len(report.problems):,} problems. ",
                    html.Code("peacepulse ingest FILE --dry-run --report problems.csv"), " lists them all."],
                   className="small text-muted", id="upl-more") if len(report.problems) > SHOWN else None)
    return html.Div([dbc.Alert(report.message, color=color, id="upl-message"), counts, problems, more])


@callback(Output("upl-report", "children"), Output("upl-pending", "data"), Output("upl-commit", "disabled"),
          Output("upl-result", "children"), Output("upl-file", "contents"),
          Input("upl-file", "contents"), State("upl-file", "filename"), prevent_initial_call=True)
def dry_run(contents: str | None, file_name: str | None):
    if not contents:
        raise PreventUpdate
    try:
        content = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, binascii.Error):
        return alert("The file could not be read from the browser. Try again."), None, True, None, None
    if len(content) > MAX_BYTES:
        return alert(f"{file_name} is {len(content) / 2**20:.1f} MB; the limit here is {MAX_BYTES // 2**20} MB. "
                     "Load it with peacepulse ingest FILE instead, which checks it the same way."), \
            None, True, None, None
    report = guarded(ingest.ingest_upload)(db(), file_name, content, commit=False)
    if not isinstance(report, ingest.Report):
        return report, None, True, None, None
    ready = report.ok and report.new + report.revised > 0
    pending = {"file_name": file_name, "content": contents.split(",", 1)[1]} if ready else None
    return _report(report), pending, not ready, None, None


@callback(Output("upl-result", "children", allow_duplicate=True), Output("upl-pending", "data", allow_duplicate=True),
          Output("upl-commit", "disabled", allow_duplicate=True), Input("upl-commit", "n_clicks"),
          State("upl-pending", "data"), prevent_initial_call=True)
def commit(_: int | None, pending: dict | None):
    if not pending:
        raise PreventUpdate
    content = base64.b64decode(pending["content"])
    report = guarded(ingest.ingest_upload)(db(), pending["file_name"], content, commit=True)
    if not isinstance(report, ingest.Report):
        return report, no_update, False
    if not report.written:
        return html.Div([alert(report.message), _report(report)]), None, True
    return dbc.Alert([report.message, " ", dcc.Link("See the overview", href="/"), " · ",
                      dcc.Link("the upload log", href="/quality")], color="success", id="upl-done"), None, True
