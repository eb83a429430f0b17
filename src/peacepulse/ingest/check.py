"""Run the kind's pandera model over the parsed rows and word each failure for people.

pandera reports a failed row check once per column of the frame, and a row may fail
several checks; each line and column is described once. Suggestions for unknown codes
are worked out once per distinct code.
"""
from __future__ import annotations

from functools import lru_cache

import duckdb
import pandas as pd
import pandera.pandas as pa
from rapidfuzz import fuzz, process

from ..kinds import Kind
from ..kinds.spec import Rule
from . import problems
from .read import _quoted

# Generic wording of pandera's built-in checks, used by a kind's Field(...) declarations.
BUILT_IN = {
    "isin": "'{cell}' is not an accepted {column}. Use one of: {allowed}.",
    "str_matches": ("'{cell}' is not a usable code: start with a letter or digit and use only letters, "
                    "digits, spaces, '_', '-' or '.', up to 40 characters."),
    "in_range": "{cell} is not a valid {column}.",
    "greater_than_or_equal_to": "{cell} is negative; {column} counts people or events and cannot be below zero.",
}
CLOSE_ENOUGH = 70  # rapidfuzz WRatio, 0-100: below this a suggestion misleads more than it helps


@lru_cache(maxsize=65536)
def closest(code: str, known: tuple[str, ...]) -> str:
    """' Did you mean X?' for the closest known code, or nothing when none is close.

    Cached, so each distinct code of a file is looked up once."""
    upper = [k.upper() for k in known]
    match = process.extractOne(code.upper(), upper, scorer=fuzz.WRatio, score_cutoff=CLOSE_ENOUGH)
    return f" Did you mean '{known[match[2]]}'?" if match else ""


class _Cells(dict):
    """The cells of one row for a message: as written where the file has the column, else
    parsed; suggestions and the key's wording are made only when a message asks for them."""

    def __init__(self, row: dict, kind: Kind, known: dict[str, tuple[str, ...]]):
        super().__init__(row)
        self.kind, self.known = kind, known

    def __missing__(self, name: str) -> str:
        if name.startswith("closest_"):
            column = name.removeprefix("closest_")
            return closest(str(self[column]), self.known[column])
        if name == "key_text":
            return ", ".join(f"{k} {self[k]}" for k in self.kind.key if self[k] != "total")
        raise KeyError(name)


def _fetch(con: duckdb.DuckDBPyConnection, kind: Kind) -> pd.DataFrame:
    columns = list(kind.model.to_schema().columns)
    # Through Arrow: several times faster than fetchdf for text columns.
    query = f"SELECT line, {', '.join(_quoted(c) for c in columns)} FROM upload_checked"
    frame = con.sql(query).to_arrow_table().to_pandas()
    return frame.set_index("line", drop=True).rename_axis(None)


def _failures(kind: Kind, frame: pd.DataFrame) -> pd.DataFrame:
    """One row per failing line and check: the line, the Rule or built-in check, its column."""
    schema = kind.model.to_schema()
    try:
        schema.validate(frame, lazy=True)
        return pd.DataFrame(columns=["line", "rule", "column"])
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases.dropna(subset=["index"])
    frame_level = cases["schema_context"] == "DataFrameSchema"
    cases = cases.drop_duplicates(["index", "schema_context", "column", "check_number"])
    rows = []
    for case in cases[frame_level].drop_duplicates(["index", "check_number"]).itertuples():
        rule = schema.checks[int(case.check_number)].error
        rows.append((int(case.index), rule, rule.column))
    for case in cases[~frame_level].itertuples():
        check = schema.columns[case.column].checks[int(case.check_number)]
        rows.append((int(case.index), check, case.column))
    # object dtype keeps each Rule as it is; a string column would make it a plain str.
    return pd.DataFrame(rows, columns=["line", "rule", "column"], dtype=object).drop_duplicates(["line", "column"])


def _message(rule: object, column: str, cells: _Cells) -> str:
    if isinstance(rule, Rule):
        return rule.format_map(cells)
    name = rule.name
    allowed = ", ".join(map(str, rule.statistics.get("allowed_values", []))) if name == "isin" else ""
    return BUILT_IN[name].format(cell=cells[column], column=column, allowed=allowed)


def _plain(value: object) -> object:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return ""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def check(con: duckdb.DuckDBPyConnection, kind: Kind) -> list[dict]:
    """The problems the kind's model finds in ``upload_checked``, one per line and column."""
    failures = _failures(kind, _fetch(con, kind))
    if failures.empty:
        return []
    lines = pd.DataFrame({"line": failures["line"].unique()})
    con.register("failed_lines", lines)
    try:
        rows = con.execute("SELECT * FROM upload_checked SEMI JOIN failed_lines USING (line)").fetchdf()
    finally:
        con.unregister("failed_lines")
    known = {c: tuple(con.execute(f"SELECT code FROM {c}").fetchdf()["code"]) for c in ("mission", "indicator")}
    by_line = {}
    for row in rows.to_dict("records"):
        cells = {k: _plain(v) for k, v in row.items() if not k.endswith(("__text", "__bad"))}
        cells.update({k.removesuffix("__text"): v for k, v in row.items() if k.endswith("__text")})
        by_line[row["line"]] = _Cells(cells, kind, known)
    found = []
    for line, rule, column in failures.itertuples(index=False):
        cells = by_line[line]
        found.append(problems.problem(line, column, cells.get(column, ""), _message(rule, column, cells)))
    return found
