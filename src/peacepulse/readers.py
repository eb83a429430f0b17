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


def _records_strictly(text: str, sep: str) -> list[list[str]]:
    """The slow path, for files pandas refuses: say which line is malformed, and forgive
    rows whose extra cells are all empty (a trailing delimiter)."""
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as err:
        raise FileProblem(f"The file is not a well-formed table: {err}.") from err
    width = len(records[0])
    for number, row in enumerate(records[1:], start=2):
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            raise FileProblem(f"The file is not a well-formed table: line {number} has {len(row)} "
                              f"values but the header has {width} columns.")
    return [(r + [""] * width)[:width] for r in records]


def _read_csv(content: bytes) -> pd.DataFrame:
    text = _decode(content)
    if "\x00" in text:
        raise FileProblem("This does not look like a text file. Upload a CSV or an .xlsx workbook.")
    sep = _delimiter(text)
    try:
        # Blank lines are kept, so that row positions stay those a spreadsheet shows.
        table = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                            skip_blank_lines=False)
    except pd.errors.ParserError:
        table = pd.DataFrame(_records_strictly(text, sep), dtype=str)
    while len(table) and not table.iloc[0].str.strip().any():  # blank lines above the header
        table = table.iloc[1:]
    header = table.iloc[0].tolist()
    rows = table.iloc[1:].set_axis(header, axis=1)
    rows.index = rows.index - 1  # data row i sits on spreadsheet line i + 2, as for a workbook
    return rows


def _read_xlsx(content: bytes) -> pd.DataFrame:
    try:
        frame = pd.read_excel(io.BytesIO(content), sheet_name=0, dtype=str)
    except Exception as err:  # openpyxl raises many kinds for a damaged workbook
        raise FileProblem(f"The workbook could not be opened: {err}.") from err
    return frame


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
    frame = frame.fillna("").apply(lambda col: col.astype(str).str.strip())
    # Blank rows are dropped but keep their place: the index still gives each row's line.
    return frame[(frame != "").any(axis=1)]


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
