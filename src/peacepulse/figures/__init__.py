"""Plotly figures for the dashboard: pure functions of DataFrames, one shared template."""
from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

STATUSES = ("on_track", "at_risk", "off_track", "insufficient", "no_target", "no_data")
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
STATUS_COLORS = {"on_track": "#009E73", "at_risk": "#E69F00", "off_track": "#D55E00",
                 "insufficient": "#BBBBBB", "no_target": "#999999", "no_data": "#EEEEEE"}
STATUS_LABELS = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track",
                 "insufficient": "Too little evidence", "no_target": "No target set", "no_data": "No data"}
STATUS_SYMBOLS = {"on_track": "✓", "at_risk": "!", "off_track": "✗", "insufficient": "?", "no_target": "–",
                  "no_data": ""}
MAP_MARKERS = {"on_track": "circle", "at_risk": "diamond", "off_track": "x", "insufficient": "square-open",
               "no_target": "square", "no_data": "circle-open"}
SERIES_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "hexagon"]
SYNTHETIC_NOTE = "Dashed lines and open markers: synthetic demo data"
TEMPLATE = "peacepulse"

_template = go.layout.Template(pio.templates["plotly_white"])
_template.layout.update(
    font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12},
    colorway=SERIES_COLORS, margin={"l": 56, "r": 16, "t": 40, "b": 40},
    hoverlabel={"namelength": -1}, legend={"orientation": "h", "y": -0.12},
)
pio.templates[TEMPLATE] = _template


def plain(text: object) -> str:
    """Text shown as typed: Plotly reads '<b>' and '&amp;' in labels as markup, so escape them."""
    return html.escape(str(text), quote=False)


def empty(message: str) -> go.Figure:
    """A blank figure that says why it is blank."""
    fig = go.Figure(layout={"template": TEMPLATE, "height": 200})
    fig.add_annotation(text=message, showarrow=False, font={"size": 14, "color": "#555"},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False).update_yaxes(visible=False)
    return fig


SYNTHETIC_MARK, STALE_MARK = "*", "◔"


def cell_text(row) -> str:
    """A scorecard cell: '3✓ 1! 0✗', or what stands in for a status when none can be judged;
    '*' when the status rests on synthetic series, '◔' when some series are stale."""
    judged = row.on_track + row.at_risk + row.off_track
    insufficient = getattr(row, "insufficient", 0)
    text = (f"{row.on_track}✓ {row.at_risk}! {row.off_track}✗" if judged
            else f"{insufficient} too little evidence" if insufficient else f"{row.no_target} no target")
    marks = (SYNTHETIC_MARK if getattr(row, "synthetic", 0) else "") + (STALE_MARK if getattr(row, "stale", 0) else "")
    return f"{text} {marks}" if marks else text


def _counts(row) -> str:
    if row is None:
        return "no indicator with data"
    extra = "".join(f", {n} {what}" for n, what in ((getattr(row, "insufficient", 0), "with too little evidence"),
                                                     (getattr(row, "stale", 0), "stale"),
                                                     (getattr(row, "synthetic", 0), "on synthetic series")) if n)
    return (f"{row.on_track} on track, {row.at_risk} at risk, {row.off_track} off track, "
            f"{row.no_target} without target{extra}")


def scorecard_heatmap(cells: pd.DataFrame, missions: list[str], themes: pd.DataFrame) -> go.Figure:
    """Missions × themes; `cells` holds scorecard rows, absent pairs show as no data."""
    numbers = themes["number"].tolist()
    titles = dict(zip(themes["number"], themes["title"]))
    lookup = {(r.mission, int(r.theme)): r for r in cells.itertuples()}
    grid = [[lookup.get((code, n)) for n in numbers] for code in missions]
    status = [[r.status if r is not None else "no_data" for r in row] for row in grid]
    order = STATUSES[::-1]  # z: no data lowest, on track highest
    hover = [[[code, n, titles[n], STATUS_LABELS[st], _counts(r)] for n, r, st in zip(numbers, row, st_row)]
             for code, row, st_row in zip(missions, grid, status)]
    k = len(STATUSES)
    scale = [v for i, st in enumerate(order) for v in ([i / k, STATUS_COLORS[st]], [(i + 1) / k, STATUS_COLORS[st]])]
    fig = go.Figure(go.Heatmap(
        z=[[order.index(st) for st in row] for row in status], x=[str(n) for n in numbers], y=missions,
        text=[[cell_text(r) if r is not None else "no data" for r in row] for row in grid],
        texttemplate="%{text}", textfont={"color": "black"}, customdata=hover, zmin=-0.5, zmax=k - 0.5,
        colorscale=scale, showscale=False, xgap=2, ygap=2,
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
            lat=sub["latitude"], lon=sub["longitude"], text=sub["code"], customdata=sub[["code", "name"]].map(plain),
            name=STATUS_LABELS[status], mode="markers",
            marker={"size": 12, "color": STATUS_COLORS[status], "symbol": MAP_MARKERS[status],
                    "line": {"width": 1, "color": "#333"}},
            hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>" + STATUS_LABELS[status]
                          + "<extra></extra>"))
    fig.update_geos(projection_type="equirectangular", showcountries=True, countrycolor="#bbb",
                    showland=True, landcolor="#f4f4f4", showocean=True, oceancolor="#eaf2f8",
                    lataxis_range=[-38, 58], lonaxis_range=[-110, 140], showframe=False)
    fig.update_layout(template=TEMPLATE, height=520, margin={"l": 0, "r": 0, "t": 10, "b": 0},
                      legend={"y": 0.02, "x": 0.01, "orientation": "v"})
    return fig


def coverage_heatmap(coverage: pd.DataFrame) -> go.Figure:
    """Indicator × mission: share of the indicator's reported periods that the mission covers."""
    share = coverage.pivot(index="indicator", columns="mission", values="share")
    text = coverage.assign(t=coverage["periods"].astype(str) + "/" + coverage["expected"].astype(str)) \
        .pivot(index="indicator", columns="mission", values="t").reindex_like(share)
    fig = go.Figure(go.Heatmap(
        z=share.to_numpy(), x=list(share.columns), y=list(share.index), text=text.fillna("").to_numpy(),
        texttemplate="%{text}" if share.shape[1] <= 20 else None, colorscale="Cividis", zmin=0, zmax=1,
        xgap=1, ygap=1, colorbar={"title": "share", "tickformat": ".0%"},
        hovertemplate="%{y} · %{x}<br>%{text} periods (%{z:.0%})<extra></extra>"))
    fig.update_layout(template=TEMPLATE, height=max(300, 18 * len(share.index) + 160),
                      xaxis={"side": "top", "tickangle": -45, "type": "category"},
                      yaxis={"autorange": "reversed", "type": "category", "tickfont": {"size": 10}},
                      margin={"t": 110, "l": 200})
    return fig
