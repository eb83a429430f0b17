"""Trend figures: values over time with baselines and targets, per mission, indicator or breakdown.

Pure functions of DataFrames, drawn with the shared template of figures.py.
"""
from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import SERIES_COLORS, STATUS_COLORS, SYMBOLS, TEMPLATE, plain

Placed = list[tuple[dict, int | None, int | None]]  # trace, row, col: added in one batch, which is far faster


def _add(fig: go.Figure, placed: Placed) -> go.Figure:
    if placed:
        traces, rows, cols = zip(*placed)
        grid = rows[0] is not None
        fig.add_traces(list(traces), rows=list(rows) if grid else None, cols=list(cols) if grid else None)
    return fig


def _line(df: pd.DataFrame, name: str, style: tuple[str, str], unit: str, meta: dict, legend: bool,
          rank: int | None = None) -> list[dict]:
    """One line, split into a real and a synthetic part so each is drawn as what it is.

    Points sit at the start of their period, so the value for 2010 lines up with the 2010 tick. Names and
    units travel as data (customdata), never as template text: a '%{y}' or '<b>' in a name stays as typed.
    """
    color, symbol = style
    df = df.sort_values("period_start")
    flags = df["synthetic"].fillna(False).astype(bool)
    traces = []
    for synthetic in (False, True):
        part = df[flags == synthetic]
        if part.empty:
            continue
        label = name + (" (synthetic)" if synthetic else "")
        note = "synthetic demo data" if synthetic else "source: %{customdata[1]}"
        data = part[["period", "source"]].fillna("").assign(name=plain(name), unit=plain(unit))
        traces.append(dict(
            type="scatter", x=part["period_start"].tolist(), y=part["value"].tolist(),
            name=plain(label), mode="lines+markers", legendgroup=label, showlegend=legend,
            opacity=0.6 if synthetic else 1, line={"color": color, "dash": "dash" if synthetic else "solid"},
            marker={"symbol": symbol + ("-open" if synthetic else ""), "size": 7},
            customdata=data.values.tolist(), meta={**meta, "role": "value", "synthetic": synthetic},
            hovertemplate="<b>%{customdata[2]}</b> %{customdata[0]}: %{y:,.4~g} %{customdata[3]}<br>"
                          + note + "<extra></extra>",
            **({"legendrank": rank + synthetic} if rank is not None else {})))
    return traces


def _titles(indicators: pd.DataFrame, width: int = 48) -> list[str]:
    """Panel titles, wrapped so that a phone's narrow chart does not cut them off."""
    return ["<br>".join(plain(line) for line in textwrap.wrap(f"{r.name} ({r.unit})", width))
            for r in indicators.itertuples()]


def _hline(x: list, y: float, name: str, role: str, code: str, dash: str, legend: bool) -> dict:
    return dict(type="scatter", x=x, y=[y] * len(x), mode="lines", name=name, legendgroup=role, showlegend=legend,
                line={"color": "#444", "dash": dash, "width": 1.5}, meta={"indicator": code, "role": role},
                hovertemplate=f"{name}: %{{y:,.4~g}}<extra></extra>")


def _target_marks(t: pd.DataFrame, color: str, meta: dict, legend: bool, name: str = "Target milestones",
                  group: str = "milestones") -> dict:
    return dict(type="scatter", x=t["period_start"].tolist(), y=t["target"].tolist(), mode="markers", name=name,
                legendgroup=group, showlegend=legend, marker={"symbol": "star-diamond", "size": 11, "color": color,
                                                             "line": {"width": 1, "color": "#222"}},
                customdata=t[["period"]].values.tolist(), meta={**meta, "role": "target_point"},
                hovertemplate="Target %{customdata[0]}: %{y:,.4~g}<extra></extra>")


WHOLE_NUMBERS = ("count", "days")  # measures whose axis never shows 0.5


