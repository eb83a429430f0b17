"""Synthetic assessments and recommendations for the demo store: a few per active mission, each
marked with source 'synthetic', so that the adaptive loop can be tried. No mission made them."""
from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pandas as pd

from . import store

SYNTHETIC = "synthetic"
JUDGED = ("on_track", "at_risk", "off_track")
ACTIONS = ("Review the reporting routine of this indicator with the component that owns it",
           "Agree a joint plan with the host authorities for the next two quarters",
           "Reallocate patrol hours to the areas where the indicator lags",
           "Brief leadership on the gap and the options to close it",
           "Commission a short field verification of the latest figures")
OWNERS = ("Chief of Staff", "Force Headquarters", "Civil Affairs", "Human Rights", "Planning Unit")
STEPS = ("not_started", "in_progress", "constrained", "completed")


def _cells(db: Path) -> pd.DataFrame:
    """Scorecard cells of active missions that can be judged, with up to three evidence indicators each."""
    return store.read_df(db, """
        SELECT s.mission, s.theme, s.status,
               string_agg(p.indicator, ';' ORDER BY p.indicator) FILTER (WHERE p.status IN ('on_track', 'at_risk', 'off_track'))
                   AS evidence
        FROM scorecard s JOIN missions m ON m.code = s.mission AND m.active
        JOIN indicator_theme it ON it.theme = s.theme
        JOIN progress p ON p.mission = s.mission AND p.indicator = it.indicator
        WHERE s.status IN ('on_track', 'at_risk', 'off_track')
        GROUP BY ALL ORDER BY s.mission, s.theme""")


def synthetic_loop(db: Path, today: date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Assessments of last year for up to three themes per active mission, and their recommendations."""
    today = today or date.today()
    year = today.year - 1
    assessments, recommendations = [], []
    for mission, cells in _cells(db).groupby("mission", sort=True):
        rng = random.Random(f"demo-assessment|{mission}")
        for cell in cells.sample(n=min(3, len(cells)), random_state=rng.randrange(2**31)).itertuples():
            differs = rng.random() < 0.25
            rating = rng.choice([r for r in JUDGED if r != cell.status]) if differs else cell.status
            evidence = ";".join((cell.evidence or "").split(";")[:3])
            assessments.append({
                "mission": mission, "theme": cell.theme, "period": str(year), "rating": rating,
                "reason": "Synthetic demo: the panel weighed events not yet in the indicators." if differs else "",
                "findings": f"Synthetic demo assessment. The indicators put theme {cell.theme} "
                            f"{cell.status.replace('_', ' ')}; the panel rated it {rating.replace('_', ' ')}.",
                "status": rng.choice(("approved", "approved", "submitted")), "participants": "Synthetic demo panel",
                "evidence": evidence, "source": SYNTHETIC})
            for n in range(rng.randint(1, 2)):
                due = date(today.year, 1, 1).toordinal() + rng.randint(-200, 400)
                recommendations.append({
                    "mission": mission, "theme": cell.theme, "period": str(year),
                    "recommendation": f"{rng.choice(ACTIONS)} (synthetic demo {n + 1})", "owner": rng.choice(OWNERS),
                    "due": date.fromordinal(max(due, date(year, 1, 1).toordinal())).isoformat(),
                    "status": rng.choice(STEPS), "update": "Synthetic demo progress note.", "source": SYNTHETIC})
    return pd.DataFrame(assessments), pd.DataFrame(recommendations)
