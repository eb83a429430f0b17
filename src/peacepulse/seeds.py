"""The seed catalogue: the ten themes, the missions and the indicators every store starts with."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import ingest, store

SEED_FILES = ("missions.csv", "indicators.csv")


def folder(name: str) -> Path:
    """A top-level folder of the checkout PeacePulse runs from (seeds, data)."""
    return Path(__file__).resolve().parents[2] / name


def seed_dir() -> Path:
    return folder("seeds")


def _load_themes(db: Path) -> None:
    themes = pd.read_csv(seed_dir() / "themes.csv", dtype={"number": int, "title": str, "summary": str})
    with store.writing(db) as con:
        store.migrate(con)
        con.register("seed_themes", themes)
        con.execute("""INSERT INTO theme SELECT number, title, summary FROM seed_themes
                       ON CONFLICT (number) DO UPDATE SET title = excluded.title, summary = excluded.summary""")


def init(db: Path, progress: ingest.Progress = lambda _: None) -> list[ingest.Report]:
    """Create or migrate the store and load the seed catalogue; safe to run again."""
    _load_themes(db)
    files = [(name, (seed_dir() / name).read_bytes()) for name in SEED_FILES]
    return ingest.ingest_many(db, files, commit=True, origin="seed", progress=progress)
