"""Problems found in a file: one row per line and column, and how warnings are grouped for reading."""
from __future__ import annotations

import pandas as pd

COLUMNS = ["line", "column", "value", "problem", "severity", "subject", "summary"]
REPORT_COLUMNS = ["line", "column", "value", "problem", "severity"]  # what a downloaded report holds
SHOWN_CHARACTERS = 80  # of a cell quoted in a message; the report's value column keeps it whole


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why, and ``line`` and ``column`` where."""

    def __init__(self, message: str, line: int = 1, column: str = "") -> None:
        super().__init__(message)
        self.line, self.column = line, column


def shown(text: object) -> str:
    """A cell as a message quotes it: a very long one is cut short, saying how long it is."""
    text = "" if text is None else str(text)
    if len(text) <= SHOWN_CHARACTERS:
        return text
    return f"{text[:SHOWN_CHARACTERS]}… ({len(text):,} characters)"


def problem(line: int, column: str, value: object, text: str, severity: str = "error",
            subject: str = "", summary: str = "") -> dict:
    """One problem. ``subject`` and ``summary`` let warnings be grouped (see `grouped`)."""
    return {"line": int(line), "column": column, "value": "" if value is None else str(value),
            "problem": text, "severity": severity, "subject": subject, "summary": summary}


def frame(rows: list[dict | pd.DataFrame]) -> pd.DataFrame:
    """The problems in line order, each line and column once: the first problem found wins.

    ``rows`` holds single problems and frames of many (warnings come as frames)."""
    frames = [r for r in rows if isinstance(r, pd.DataFrame) and not r.empty]
    single = pd.DataFrame([r for r in rows if isinstance(r, dict)], columns=COLUMNS)
    out = pd.concat([single, *frames]) if frames else single
    out = out.astype({"line": "int64", "value": "str"})
    out = out.drop_duplicates(["line", "column", "severity"], keep="first")
    return out.sort_values(["line", "column"], kind="stable").reset_index(drop=True)


def _lines(lines: pd.Series) -> str:
    first, last = int(lines.min()), int(lines.max())
    return f"line {first}" if first == last else f"lines {first}–{last}"


def grouped(problems: pd.DataFrame) -> pd.DataFrame:
    """Errors as they are; warnings that share a subject and summary as one line each.

    For example: "MINUSMA: 12 rows (lines 40–51) are after the mission ended on 2023-12-31".
    Every row stays listed in the full report.
    """
    single = problems[problems["summary"] == ""]
    many = problems[problems["summary"] != ""]
    groups = []
    for (severity, subject, summary), rows in many.groupby(["severity", "subject", "summary"], sort=False):
        n = len(rows)
        text = (f"{subject}: {n:,} rows ({_lines(rows['line'])}) are {summary}." if n > 1
                else f"{subject}: 1 row ({_lines(rows['line'])}) is {summary}.")
        groups.append({"line": int(rows["line"].min()), "column": rows["column"].iloc[0], "rows": n,
                       "problem": text, "severity": severity})
    out = pd.concat([single.assign(rows=1)[["line", "column", "rows", "problem", "severity"]],
                     pd.DataFrame(groups, columns=["line", "column", "rows", "problem", "severity"])])
    order = out["severity"].map({"error": 0, "warning": 1})
    return out.assign(order=order).sort_values(["order", "line"], kind="stable").drop(columns="order").reset_index(drop=True)
