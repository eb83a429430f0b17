"""Read an uploaded file into the temporary view ``upload_raw_<n>``: one text column per header
column, spaces trimmed, plus ``line``, the line a spreadsheet shows for the row (the header is
line 1). Blank rows are left out but keep their place in the numbering.

CSV files are loaded by DuckDB's own reader. Files it cannot take as they are (blank
lines, which would shift line numbers, or rows wider than the header) go through
Python's csv module instead, which says exactly which line is malformed. Cells of an
.xlsx workbook that hold numbers are kept as numbers, in ``<column>__number``.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import tempfile
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
_SPACE = " \t\r\n" + chr(160)
# Trimming every cell costs; most cells have nothing to trim, and this finds the ones that do.
_EDGE_SPACE = r"^[\s\x{00A0}]|[\s\x{00A0}]$"


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why and where."""


@dataclass(frozen=True)
class Table:
    """What was read: the header as cleaned, the number of data rows, and the separator."""

    columns: list[str]
    rows: int
    separator: str | None  # None for a workbook
    numbers: frozenset[str] = frozenset()  # columns with cells a workbook stores as numbers


def _utf8(content: bytes) -> bytes:
    """The content as UTF-8 without a BOM; Windows-1252 files are converted.

    UTF-8 is checked piece by piece, so a big file is never held twice as text."""
    if b"\x00" in content:
        raise FileProblem("This does not look like a text file. Upload a CSV or an .xlsx workbook.")
    content = content.removeprefix(b"\xef\xbb\xbf")
    decoder, step = codecs.getincrementaldecoder("utf-8")(), 1 << 20
    try:
        for start in range(0, len(content), step):
            decoder.decode(content[start:start + step])
        decoder.decode(b"", final=True)
        return content
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace").encode("utf-8")


def _header(data: bytes) -> tuple[int, int, str, list[str]]:
    """The header's line number, where the rows after it start, the separator, the header cells."""
    start, number = 0, 1
    while True:
        end = data.find(b"\n", start)
        line = data[start:] if end < 0 else data[start:end]
        if line.strip():
            break
        if end < 0:
            raise FileProblem("The file is empty.")
        start, number = end + 1, number + 1
    first = line.decode("utf-8").rstrip("\r")
    sep = max(SEPARATORS, key=first.count)
    return number, len(data) if end < 0 else end + 1, sep, next(csv.reader([first], delimiter=sep))


def _names(header: list[str]) -> list[str]:
    names = [str(h).strip(_SPACE).lower() for h in header]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise FileProblem(f"Line 1: the column(s) {', '.join(repeated)} appear more than once.")
    return names


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _trimmed(i: int) -> str:
    c = f"c{i}::VARCHAR"
    return f"coalesce(CASE WHEN regexp_matches({c}, '{_EDGE_SPACE}') THEN trim({c}, '{_SPACE}') ELSE {c} END, '')"


def _view(con, number: int, names: list[str], line: str, numbers: frozenset[str] = frozenset()) -> None:
    """``upload_raw_<number>``: the trimmed cells of ``upload_cells_<number>``, blank rows left out,
    and for each column in ``numbers`` its cells that a workbook stores as numbers (from n<i>)."""
    kept = [(i, n) for i, n in enumerate(names) if n and not n.startswith("unnamed:")]
    cells = ", ".join([f"{_trimmed(i)} AS {quote_name(n)}" for i, n in kept]
                      + [f"n{i} AS {quote_name(n + '__number')}" for i, n in kept if n in numbers])
    blank = " AND ".join(f"{quote_name(n)} = ''" for _, n in kept) or "false"
    con.execute(f"""CREATE OR REPLACE TEMP VIEW upload_raw_{number} AS
                    SELECT * FROM (SELECT {line} AS line, {cells} FROM upload_cells_{number})
                    WHERE NOT ({blank})""")


def _load_rows(con, number: int, names: list[str], rows: pd.DataFrame,
               numbers: frozenset[str] = frozenset()) -> None:
    con.register("upload_rows", rows)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE upload_cells_{number} AS SELECT * FROM upload_rows")
    finally:
        con.unregister("upload_rows")
    _view(con, number, names, "line", numbers)


