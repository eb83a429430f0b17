"""Read an uploaded file into the temporary view ``upload_raw_<n>``: one text column per header
column, spaces trimmed, plus ``line``, the line a spreadsheet shows for the row (the header is
line 1). Blank rows are left out but keep their place in the numbering.

CSV files are loaded by DuckDB's own reader. Files it cannot take as they are (blank
lines, which would shift line numbers, mixed line endings, or rows wider than the header)
go through Python's csv module instead, in batches, which says exactly which line is
malformed. Cells of an .xlsx workbook that hold numbers are kept as numbers, in
``<column>__number``.
"""
from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from . import encoding, workbook
from .problems import FileProblem, problem, shown

__all__ = ["FileProblem", "Table", "read", "quote_name"]

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
_SPACE = " \t\r\n" + chr(160)
# Trimming every cell costs; most cells have nothing to trim, and this finds the ones that do.
_EDGE_SPACE = r"^[\s\x{00A0}]|[\s\x{00A0}]$"
_LINE_END = re.compile(rb"\r\n|\n|\r")
MAX_CELL = 1 << 21  # characters in one cell, as DuckDB's reader allows in one line
MAX_COLUMNS = 1000  # named columns in a header: a file of any kind needs fewer than 20
BATCH = 100_000  # rows the careful path holds in memory at once


@dataclass(frozen=True)
class Table:
    """What was read: the header as cleaned, the number of data rows, and the separator."""

    columns: list[str]
    rows: int
    separator: str | None  # None for a workbook
    numbers: frozenset[str] = frozenset()  # columns with cells a workbook stores as numbers
    problems: tuple[dict, ...] = ()  # found while reading: cells a workbook cannot give, ignored columns


def _header(data: bytes) -> tuple[int, int, str, list[str]]:
    """The header's line number, where the rows after it start, the separator, the header cells."""
    start, number = 0, 1
    while True:
        end = _LINE_END.search(data, start)
        line = data[start:end.start() if end else len(data)]
        if line.strip():
            break
        if end is None:
            raise FileProblem("The file is empty.")
        start, number = end.end(), number + 1
    first = line.decode("utf-8")
    sep = max(SEPARATORS, key=first.count)
    try:
        cells = next(csv.reader([first], delimiter=sep, strict=True))
    except csv.Error as err:
        raise FileProblem(f"Line {number}, the header, is not a well-formed row of column names: a quote in it "
                          "is not closed, or is followed by other text. Write the names without quotes.", number) from err
    return number, end.end() if end else len(data), sep, cells


def _names(header: list[str]) -> list[str]:
    names = [str(h).strip(_SPACE).lower() for h in header]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise FileProblem(f"Line 1: the column(s) {', '.join(shown(n) for n in repeated)} appear more than once.")
    named = sum(1 for n in names if n)
    if named > MAX_COLUMNS:
        raise FileProblem(f"Line 1 names {named:,} columns; a file of any kind has fewer than 20, and at most "
                          f"{MAX_COLUMNS:,} can be read. Check that the first line is the header.")
    if len(names) > MAX_COLUMNS:
        raise FileProblem(f"Line 1 has {len(names):,} columns, most of them without a name; at most "
                          f"{MAX_COLUMNS:,} can be read. Delete the empty columns and upload the file again.")
    return names


def _trailing_blanks_dropped(header: list[str]) -> list[str]:
    """A header with more cells than can be read loses its empty cells at the end (a spreadsheet exported
    with thousands of empty columns): reading them would cost a column each."""
    if len(header) <= MAX_COLUMNS:
        return header
    end = len(header)
    while end and not str(header[end - 1]).strip(_SPACE):
        end -= 1
    return header[:end]


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


def _malformed(err: csv.Error, line: int) -> FileProblem:
    """The csv module's complaint about the record on ``line``, in words."""
    text = str(err)
    if "end of data" in text:
        why = ("a quote opens a cell and is never closed, so the rest of the file would be read into that one "
               "cell. Close the quote, and write a quote inside a cell as two (\"\")")
    elif "expected after" in text:
        why = ("a quoted cell has more text after its closing quote (such as \"12\"5). Put the quotes around "
               "the whole cell, and write a quote inside a cell as two (\"\")")
    elif "field larger than field limit" in text:
        why = (f"a cell is longer than {MAX_CELL:,} characters, more than any cell can hold. Check that "
               "every quote in the file is closed")
    else:
        why = f"it is not a well-formed CSV row ({text})"
    return FileProblem(f"The file is not a well-formed table: on line {line}, {why}.", line)


