"""Validate a file of any kind: header, then parsing, then the pandera model, then warnings."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import pandera.pandas as pa

from . import parsing, problems
from .readers import OPTIONAL, REQUIRED
from .schemas import MODELS, OBSERVATION_KEY, TARGET_KEY
from .warn import warnings_for

SEX_ALIASES = {"f": "female", "m": "male", "all": "total", "both": "total", "": "total"}
NUMBERS = {"observations": ("value", "numerator", "denominator"),
           "targets": ("target", "baseline"), "missions": ("latitude", "longitude"), "indicators": ()}


@dataclass
class Validated:
    kind: str
    rows: pd.DataFrame       # typed rows, ready to write when there are no errors
    problems: pd.DataFrame   # line, column, value, problem, severity

    @property
    def ok(self) -> bool:
        return not (self.problems["severity"] == "error").any()


def _catalogue(con: duckdb.DuckDBPyConnection) -> dict:
    missions = con.execute("SELECT code, start_date, end_date FROM mission").fetchdf()
    indicators = con.execute("SELECT code, measure, period_type FROM indicator").fetchdf()
    return {"missions": missions, "indicators": indicators}


def _header(raw: pd.DataFrame, kind: str) -> list[dict]:
    found = []
    for column in REQUIRED[kind]:
        if column not in raw.columns:
            found.append(problems.problem(None, column, "", (
                f"The required column '{column}' is missing. A {kind} file needs the columns "
                f"{', '.join(REQUIRED[kind])}; this file has {', '.join(raw.columns) or 'none'}.")))
    for column in raw.columns:
        if column not in REQUIRED[kind] + OPTIONAL[kind]:
            found.append(problems.problem(None, column, "", f"The column '{column}' is not used "
                                          f"in a {kind} file and was ignored.", "warning"))
    return found


def _canonical(cells: pd.Series, known: pd.Series) -> tuple[pd.Series, pd.Series]:
    lookup = {str(code).upper(): code for code in known}
    found = cells.str.upper().map(lookup)
    # A blank code is reported as empty already; it is not also an unknown one.
    return found.fillna(cells.replace("", None)), found.notna()


def _parse(raw: pd.DataFrame, kind: str, cat: dict) -> tuple[pd.DataFrame, list[dict]]:
    typed = pd.DataFrame(index=raw.index)
    found: list[dict] = []
    text = lambda c: raw[c] if c in raw.columns else pd.Series("", index=raw.index)  # noqa: E731

    def note(mask: pd.Series, column: str, message=None) -> None:
        for i in mask[mask].index:
            found.append(problems.problem(i, column, raw.at[i, column],
                                          message or problems.not_parsed(column, raw.at[i, column])))

    for column in REQUIRED[kind]:  # present: the header was checked first
        note(raw[column] == "", column, f"{column} is empty; every row needs one.")
    for column in NUMBERS[kind]:
        typed[column], bad = parsing.numbers(text(column))
        note(bad, column)
    if kind in ("observations", "targets"):
        typed["mission"], typed["ctx_mission_known"] = _canonical(text("mission"), cat["missions"]["code"])
        typed["indicator"], typed["ctx_indicator_known"] = _canonical(text("indicator"), cat["indicators"]["code"])
        meta = cat["indicators"].set_index("code")
        typed["ctx_measure"] = typed["indicator"].map(meta["measure"])
        typed["ctx_period_type"] = typed["indicator"].map(meta["period_type"])
        period, bad = parsing.periods(text("period"))
        typed = typed.join(period)
        note(bad, "period")
        typed["comment"] = text("comment").replace("", None)
    if kind == "observations":
        for column in ("age", "location"):
            typed[column] = text(column).replace("", "total")
        typed["sex"] = text("sex").str.lower().replace(SEX_ALIASES)
        typed["source"] = text("source").replace("", None)
    if kind == "targets":
        baseline_period, bad = parsing.periods(text("baseline_period"))
        typed["baseline_period"] = baseline_period["period"]
        typed["baseline_end"] = baseline_period["period_end"]
        note(bad, "baseline_period")
    if kind in ("indicators", "missions"):
        for column in REQUIRED[kind] + OPTIONAL[kind]:
            if column not in typed.columns:
                typed[column] = text(column).replace("", None)
    if kind == "indicators":
        for column in ("direction", "period_type", "measure", "result_level"):
            typed[column] = typed[column].str.lower()
        percent = typed["unit"].fillna("").str.contains("%")
        typed["measure"] = typed["measure"].where(typed["measure"].notna() | ~percent, "percent")
        typed["themes"], bad = parsing.theme_lists(text("themes"))
        note(bad & (text("themes") != ""), "themes")
        typed["kpi"], bad = parsing.booleans(text("kpi"))
        note(bad, "kpi")
    if kind == "missions":
        typed["kind"] = typed["kind"].str.lower()
        for column in ("start_date", "end_date"):
            typed[column], bad = parsing.dates(text(column))
            note(bad, column)
    return typed, found


def _checked(typed: pd.DataFrame, raw: pd.DataFrame, kind: str, cat: dict) -> list[dict]:
    try:
        MODELS[kind].validate(typed, lazy=True)
        return []
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases.dropna(subset=["index"])
    key = {"observations": OBSERVATION_KEY, "targets": TARGET_KEY}.get(kind, ["code"])
    first = typed.reset_index().groupby(key, dropna=False)["index"].transform("min")
    ctx = {"missions": list(cat["missions"]["code"]), "indicators": list(cat["indicators"]["code"]),
           "value_column": "target" if kind == "targets" else "value",
           "key_column": "period" if "period" in key else "code",
           "first_lines": {i: problems.line_of(f) for i, f in zip(typed.index, first)},
           "key_text": lambda r: ", ".join(f"{c} {typed.at[r.name, c]}" for c in key
                                            if typed.at[r.name, c] != "total")}
    merged = raw.join(typed[[c for c in typed.columns if c not in raw.columns]])
    found, seen = [], set()
    for case in cases.itertuples():
        index = int(case.index)
        column, text = problems.describe(case.check, case.column, merged.loc[index], ctx)
        if (index, column, text) not in seen:
            seen.add((index, column, text))
            found.append(problems.problem(index, column, raw.at[index, column] if column in raw else "", text))
    return found


def validate(con: duckdb.DuckDBPyConnection, raw: pd.DataFrame, kind: str) -> Validated:
    """Every problem in the file, worded for the person who made it, with its line."""
    found = _header(raw, kind)
    if any(p["severity"] == "error" for p in found):
        return Validated(kind, raw.iloc[0:0], problems.frame(found))
    cat = _catalogue(con)
    typed, parse_found = _parse(raw, kind, cat)
    found += parse_found + _checked(typed, raw, kind, cat)
    if not any(p["severity"] == "error" for p in found) and kind == "observations":
        found += warnings_for(con, typed, cat["missions"])
    return Validated(kind, typed, problems.frame(found))
