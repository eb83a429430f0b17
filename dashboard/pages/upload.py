"""Upload: drop a CSV or .xlsx, read the dry-run report, then commit it to the store.

The file's bytes wait in the browser (a dcc.Store) between the dry run and the commit,
or a second check with another decimal convention, so the server keeps no state between
requests.
"""
from __future__ import annotations

import base64
import binascii

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import auth
from dashboard import components as ui
from dashboard.data import alert, db, guarded, store_problem
from peacepulse import ingest, store
from peacepulse.ingest import problems
from peacepulse.kinds import KINDS
from peacepulse.reads import exporting

dash.register_page(__name__, path="/upload", name="Upload", title="PeacePulse · Upload", order=5)
MAX_BYTES = 20 * 1024 * 1024
SHOWN = 1000  # problem lines sent to the page's table; the downloadable report lists every one
PROBLEM_COLUMNS = [{"field": "line", "maxWidth": 90}, {"field": "column", "maxWidth": 160}, {"field": "rows", "maxWidth": 90},
                   {"field": "problem", "flex": 1, "minWidth": 320, "wrapText": True, "autoHeight": True},
                   {"field": "severity", "maxWidth": 120}]
DECIMALS = {"": "As the file says (a comma in semicolon-separated files, else a point)",
            "comma": "Decimal comma (12,5)", "point": "Decimal point (12.5)"}


def layout(**_) -> html.Div:
    refused = auth.refusal("upload")
    if refused:  # the callbacks refuse it too, whatever a page sends them
        return html.Div([ui.page_title("Upload data", "upl-heading"), ui.empty_state(refused, "upl-refused")])
    if store.current_as_of() is not None:
        return html.Div([ui.page_title("Upload data", "upl-heading"), ui.empty_state(
            "This is a view of the past, which uploads cannot change: go back to today to upload.", "upl-past")])
    return html.Div([
        ui.page_title("Upload data", "upl-heading", "Observations, targets, indicators or missions as CSV "
                      "or .xlsx. You see what would change before anything is written."),
        store_problem(),
        _limits(),
        dcc.Upload(id="upl-file", max_size=-1, multiple=False, className="border border-2 rounded p-4 "
                   "text-center bg-light mb-3", children=html.Div([
                       "Drag and drop a file here, or ", html.A("choose a file", href="#"),
                       html.Div([f"Up to {MAX_BYTES // 2**20} MB; send larger files with ",
                                 html.Code("peacepulse ingest FILE"), "."], className="small text-muted")])),
        dbc.Label("Decimal numbers", html_for="upl-decimal", className="small mb-0"),
        dbc.RadioItems(id="upl-decimal", value="", className="small mb-3",
                       options=[{"label": text, "value": key} for key, text in DECIMALS.items()]),
        _formats(),
        dcc.Loading(html.Div(id="upl-report")),
        dbc.Button("Commit to the store", id="upl-commit", color="primary", disabled=True, className="my-2"),
        dcc.Loading(html.Div(id="upl-result")),
        dcc.Store(id="upl-pending", storage_type="memory"),
    ])


def _limits() -> html.P | None:
    """What this user may not upload, said before they try."""
    permit = auth.current()
    said = ([f"You may upload data of {permit.held_to} only."] if permit.missions else []) + (
        [] if permit.can("catalogue") else ["Indicators and missions files, the catalogue every mission shares, "
                                            "are uploaded by an admin."])
    return html.P(" ".join(said), className="small", id="upl-limits") if said else None


def _csv_link(text: str, label: str, file_name: str, link_id: str) -> html.A:
    """A CSV the browser saves without asking the server again."""
    href = "data:text/csv;charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")
    return html.A(label, href=href, download=file_name, id=link_id, className="btn btn-outline-secondary btn-sm mb-2")


def _formats() -> html.Details:
    """One template per kind of file, made from the kind's own spec, and what each needs."""
    permit = auth.current()
    rows = [html.Tr([html.Td(html.Code(kind.name)), html.Td(", ".join(kind.required)),
                     html.Td(", ".join(kind.optional), className="small"),
                     html.Td(_csv_link(kind.template(), "Template", f"{kind.name}-template.csv",
                                       f"upl-template-{kind.name}"))])
            for kind in KINDS.values() if permit.kind_refusal(kind.name) is None]

    return html.Details([
        html.Summary("File formats and templates", className="mb-2"),
        html.P(["The kind of file is told from its header. Periods are written 2024, 2024-S1, 2024-Q3, 2024-07, "
                "2024-07-15 or FY2024/25. Semicolon-separated files use decimal commas (12,5); others decimal "
                "points (12.5). Each template holds one example row: replace it with your own."],
               className="small text-muted"),
        dbc.Table([html.Thead(html.Tr([html.Th(h) for h in ("kind", "required", "optional", "")])),
                   html.Tbody(rows)], size="sm", responsive=True, className="small")], className="mb-3")


