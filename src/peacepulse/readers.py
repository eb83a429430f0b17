"""Read an uploaded file into a frame of strings and tell what kind of file it is."""
from __future__ import annotations

import csv
import io

import pandas as pd

# Required columns per kind, in the order a person would write them.
REQUIRED = {
    "observations": ("mission", "indicator", "period", "value"),
    "targets": ("mission", "indicator", "period", "target"),
    "indicators": ("code", "name", "themes", "unit", "direction"),
    "missions": ("code", "name"),
}
OPTIONAL = {
    "observations": ("sex", "age", "location", "numerator", "denominator", "comment", "source"),
    "targets": ("baseline", "baseline_period", "comment"),
    "indicators": ("definition", "period_type", "measure", "result_level", "aggregation",
                   "source", "component", "disaggregations", "kpi"),
    "missions": ("kind", "lead_entity", "start_date", "end_date", "hq_location", "country",
                 "latitude", "longitude", "source"),
}
KINDS = tuple(REQUIRED)


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why and where."""


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def _read_csv(content: bytes) -> pd.DataFrame:
    text = _decode(content)
    if "\x00" in text:
        raise FileProblem("This does not look like a text file. Upload a CSV or an .xlsx workbook.")
    try:
        records = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
                   if any(cell.strip() for cell in r)]
    except csv.Error as err:
        raise FileProblem(f"The file is not a well-formed table: {err}.") from err
    header, rows = records[0], records[1:]
    for number, row in enumerate(rows, start=2):
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            raise FileProblem(f"The file is not a well-formed table: line {number} has {len(row)} "
                              f"values but the header has {len(header)} columns.")
    # Spreadsheets drop trailing empty cells; pad them back rather than complain.
    width = len(header)
    return pd.DataFrame([(r + [""] * width)[:width] for r in rows], columns=header, dtype=str)


def _read_xlsx(content: bytes) -> pd.DataFrame:
    try:
        frame = pd.read_excel(io.BytesIO(content), sheet_name=0, dtype=str)
    except Exception as err:  # openpyxl raises many kinds for a damaged workbook
        raise FileProblem(f"The workbook could not be opened: {err}.") from err
    return frame.fillna("")


def read_table(file_name: str, content: bytes) -> pd.DataFrame:
    """All cells as stripped strings; headers lower-cased. Row i is spreadsheet line i + 2."""
    if not content.strip():
        raise FileProblem("The file is empty.")
    is_xlsx = file_name.lower().endswith((".xlsx", ".xlsm")) or content[:4] == b"PK\x03\x04"
    frame = _read_xlsx(content) if is_xlsx else _read_csv(content)
    headers = [str(c).strip().lower() for c in frame.columns]
    repeated = sorted({h for h in headers if headers.count(h) > 1})
    if repeated:
        raise FileProblem(f"Line 1: the column(s) {', '.join(repeated)} appear more than once.")
    frame.columns = headers
    frame = frame.loc[:, [h for h in headers if h and not h.startswith("unnamed:")]]
    return frame.apply(lambda col: col.astype(str).str.strip()).reset_index(drop=True)


def detect_kind(columns: list[str]) -> str | None:
    """The kind whose required columns the header matches best, or None."""
    present = set(columns)
    scores = {kind: len(present & set(req)) / len(req) for kind, req in REQUIRED.items()}
    if "themes" in present:
        scores["missions"] = 0.0
    if "value" in present and "target" not in present:
        scores["targets"] = 0.0
    if "target" in present and "value" not in present:
        scores["observations"] = 0.0
    best = max(scores, key=scores.get)
    return best if scores[best] >= 0.5 else None
