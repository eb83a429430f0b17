"""The mission page's assessment form: create and edit a theme's assessment, move it through its workflow,
add recommendations and update their status.

The form writes through the upload path: its fields become a one-row file of the assessments or
recommendations kind, so every rule a file meets applies to it too, and each problem is shown with the
field it concerns. Nothing is kept on the server between requests: what the form was opened on travels
in the page. A page showing the past (`as_of` in its address) offers no form, and the callbacks refuse
to write for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import assessment, auth
from dashboard import components as ui
from dashboard.data import db, load
from dashboard.form_writes import Outcome, write
from peacepulse import store
from peacepulse.figures import STATUS_LABELS
from peacepulse.kinds.assessments import RATINGS
from peacepulse.kinds.periods import FORMS
from peacepulse.reads import assessments, queries

# The form's field for each column of the file, as the problems name them.
ASSESSMENT_FIELDS = {"period": "Period", "rating": "Rating", "findings": "Findings", "reason": "Reason",
                     "participants": "Participants", "evidence": "Evidence", "comment": "Comment",
                     "status": "Workflow step", "mission": "Mission", "theme": "Theme"}
RECOMMENDATION_FIELDS = {"recommendation": "Recommendation", "owner": "Owner", "due": "Due date",
                         "status": "Status", "update": "Progress update", "period": "Period",
                         "mission": "Mission", "theme": "Theme"}
MARKED = ("period", "reason", "findings", "participants", "comment")  # assessment fields that can show as invalid
REC_MARKED = ("recommendation", "owner", "due")
STEPS = {"asf-draft": "draft", "asf-submit": "submitted", "asf-approve": "approved", "asf-back": "draft"}
DONE = {"draft": "saved as a draft", "submitted": "submitted for approval",
        "approved": "approved; the evidence values as they stand were recorded"}


def current_period(cycle: str | None, today: date | None = None) -> str:
    """The assessment period a cycle (year, half or quarter) is in on `today`."""
    today = today or date.today()
    if cycle == "half":
        return f"{today.year}-S{1 + (today.month > 6)}"
    if cycle == "quarter":
        return f"{today.year}-Q{(today.month + 2) // 3}"
    return str(today.year)


def write_assessment(mission: str, theme: int, values: dict, step: str, search: str | None,
                     source: str | None = None) -> Outcome:
    """The assessment as the form gives it, at workflow step `step` (draft, submitted or approved)."""
    evidence = values.get("evidence") or []
    row = {"mission": mission, "theme": theme, "period": values.get("period"), "rating": values.get("rating"),
           "findings": values.get("findings"), "reason": values.get("reason"), "status": step,
           "participants": values.get("participants"), "evidence": ";".join(evidence),
           "comment": values.get("comment"), "source": source}
    return write("assessments", row, search, ASSESSMENT_FIELDS, alert_id="asf-problems", saved_id=f"asf-saved-{theme}",
                 done=f"The assessment {row['period']} of theme {theme} was {DONE[step]}")


def write_recommendation(mission: str, theme: int, values: dict, search: str | None,
                         source: str | None = None) -> Outcome:
    row = {"mission": mission, "theme": theme, "period": values.get("period"),
           "recommendation": values.get("recommendation"), "owner": values.get("owner"), "due": values.get("due"),
           "status": values.get("status"), "update": values.get("update"), "source": source}
    status = assessment.ACTION_STATUS.get(row["status"] or "not_started", row["status"])
    return write("recommendations", row, search, RECOMMENDATION_FIELDS, alert_id="asf-rec-problems",
                 saved_id=f"asf-saved-{theme}",
                 done=f"The recommendation '{row['recommendation']}' was saved ({status.lower()})")


@dataclass(frozen=True)
class Form:
    """The form for one mission: the button in each theme's assessment card, and the dialog they open.
    A page drawn as of a past moment can change nothing, so it gets neither; nor does a user whose role or
    missions do not allow changing this mission's assessments."""

    mission: str
    cycle: str | None = None
    writable: bool | None = None

    def __post_init__(self) -> None:
        if self.writable is None:
            allowed = store.current_as_of() is None and auth.can("assess", self.mission)
            object.__setattr__(self, "writable", allowed)

    def section(self, n: int, row: pd.Series | None, recs: pd.DataFrame, changes: pd.DataFrame,
                note: object = None) -> html.Div:
        current, buttons = current_period(self.cycle), []
        if self.writable and row is not None:
            buttons.append(_open(n, "edit", f"Edit {row['period']}"))
        if self.writable and (row is None or row["period"] != current):
            buttons.append(_open(n, "new", "Assess this theme" if row is None else f"Assess {current}"))
        return html.Div([note, assessment.card(row, recs, changes, n), html.Div(buttons, className="mt-2")],
                        id={"type": "asf-section", "theme": int(n)})

    def modal(self) -> html.Div | None:
        if not self.writable:
            return None
        return html.Div([dcc.Store(id="asf-context", data={"mission": self.mission, "cycle": self.cycle}),
                         dbc.Modal([dbc.ModalHeader(dbc.ModalTitle(id="asf-title")), dbc.ModalBody(id="asf-body")],
                                   id="asf-modal", is_open=False, size="lg", scrollable=True,
                                   backdrop="static")])


