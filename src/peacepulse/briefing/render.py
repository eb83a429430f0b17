"""The briefing as one HTML file: every text from the store escaped, findings as safe Markdown."""
from __future__ import annotations

import html
from importlib import resources

import pandas as pd
from markdown_it import MarkdownIt
from plotly.offline import get_plotlyjs

from .. import store
from ..assess import signals as signal_rules
from ..figures import STATUS_LABELS, STATUS_SYMBOLS
from . import charts
from .gather import Facts

# Raw HTML in findings is shown as text, never rendered; images are off too, since fetching one would
# reach the network.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")
WORKFLOW = {"draft": "Draft", "submitted": "Submitted", "approved": "Approved"}
ACTION_STATUS = {"not_started": "not started", "in_progress": "in progress", "constrained": "constrained",
                 "completed": "completed", "dropped": "dropped"}
SEVERITY = {"high": "High", "medium": "Medium", "low": "Low"}
RULE_NAMES = {"off_track_run": "Off track again and again", "break": "A lasting break",
              "target_near": "Target near, gap not closing", "stale": "Stale data",
              "assessment_overdue": "Assessment overdue", "rating_disagrees": "Rating and indicators disagree",
              "recommendation_overdue": "Recommendation overdue", "evidence_changed": "Evidence changed since approval"}


def e(value: object) -> str:
    return html.escape("" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value))


def markdown(text: str) -> str:
    return _MARKDOWN.render(text)


def fmt(value: object, unit: object = "") -> str:
    if value is None or pd.isna(value):
        return "–"
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{number} {'' if pd.isna(unit) else unit}".strip()


def status(code: object, extra: str = "") -> str:
    """A status as symbol and word, coloured as well but never by colour alone."""
    code = code if code in STATUS_LABELS else "no_data"
    text = f"{STATUS_SYMBOLS[code]} {STATUS_LABELS[code]}".strip()
    return f'<span class="status st-{code}{extra}">{e(text)}</span>'


def _when(facts: Facts) -> str:
    if facts.as_of is not None:
        label = store.as_of_label(facts.as_of)
        return f"as of the end of {label} (UTC)" if len(label) == 10 else f"as of {label}"
    return f"as of now, {facts.made_at:%Y-%m-%d %H:%M} UTC"


def _synthetic_notice(facts: Facts) -> str:
    series = facts.sources[facts.sources["synthetic"]]
    shown_recs = facts.recommendations[facts.recommendations["open"]]
    made_up = [(int(facts.assessed["synthetic"].sum()), "assessment"), (int(shown_recs["synthetic"].sum()),
                                                                         "open recommendation")]
    if series.empty and not any(n for n, _ in made_up):
        return '<p class="notice" id="synthetic-notice">None of the data in this briefing is synthetic.</p>'
    parts = []
    if not series.empty:
        parts.append(f"{int(series['indicators'].sum())} of the mission's series ({int(series['points'].sum()):,} "
                     f"of {int(facts.sources['points'].sum()):,} values) are synthetic")
    parts += [f"{n} {what}{'s' if n != 1 else ''} shown {'are' if n != 1 else 'is'} synthetic"
              for n, what in made_up if n]
    return ('<p class="notice synthetic" id="synthetic-notice"><strong>This briefing contains synthetic data.</strong> '
            + e("; ".join(parts)) + ": invented for the demonstration, they are not real figures or judgements. "
            "Synthetic series are drawn with dashed lines and open markers, say “synthetic demo data” on hover and are "
            "tagged “synthetic” in the lists of indicators; synthetic assessments and recommendations are marked "
            "as such.</p>")


def _scorecard(facts: Facts) -> str:
    cells = facts.scorecard.set_index("theme")
    heads, row = [], []
    for t in facts.themes.itertuples():
        heads.append(f'<th scope="col"><span class="n">{t.number}</span> {e(t.title)}</th>')
        if t.number in cells.index:
            c = cells.loc[t.number]
            marks = ("*" if c["synthetic"] else "") + ("◔" if c["stale"] else "")
            counts = f"{c['on_track']}✓ {c['at_risk']}! {c['off_track']}✗ · {c['indicators']} indicators"
            row.append(f'<td class="cell">{status(c["status"])}<small>{e(counts)}</small>'
                       f'{f"<small>{e(marks)}</small>" if marks else ""}</td>')
        else:
            row.append(f'<td class="cell">{status("no_data")}</td>')
    note = ("Statuses are computed on all the data the store holds " + _when(facts)
            + ("; the period limits the trend charts and the assessments." if facts.period else "."))
    return (f'<section id="scorecard"><h2>Scorecard</h2><table class="scorecard"><thead><tr>{"".join(heads)}</tr>'
            f'</thead><tbody><tr>{"".join(row)}</tr></tbody></table><p class="small">✓ on track, ! at risk, ✗ off '
            f"track (indicators per status). * rests on synthetic series; ◔ some series are stale. {e(note)}</p></section>")