def _strictly(con, number: int, data: bytes, sep: str, names: list[str], header_line: int) -> str:
    """The careful path: every record keeps its line, and a malformed one is named. The file is decoded
    as it is read, and its rows go to DuckDB a batch at a time, so a big file is never held as Python lists."""
    csv.field_size_limit(MAX_CELL)
    width = len(names)
    columns = [f"c{i}" for i in range(width)]
    con.execute(f"CREATE OR REPLACE TEMP TABLE upload_cells_{number} "
                f"(line INTEGER, {', '.join(c + ' VARCHAR' for c in columns)})")
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=""), delimiter=sep, strict=True)
    lines, body, line = [], [], 0

    def flush() -> None:
        frame = pd.DataFrame(body, columns=columns, dtype=object)
        frame.insert(0, "line", lines)
        con.register("upload_batch", frame)
        try:
            con.execute(f"INSERT INTO upload_cells_{number} SELECT * FROM upload_batch")
        finally:
            con.unregister("upload_batch")
        lines.clear()
        body.clear()

    try:
        for line, row in enumerate(reader, start=1):
            if line <= header_line:
                continue
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                raise _wider(names, line, len(row))
            lines.append(line)
            body.append((row + [""] * width)[:width])
            if len(body) >= BATCH:
                flush()
    except csv.Error as err:
        raise _malformed(err, line + 1) from err
    flush()
    _view(con, number, names, "line")
    return "line"


def _wider(names: list[str], line: int, values: int) -> FileProblem:
    if len(names) == 1:  # a title above the header, most likely
        return FileProblem(f"The first line ('{shown(names[0])}') was read as the header, but it has one cell and line "
                           f"{line} has {values} values. Remove any title lines above the header row.", line)
    return FileProblem(f"The file is not a well-formed table: line {line} has {values} "
                       f"values but the header has {len(names)} columns.", line)


def _fast(con, number: int, data: bytes, sep: str, names: list[str], header_line: int) -> str:
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
    line = f"(rowid + {header_line + 1})::INTEGER"
    _view(con, number, names, line)
    return line


def _needs_care(data: bytes, start: int) -> bool:
    """Whether DuckDB's reader would misnumber the lines of data[start:]: it skips blank lines, and it cannot
    take a file that mixes line endings (a lone CR beside LFs). Blank lines at the end do not count. The
    bytes are searched where they lie: a big file is never copied for this."""
    end = len(data)
    while end > start and data[end - 1] in b"\r\n ":
        end -= 1
    if end == start or any(data.find(blank, start, end) >= 0 for blank in (b"\n\n", b"\n\r\n", b"\r\r")):
        return True
    if data.find(b"\r", start, end) < 0:
        return False
    crlf = data.count(b"\r\n", start, end)
    return data.count(b"\r", start, end) != crlf and data.count(b"\n", start, end) != crlf


def _read_csv(con, number: int, content: bytes) -> Table:
    data = encoding.utf8(content)
    header_line, body_start, sep, header = _header(data)
    names = _names(_trailing_blanks_dropped(header))
    if _needs_care(data, body_start):
        line = _strictly(con, number, data, sep, names, header_line)
    else:
        try:
            line = _fast(con, number, data, sep, names, header_line)
        except duckdb.Error:
            line = _strictly(con, number, data, sep, names, header_line)
    return Table(_present(names), _count(con, number), sep, problems=tuple(_unnamed(con, number, names, line)))


def _unnamed(con, number: int, names: list[str], line: str = "line") -> list[dict]:
    """A warning for each column with no name in the header but values below it: they are ignored."""
    found = []
    for i in (i for i, n in enumerate(names) if not n):
        row = con.execute(f"SELECT {line} AS line, c{i}::VARCHAR FROM upload_cells_{number} "
                          f"WHERE trim(c{i}::VARCHAR) <> '' ORDER BY line LIMIT 1").fetchall()
        if row:
            found.append(problem(1, "", "", f"Column {i + 1} has no name in the header, so its values were ignored "
                                 f"(the first, on line {row[0][0]}: '{shown(row[0][1])}'). Name the column if it "
                                 "is needed.", "warning"))
    return found


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


