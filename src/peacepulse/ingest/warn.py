"""Run the kind's warning rules over the staged rows; warnings never block an upload."""
from __future__ import annotations

import duckdb

from ..kinds import Kind
from . import problems


def warnings(con: duckdb.DuckDBPyConnection, kind: Kind) -> list[dict]:
    found = []
    for rule in kind.warnings:
        for row in con.execute(f"SELECT * FROM ({rule.query})").fetchdf().to_dict("records"):
            text = rule.describe(row) if rule.describe else row["problem"]
            found.append(problems.problem(row["line"], row["column"], row["value"], text, "warning",
                                          row["subject"], row["summary"]))
    return found
