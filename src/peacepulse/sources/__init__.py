"""Importers that turn public peacekeeping data files into PeacePulse observations.

Each source has its own module holding a short DuckDB recipe; ``extract`` picks
one by name. Results follow the upload contract, so they can be validated and
loaded like any uploaded file.
"""

from __future__ import annotations

from pathlib import Path

from . import fatalities, gender, radpko, sea
from ._common import OBSERVATION_COLUMNS, PROBLEM_COLUMNS, TARGET_COLUMNS, Extract

SOURCES = ("fatalities", "gender", "radpko", "sea")

__all__ = [
    "OBSERVATION_COLUMNS", "PROBLEM_COLUMNS", "SOURCES", "TARGET_COLUMNS", "Extract", "extract",
]


def extract(source: str, path: Path | str, *, strength_path: Path | str | None = None) -> Extract:
    """Read one public file.

    ``strength_path`` (the gender file) is only used by ``fatalities``, to add
    malicious-act deaths per 1,000 uniformed personnel.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    if strength_path is not None and source != "fatalities":
        raise ValueError("strength_path only applies to the fatalities source")
    if source == "fatalities":
        return fatalities.extract(path, strength_path)
    return {"gender": gender.extract, "radpko": radpko.extract, "sea": sea.extract}[source](path)