def _column_letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_problems(sheet: workbook.Sheet, header_row: int, names: list[str]) -> list[dict]:
    """Cells that look empty though the workbook shows a value in them: formulas without a saved
    result, and merged cells. The sheet's row number is the line."""
    def name(column: int) -> str:
        return names[column - 1] if column <= len(names) else ""

    found = [problem(row, name(column), formula, (
        f"Cell {_column_letter(column)}{row} holds {formula if formula.startswith('=') else 'a formula'} but not its "
        "result, which only a spreadsheet program can work out. Open the workbook in one and save it, or type "
        "the value in."))
        for (row, column), formula in sorted(sheet.unsaved.items()) if row >= header_row and name(column)]
    for ref, (left, top, right, bottom) in sheet.merged:
        covered = [(row, column) for row in range(max(top, header_row), bottom + 1) for column in range(left, right + 1)
                   if (row, column) != (top, left) and name(column)]
        found += [problem(row, name(column), "", (
            f"Cells {ref} are merged, so only {_column_letter(left)}{top} holds a value and the others of the range "
            "look empty. Unmerge them and fill in every cell.")) for row, column in covered]
    return found


def _read_xlsx(con, number: int, content: bytes) -> Table:
    sheet = workbook.read(content)
    where = f"The first sheet ('{shown(sheet.title)}')" if sheet.others else "The file"
    filled = [r for r in sorted(sheet.rows) if any(v not in (None, "") for v in sheet.rows[r])]
    if not filled:
        raise FileProblem(f"{where} is empty." + (" Only the first sheet of a workbook is read: move the sheet "
                                                  "with the data to the front." if sheet.others else ""))
    header_row = filled[0]
    numbered = [r for r in sorted(sheet.rows) if r > header_row]
    for row in [header_row, *numbered]:  # empty cells at the end of a row are no column
        values = sheet.rows[row]
        while values and values[-1] in (None, ""):
            values.pop()
        if len(values) > MAX_COLUMNS:
            raise FileProblem(f"Line {row} has a value in column {_column_letter(len(values))}, beyond the "
                              f"{MAX_COLUMNS:,} columns that can be read. Delete what is there, or copy the "
                              "table to a new sheet, and upload it again.", row)
    # Values right of the header's last name are kept, under no name, so that they are reported.
    width = max(len(sheet.rows[r]) for r in [header_row, *numbered])
    names = _names([_cell(v) for v in sheet.rows[header_row]] + [""] * (width - len(sheet.rows[header_row])))
    values = pd.DataFrame([sheet.rows[r] + [None] * (width - len(sheet.rows[r])) for r in numbered],
                          columns=[f"c{i}" for i in range(width)], dtype=object)
    frame = values.map(_cell)
    is_number = values.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool))
    numbers = {names[i] for i in range(width) if names[i] and is_number[f"c{i}"].any()}
    for i in range(width):
        if names[i] in numbers:
            frame[f"n{i}"] = values[f"c{i}"].where(is_number[f"c{i}"]).astype("float64")
    frame.insert(0, "line", pd.Series(numbered, dtype="int64"))
    _load_rows(con, number, names, frame, frozenset(numbers))
    found = _sheet_problems(sheet, header_row, names) + _unnamed(con, number, names)
    if sheet.others:
        found.append(problem(1, "", "", f"The workbook has {len(sheet.others) + 1} sheets; only the first, "
                             f"'{shown(sheet.title)}', was read ({', '.join(shown(o) for o in sheet.others[:5])}"
                             f"{', …' if len(sheet.others) > 5 else ''} left out).", "warning"))
    rows = _count(con, number)
    if not rows and sheet.others:
        raise FileProblem(f"{where} has a header but no data rows. Only the first sheet of a workbook is read: "
                          "move the sheet with the data to the front.")
    return Table(_present(names), rows, None, frozenset(numbers), tuple(found))


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
    is_xlsx = file_name.lower().endswith((".xlsx", ".xlsm")) or content[:4] in (b"PK\x03\x04", b"PK\x05\x06")
    return _read_xlsx(con, number, content) if is_xlsx else _read_csv(con, number, content)