def _whole_number_axis(values: list) -> dict:
    """Ticks on whole numbers: Plotly's automatic ticks fall on halves when the range is small."""
    numbers = [float(v) for v in values if v is not None and pd.notna(v)]
    small = bool(numbers) and max(numbers) - min(numbers) < 6
    return {"tickformat": ",d", **({"dtick": 1} if small else {})}


def trend_panel(indicators: pd.DataFrame, series: pd.DataFrame, progress: pd.DataFrame,
                targets: pd.DataFrame) -> go.Figure:
    """One row per indicator of a mission: values, baseline, applicable target and every target."""
    codes = indicators["code"].tolist()
    fig = make_subplots(rows=len(codes), cols=1, shared_xaxes=True, vertical_spacing=0.3 / max(len(codes), 1),
                        subplot_titles=_titles(indicators))
    placed: Placed = []
    seen: set[str] = set()  # each of baseline, target line and target marks in the legend once
    for i, r in enumerate(indicators.itertuples(), start=1):
        s, t = series[series["indicator"] == r.code], targets[targets["indicator"] == r.code]
        traces = _line(s, r.name, (SERIES_COLORS[0], "circle"), r.unit, {"indicator": r.code}, legend=False)
        if not t.empty:
            traces.append(_target_marks(t, STATUS_COLORS["on_track"], {"indicator": r.code}, "marks" not in seen))
            seen.add("marks")
        span = sorted(pd.concat([s["period_start"], t["period_start"]]).dropna())
        p = progress[progress["indicator"] == r.code]
        for column, name, dash in (("baseline", "Baseline", "dot"), ("target", "Target", "dash")):
            if span and not p.empty and pd.notna(p[column].iloc[0]):
                traces.append(_hline([span[0], span[-1]], float(p[column].iloc[0]), name, column, r.code, dash,
                                     column not in seen))
                seen.add(column)
        placed += [(trace, i, 1) for trace in traces]
        if getattr(r, "measure", None) in WHOLE_NUMBERS:
            fig.update_yaxes(row=i, col=1, **_whole_number_axis([y for trace in traces for y in trace.get("y", [])]))
    fig.update_layout(template=TEMPLATE, height=170 * len(codes) + 110, showlegend=True, margin={"t": 70},
                      legend={"y": 1.0, "yanchor": "top", "x": 0, "xanchor": "left", "yref": "container"})
    fig.update_xaxes(showticklabels=True)  # shared axes hide all but the last row's dates
    return _add(fig, placed)


def _group_lines(series: pd.DataFrame, key: str, styles: dict, unit: str, seen: set,
                 row: int | None = None, col: int | None = None) -> Placed:
    placed: Placed = []
    for group, part in series.groupby(key, sort=True):
        placed += [(t, row, col) for t in _line(part, str(group), styles[group], unit, {key: group},
                                                legend=group not in seen)]
        seen.add(group)
    return placed


