"""Run the kind's warning rules over the staged rows; warnings never block an upload."""
from __future__ import annotations

import duckdb
import pandas as pd

from ..kinds import Kind
from . import problems


def warnings(con: duckdb.DuckDBPyConnection, kind: Kind) -> list[pd.DataFrame]:
    found = []
    for rule in kind.warnings:
        rows = con.sql(f"SELECT * FROM ({rule.query}) ORDER BY line").to_arrow_table().to_pandas()
        if rule.describe:
            rows["problem"] = [rule.describe(row) for row in rows.to_dict("records")]
        found.append(rows.assign(severity="warning")[problems.COLUMNS])
    return found