def _open(n: int, mode: str, text: str) -> dbc.Button:
    return dbc.Button(text, id={"type": "asf-open", "theme": int(n), "mode": mode}, size="sm", color="primary",
                      outline=True, className="me-2")


def _field(label: str, control, help_text: str | None = None, for_id: str | None = None) -> html.Div:
    return html.Div([dbc.Label(label, html_for=for_id or control.id, className="mb-0 small fw-semibold"), control,
                     html.Small(help_text, className="text-muted") if help_text else None], className="mb-2")


def _area(area_id: str, rows: int = 2, value: str = "") -> dbc.Textarea:
    """A text area in which Enter starts a new line."""
    return dbc.Textarea(id=area_id, rows=rows, value=value, submit_on_enter=False)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _assessment_part(row: pd.Series | None, period: str, computed: str, indicators: pd.DataFrame) -> list:
    chosen = [c for c in _text(row["evidence"]).split(";") if c] if row is not None else []
    with_data = indicators.iloc[indicators["n_points"].isna().argsort(kind="stable")]  # those with data first
    options = [{"label": f"{r.name} ({r.code})" + ("" if pd.notna(r.n_points) else " · no data"), "value": r.code}
               for r in with_data.itertuples()]
    options += [{"label": code, "value": code} for code in chosen if code not in set(indicators["code"])]

    def kept(column: str) -> str:
        return _text(row[column]) if row is not None else ""
    rating = row["rating"] if row is not None else (computed if computed in RATINGS else None)
    status = row["status"] if row is not None else None
    state = (f"{assessment.WORKFLOW.get(status, status)}, revision {row['revision']}" if row is not None
             else "New assessment: nothing saved yet")
    return [
        html.P([html.Strong("Now: "), state, html.Span(" · computed from the indicators now: ", className="small"),
                ui.status_badge(computed if computed in STATUS_LABELS else "no_data")], id="asf-state"),
        dbc.Row([dbc.Col(_field("Period", dbc.Input(id="asf-period", value=period),
                                f"Written {FORMS}."), md=4),
                 dbc.Col(_field("Rating", dbc.RadioItems(id="asf-rating", value=rating, inline=True, options=[
                     {"label": STATUS_LABELS[r], "value": r} for r in RATINGS])), md=8)]),
        _field("Reason", dbc.Input(id="asf-reason", value=kept("reason")),
               "Needed when the rating differs from the status computed from the indicators."),
        _field("Findings", _area("asf-findings", 5, kept("findings")),
               "Markdown: **bold**, lists, links. HTML is shown as text."),
        _field("Participants", dbc.Input(id="asf-participants", value=kept("participants")),
               "Who took part, e.g. Civil affairs; Force; Human rights."),
        _field("Evidence", html.Div(dbc.Checklist(id="asf-evidence", options=options, value=chosen),
                                    style={"maxHeight": "12rem", "overflowY": "auto"}, className="border rounded p-2"),
               "The indicators this assessment rests on; their values are recorded at approval.", "asf-evidence"),
        _field("Comment", _area("asf-comment"),
               "Needed to send an assessment back to draft, or to change an approved one."),
        html.Div([dbc.Button("Save draft", id="asf-draft", color="secondary", className="me-2"),
                  dbc.Button("Submit", id="asf-submit", color="primary", className="me-2"),
                  dbc.Button("Approve", id="asf-approve", color="success", className="me-2"),
                  dbc.Button("Send back to draft", id="asf-back", color="warning",
                             disabled=status not in ("submitted", "approved"))]),
        html.Div(id="asf-feedback"),
    ]


