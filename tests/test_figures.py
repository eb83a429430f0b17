"""Figures are pure functions of DataFrames: check what they draw, value by value."""
from __future__ import annotations

import pandas as pd

from peacepulse import figures
from peacepulse.figures import trends

THEMES = pd.DataFrame({"number": range(1, 11), "title": [f"Theme {n}" for n in range(1, 11)]})


def _series(values: list[float], synthetic: bool = False, indicator: str = "FAT",
            mission: str = "UNMISS") -> pd.DataFrame:
    years = range(2020, 2020 + len(values))
    return pd.DataFrame({"mission": mission, "indicator": indicator, "period": [str(y) for y in years],
                         "period_start": pd.to_datetime([f"{y}-01-01" for y in years]), "value": values,
                         "source": "synthetic demo" if synthetic else "UN open data", "synthetic": synthetic})


def _targets(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"mission": m, "indicator": i, "period": str(y), "period_start": pd.Timestamp(f"{y}-01-01"),
                          "target": t} for m, i, y, t in rows])


def test_fig001_heatmap_cells_text_status_and_no_data() -> None:
    cells = pd.DataFrame([{"mission": "UNMISS", "theme": 7, "indicators": 4, "on_track": 3, "at_risk": 1,
                           "off_track": 0, "no_target": 0, "status": "on_track"}])
    fig = figures.scorecard_heatmap(cells, ["MINUSCA", "UNMISS"], THEMES)
    heat = fig.data[0]
    assert heat.text[1][6] == "3✓ 1! 0✗"
    assert heat.text[0][6] == "no data"
    assert figures.cell_text(cells.assign(on_track=0, at_risk=0, no_target=2).iloc[0]) == "2 no target"
    assert heat.customdata[1][6][:2] == ["UNMISS", 7] and heat.customdata[1][6][3] == "On track"
    on, none = heat.z[1][6], heat.z[0][6]
    assert figures.STATUSES[::-1][on] == "on_track" and figures.STATUSES[::-1][none] == "no_data"
    assert fig.layout.template.layout.colorway == tuple(figures.SERIES_COLORS)


def test_fig002_map_one_trace_per_status_with_codes() -> None:
    points = pd.DataFrame({"code": ["A", "B", "C"], "name": ["a", "b", "c"], "latitude": [1.0, 2.0, None],
                           "longitude": [1.0, 2.0, 3.0], "status": ["on_track", "off_track", "on_track"]})
    fig = figures.mission_map(points)
    assert [t.name for t in fig.data] == ["On track", "Off track"]
    assert list(fig.data[0].customdata[:, 0]) == ["A"]  # no coordinates, no point
    assert fig.data[1].marker.symbol == "x" and fig.data[1].marker.color == figures.STATUS_COLORS["off_track"]
    assert all(t.type == "scattergeo" for t in fig.data)


def test_fig003_trend_panel_value_baseline_target() -> None:
    indicators = pd.DataFrame({"code": ["FAT", "SHARE"], "name": ["Fatalities", "Share"], "unit": ["persons", "%"]})
    series = pd.concat([_series([10, 9, 8]), _series([5, 6], synthetic=True, indicator="SHARE")])
    progress = pd.DataFrame({"indicator": ["FAT", "SHARE"], "baseline": [10.0, None], "target": [6.0, None]})
    fig = trends.trend_panel(indicators, series, progress, _targets([("UNMISS", "FAT", 2025, 6.0)]))
    roles = [(t.meta["indicator"], t.meta["role"]) for t in fig.data]
    assert roles == [("FAT", "value"), ("FAT", "target_point"), ("FAT", "baseline"), ("FAT", "target"),
                     ("SHARE", "value")]
    target = next(t for t in fig.data if t.meta["role"] == "target")
    assert set(target.y) == {6.0} and str(target.x[-1])[:4] == "2025"  # line runs to the target period
    synthetic = fig.data[-1]
    assert synthetic.line.dash == "dash" and synthetic.opacity < 1 and "(synthetic)" in synthetic.name
    assert fig.data[0].line.dash == "solid" and "source" in fig.data[0].hovertemplate


def test_fig004_mixed_series_splits_real_and_synthetic() -> None:
    mixed = pd.concat([_series([1, 2]), _series([3], synthetic=True).assign(period_start=pd.Timestamp("2023-01-01"))])
    indicators = pd.DataFrame({"code": ["FAT"], "name": ["Fatalities"], "unit": ["persons"]})
    fig = trends.trend_panel(indicators, mixed, pd.DataFrame(columns=["indicator", "baseline", "target"]),
                              _targets([]).reindex(columns=["indicator", "period_start", "target", "period"]))
    assert [t.line.dash for t in fig.data] == ["solid", "dash"]