def _strictly(con, number: int, data: bytes, sep: str, names: list[str], header_line: int) -> None:
    """The careful path: every record keeps its line, and a malformed one is named."""
    try:
        records = list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=sep))
    except csv.Error as err:
        raise FileProblem(f"The file is not a well-formed table: {err}.") from err
    width = len(names)
    for line, row in enumerate(records[header_line:], start=header_line + 1):
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            raise FileProblem(f"The file is not a well-formed table: line {line} has {len(row)} "
                              f"values but the header has {width} columns.")
    body = [(r + [""] * width)[:width] for r in records[header_line:]]
    frame = pd.DataFrame(body, columns=[f"c{i}" for i in range(width)], dtype=object)
    frame.insert(0, "line", range(header_line + 1, header_line + 1 + len(frame)))
    _load_rows(con, number, names, frame)


def _fast(con, number: int, data: bytes, sep: str, names: list[str], header_line: int) -> None:
    """DuckDB's reader, for a file whose records follow each other without blank lines.

    The store's connection may read no file (``enable_external_access`` is off), so the reader runs in
    a scratch database in memory and streams its rows across as Arrow batches, in file order."""
    handle, path = tempfile.mkstemp(suffix=".csv")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(names))) + "}"
        limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        with duckdb.connect(config={"memory_limit": limit}) as scratch:
            rows = scratch.sql(f"""SELECT * FROM read_csv(?,
                        delim = ?, quote = '"', escape = '"', header = false, skip = {header_line},
                        columns = {columns}, auto_detect = false, strict_mode = true,
                        null_padding = true, parallel = true)""", params=[path, sep]).to_arrow_reader()
            con.register("upload_stream", rows)
            try:
                con.execute(f"CREATE OR REPLACE TEMP TABLE upload_cells_{number} AS SELECT * FROM upload_stream")
            finally:
                con.unregister("upload_stream")
    finally:
        os.unlink(path)
    # Outside a transaction the rows of a new table are numbered from 0, in file order.
    _view(con, number, names, f"(rowid + {header_line + 1})::INTEGER")


def _read_csv(con, number: int, content: bytes) -> Table:
    data = _utf8(content)
    header_line, body_start, sep, header = _header(data)
    names = _names(header)
    body = data[body_start:].rstrip(b"\r\n ")
    # DuckDB skips empty lines, which would shift the line numbers of the rows after them.
    if not body or b"\n\n" in body or b"\n\r\n" in body:
        _strictly(con, number, data, sep, names, header_line)
    else:
        try:
            _fast(con, number, data, sep, names, header_line)
        except duckdb.Error:
            _strictly(con, number, data, sep, names, header_line)
    return Table(_present(names), _count(con, number), sep)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(con, number: int, content: bytes) -> Table:
    from openpyxl import load_workbook  # only workbooks need it

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    except Exception as err:  # openpyxl raises many kinds for a damaged workbook
        raise FileProblem(f"The workbook could not be opened: {err}.") from err
    first = next((i for i, row in enumerate(rows) if any(v not in (None, "") for v in row)), None)
    if first is None:
        raise FileProblem("The file is empty.")
    names = _names([_cell(v) for v in rows[first]])
    width = len(names)
    body = [(list(r) + [None] * width)[:width] for r in rows[first + 1:]]
    values = pd.DataFrame(body, columns=[f"c{i}" for i in range(width)], dtype=object)
    frame = values.map(_cell)
    is_number = values.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool))
    numbers = {names[i] for i in range(width) if names[i] and is_number[f"c{i}"].any()}
    for i in range(width):
        if names[i] in numbers:
            frame[f"n{i}"] = values[f"c{i}"].where(is_number[f"c{i}"]).astype("float64")
    frame.insert(0, "line", range(first + 2, first + 2 + len(frame)))
    _load_rows(con, number, names, frame, frozenset(numbers))
    return Table(_present(names), _count(con, number), None, frozenset(numbers))


def _present(names: list[str]) -> list[str]:
    return [n for n in names if n and not n.startswith("unnamed:")]


def _count(con, number: int) -> int:
    return con.execute(f"SELECT count(*) FROM upload_raw_{number}").fetchall()[0][0]


def read(con: duckdb.DuckDBPyConnection, file_name: str, content: bytes, number: int = 0) -> Table:
    """Load the file into ``upload_raw_<number>`` on this connection; say what it holds.

    Run it outside a transaction: DuckDB numbers the rows of a table created inside one
    from 2**55, and a malformed file must be able to fail without aborting the upload."""
    if not content.strip():
        raise FileProblem("The file is empty.")
    is_xlsx = file_name.lower().endswith((".xlsx", ".xlsm")) or content[:4] == b"PK\x03\x04"
    return _read_xlsx(con, number, content) if is_xlsx else _read_csv(con, number, content)