def _signals(facts: Facts) -> str:
    found = facts.signals
    if found.empty:
        body = "<p>No signal needs a decision.</p>"
    else:
        items = [f'<li><span class="sev sev-{e(r.severity)}">{e(SEVERITY.get(r.severity, r.severity))}</span> '
                 f"<strong>{e(RULE_NAMES.get(r.rule, r.rule))}</strong>: {e(r.detail)}</li>"
                 for r in found.itertuples()]
        body = f'<ul class="signals">{"".join(items)}</ul>'
    rules = " ".join(f"{RULE_NAMES[k]}: {v}" for k, v in signal_rules.RULES.items())
    return (f'<section id="signals"><h2>Signals: what needs a decision ({len(found)})</h2>{body}'
            f'<p class="small">Judged on {facts.today:%Y-%m-%d}. {e(rules)}</p></section>')


def _indicator_list(rows: pd.DataFrame) -> str:
    items = []
    for r in rows.itertuples():
        target = f"target {fmt(r.target, r.unit)} by {r.target_period}" if pd.notna(r.target) else "no target set"
        marks = ('<span class="tag synthetic-tag">synthetic</span>' if r.synthetic is True else "") + \
                ('<span class="tag">stale</span>' if r.stale is True else "")
        items.append(f"<li>{status(r.status)} <strong>{e(r.name)}</strong> <code>{e(r.code)}</code>{marks}"
                     f'<br><small>Latest {e(r.latest_period)}: {e(fmt(r.latest_value, r.unit))} · {e(target)}</small></li>')
    return f'<ul class="indicators">{"".join(items)}</ul>'


def _assessment(facts: Facts, theme: int) -> str:
    if theme not in set(facts.assessed["theme"]):
        where = f" in {facts.period.code}" if facts.period else ""
        return f'<div class="assessment none" id="assessment-{theme}"><p>No assessment of this theme{e(where)}.</p></div>'
    a = facts.assessed[facts.assessed["theme"] == theme].iloc[0]
    computed = a["computed_status"] if a["computed_status"] in STATUS_LABELS else "no_target"
    parts = [f'<h3>Assessment {e(a["period"])} <span class="tag">{e(WORKFLOW.get(a["status"], a["status"]))}</span>'
             + ('<span class="tag synthetic-tag">synthetic demo assessment</span>' if a["synthetic"] else "")
             + f'</h3><p>Rated {status(a["rating"])} · computed then {status(computed)}</p>']
    if isinstance(a["reason"], str):
        parts.append(f"<p><em>Why the rating differs:</em> {e(a['reason'])}</p>")
    if isinstance(a["findings"], str):
        parts.append(f'<div class="findings">{markdown(a["findings"])}</div>')
    if isinstance(a["participants"], str):
        parts.append(f"<p class='small'>Participants: {e(a['participants'])}</p>")
    if isinstance(a["evidence"], str):
        parts.append(f"<p class='small'>Evidence: {e(a['evidence'].replace(';', ', '))}</p>")
    changes = facts.changes[(facts.changes["theme"] == theme) & (facts.changes["period"] == a["period"])]
    if not changes.empty:
        listed = "; ".join(f"{r.indicator} {r.observation_period}: {r.value_at_approval:g} → {r.value_now:g}"
                           for r in changes.itertuples())
        parts.append(f'<p class="notice warn">Evidence changed since approval: {e(listed)}</p>')
    recs = facts.recommendations[(facts.recommendations["theme"] == theme) & facts.recommendations["open"]]
    if not recs.empty:
        items = [f"<li>{e(r.recommendation)} <small>— {e(r.owner)}, due {r.due:%Y-%m-%d}, "
                 f"{e(ACTION_STATUS.get(r.status, r.status))}{', overdue' if r.overdue else ''}"
                 f"{e(f', carried over from {r.period}') if r.period != a['period'] else ''}"
                 f"{' · synthetic' if r.synthetic else ''}</small></li>" for r in recs.itertuples()]
        parts.append(f'<h4>Open recommendations ({len(recs)})</h4><ul class="recs">{"".join(items)}</ul>')
    return f'<div class="assessment" id="assessment-{theme}">{"".join(parts)}</div>'


def _theme(facts: Facts, number: int, title: str, charts_out: list[dict]) -> str:
    rows = facts.indicators[facts.indicators["theme"] == number]
    with_data = rows[rows["n_points"].notna()]
    # As on the mission page: the user's own indicators and the key ones, else all with data.
    key_ones = with_data[with_data["kpi"] | with_data["own"]]
    shown = key_ones if not key_ones.empty else with_data
    cell = facts.scorecard[facts.scorecard["theme"] == number]
    parts = [f'<h2 id="theme-heading-{number}">Theme {number} · {e(title)} '
             f'{status(cell["status"].iloc[0] if not cell.empty else "no_data")}</h2>']
    if shown.empty:
        parts.append("<p>This mission has no indicators with data under this theme.</p>")
    else:
        drawn = charts.theme_charts(shown, facts.series, facts.progress, facts.targets)
        for k, chart in enumerate(drawn, start=1):
            chart["id"] = f"chart-{number}-{k}"
            charts_out.append(chart)
            parts.append(f'<div class="chart" id="{chart["id"]}" style="height:{chart["layout"]["height"]}px"></div>')
        if not drawn:
            parts.append(f"<p>No values up to the end of {e(facts.period.code)}.</p>" if facts.period else "")
        if key_ones.empty:
            parts.append("<p class='small'>None of these is marked as a key indicator, so all with data are shown.</p>")
        parts.append(_indicator_list(shown))
    waiting = rows[rows["n_points"].isna() & (rows["kpi"] | rows["own"])]
    if not waiting.empty:
        parts.append(f"<p class='small'>No data yet: {e(', '.join(waiting['name']))}</p>")
    parts.append(_assessment(facts, number))
    return f'<section class="theme" id="theme-{number}">{"".join(parts)}</section>'