def test_fig005_mission_lines_one_line_per_mission_and_target_stars() -> None:
    series = pd.concat([_series([1, 2]), _series([3, 4], mission="MINUSCA")])
    indicators = pd.DataFrame({"code": ["FAT"], "name": ["Fatalities"], "unit": ["persons"]})
    fig = trends.mission_lines(series, _targets([("UNMISS", "FAT", 2025, 0.0)]), indicators)
    lines = [t for t in fig.data if t.meta["role"] == "value"]
    assert sorted(t.name for t in lines) == ["MINUSCA", "UNMISS"]
    star = next(t for t in fig.data if t.meta["role"] == "target_point")
    assert star.name == "UNMISS target" and list(star.y) == [0.0]
    assert star.marker.color == next(t for t in lines if t.name == "UNMISS").line.color


def test_fig006_breakdown_panels_per_mission() -> None:
    rows = pd.concat([_series([1, 2]).assign(sex=s) for s in ("female", "male")])
    fig = trends.breakdown(pd.concat([rows, rows.assign(mission="MINUSCA")]), "sex", "persons")
    assert len(fig.data) == 4 and {t.name for t in fig.data} == {"female", "male"}
    assert [t.showlegend for t in fig.data] == [True, True, False, False]


def test_fig007_coverage_heatmap_text() -> None:
    cov = pd.DataFrame({"mission": ["A", "A", "B"], "indicator": ["X", "Y", "X"], "periods": [3, 1, 6],
                        "expected": [6, 2, 6], "share": [0.5, 0.5, 1.0]})
    heat = figures.coverage_heatmap(cov).data[0]
    assert list(heat.y) == ["X", "Y"] and list(heat.x) == ["A", "B"]
    assert heat.text[0][0] == "3/6" and heat.text[1][1] == "" and heat.z[0][1] == 1.0


def test_fig008_empty_figure_says_why() -> None:
    fig = figures.empty("No data yet")
    assert fig.layout.annotations[0].text == "No data yet" and not fig.data


def test_fig009_count_axes_use_whole_numbers_and_others_do_not() -> None:
    indicators = pd.DataFrame({"code": ["FAT", "BIG", "SHARE"], "name": ["Fatalities", "Patrols", "Share"],
                               "unit": ["persons", "patrols", "%"], "measure": ["count", "count", "percent"]})
    series = pd.concat([_series([1, 2, 1]), _series([100, 240, 180], indicator="BIG"),
                        _series([5.5, 6.0], indicator="SHARE")])
    fig = trends.trend_panel(indicators, series, pd.DataFrame(columns=["indicator", "baseline", "target"]),
                             _targets([]).reindex(columns=["indicator", "period_start", "target", "period"]))
    small, big, share = fig.layout.yaxis, fig.layout.yaxis2, fig.layout.yaxis3
    assert (small.tickformat, small.dtick) == (",d", 1)     # 1 to 2 deaths: no 0.5 or 1.5 ticks
    assert (big.tickformat, big.dtick) == (",d", None)      # wide range: Plotly's own whole steps
    assert share.tickformat is None and share.dtick is None  # a percentage keeps its decimals


def test_fig010_cells_mark_synthetic_and_stale_and_name_what_cannot_be_judged() -> None:
    base = {"mission": "UNMISS", "theme": 7, "indicators": 4, "on_track": 3, "at_risk": 1, "off_track": 0,
            "no_target": 0, "insufficient": 0, "stale": 0, "synthetic": 0, "status": "on_track"}
    rows = pd.DataFrame([base, {**base, "theme": 8, "synthetic": 2, "stale": 1},
                         {**base, "theme": 9, "on_track": 0, "at_risk": 0, "insufficient": 2, "status": "insufficient"}])
    fig = figures.scorecard_heatmap(rows, ["UNMISS"], THEMES)
    text = fig.data[0].text[0]
    assert (text[6], text[7], text[8]) == ("3✓ 1! 0✗", "3✓ 1! 0✗ *◔", "2 too little evidence")
    assert "1 stale, 2 on synthetic series" in fig.data[0].customdata[0][7][4]


NO_TARGETS = pd.DataFrame(columns=["mission", "indicator", "period", "period_start", "target"])


def _many(missions: int, indicators: tuple[str, ...] = ("FAT", "SHARE")) -> pd.DataFrame:
    parts = []
    for m in range(missions):
        for code in indicators:
            # M00..M03 report real values for longest; the rest are synthetic or shorter
            real = m < 4
            parts.append(_series([m + 1.0] * (6 if real else 3), synthetic=not real, indicator=code,
                                 mission=f"M{m:02d}"))
    return pd.concat(parts, ignore_index=True)


