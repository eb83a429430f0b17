"""Plotly figures for the dashboard: pure functions of DataFrames, one shared template."""
from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

STATUSES = ("on_track", "at_risk", "off_track", "no_target", "no_data")
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
STATUS_COLORS = {"on_track": "#009E73", "at_risk": "#E69F00", "off_track": "#D55E00",
                 "no_target": "#999999", "no_data": "#EEEEEE"}
STATUS_LABELS = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track",
                 "no_target": "No target set", "no_data": "No data"}
STATUS_SYMBOLS = {"on_track": "✓", "at_risk": "!", "off_track": "✗", "no_target": "–", "no_data": ""}
MAP_MARKERS = {"on_track": "circle", "at_risk": "diamond", "off_track": "x",
               "no_target": "square", "no_data": "circle-open"}
SERIES_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
SYNTHETIC_NOTE = "Dashed lines and open markers: synthetic demo data"
TEMPLATE = "peacepulse"

_template = go.layout.Template(pio.templates["plotly_white"])
_template.layout.update(
    font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12},
    colorway=SERIES_COLORS, margin={"l": 56, "r": 16, "t": 40, "b": 40},
    hoverlabel={"namelength": -1}, legend={"orientation": "h", "y": -0.12},
)
pio.templates[TEMPLATE] = _template


def empty(message: str) -> go.Figure:
    """A blank figure that says why it is blank."""
    fig = go.Figure(layout={"template": TEMPLATE, "height": 200})
    fig.add_annotation(text=message, showarrow=False, font={"size": 14, "color": "#555"},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False).update_yaxes(visible=False)
    return fig


def cell_text(row: pd.Series) -> str:
    return f"{row.on_track}✓ {row.at_risk}! {row.off_track}✗"


def scorecard_heatmap(cells: pd.DataFrame, missions: list[str], themes: pd.DataFrame) -> go.Figure:
    """Missions × themes; `cells` holds scorecard rows, absent pairs show as no data."""
    numbers = themes["number"].tolist()
    titles = dict(zip(themes["number"], themes["title"]))
    lookup = {(r.mission, int(r.theme)): r for r in cells.itertuples()}
    z, text, hover = [], [], []
    for code in missions:
        z_row, t_row, h_row = [], [], []
        for n in numbers:
            r = lookup.get((code, n))
            status = r.status if r is not None else "no_data"
            z_row.append(STATUSES[::-1].index(status))
            t_row.append(cell_text(r) if r is not None else "no data")
            counts = (f"{r.on_track} on track, {r.at_risk} at risk, {r.off_track} off track, "
                      f"{r.no_target} without target" if r is not None else "no indicator with data")
            h_row.append([code, n, titles[n], STATUS_LABELS[status], counts])
        z.append(z_row), text.append(t_row), hover.append(h_row)
    k = len(STATUSES)
    scale = [v for i, s in enumerate(STATUSES[::-1])
             for v in ([i / k, STATUS_COLORS[s]], [(i + 1) / k, STATUS_COLORS[s]])]
    fig = go.Figure(go.Heatmap(
        z=z, x=[str(n) for n in numbers], y=missions, text=text, texttemplate="%{text}",
        customdata=hover, textfont={"color": "black"}, zmin=-0.5, zmax=k - 0.5, colorscale=scale, showscale=False, xgap=2, ygap=2,
        hovertemplate="<b>%{customdata[0]}</b> · theme %{customdata[1]}: %{customdata[2]}"
                      "<br>%{customdata[3]}: %{customdata[4]}<extra></extra>"))
    ticks = ["<br>".join(textwrap.wrap(f"{n}. {titles[n]}", 16)) for n in numbers]
    fig.update_layout(template=TEMPLATE, height=max(300, 44 * len(missions) + 130), margin={"t": 100, "b": 20},
                      xaxis={"side": "top", "type": "category", "tickvals": [str(n) for n in numbers],
                             "ticktext": ticks, "tickfont": {"size": 11}},
                      yaxis={"autorange": "reversed", "type": "category"})
    return fig


