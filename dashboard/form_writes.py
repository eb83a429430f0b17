"""Writing from a form through the upload path: the fields become a one-row file of an upload kind, so
every rule a file meets applies, and the problems are said in the form's words (fields, not columns or
lines). A page that shows the past (`as_of` in its address) writes nothing. The write is the logged-in
user's, within what their role and missions allow.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import html

from dashboard import auth
from dashboard.assessment import ACTION_STATUS
from dashboard.data import alert, db, guarded
from peacepulse import ingest
from peacepulse.figures import STATUS_LABELS

_WORDS = {k: v.lower() for k, v in (STATUS_LABELS | ACTION_STATUS).items()}


@dataclass(frozen=True)
class Outcome:
    """What a write from a form did: whether it went in, what to tell the user, which fields to mark."""

    ok: bool
    message: object
    invalid: frozenset[str] = frozenset()


def as_of(search: str | None) -> str | None:
    """The `as_of` date of a page address, if it shows the past."""
    given = parse_qs((search or "").lstrip("?")).get("as_of")
    return given[0] if given else None


def one_row_file(row: dict[str, object]) -> bytes:
    """A CSV file of one row with every cell quoted, so that the commas, quotes, semicolons and line
    breaks people write stay in their cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerows([list(row), ["" if v is None else str(v) for v in row.values()]])
    return out.getvalue().encode("utf-8")


def plain(text: str, fields: dict[str, str]) -> str:
    """A problem of the upload path as a form says it: fields, not columns or lines; statuses in words."""
    if re.fullmatch(r"\w+ is empty; every row needs one\.", text):
        return "This is required."
    text = re.sub(r"in the (\w+) column", lambda m: f"in the {fields.get(m[1], m[1])} field", text)
    text = re.sub(r",? (?:on|at) lines? \d+(?:–\d+)?", "", text)
    return re.sub(r"\b[a-z]+_[a-z]+\b", lambda m: _WORDS.get(m[0], m[0]), text)


def _refused(report: ingest.Report, fields: dict[str, str], alert_id: str) -> Outcome:
    errors = report.problems[report.problems["severity"] == "error"]
    items = [html.Li([html.Strong(f"{fields.get(p.column, 'The form')}: "), plain(p.problem, fields)])
             for p in errors.itertuples()]
    said = dbc.Alert([html.Div("Nothing was saved. Please correct this:"), html.Ul(items, className="mb-0")],
                     color="danger", id=alert_id, className="mt-2")
    return Outcome(False, said, frozenset(errors["column"]))


def write(kind: str, row: dict[str, object], search: str | None, fields: dict[str, str], *, done: str,
          alert_id: str, saved_id: str) -> Outcome:
    """Write `row` as a file of `kind`; `fields` names the form's field for each column, `done` what a
    write did. Problems go in the alert `alert_id`, the success message in `saved_id`."""
    past = as_of(search)
    if past:
        return Outcome(False, alert(f"This page shows the store as it stood on {past}, so nothing can be changed "
                                    "here. Open today's view of the mission to make changes.", alert_id=alert_id))
    name = "form-" + "-".join(str(row[k]) for k in ("mission", "theme", "period")).replace("/", "-") + ".csv"
    report = guarded(ingest.ingest_upload)(db(), name, one_row_file(row), commit=True, kind=kind, origin="form",
                                           permit=auth.current())
    if not isinstance(report, ingest.Report):
        return Outcome(False, report)  # the store could not be used, or an incident: an alert that says so
    if not report.ok:
        return _refused(report, fields, alert_id)
    said = done if report.written else "Nothing changed: it was already saved as it stands"
    notes = [html.Div(f"Note: {plain(p, fields)}", className="small") for p in report.problems["problem"]]
    return Outcome(True, dbc.Alert([said + ".", *notes], color="success", dismissable=True, id=saved_id,
                                   className="py-2 small"))