def _recommendation_part(recs: pd.DataFrame) -> list:
    picks = [{"label": "A new recommendation", "value": "new"}] + [
        {"label": f"{r.recommendation} ({r.period}, {assessment.ACTION_STATUS.get(r.status, r.status).lower()})",
         "value": str(i)} for i, r in enumerate(recs.itertuples())]
    kept = [{"period": r.period, "recommendation": r.recommendation, "owner": r.owner,
             "due": f"{r.due:%Y-%m-%d}" if pd.notna(r.due) else "", "status": r.status,
             "source": r.source if isinstance(r.source, str) else None} for r in recs.itertuples()]
    statuses = [{"label": text, "value": key} for key, text in assessment.ACTION_STATUS.items()]
    return [
        html.Hr(), html.H5("Recommendations", className="h6"),
        _field("Recommendation to add or update", dbc.Select(id="asf-rec-pick", options=picks, value="new")),
        _field("Recommendation", _area("asf-rec-text"),
               "A new one belongs to the assessment period above."),
        dbc.Row([dbc.Col(_field("Owner", dbc.Input(id="asf-rec-owner", value="")), md=5),
                 dbc.Col(_field("Due date", dbc.Input(id="asf-rec-due", type="date", value="")), md=3),
                 dbc.Col(_field("Status", dbc.Select(id="asf-rec-status", options=statuses, value="not_started")),
                         md=4)]),
        _field("Progress update", _area("asf-rec-update"),
               "Kept with its date in the recommendation's history."),
        dbc.Button("Save recommendation", id="asf-rec-save", color="primary"),
        html.Div(id="asf-rec-feedback"), dcc.Store(id="asf-recs", data=kept),
    ]


def form_body(context: dict, n: int, mode: str) -> tuple[str, list]:
    """The dialog's title and fields for theme `n`: prefilled from its latest assessment ('edit'), or a new
    one for the current period ('new')."""
    code = context["mission"]
    latest = load(assessments.latest, code).set_index("theme")
    row = latest.loc[n] if mode == "edit" and n in latest.index else None
    period = row["period"] if row is not None else current_period(context.get("cycle"))
    cells = load(queries.scorecard)
    cell = cells[(cells["mission"] == code) & (cells["theme"] == n)]["status"]
    indicators = load(queries.mission_indicators, code)
    recs = load(assessments.recommendations, code)
    titles = load(queries.themes).set_index("number")["title"]
    loaded = {"period": period, "source": row["source"] if row is not None and isinstance(row["source"], str) else None}
    body = [*_assessment_part(row, period, cell.iloc[0] if not cell.empty else "no_data",
                              indicators[indicators["theme"] == n]),
            *_recommendation_part(recs[recs["theme"] == n]),
            dcc.Store(id="asf-theme", data=n), dcc.Store(id="asf-loaded", data=loaded)]
    return f"{code} · Theme {n}: {titles.get(n, '')}", body


def _redrawn(context: dict, theme: int, sections: list[dict], note: object) -> list:
    """The assessment cards after a write: the one of `theme` read again, with the note; others as they are."""
    code = context["mission"]
    latest = assessments.latest(db(), code).set_index("theme")
    recs, changes = assessments.recommendations(db(), code), assessments.evidence_changes(db(), code)
    form = Form(code, context.get("cycle"))
    row = latest.loc[theme] if theme in latest.index else None
    card = form.section(theme, row, recs[recs["theme"] == theme], changes[changes["theme"] == theme], note)
    return [card.children if s["theme"] == theme else no_update for s in sections]


def _clicked() -> None:
    if not ctx.triggered_id or not ctx.triggered[0]["value"]:
        raise PreventUpdate