def mission_map(points: pd.DataFrame) -> go.Figure:
    """Missions at their headquarters, coloured and shaped by overall status."""
    fig = go.Figure()
    for status in STATUSES:
        sub = points[points["status"] == status].dropna(subset=["latitude", "longitude"])
        if sub.empty:
            continue
        fig.add_trace(go.Scattergeo(
            lat=sub["latitude"], lon=sub["longitude"], text=sub["code"], customdata=sub[["code", "name"]],
            name=STATUS_LABELS[status], mode="markers",
            marker={"size": 12, "color": STATUS_COLORS[status], "symbol": MAP_MARKERS[status],
                    "line": {"width": 1, "color": "#333"}},
            hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>" + STATUS_LABELS[status]
                          + "<extra></extra>"))
    fig.update_geos(projection_type="natural earth", showcountries=True, countrycolor="#bbb",
                    showland=True, landcolor="#f4f4f4", showocean=True, oceancolor="#eaf2f8",
                    lataxis_range=[-38, 58], lonaxis_range=[-95, 130])
    fig.update_layout(template=TEMPLATE, height=460, margin={"l": 0, "r": 0, "t": 10, "b": 0},
                      legend={"y": 0.02, "x": 0.01, "orientation": "v"})
    return fig


def _line(df: pd.DataFrame, name: str, color: str, unit: str, meta: dict,
          legend: bool) -> list[go.Scatter]:
    """One line, split into a real and a synthetic part so each is drawn as what it is."""
    traces = []
    for synthetic, part in df.sort_values("period_end").groupby("synthetic", sort=False):
        note = "synthetic demo data" if synthetic else "source: %{customdata[1]}"
        traces.append(go.Scatter(
            x=part["period_end"], y=part["value"], name=name + (" (synthetic)" if synthetic else ""),
            mode="lines+markers", legendgroup=name, showlegend=legend, opacity=0.6 if synthetic else 1,
            line={"color": color, "dash": "dash" if synthetic else "solid"},
            marker={"symbol": "circle-open" if synthetic else "circle", "size": 7},
            customdata=part[["period", "source"]].fillna("").to_numpy(), meta={**meta, "role": "value"},
            hovertemplate=f"<b>{name}</b> %{{customdata[0]}}: %{{y:,.4~g}} {unit}<br>{note}<extra></extra>"))
    return traces


def _hline(x: list, y: float, name: str, role: str, code: str, dash: str, legend: bool) -> go.Scatter:
    return go.Scatter(x=x, y=[y] * len(x), mode="lines", name=name, legendgroup=role, showlegend=legend,
                      line={"color": "#444", "dash": dash, "width": 1.5}, meta={"indicator": code, "role": role},
                      hovertemplate=f"{name}: %{{y:,.4~g}}<extra></extra>")


def _target_marks(t: pd.DataFrame, color: str, meta: dict, legend: bool) -> go.Scatter:
    return go.Scatter(x=t["period_end"], y=t["target"], mode="markers", name="Target", legendgroup="target",
                      showlegend=legend, marker={"symbol": "star-diamond", "size": 11, "color": color,
                                                 "line": {"width": 1, "color": "#222"}},
                      customdata=t[["period"]].to_numpy(), meta={**meta, "role": "target_point"},
                      hovertemplate="Target %{customdata[0]}: %{y:,.4~g}<extra></extra>")


def trend_panel(indicators: pd.DataFrame, series: pd.DataFrame, progress: pd.DataFrame,
                targets: pd.DataFrame) -> go.Figure:
    """One row per indicator of a mission: values, baseline, applicable target and every target."""
    codes = indicators["code"].tolist()
    fig = make_subplots(rows=len(codes), cols=1, shared_xaxes=True, vertical_spacing=0.3 / max(len(codes), 1),
                        subplot_titles=[f"{r.name} ({r.unit})" for r in indicators.itertuples()])
    for i, r in enumerate(indicators.itertuples(), start=1):
        s, t = series[series["indicator"] == r.code], targets[targets["indicator"] == r.code]
        for trace in _line(s, r.name, SERIES_COLORS[0], r.unit, {"indicator": r.code}, legend=False):
            fig.add_trace(trace, row=i, col=1)
        if not t.empty:
            fig.add_trace(_target_marks(t, STATUS_COLORS["on_track"], {"indicator": r.code}, i == 1), row=i, col=1)
        span = sorted(pd.concat([s["period_end"], t["period_end"]]).dropna())
        p = progress[progress["indicator"] == r.code]
        if span and not p.empty and pd.notna(p["baseline"].iloc[0]):
            fig.add_trace(_hline([span[0], span[-1]], float(p["baseline"].iloc[0]), "Baseline", "baseline",
                                 r.code, "dot", i == 1), row=i, col=1)
        if span and not p.empty and pd.notna(p["target"].iloc[0]):
            fig.add_trace(_hline([span[0], span[-1]], float(p["target"].iloc[0]), "Target", "target",
                                 r.code, "dash", i == 1), row=i, col=1)
    fig.update_layout(template=TEMPLATE, height=170 * len(codes) + 110, showlegend=True, margin={"t": 70},
                      legend={"y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left", "yref": "container"})
    return fig