def test_fig011_at_most_eight_missions_in_colour_and_the_rest_grey() -> None:
    series = _many(17)
    indicators = pd.DataFrame({"code": ["FAT", "SHARE"], "name": ["Fatalities", "Share"], "unit": ["persons", "%"]})
    fig = trends.mission_lines(series, _targets([("M00", "FAT", 2027, 1.0), ("M16", "FAT", 2027, 1.0)]), indicators)
    coloured = {t.meta["mission"] for t in fig.data if t.meta["role"] == "value"}
    assert len(coloured) == 8 and {"M00", "M01", "M02", "M03"} <= coloured  # real data first
    grey = [t for t in fig.data if t.meta["role"] == "others"]
    assert len(grey) == 2 and [t.showlegend for t in grey] == [True, False]  # one trace per panel
    drawn = {c[0] for c in grey[0].customdata if c[0]}
    assert drawn == {f"M{m:02d}" for m in range(17)} - coloured
    colours = {}
    for t in fig.data:
        if t.meta["role"] == "value":
            colours.setdefault(t.meta["mission"], set()).add(t.line.color)
    assert all(len(c) == 1 for c in colours.values())  # one colour per mission on every panel
    assert len({c.pop() for c in colours.values()}) == 8  # and no two highlighted missions share one
    stars = [t.meta["mission"] for t in fig.data if t.meta["role"] == "target_point"]
    assert stars == ["M00"]  # a grey mission's targets are not drawn


def test_fig012_a_few_missions_are_all_in_colour_and_a_chosen_set_wins() -> None:
    indicators = pd.DataFrame({"code": ["FAT"], "name": ["Fatalities"], "unit": ["persons"]})
    fig = trends.mission_lines(_many(3, ("FAT",)), NO_TARGETS, indicators)
    assert not [t for t in fig.data if t.meta["role"] == "others"]
    chosen = trends.mission_lines(_many(12, ("FAT",)), NO_TARGETS, indicators, highlight=["M11", "M05"])
    assert [t.meta["mission"] for t in chosen.data if t.meta["role"] == "value"] == ["M11", "M05"]
    assert chosen.data[1].line.color == figures.SERIES_COLORS[0]


def test_fig013_real_and_synthetic_parts_have_their_own_legend_entries_in_one_order() -> None:
    series = pd.concat([_series([1, 2], indicator=c) for c in ("FAT", "SHARE")]
                       + [_series([3, 4], synthetic=True, indicator=c) for c in ("FAT", "SHARE")]
                       + [_series([5], mission="MINUSCA", indicator="SHARE")])
    indicators = pd.DataFrame({"code": ["FAT", "SHARE"], "name": ["Fatalities", "Share"], "unit": ["persons", "%"]})
    fig = trends.mission_lines(series, NO_TARGETS, indicators)
    entries = [(t.name, t.legendrank) for t in fig.data if t.showlegend]
    assert entries == [("UNMISS", 2), ("UNMISS (synthetic)", 3), ("MINUSCA", 0)]
    assert {t.legendrank for t in fig.data if t.name == "UNMISS"} == {2}  # the same rank on both panels


def test_fig014_names_and_units_are_data_never_template_text() -> None:
    name, unit = "<b>Bold</b> %{y} & co", "%{x}"
    indicators = pd.DataFrame({"code": ["FAT"], "name": [name], "unit": [unit]})
    lines = trends.mission_lines(_series([1, 2]), NO_TARGETS, indicators)
    panel = trends.trend_panel(indicators, _series([1, 2]), pd.DataFrame(columns=["indicator", "baseline", "target"]),
                               NO_TARGETS)
    escaped = "&lt;b&gt;Bold&lt;/b&gt; %{y} &amp; co"
    for fig, label in ((lines, "UNMISS"), (panel, escaped)):
        line = next(t for t in fig.data if t.meta["role"] == "value")
        assert name not in line.hovertemplate and "%{x}" not in line.hovertemplate
        assert line.customdata[0][2:] == [label, "%{x}"]
        assert fig.layout.annotations[0].text == escaped + " (%{x})"


def test_fig015_long_panel_titles_wrap_and_short_ones_do_not() -> None:
    indicators = pd.DataFrame({"code": ["FAT", "SHARE"], "unit": ["persons", "%"],
                               "name": ["Share of recommendations from after-action reviews implemented on time", "Share"]})
    fig = trends.trend_panel(indicators, _series([1, 2]), pd.DataFrame(columns=["indicator", "baseline", "target"]),
                             NO_TARGETS)
    long, short = fig.layout.annotations[0].text, fig.layout.annotations[1].text
    assert long.count("<br>") == 1 and all(len(line) <= 48 for line in long.split("<br>"))
    assert short == "Share (%)"