@callback(Output("asf-modal", "is_open"), Output("asf-title", "children"), Output("asf-body", "children"),
          Input({"type": "asf-open", "theme": ALL, "mode": ALL}, "n_clicks"), State("asf-context", "data"),
          prevent_initial_call=True)
@auth.needs("assess")
def open_form(_: list, context: dict) -> tuple:
    _clicked()
    return True, *form_body(context, ctx.triggered_id["theme"], ctx.triggered_id["mode"])


@callback(Output("asf-feedback", "children"), *[Output(f"asf-{f}", "invalid") for f in MARKED],
          Output("asf-modal", "is_open", allow_duplicate=True),
          Output({"type": "asf-section", "theme": ALL}, "children", allow_duplicate=True),
          *[Input(button, "n_clicks") for button in STEPS],
          State("asf-context", "data"), State("asf-theme", "data"), State("asf-loaded", "data"), State("url", "search"),
          State({"type": "asf-section", "theme": ALL}, "id"),
          *[State(f"asf-{f}", "value") for f in ("period", "rating", "findings", "reason", "participants",
                                                 "evidence", "comment")],
          prevent_initial_call=True)
@auth.needs("assess")
def save_assessment(_draft, _submit, _approve, _back, context: dict, theme: int, loaded: dict, search: str,
                    sections: list[dict], period, rating, findings, reason, participants, evidence, comment) -> tuple:
    _clicked()
    values = {"period": period, "rating": rating, "findings": findings, "reason": reason,
              "participants": participants, "evidence": evidence, "comment": comment}
    source = loaded["source"] if (period or "").strip() == loaded["period"] else None
    outcome = write_assessment(context["mission"], theme, values, STEPS[ctx.triggered_id], search, source)
    if not outcome.ok:
        return outcome.message, *[f in outcome.invalid for f in MARKED], no_update, [no_update] * len(sections)
    return None, *[False] * len(MARKED), False, _redrawn(context, theme, sections, outcome.message)


@callback(Output("asf-rec-text", "value"), Output("asf-rec-text", "disabled"), Output("asf-rec-owner", "value"),
          Output("asf-rec-due", "value"), Output("asf-rec-status", "value"), Output("asf-rec-update", "value"),
          Input("asf-rec-pick", "value"), State("asf-recs", "data"), prevent_initial_call=True)
@auth.needs("assess")
def pick_recommendation(pick: str | None, recs: list[dict]) -> tuple:
    """An existing recommendation fills the fields; its text is its name, so it stays as it is."""
    if not pick or pick == "new":
        return "", False, "", "", "not_started", ""
    r = recs[int(pick)]
    return r["recommendation"], True, r["owner"], r["due"], r["status"], ""


@callback(Output("asf-rec-feedback", "children"), *[Output(f"asf-rec-{f}", "invalid") for f in ("text", "owner", "due")],
          Output("asf-modal", "is_open", allow_duplicate=True),
          Output({"type": "asf-section", "theme": ALL}, "children", allow_duplicate=True),
          Input("asf-rec-save", "n_clicks"), State("asf-context", "data"), State("asf-theme", "data"),
          State("url", "search"), State({"type": "asf-section", "theme": ALL}, "id"),
          State("asf-period", "value"), State("asf-rec-pick", "value"), State("asf-recs", "data"),
          *[State(f"asf-rec-{f}", "value") for f in ("text", "owner", "due", "status", "update")],
          prevent_initial_call=True)
@auth.needs("assess")
def save_recommendation(_, context: dict, theme: int, search: str, sections: list[dict], period, pick, recs,
                        text, owner, due, status, update) -> tuple:
    _clicked()
    picked = recs[int(pick)] if pick and pick != "new" else None
    values = {"period": picked["period"] if picked else period, "recommendation": text, "owner": owner,
              "due": due, "status": status, "update": update}
    outcome = write_recommendation(context["mission"], theme, values, search, picked["source"] if picked else None)
    if not outcome.ok:
        return outcome.message, *[f in outcome.invalid for f in REC_MARKED], no_update, [no_update] * len(sections)
    return None, False, False, False, False, _redrawn(context, theme, sections, outcome.message)
