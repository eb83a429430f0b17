"""One spec per kind of upload file: columns, parsers, pandera model, key, write rule, messages."""
from __future__ import annotations

from .assessments import ASSESSMENTS
from .indicators import INDICATORS
from .missions import MISSIONS
from .observations import OBSERVATIONS
from .recommendations import RECOMMENDATIONS
from .spec import Column, Kind
from .targets import TARGETS

KINDS: dict[str, Kind] = {k.name: k for k in (OBSERVATIONS, TARGETS, INDICATORS, MISSIONS, ASSESSMENTS,
                                               RECOMMENDATIONS)}

__all__ = ["KINDS", "Column", "Kind", "detect"]


def detect(columns: list[str]) -> Kind | None:
    """The kind whose required columns the header matches best, or None when none fits well.

    A kind is ruled out when the header holds a column that another kind requires and
    this kind does not know: a ``target`` column is never in an observations file.
    """
    present = set(columns)
    required_somewhere = {c for kind in KINDS.values() for c in kind.required}

    def score(kind: Kind) -> float:
        foreign = (present & required_somewhere) - set(kind.required) - set(kind.optional)
        return 0.0 if foreign else len(present & set(kind.required)) / len(kind.required)

    best = max(KINDS.values(), key=score)
    return best if score(best) >= 0.5 else None
