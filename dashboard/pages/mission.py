"""Mission: one trend panel per theme with baselines, targets and the status of each indicator."""
from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, ctx, dcc, html

from dashboard import assessment_form, briefing
from dashboard import components as ui
from dashboard.data import figure, guarded, load
from peacepulse import figures
from peacepulse.figures import trends
from peacepulse.reads import assessments, queries

dash.register_page(__name__, path="/mission", name="Mission", title="PeacePulse · Mission", order=1)


def _int(text: object, default: int | None = None) -> int | None:
    try:
        return int(str(text))
    except ValueError:
        return default


def fmt(value: float | None, unit: str = "") -> str:
    if value is None or pd.isna(value):
        return "–"
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{number} {unit}".strip()


def _marks(lo: int, hi: int) -> dict[int, str]:
    """Four or so year marks that never crowd the last one."""
    step = max(1, (hi - lo) // 3)
    return {y: str(y) for y in range(lo, hi + 1, step) if hi - y >= step} | {hi: str(hi)}


def _controls(code: str | None, theme: int | None, show_all: bool, real: bool, years, bounds) -> dbc.Row:
    missions = load(queries.missions)
    themes = load(queries.themes)
    lo, hi = bounds or (date.today().year,) * 2
    slider = dcc.RangeSlider(id="msn-years", min=lo, max=hi, step=1, value=list(years or (lo, hi)),
                             marks=_marks(lo, hi), disabled=not bounds, updatemode="mouseup", allowCross=False)
    return dbc.Row([
        dbc.Col(dcc.Dropdown(id="msn-code", value=code, placeholder="Choose a mission", clearable=False,
                             options=[{"label": f"{r.code} — {r.name}", "value": r.code}
                                      for r in missions.itertuples()]), md=4),
        dbc.Col(dcc.Dropdown(id="msn-theme", value=theme, placeholder="All themes",
                             options=[{"label": f"{r.number}. {r.title}", "value": r.number}
                                      for r in themes.itertuples()]), md=3),
        dbc.Col([dbc.Switch(id="msn-all", value=show_all, label="All indicators, not only yours and the key ones"),
                 ui.real_switch("msn-real", real)], md=2, className="pt-2"),
        dbc.Col(slider, md=3, className="pt-2"),
    ], className="mb-3 g-2")


def _status_list(rows: pd.DataFrame) -> dbc.ListGroup:
    items = []
    for r in rows.itertuples():
        target = (f"target {fmt(r.target, r.unit)} by {r.target_period}" if pd.notna(r.target)
                  else "No target set")
        stale = [" ", dbc.Badge("stale", color="light", text_color="dark", className="border",
                                title="The latest value is older than this indicator's reporting cycle allows.")] \
            if r.stale is True else []
        items.append(dbc.ListGroupItem([
            html.Div([dcc.Link(r.name, href=f"/indicator?code={r.code}"), " ", ui.status_badge(r.status), *stale]),
            html.Small(f"Latest {r.latest_period}: {fmt(r.latest_value, r.unit)} · {target}",
                       className="text-muted d-block"),
            html.Small(r.status_reason, className="text-muted")
            if isinstance(r.status_reason, str) and r.status != "no_target" else None]))
    return dbc.ListGroup(items, flush=True)


def _panel(number: int, title: str, rows: pd.DataFrame, series: pd.DataFrame, targets: pd.DataFrame,
           progress: pd.DataFrame, show_all: bool, key: tuple, assessed: html.Div) -> dbc.Card:
    with_data = rows[rows["n_points"].notna()]
    # The user's own indicators and the key ones lead; where none of them has data, the others are
    # shown rather than hidden behind the switch.
    key_ones = with_data[with_data["kpi"] | with_data["own"]]
    shown = with_data if show_all or key_ones.empty else key_ones
    waiting = rows[rows["n_points"].isna() & (rows["kpi"] | rows["own"] | show_all)]
    if with_data.empty:
        body = html.Div([ui.empty_state("This mission has no indicators with data under this theme yet."), assessed])
    else:
        codes = shown["code"].tolist()
        s = series[series["indicator"].isin(codes)]
        t = targets[targets["indicator"].isin(codes)]
        trend = (figure("mission-trend", lambda: trends.trend_panel(shown, s, progress, t), *key)
                 if not s.empty else figures.empty("No data in the chosen years."))
        body = dbc.Row([dbc.Col(ui.graph(trend, f"msn-trend-{number}"), lg=8),
                        dbc.Col([_status_list(shown), assessed], lg=4)])
    notes = [html.Small("None of these is marked as a key indicator (the kpi column of an indicators file), "
                        "so all the indicators with data are shown.",
                        className="text-muted d-block", id=f"msn-no-key-{number}")
             if key_ones.empty and not with_data.empty and not show_all else None,
             html.Small("No data yet: " + ", ".join(waiting["name"]), className="text-muted d-block")
             if not waiting.empty and not with_data.empty else None]
    return dbc.Card([dbc.CardHeader(html.H4(f"Theme {number} · {title}", id=f"theme-heading-{number}",
                                            className="h5 mb-0")),
                     dbc.CardBody([body, *notes])], id=f"theme-{number}", className="mb-3")


@guarded
def layout(code: str | None = None, theme: str | None = None, **query) -> html.Div:
    missions = load(queries.missions)
    if code:  # codes match whatever their case in the URL
        known = missions[missions["code"].str.upper() == code.strip().upper()]["code"]
        code = known.iloc[0] if not known.empty else code.strip()
    theme_n = _int(theme)
    show_all, only_real = query.get("all") == "1", ui.real_only(query.get("real"))
    bounds = load(queries.year_bounds, code) if code else None
    years = (max(bounds[0], _int(query.get("from"), bounds[0])), min(bounds[1], _int(query.get("to"), bounds[1]))) \
        if bounds else None
    if years and years[0] > years[1]:
        years = bounds
    controls = _controls(code, theme_n, show_all, only_real, years, bounds)
    if not code:
        return html.Div([ui.page_title("Mission", "msn-heading", "Choose a mission to see its trends."), controls])
    mission = missions[missions["code"] == code]
    if mission.empty:  # no chooser: one that does not list the code would clear it, and the URL with it
        return html.Div([ui.page_title("Mission", "msn-heading"), ui.not_found(
            "mission", code, missions["code"].tolist(), "/mission?code={code}", "msn-unknown"),
            dcc.Link("All missions", href="/missions")])
    m = mission.iloc[0]
    subtitle = " · ".join(str(v) for v in (m["kind"], m["country"], m["hq_location"],
                                           {True: "active", False: "closed"}.get(m["active"], "dates unknown")) if pd.notna(v))
    head = html.Div([ui.page_title(f"{code} — {m['name']}", "msn-heading", subtitle), briefing.button()])
    themes = load(queries.themes)
    if theme is not None and theme_n not in set(themes["number"]):
        controls = _controls(code, None, show_all, only_real, years, bounds)  # a chooser would clear the 11
        return html.Div([head, controls, ui.not_found("theme", theme, [str(n) for n in themes["number"]],
                                                      f"/mission?code={code}&theme={{code}}", "msn-unknown")])
    inds = load(queries.mission_indicators, code, only_real)
    if inds["n_points"].isna().all():
        message = (f"No real data yet for {code}: all its series hold synthetic values." if only_real
                   else f"No data yet for {code}. Upload observations on the Upload page.")
        return html.Div([head, controls, ui.empty_state(message, "msn-empty")])
    series = load(queries.series, code, None, years, only_real)
    targets, progress = load(queries.targets, code), load(queries.progress, code, None, only_real)
    targets = targets[targets["period_end"].dt.year >= years[0]]  # future targets stay in view
    chosen = themes[themes["number"] == theme_n] if theme is not None else themes
    latest = load(assessments.latest, code).set_index("theme")
    recs, changes = load(assessments.recommendations, code), load(assessments.evidence_changes, code)
    form = assessment_form.Form(code, m["assessment_cycle"])

    def assessed(n: int) -> html.Div:
        row = latest.loc[n] if n in latest.index else None
        return form.section(n, row, recs[recs["theme"] == n], changes[changes["theme"] == n])
    panels = [_panel(t.number, t.title, inds[inds["theme"] == t.number], series, targets, progress, show_all,
                     (code, t.number, show_all, only_real, years), assessed(t.number)) for t in chosen.itertuples()]
    return html.Div([head, controls, ui.synthetic_caption(only_real), *panels, form.modal()])


@callback(Output("url", "search", allow_duplicate=True), Input("msn-code", "value"), Input("msn-theme", "value"),
          Input("msn-all", "value"), Input("msn-real", "value"), Input("msn-years", "value"),
          State("url", "search"), prevent_initial_call=True)
def controls_to_url(code: str | None, theme: int | None, show_all: bool, real: bool, years: list[int] | None,
                    search: str | None) -> str:
    # A new mission has its own range of years: do not carry the old one over.
    span = years if years and ctx.triggered_id != "msn-code" else [None, None]
    return ui.to_url(search, code=code, theme=theme, **{"from": span[0], "to": span[1]}, all="1" if show_all else None,
                    real="1" if real else None)
