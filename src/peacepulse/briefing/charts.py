"""A theme's trend charts for a briefing: the mission page's figures, made compact for one file.

Each chart travels as JSON, drawn by one small script with the plotly.js the file holds once. Compact
means nothing is sent twice: the template once for all charts; a line shown under two themes once; an
array of dates or periods that several lines share once; and a hover text that is the same for every
point of a line (its indicator's name and unit, its source) once on the line rather than on each point.
Values are rounded to what a reader can tell apart, and dates lose their time of day.
"""
from __future__ import annotations

import json
import re

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from ..figures import TEMPLATE, trends

MOST_PER_CHART = 5  # indicators per chart: a taller one would not fit a printed page
WIDTH = 920         # px; printed at PRINT_ZOOM of that (see briefing.css), which fits A4 and Letter
DIGITS = 6          # significant digits kept of each value; the hover shows four
CONFIG = {"displaylogo": False, "modeBarButtons": [["toImage"]], "responsive": False,
          "toImageButtonOptions": {"format": "png", "scale": 2}}
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]00:00:00(?:\.0+)?$")


def template() -> dict:
    """The shared template, once for every chart of the file."""
    return json.loads(pio.to_json(go.Figure(layout={"template": TEMPLATE})))["layout"]["template"]


def _value(v: object) -> object:
    if isinstance(v, float):
        return float(f"{v:.{DIGITS}g}")
    if isinstance(v, str):
        day = _MIDNIGHT.match(v)
        return day.group(1) if day else v
    return v


def _hoist(trace: dict) -> None:
    """Columns of customdata that hold one value for the whole line move to the line's meta, and the
    hover template reads them there (%{meta.c1}), or go if it never reads them; a single column left
    becomes a flat list."""
    data, meta = trace.get("customdata"), trace.get("meta")
    if not isinstance(data, list) or not data or not isinstance(meta, dict) or not isinstance(data[0], list):
        return
    width = len(data[0])
    same = [k for k in range(width) if all(isinstance(row, list) and len(row) == width and row[k] == data[0][k]
                                           for row in data)]
    kept = [k for k in range(width) if k not in same]
    template = trace.get("hovertemplate", "")
    for k in same:
        if f"%{{customdata[{k}]" in template:
            meta[f"c{k}"] = data[0][k]
            template = template.replace(f"%{{customdata[{k}]", f"%{{meta.c{k}")
    for new, k in enumerate(kept):
        template = template.replace(f"%{{customdata[{k}]", "%{customdata" if len(kept) == 1 else f"%{{customdata[{new}]")
    trace["hovertemplate"] = template
    if kept:
        trace["customdata"] = [row[kept[0]] for row in data] if len(kept) == 1 else [[row[k] for k in kept] for row in data]
    else:
        del trace["customdata"]


def compact(fig: go.Figure) -> dict:
    """The figure as plain JSON data, without its template (see template()), rounded and hoisted."""
    spec = json.loads(pio.to_json(fig))
    spec["layout"].pop("template", None)
    spec["layout"].update(width=WIDTH, autosize=False)
    for trace in spec["data"]:
        for axis in ("x", "y"):
            if isinstance(trace.get(axis), list):
                trace[axis] = [_value(v) for v in trace[axis]]
        _hoist(trace)
    return {"data": spec["data"], "layout": spec["layout"]}


def theme_charts(shown: pd.DataFrame, series: pd.DataFrame, progress: pd.DataFrame,
                 targets: pd.DataFrame) -> list[dict]:
    """The trend panel of the indicators shown, MOST_PER_CHART indicators to a chart."""
    charts = []
    for start in range(0, len(shown), MOST_PER_CHART):
        part = shown.iloc[start:start + MOST_PER_CHART]
        codes = part["code"].tolist()
        s = series[series["indicator"].isin(codes)]
        if s.empty:
            continue
        charts.append(compact(trends.trend_panel(part, s, progress, targets[targets["indicator"].isin(codes)])))
    return charts


PLACE = ("xaxis", "yaxis", "showlegend", "legendrank")  # where a line sits in one chart, not what it is
ARRAYS = ("x", "y", "customdata")


class _Pool:
    """Values kept once each, in the order first seen; add() gives a value's place."""

    def __init__(self) -> None:
        self.items: list = []
        self._index: dict[str, int] = {}

    def add(self, value: object) -> int:
        key = json.dumps(value, sort_keys=True)
        if key not in self._index:
            self._index[key] = len(self.items)
            self.items.append(value)
        return self._index[key]


def pack(drawn: list[dict]) -> dict:
    """The charts with each line and each long array kept once: a chart's line is {"t": n} and its
    place, line n of "traces"; an array in a line is {"a": n}, array n of "arrays" (see the file's script)."""
    arrays, traces, out = _Pool(), _Pool(), []
    for chart in drawn:
        data = []
        for trace in chart["data"]:
            body = {k: v for k, v in trace.items() if k not in PLACE}
            for key in ARRAYS:
                if isinstance(body.get(key), list) and len(body[key]) > 2:
                    body[key] = {"a": arrays.add(body[key])}
            data.append({"t": traces.add(body), **{k: trace[k] for k in PLACE if k in trace}})
        out.append({**chart, "data": data})
    return {"arrays": arrays.items, "traces": traces.items, "charts": out}


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' can end it or open a comment."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
