"""Shared pieces of the public-data importers: the result type and its columns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

OBSERVATION_COLUMNS = (
    "mission", "indicator", "period", "value", "sex", "age", "location",
    "numerator", "denominator", "comment", "source",
)
TARGET_COLUMNS = (
    "mission", "indicator", "period", "target", "baseline", "baseline_period", "comment",
)
PROBLEM_COLUMNS = ("line", "column", "value", "problem")

# Spellings in the public files that name a mission the catalogue knows under
# another code. Kept deliberately short; every entry is a documented variant.
#   OSE-Syria -> OSES   Office of the Special Envoy for Syria: the fatalities file
#                       writes "OSE-Syria", the UN conduct table writes "OSES".
ALIASES: dict[str, str] = {
    "OSE-Syria": "OSES",
}


@dataclass
class Extract:
    """What one importer makes of one public file."""

    observations: pd.DataFrame
    targets: pd.DataFrame | None
    problems: pd.DataFrame


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory database with the alias table loaded.

    One thread keeps the scan order equal to the file order, which the
    ``row_number() OVER ()`` line numbers in problem reports rely on.
    """
    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute("CREATE TABLE alias (variant VARCHAR, code VARCHAR)")
    con.executemany("INSERT INTO alias VALUES (?, ?)", list(ALIASES.items()))
    return con


def mission_sql(column: str) -> str:
    """SQL expression mapping a raw mission column through the alias table."""
    return (
        f"coalesce((SELECT code FROM alias WHERE variant = trim({column})), "
        f"nullif(trim({column}), ''))"
    )


def alias_note_sql(column: str) -> str:
    """SQL expression giving a comment when a raw code was replaced by its alias."""
    return (
        f"CASE WHEN trim({column}) IN (SELECT variant FROM alias) "
        f"THEN 'mission code ' || trim({column}) || ' in the source' END"
    )


def observations(frame: pd.DataFrame) -> pd.DataFrame:
    """Order columns as the upload contract wants and sort for stable files."""
    out = frame.reindex(columns=list(OBSERVATION_COLUMNS))
    for col in ("value", "numerator", "denominator"):
        out[col] = pd.to_numeric(out[col]).astype("float64")
    for col in ("mission", "indicator", "period", "sex", "age", "location", "comment", "source"):
        out[col] = out[col].astype("object").where(out[col].notna(), None)
    keys = ["mission", "indicator", "period", "sex"]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def problems(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    if frame is None or frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in PROBLEM_COLUMNS})
    out = frame.reindex(columns=list(PROBLEM_COLUMNS))
    out["line"] = out["line"].astype("int64")
    return out.sort_values(["line", "column"], kind="stable").reset_index(drop=True)


def as_path(path: Path | str) -> str:
    return str(Path(path))
