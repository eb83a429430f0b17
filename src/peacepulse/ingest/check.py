"""Run the kind's pandera model over the parsed rows and word each failure for people.

pandera reports a failed row check once per column of the frame, and a row may fail
several checks; each line and column is described once. Only the cells that messages
name are read back, and suggestions for unknown codes are worked out once per
distinct code.
"""
from __future__ import annotations

from string import Formatter

import duckdb
import pandas as pd
import pandera.pandas as pa

from ..closest import suggestions
from ..kinds import Kind
from ..kinds.spec import Rule
from . import problems
from .read import quote_name

# Generic wording of pandera's built-in checks, used by a kind's Field(...) declarations.
BUILT_IN = {
    "isin": "'{cell}' is not an accepted {column}. Use one of: {allowed}.",
    "str_matches": ("'{cell}' is not a usable code: start with a letter or digit and use only letters, "
                    "digits, spaces, '_', '-' or '.', up to 40 characters."),
    "in_range": "{cell} is not a valid {column}.",
    "greater_than_or_equal_to": "{cell} is negative; {column} counts people or events and cannot be below zero.",
}
BATCH = 250_000  # lines checked at once


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def _fetch(con: duckdb.DuckDBPyConnection, kind: Kind, first: int, end: int) -> pd.DataFrame:
    """The rows of lines [first, end), with the columns the model checks."""
    columns = list(kind.model.to_schema().columns)
    # Through Arrow: several times faster than fetchdf for text columns.
    query = (f"SELECT line, {', '.join(quote_name(c) for c in columns)} FROM upload_checked "
             f"WHERE line >= {int(first)} AND line < {int(end)}")
    frame = con.sql(query).to_arrow_table().to_pandas()
    # A line number, but NULL for most rows: the model takes it as a float.
    frame["key_first_line"] = frame["key_first_line"].astype("float64")
    return frame.set_index("line", drop=True).rename_axis(None)


def _failures(kind: Kind, frame: pd.DataFrame) -> pd.DataFrame:
    """One row per failing line and check: the line, the Rule or built-in check, its column."""
    schema = kind.model.to_schema()
    try:
        schema.validate(frame, lazy=True)
        return pd.DataFrame(columns=["line", "rule", "column"])
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        broken = cases[cases["index"].isna() & (cases["schema_context"] == "DataFrameSchema")]
        if not broken.empty:  # a row check that could not run (a missing column, say) must never pass unseen
            first = broken.iloc[0]
            raise RuntimeError(f"the {kind.name} check {first['check']!r} on {first['column']} could not run: "
                               f"{first['failure_case']}") from err
        cases = cases.dropna(subset=["index"])
    cases = cases.drop_duplicates(["index", "schema_context", "column", "check_number"])
    # Plain Python lists: iterating Arrow-backed columns one cell at a time is slow.
    lines, contexts, columns, numbers = (cases[c].to_numpy(dtype=object).tolist()
                                         for c in ("index", "schema_context", "column", "check_number"))
    rows, seen = [], set()
    for line, context, column, number in zip(lines, contexts, columns, numbers):
        if context == "DataFrameSchema":
            if (line, number) in seen:  # reported once per column of the frame; once is enough
                continue
            seen.add((line, number))
            rule = schema.checks[int(number)].error
            rows.append((int(line), rule, rule.column))
        else:
            rows.append((int(line), schema.columns[column].checks[int(number)], column))
    # object dtype keeps each Rule as it is; a string column would make it a plain str.
    return pd.DataFrame(rows, columns=["line", "rule", "column"], dtype=object).drop_duplicates(["line", "column"])


def _message(rule: object, column: str, cells: dict) -> str:
    if isinstance(rule, Rule):
        return rule.format_map(cells)
    name = rule.name
    allowed = ", ".join(map(str, rule.statistics.get("allowed_values", []))) if name == "isin" else ""
    return BUILT_IN[name].format(cell=cells[column], column=column, allowed=allowed)


def _cells(con, kind: Kind, failures: pd.DataFrame) -> pd.DataFrame:
    """For each failing line, the cells its messages name: as the file wrote them where it
    has the column, else as parsed; ``closest_<column>`` and ``key_text`` made on demand."""
    wanted = set(failures["column"])
    for rule in failures["rule"].drop_duplicates():
        wanted |= _fields(rule) if isinstance(rule, Rule) else set()
    wanted |= {n.removeprefix("closest_") for n in wanted if n.startswith("closest_")}
    if "key_text" in wanted:
        wanted |= set(kind.key)
    present = set(con.execute("SELECT * FROM upload_checked LIMIT 0").fetchdf().columns)
    columns = sorted(c for c in wanted if c in present)
    select = ", ".join(f"coalesce({quote_name(c + '__text')}, {quote_name(c)}::VARCHAR, '') AS {quote_name(c)}"
                       if c + "__text" in present else f"coalesce({quote_name(c)}::VARCHAR, '') AS {quote_name(c)}"
                       for c in columns)
    con.register("failed_lines", pd.DataFrame({"line": failures["line"].unique()}))
    try:
        rows = con.execute(f"SELECT line, {select} FROM upload_checked SEMI JOIN failed_lines USING (line)").fetchall()
    finally:
        con.unregister("failed_lines")
    cells = pd.DataFrame(rows, columns=["line", *columns], dtype=object).set_index("line")
    for name in (n for n in wanted if n.startswith("closest_")):
        column = name.removeprefix("closest_")
        known = con.execute(f"SELECT code FROM {column}").fetchdf()["code"].tolist()
        cells[name] = cells[column].map(suggestions(cells[column].unique().tolist(), known))
    if "key_text" in wanted:
        parts = pd.concat([(k + " " + cells[k]).where(cells[k] != "total", "") for k in kind.key], axis=1)
        cells["key_text"] = [", ".join(x for x in row if x) for row in parts.itertuples(index=False)]
    return cells


def check(con: duckdb.DuckDBPyConnection, kind: Kind) -> list[dict]:
    """The problems the kind's model finds in ``upload_checked``, one per line and column.

    The rows are checked a batch of lines at a time, so that a big file never sits in memory whole:
    every check looks at one row (repeated keys were found in SQL beforehand)."""
    first, last = con.execute("SELECT min(line), max(line) FROM upload_checked").fetchall()[0]
    if first is None:
        return []
    found = [_failures(kind, _fetch(con, kind, start, start + BATCH)) for start in range(first, last + 1, BATCH)]
    failures = pd.concat(found, ignore_index=True) if len(found) > 1 else found[0]
    if failures.empty:
        return []
    cells = _cells(con, kind, failures)
    by_line = dict(zip(cells.index.tolist(), cells.to_dict("records")))
    quoted = {line: {k: problems.shown(v) for k, v in row.items()} for line, row in by_line.items()}
    return [problems.problem(line, column, by_line[line].get(column, ""), _message(rule, column, quoted[line]))
            for line, rule, column in zip(*(failures[c].tolist() for c in ("line", "rule", "column")))]