def _provenance(facts: Facts) -> str:
    sources = "".join(f"<tr><td>{e(r.source)}</td><td>{'synthetic' if r.synthetic else 'real'}</td>"
                      f"<td>{r.indicators}</td><td>{r.points:,}</td><td>{e(r.first_period)}–{e(r.last_period)}</td></tr>"
                      for r in facts.sources.itertuples())
    batches = "".join(f"<tr><td>{r.batch_id}</td><td>{e(r.kind)}</td><td>{e(r.file_name)}</td>"
                      f"<td>{r.uploaded_at:%Y-%m-%d %H:%M}</td><td>{e(r.origin)}</td>"
                      f"<td>{f'{r.rows_for_mission:,}' if r.rows_for_mission else 'the catalogue'}</td></tr>"
                      for r in facts.batches.itertuples())
    synthetic = facts.sources[facts.sources["synthetic"]]
    plain = (f"Synthetic: {int(synthetic['indicators'].sum())} series from the source “synthetic”, invented for the "
             "demonstration." if not synthetic.empty else "Synthetic: none of the series is synthetic.")
    return (f'<section id="provenance"><h2>Data provenance</h2><p id="as-of">Data {e(_when(facts))}. '
            f"Made {facts.made_at:%Y-%m-%d %H:%M} UTC by PeacePulse.</p><p id=\"synthetic-statement\">{e(plain)}</p>"
            '<h3>Sources of the series</h3><table class="data"><thead><tr><th>Source</th><th>Kind</th><th>Indicators</th>'
            f"<th>Values</th><th>Periods</th></tr></thead><tbody>{sources}</tbody></table>"
            '<h3>Uploads</h3><p class="small">The uploads (the store\'s <code>batches</code>) that hold this '
            "mission's current data, and those of the catalogue of missions and indicators.</p>"
            '<table class="data" id="batches"><thead><tr><th>Batch</th><th>Kind</th><th>File</th><th>Uploaded (UTC)</th>'
            f"<th>Origin</th><th>Rows for this mission</th></tr></thead><tbody>{batches}</tbody></table></section>")


def page(facts: Facts) -> str:
    m = facts.mission
    code = m["code"]
    drawn: list[dict] = []
    themes = "".join(_theme(facts, t.number, t.title, drawn) for t in facts.themes.itertuples())
    subtitle = " · ".join(str(v) for v in (m["kind"], m["country"], m["hq_location"]) if pd.notna(v))
    period = (f"<p>Period {e(facts.period.code)} ({facts.period.start:%d %B %Y} to {facts.period.end:%d %B %Y}): "
              "trends up to its end, and the assessments of periods within it.</p>" if facts.period else "")
    spec = {"template": charts.template(), "config": charts.CONFIG, **charts.pack(drawn)}
    css = resources.files(__package__).joinpath("briefing.css").read_text("utf-8")
    # No request can leave the file: everything it needs is inside it.
    policy = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
              "img-src data: blob:; font-src data:")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PeacePulse briefing · {e(code)}{e(' · ' + facts.period.code) if facts.period else ''}</title>
<style>{css}</style></head>
<body><main>
<header><p class="brand">PeacePulse briefing</p><h1 id="mission">{e(code)} — {e(m["name"])}</h1>
<p class="small">{e(subtitle)}</p>{period}<p>Data {e(_when(facts))}.</p></header>
{_synthetic_notice(facts)}
{_scorecard(facts)}
{_signals(facts)}
{themes}
{_provenance(facts)}
<noscript><p class="notice">The charts need JavaScript; everything else reads without it.</p></noscript>
</main>
<script>{get_plotlyjs()}</script>
<script type="application/json" id="pp-charts">{charts.script_json(spec)}</script>
<script>
(function () {{
  var spec = JSON.parse(document.getElementById("pp-charts").textContent);
  var copy = function (v) {{ return JSON.parse(JSON.stringify(v)); }};
  spec.charts.forEach(function (c) {{
    var data = c.data.map(function (placed) {{
      var trace = copy(spec.traces[placed.t]);
      ["x", "y", "customdata"].forEach(function (k) {{
        if (trace[k] && trace[k].a !== undefined) trace[k] = copy(spec.arrays[trace[k].a]);
      }});
      delete placed.t;
      return Object.assign(trace, placed);
    }});
    c.layout.template = copy(spec.template);
    Plotly.newPlot(c.id, data, c.layout, spec.config);
  }});
}})();
</script>
</body></html>
"""