def _group_lines(fig: go.Figure, series: pd.DataFrame, key: str, colors: dict, unit: str,
                 seen: set, row: int | None = None, col: int | None = None) -> None:
    for group, part in series.groupby(key, sort=True):
        for trace in _line(part, str(group), colors[group], unit, {key: group}, legend=group not in seen):
            fig.add_trace(trace, row=row, col=col)
        seen.add(group)


def _colors(values: pd.Series) -> dict:
    return {v: SERIES_COLORS[i % len(SERIES_COLORS)] for i, v in enumerate(sorted(values.dropna().unique()))}


def mission_lines(series: pd.DataFrame, targets: pd.DataFrame, indicators: pd.DataFrame,
                  cols: int = 2) -> go.Figure:
    """Small multiples, one per indicator; one line per mission, its targets as stars."""
    n = len(indicators)
    rows = -(-n // cols)
    fig = make_subplots(rows=rows, cols=min(cols, n), vertical_spacing=0.35 / rows, horizontal_spacing=0.08,
                        subplot_titles=[f"{r.name} ({r.unit})" for r in indicators.itertuples()])
    colors, seen = _colors(pd.concat([series["mission"], targets["mission"]])), set()
    for i, r in enumerate(indicators.itertuples()):
        pos = {"row": i // cols + 1, "col": i % cols + 1}
        _group_lines(fig, series[series["indicator"] == r.code], "mission", colors, r.unit, seen, **pos)
        for mission, t in targets[targets["indicator"] == r.code].groupby("mission"):
            mark = _target_marks(t, colors[mission], {"indicator": r.code, "mission": mission}, False)
            fig.add_trace(mark.update(name=f"{mission} target", legendgroup=mission), **pos)
    fig.update_layout(template=TEMPLATE, height=260 * rows + 80)
    return fig


def breakdown(series: pd.DataFrame, by: str, unit: str) -> go.Figure:
    """Disaggregated values: one panel per mission, one line per category of `by`."""
    missions = sorted(series["mission"].unique())
    fig = make_subplots(rows=len(missions), cols=1, shared_xaxes=True, subplot_titles=missions,
                        vertical_spacing=0.3 / max(len(missions), 1))
    colors, seen = _colors(series[by]), set()
    for i, mission in enumerate(missions, start=1):
        _group_lines(fig, series[series["mission"] == mission], by, colors, unit, seen, row=i, col=1)
    fig.update_layout(template=TEMPLATE, height=220 * len(missions) + 80, legend_title_text=by)
    return fig


def coverage_heatmap(coverage: pd.DataFrame) -> go.Figure:
    """Mission × indicator: share of the indicator's reported periods that the mission covers."""
    share = coverage.pivot(index="mission", columns="indicator", values="share")
    text = coverage.assign(t=coverage["periods"].astype(str) + "/" + coverage["expected"].astype(str)) \
        .pivot(index="mission", columns="indicator", values="t").reindex_like(share)
    fig = go.Figure(go.Heatmap(
        z=share.to_numpy(), x=list(share.columns), y=list(share.index), text=text.fillna("").to_numpy(),
        texttemplate="%{text}", colorscale="Cividis", zmin=0, zmax=1, xgap=1, ygap=1,
        colorbar={"title": "share", "tickformat": ".0%"},
        hovertemplate="%{y} · %{x}<br>%{text} periods (%{z:.0%})<extra></extra>"))
    fig.update_layout(template=TEMPLATE, height=max(260, 30 * len(share.index) + 140),
                      xaxis={"side": "top", "tickangle": -40, "type": "category"},
                      yaxis={"autorange": "reversed", "type": "category"}, margin={"t": 120})
    return fig
