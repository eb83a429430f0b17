"""Load a public dataset through the same validation and transaction as any upload."""
from __future__ import annotations

from pathlib import Path

from .. import ingest
from .. import sources as public
from ..ingest import problems

RAW_NOTE = "Could not be read from the public file; left out of the import:"


def import_file(db: Path, source: str, path: Path, *, commit: bool,
                strength: Path | None = None, user: str | None = None) -> list[ingest.Report]:
    """Extract the source's observations (and targets), then ingest them as one upload.

    Rows of the public file that could not be parsed are reported as warnings on the
    first report, with their line in the public file, so nothing is dropped silently.
    """
    if not path.is_file():
        raise FileNotFoundError(path)
    result = public.extract(source, path, strength_path=strength)
    files = [(f"{path.name} (observations)", result.observations.to_csv(index=False).encode())]
    if result.targets is not None and not result.targets.empty:
        files.append((f"{path.name} (targets)", result.targets.to_csv(index=False).encode()))
    reports = ingest.ingest_many(db, files, commit=commit, origin=f"import:{source}", user=user)
    if not result.problems.empty:
        raw = [problems.problem(int(p.line), str(p.column), p.value, f"{RAW_NOTE} {p.problem}", "warning")
               for p in result.problems.itertuples()]
        first = reports[0]
        first.problems = problems.frame(raw + first.problems.to_dict("records"))
        first.message += f" {len(raw):,} rows of the public file could not be read (see warnings)."
    return reports