def _full_report(report: ingest.Report) -> html.A:
    """Every problem, one row each, as a CSV the browser saves without asking the server again."""
    return _csv_link(exporting.neutralised(report.problems[problems.REPORT_COLUMNS]).to_csv(index=False),
                     f"Download the full report ({len(report.problems):,} rows, CSV)",
                     f"{report.file_name.rsplit('.', 1)[0]}-problems.csv", "upl-download")


def _report(report: ingest.Report) -> html.Div:
    counts = dbc.Row([ui.headline(label, f"{value:,}", f"upl-{key}") for key, label, value in (
        ("rows", "Rows in file", report.rows), ("new", "New", report.new),
        ("revised", "Revised", report.revised), ("unchanged", "Unchanged", report.unchanged))])
    errors = int((report.problems["severity"] == "error").sum())
    color = "danger" if errors else "warning" if len(report.problems) else "success"
    changes = ([html.H5("What would change", className="mt-2"),
                ui.grid(report.changes, "upl-changes", "upload-changes.csv", height=240)]
               if not report.changes.empty and not report.written else [])
    if report.problems.empty:
        return html.Div([dbc.Alert(report.message, color=color, id="upl-message"), counts, *changes])
    shown = problems.grouped(report.problems)
    more = (html.P(f"Showing the first {SHOWN:,} of {len(shown):,} problems; the report below lists them all.",
                   className="small text-muted", id="upl-more") if len(shown) > SHOWN else None)
    return html.Div([dbc.Alert(report.message, color=color, id="upl-message"), counts, *changes, more,
                     ui.grid(shown.head(SHOWN), "upl-problems", "upload-problems.csv", height=320,
                             columns=PROBLEM_COLUMNS), _full_report(report)])


def _decoded(file_name: str | None, encoded: object) -> bytes | dbc.Alert:
    """The file's bytes, or an alert. The size is told from the base64 text before anything is decoded, so a
    file over the limit is never held twice in the server's memory."""
    if not isinstance(encoded, str):
        return alert("The file could not be read from the browser. Try again.")
    size = len(encoded) * 3 // 4  # what the base64 text decodes to, within two bytes
    if size > MAX_BYTES:
        return alert(f"{file_name} is {size / 2**20:.1f} MB; the limit here is {MAX_BYTES // 2**20} MB. "
                     "Load it with peacepulse ingest FILE instead, which checks it the same way.")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return alert("The file could not be read from the browser. Try again.")


@callback(Output("upl-report", "children"), Output("upl-pending", "data"), Output("upl-commit", "disabled"),
          Output("upl-result", "children"), Output("upl-file", "contents"),
          Input("upl-file", "contents"), Input("upl-decimal", "value"), State("upl-file", "filename"),
          State("upl-pending", "data"), prevent_initial_call=True)
@auth.needs("upload")
def dry_run(contents: str | None, decimal: str | None, file_name: str | None, pending: dict | None = None):
    """Check the dropped file; choosing another decimal convention checks the last file again."""
    if contents:
        file_name, encoded = file_name, contents.split(",", 1)[-1]
    elif pending:
        file_name, encoded = pending["file_name"], pending["content"]
    else:
        raise PreventUpdate
    file_name, decimal = str(file_name or "upload.csv"), decimal if decimal in ("comma", "point") else None
    content = _decoded(file_name, encoded)
    if not isinstance(content, bytes):
        return content, None, True, None, None
    report = guarded(ingest.ingest_upload)(db(), file_name, content, commit=False, decimal=decimal,
                                           permit=auth.current())
    if not isinstance(report, ingest.Report):
        return report, None, True, None, None
    ready = report.ok and report.new + report.revised > 0
    kept = {"file_name": file_name, "content": encoded, "decimal": decimal, "ready": ready}
    return _report(report), kept, not ready, None, None


@callback(Output("upl-result", "children", allow_duplicate=True), Output("upl-pending", "data", allow_duplicate=True),
          Output("upl-commit", "disabled", allow_duplicate=True), Output("upl-report", "children", allow_duplicate=True),
          Input("upl-commit", "n_clicks"), State("upl-pending", "data"), prevent_initial_call=True)
@auth.needs("upload")
def commit(_: int | None, pending: dict | None):
    """Write the checked file; the dry run's report gives way to the result."""
    if not pending or not pending.get("ready"):
        raise PreventUpdate
    content = _decoded(pending.get("file_name"), pending.get("content"))
    if not isinstance(content, bytes):
        return content, None, True, no_update
    decimal = pending.get("decimal") if pending.get("decimal") in ("comma", "point") else None
    report = guarded(ingest.ingest_upload)(db(), str(pending.get("file_name") or "upload.csv"), content, commit=True,
                                           decimal=decimal, permit=auth.current())
    if not isinstance(report, ingest.Report):
        return report, no_update, False, no_update
    if not report.written:
        return html.Div([alert(report.message), _report(report)]), None, True, None
    return dbc.Alert([report.message, " ", dcc.Link("See the overview", href="/"), " · ",
                      dcc.Link("the upload log", href="/quality")], color="success", id="upl-done"), None, True, None
