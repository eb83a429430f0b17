"""Rebuild the derived CSV files shipped in ``data/real`` from the public originals.

``shared_dir`` holds the original files, each at the relative path given in
``FILES``. Run it with::

    python -m peacepulse.sources.build ORIGINALS_DIR OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from . import extract

FILES = {
    "fatalities": "un-pko-fatalities/odp_noticas.csv",
    "gender": "un-pko-gender-contributions-derived/CountryByYear.csv",
    "radpko": "radpko/radpko_bases_cc_y.csv",
    "sea": "un-sea-allegations/table_of_allegations_as_of_july_2024.csv",
}


NUMERIC = ("value", "numerator", "denominator", "target", "baseline")


def _write(frame: pd.DataFrame, path: Path, numeric: tuple[str, ...] = NUMERIC) -> int:
    # Whole numbers are written without ".0" so the files diff cleanly.
    out = frame.copy()
    for col in numeric:
        if col in out:
            out[col] = out[col].map(_number)
    out.to_csv(path, index=False, lineterminator="\n")
    return len(out)


def _number(x: object) -> str:
    if x is None or pd.isna(x):
        return ""
    f = float(x)
    return str(int(f)) if f.is_integer() else repr(round(f, 6))


def build_real_data(shared_dir: Path, out_dir: Path) -> dict[str, int]:
    """Run every importer and write its files; return rows written per file name."""
    shared_dir, out_dir = Path(shared_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for source, relative in FILES.items():
        options = {"strength_path": shared_dir / FILES["gender"]} if source == "fatalities" else {}
        result = extract(source, shared_dir / relative, **options)
        name = f"observations-{source}.csv"
        counts[name] = _write(result.observations, out_dir / name)
        if result.targets is not None:
            name = f"targets-{source}.csv"
            counts[name] = _write(result.targets, out_dir / name)
        stale = out_dir / f"problems-{source}.csv"
        if len(result.problems):
            counts[stale.name] = _write(result.problems, stale, numeric=())
        elif stale.exists():
            stale.unlink()
    return counts


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m peacepulse.sources.build ORIGINALS_DIR OUT_DIR", file=sys.stderr)
        return 2
    for name, rows in build_real_data(Path(args[0]), Path(args[1])).items():
        print(f"{name}: {rows} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
