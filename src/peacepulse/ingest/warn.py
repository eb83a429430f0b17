"""Run the kind's warning rules over the staged rows; warnings never block an upload."""
from __future__ import annotations

import duckdb

from ..kinds import Kind
from . import problems


def warnings(con: duckdb.DuckDBPyConnection, kind: Kind) -> list[dict]:
    found = []
    for rule in kind.warnings:
        rows = con.execute(f'SELECT line, "column", value, problem, subject, summary FROM ({rule.query})').fetchall()
        found += [problems.problem(line, column, value, text, "warning", subject, summary)
                  for line, column, value, text, subject, summary in rows]
    return found
