"""The closest known codes to one someone typed: for upload messages and for links that name no known code."""
from __future__ import annotations

from rapidfuzz import fuzz, process

CLOSE_ENOUGH = 70  # rapidfuzz WRatio, 0-100: below this a suggestion misleads more than it helps


def suggestions(codes: list[str], known: list[str]) -> dict[str, str]:
    """' Did you mean X?' for each code whose closest known code is close enough, else ''.

    All codes are scored against all known ones in one call, so 10,000 distinct unknown
    codes cost a fraction of a second."""
    if not codes or not known:
        return dict.fromkeys(codes, "")
    scores = process.cdist([c.upper() for c in codes], [k.upper() for k in known], scorer=fuzz.WRatio,
                           score_cutoff=CLOSE_ENOUGH, workers=-1)
    best = scores.argmax(axis=1)
    return {code: (f" Did you mean '{known[j]}'?" if scores[i, j] else "") for i, (code, j) in
            enumerate(zip(codes, best))}


def closest(code: str, known: list[str], most: int = 3) -> list[str]:
    """Up to ``most`` known codes close to ``code``, the closest first."""
    upper = [k.upper() for k in known]
    found = process.extract(str(code).upper(), upper, scorer=fuzz.WRatio, score_cutoff=CLOSE_ENOUGH, limit=most)
    return [known[index] for _, _, index in found]
