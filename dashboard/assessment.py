"""The latest assessment of a theme, as the mission page shows it beside the trends."""
from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import components as ui
from peacepulse.figures import STATUS_LABELS

WORKFLOW = {"draft": "Draft", "submitted": "Submitted", "approved": "Approved"}
ACTION_STATUS = {"not_started": "Not started", "in_progress": "In progress", "constrained": "Constrained",
                 "completed": "Completed", "dropped": "Dropped"}


def card(row: pd.Series | None, recommendations: pd.DataFrame, changes: pd.DataFrame, theme: int) -> html.Div:
    """Rating and computed status side by side, the findings (Markdown, never HTML), the open
    recommendations of the theme (earlier assessments' ones carried over for review), and a warning
    when evidence was revised since approval."""
    if row is None:
        return html.Small("No assessment of this theme yet.", className="text-muted d-block mt-2",
                          id=f"msn-assessment-{theme}")
    computed = row["computed_status"] if row["computed_status"] in STATUS_LABELS else "no_target"
    head = html.Div([
        html.Strong(f"Assessment {row['period']}"), " ",
        dbc.Badge(WORKFLOW.get(row["status"], row["status"]), color="secondary", className="me-2"),
        html.Span("Rated ", className="small"), ui.status_badge(row["rating"]),
        html.Span(" · computed then ", className="small"), ui.status_badge(computed),
        dbc.Badge("synthetic demo assessment", color="light", text_color="dark", className="ms-2 border")
        if row["synthetic"] else None,
    ])
    parts = [head]
    if isinstance(row["reason"], str):
        parts.append(html.Small(f"Why the rating differs: {row['reason']}", className="text-muted d-block"))
    if isinstance(row["findings"], str):
        # dcc.Markdown never renders raw HTML unless told to: findings stay text and Markdown.
        parts.append(dcc.Markdown(row["findings"], className="small mt-1 mb-1", link_target="_blank"))
    if int(row["evidence_changed"]):
        listed = "; ".join(f"{r.indicator} {r.observation_period}: {r.value_at_approval:g} → {r.value_now:g}"
                           for r in changes.itertuples())
        parts.append(dbc.Alert(f"Evidence changed since approval: {listed}", color="warning",
                               className="py-1 px-2 small mb-1", id=f"msn-evidence-changed-{theme}"))
    open_ones = recommendations[recommendations["open"]]
    if not open_ones.empty:
        parts.append(html.Ul([html.Li([
            r.recommendation, html.Small(f" — {r.owner}, due {r.due:%Y-%m-%d}, "
                                         f"{ACTION_STATUS.get(r.status, r.status).lower()}"
                                         + (", overdue" if r.overdue else "")
                                         + (f", carried over from {r.period}" if r.period != row["period"] else ""),
                                         className="text-muted")])
            for r in open_ones.itertuples()], className="small mb-0"))
    return html.Div(parts, className="border-top pt-2 mt-2", id=f"msn-assessment-{theme}")
