"""The seed catalogue: the ten themes, the missions and the indicators every store starts with."""
from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import pandas as pd

from . import ingest, store

SEED_FILES = ("missions.csv", "indicators.csv")


def shipped(name: str) -> Traversable:
    """A folder of files that ship inside the package: "seeds" (seeds/ of the repository) or "real" (data/real/).

    In a checkout src/peacepulse/shipped links to those folders; a wheel holds copies at the same place.
    """
    return resources.files("peacepulse") / "shipped" / name


def seed_dir() -> Traversable:
    return shipped("seeds")


def _load_themes(db: Path) -> None:
    with (seed_dir() / "themes.csv").open("rb") as f:
        themes = pd.read_csv(f, dtype={"number": int, "title": str, "summary": str})
    with store.writing(db) as con:
        store.migrate(con)
        con.register("seed_themes", themes)
        con.execute("""INSERT INTO theme SELECT number, title, summary FROM seed_themes
                       ON CONFLICT (number) DO UPDATE SET title = excluded.title, summary = excluded.summary""")


def init(db: Path, progress: ingest.Progress = lambda _: None, user: str | None = None) -> list[ingest.Report]:
    """Create or migrate the store and load the seed catalogue; safe to run again. ``user`` is recorded
    with any batch it writes."""
    _load_themes(db)
    files = [(name, (seed_dir() / name).read_bytes()) for name in SEED_FILES]
    return ingest.ingest_many(db, files, commit=True, origin="seed", user=user, progress=progress)
