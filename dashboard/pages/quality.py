"""Data quality: coverage, stale series, outliers and the log of uploads."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from dashboard import components as ui
from dashboard.data import guarded, load
from peacepulse import figures, outliers
from peacepulse.reads import quality, queries

dash.register_page(__name__, path="/quality", name="Data quality", title="PeacePulse · Data quality", order=4)
REFERENCES = {"latest": "the latest period in the store", "today": "today"}


def _rules() -> str:
    cycles = load(quality.reporting_cycles)
    return "; ".join(f"{r.period_type.replace('_', ' ')} {r.days} days + {r.grace_days}" for r in cycles.itertuples())


@guarded
def layout(ref: str = "latest", active: str | None = None, **_) -> html.Div:
    ref = ref if ref in REFERENCES else "latest"
    only_active = ui.active_only(active)
    missions = load(queries.missions, None, True)["code"].tolist() if only_active else None
    coverage, stale, flagged = load(quality.coverage, missions), load(quality.stale, ref), load(quality.outliers)
    cov = (ui.graph(figures.coverage_heatmap(coverage), "q-coverage") if not coverage.empty
           else ui.empty_state("No data yet: coverage appears after the first upload of observations.", "q-empty"))
    return html.Div([
        ui.page_title("Data quality", "q-heading", "How complete, current and plausible the data in the store is."),
        html.H4("Coverage"),
        ui.active_switch("q-active", only_active),
        html.P("Periods each mission reported for an indicator, out of the periods any of these missions "
               "reported for it.", className="text-muted small"),
        cov,
        html.H4("Stale series", className="mt-4"),
        dbc.RadioItems(id="q-ref", value=ref, inline=True, className="mb-2", options=[
            {"label": f"Age relative to {text}", "value": key} for key, text in REFERENCES.items()]),
        html.P(f"A series of an active mission is stale when its newest value ended longer ago than its "
               f"period type allows, plus grace for late reporting ({_rules()}).", className="text-muted small"),
        ui.grid(stale, "q-stale", "stale-series.csv", height=300) if not stale.empty
        else html.P("No stale series.", className="text-muted"),
        html.H4("Outliers", className="mt-4"),
        html.P(f"Values far from their neighbours: |x − median| / scale above {outliers.THRESHOLD:g}, where the "
               f"median and the scale (1.4826 · MAD, at least {outliers.REL_FLOOR:.0%} of the median and at least "
               f"{outliers.ABS_FLOOR:g}) come from up to {outliers.NEIGHBOURS} periods either side in the same "
               f"series, in series of at least {outliers.MIN_POINTS} points. Check them at the source; they are "
               "not removed.", className="text-muted small"),
        ui.grid(flagged, "q-outliers", "outliers.csv", height=300) if not flagged.empty
        else html.P("No outliers found.", className="text-muted"),
        html.H4("Uploads", className="mt-4"),
        ui.grid(load(quality.batches), "q-batches", "uploads.csv", height=300),
    ])


@callback(Output("url", "search", allow_duplicate=True), Input("q-ref", "value"), Input("q-active", "value"),
          prevent_initial_call=True)
def controls_to_url(ref: str, active: bool) -> str:
    return ui.query(ref=None if ref == "latest" else ref, active=None if active else "0")