def _styles(values: pd.Series) -> dict[str, tuple[str, str]]:
    """A colour and marker per group: colours repeat after eight, the pair only after 40."""
    n = len(SERIES_COLORS)
    return {v: (SERIES_COLORS[i % n], SYMBOLS[i // n % len(SYMBOLS)])
            for i, v in enumerate(sorted(values.dropna().unique()))}


HIGHLIGHTED = len(SERIES_COLORS)  # missions drawn in colour on one chart; the others are grey
OTHERS = "#B8B8B8"


def highlighted(series: pd.DataFrame, limit: int = HIGHLIGHTED) -> list[str]:
    """The missions a chart draws in colour when it has more than `limit`: those with the most real
    values, then the most recent, then by code; returned in code order, which fixes their colours."""
    if series.empty:
        return []
    real = ~series["synthetic"].fillna(False).astype(bool)
    ranked = (series.assign(real=real).groupby("mission", as_index=False)
              .agg(real=("real", "sum"), latest=("period_start", "max"))
              .sort_values(["real", "latest", "mission"], ascending=[False, False, True]))
    return sorted(ranked["mission"].head(limit))


def mission_styles(missions: list[str]) -> dict[str, tuple[str, str]]:
    """Each highlighted mission's colour, by its place in the list: the same on every panel of a page,
    and on any page given the same missions."""
    return {m: (SERIES_COLORS[i % len(SERIES_COLORS)], "circle") for i, m in enumerate(missions)}


def _others(series: pd.DataFrame, unit: str, legend: bool) -> dict:
    """Every mission not highlighted, as one thin grey trace (lines broken between missions)."""
    x, y, data = [], [], []
    for mission, part in series.sort_values(["mission", "period_start"]).groupby("mission", sort=True):
        x += [*part["period_start"].tolist(), None]
        y += [*part["value"].tolist(), None]
        data += [[plain(mission), p, plain(unit)] for p in part["period"]] + [["", "", ""]]
    return dict(type="scatter", x=x, y=y, mode="lines", name="Other missions", legendgroup="others",
                showlegend=legend, legendrank=10_000, line={"color": OTHERS, "width": 1}, connectgaps=False,
                customdata=data, meta={"role": "others"},
                hovertemplate="%{customdata[0]} %{customdata[1]}: %{y:,.4~g} %{customdata[2]}<extra></extra>")


def mission_lines(series: pd.DataFrame, targets: pd.DataFrame, indicators: pd.DataFrame,
                  cols: int = 2, highlight: list[str] | None = None) -> go.Figure:
    """Small multiples, one per indicator; one line per highlighted mission (at most eight, see
    `highlighted`), its targets as stars in its colour, and the other missions in grey behind them."""
    n = len(indicators)
    rows = -(-n // cols)
    fig = make_subplots(rows=rows, cols=min(cols, n), vertical_spacing=0.35 / rows, horizontal_spacing=0.08,
                        subplot_titles=_titles(indicators))
    shown = list(highlight) if highlight is not None else highlighted(series)
    styles, seen, placed = mission_styles(shown), set(), []
    for i, r in enumerate(indicators.itertuples()):
        row, col = i // cols + 1, i % cols + 1
        s = series[series["indicator"] == r.code]
        rest = s[~s["mission"].isin(shown)]
        if not rest.empty:
            placed.append((_others(rest, r.unit, "others" not in seen), row, col))
            seen.add("others")
        for rank, mission in enumerate(shown):
            part = s[s["mission"] == mission]
            for trace in _line(part, mission, styles[mission], r.unit, {"mission": mission, "indicator": r.code},
                               legend=False, rank=2 * rank) if not part.empty else []:
                trace["showlegend"] = trace["legendgroup"] not in seen
                seen.add(trace["legendgroup"])
                placed.append((trace, row, col))
        for mission, t in targets[targets["indicator"] == r.code].groupby("mission"):
            if mission in styles:
                meta = {"indicator": r.code, "mission": mission}
                placed.append((_target_marks(t, styles[mission][0], meta, False, f"{mission} target", mission),
                               row, col))
    fig.update_layout(template=TEMPLATE, height=260 * rows + 80,
                      legend={"orientation": "v", "x": 1.01, "y": 1, "yanchor": "top", "title": "Mission",
                              "traceorder": "normal"})
    return _add(fig, placed)


def breakdown(series: pd.DataFrame, by: str, unit: str) -> go.Figure:
    """Disaggregated values: one panel per mission, one line per category of `by`."""
    missions = sorted(series["mission"].unique())
    fig = make_subplots(rows=len(missions), cols=1, shared_xaxes=True, subplot_titles=missions,
                        vertical_spacing=0.3 / max(len(missions), 1))
    styles, seen, placed = _styles(series[by]), set(), []
    for i, mission in enumerate(missions, start=1):
        placed += _group_lines(series[series["mission"] == mission], by, styles, unit, seen, i, 1)
    fig.update_layout(template=TEMPLATE, height=220 * len(missions) + 80, legend_title_text=by)
    return _add(fig, placed)
