"""Data quality: coverage, stale series, outliers and the log of uploads."""
from __future__ import annotations

import dash
from dash import Input, Output, State, callback, html

from dashboard import components as ui
from dashboard.data import guarded, load
from peacepulse import figures, outliers
from peacepulse.reads import quality, queries

dash.register_page(__name__, path="/quality", name="Data quality", title="PeacePulse · Data quality", order=4)


def _rules() -> str:
    cycles = load(quality.reporting_cycles)
    return "; ".join(f"{r.period_type.replace('_', ' ')} {r.days} days + {r.grace_days}" for r in cycles.itertuples())


@guarded
def layout(active: str | None = None, **_) -> html.Div:
    only_active = ui.active_only(active)
    missions = load(queries.missions, None, True)["code"].tolist() if only_active else None
    coverage, stale, flagged = load(quality.coverage, missions), load(quality.stale), load(quality.outliers)
    cov = (ui.graph(figures.coverage_heatmap(coverage), "q-coverage") if not coverage.empty
           else ui.empty_state("No data yet: coverage appears after the first upload of observations.", "q-empty"))
    return html.Div([
        ui.page_title("Data quality", "q-heading", "How complete, current and plausible the data in the store is."),
        html.H4("Coverage"),
        ui.active_switch("q-active", only_active),
        html.P("Periods each mission reported for an indicator, out of the periods it should have: those of the "
               "indicator's period type within the mission's life, from the later of its start and the "
               "indicator's first value anywhere, up to the last period that has ended by today or by the "
               "mission's end.", className="text-muted small", id="q-coverage-rule"),
        cov,
        html.H4("Stale series", className="mt-4"),
        html.P(f"A series is stale when its newest value ended longer ago than its period type allows, plus "
               f"grace for late reporting ({_rules()}), counted to today: the rule behind the stale mark of "
               "every status. A mission that has ended stops reporting, so its series are never stale.",
               className="text-muted small"),
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


@callback(Output("url", "search", allow_duplicate=True), Input("q-active", "value"), State("url", "search"),
          prevent_initial_call=True)
def controls_to_url(active: bool, search: str | None) -> str:
    return ui.to_url(search, active=None if active else "0")
