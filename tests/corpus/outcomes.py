"""The outcome each file of the corpus must give, through the CLI and through the upload page alike.

- ``refused``: nothing is written, and each of ``problems`` (line, column, a fragment of the message)
  is reported as an error; no other error is, unless ``errors`` gives their number.
- ``parsed``: no problem at all, and ``stored`` (a query and its rows) is what the store then holds.
- ``warning``: each of ``problems`` is reported as a warning, no error is, the upload goes on, and
  ``stored`` is what the store then holds.

A line is the line a spreadsheet shows (the header is line 1); a problem with the file as a whole
is on line 1 with no column.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

OBS = "SELECT mission, indicator, period, value FROM observations ORDER BY mission, indicator, period"
TWO_ROWS = (OBS, (("UNMISS", "FAT_TOTAL", "2020", 3.0), ("UNMISS", "FAT_TOTAL", "2021", 5.0)))
WORKBOOK_ROWS = (OBS, (("UNMISS", "FAT_TOTAL", "2020", 3.0), ("UNMISS", "FAT_TOTAL", "2021", 4.0)))


@dataclass(frozen=True)
class Case:
    name: str
    outcome: str
    covers: str
    problems: tuple[tuple[int, str, str], ...] = ()
    stored: tuple[str, tuple[tuple, ...]] | None = None
    kind: str | None = None
    errors: int | None = None

    def __post_init__(self) -> None:
        assert self.outcome in ("refused", "parsed", "warning"), self.name
        assert (self.stored is None) == (self.outcome == "refused"), self.name
        assert self.problems or self.outcome == "parsed", self.name


def refused(name: str, covers: str, *problems: tuple[int, str, str], kind: str | None = None,
            errors: int | None = None) -> Case:
    return Case(name, "refused", covers, problems, kind=kind, errors=errors)


def parsed(name: str, covers: str, stored: tuple[str, tuple[tuple, ...]]) -> Case:
    return Case(name, "parsed", covers, stored=stored)


def warning(name: str, covers: str, stored: tuple[str, tuple[tuple, ...]], *problems: tuple[int, str, str]) -> Case:
    return Case(name, "warning", covers, problems, stored=stored)


WHOLE = 1, ""  # a problem with the file as a whole
NOT_A_NUMBER = "is not a number. Give a number"
FAILED_FORMULA = "is what a spreadsheet shows where a formula fails"

CASES = [
    # Empty and degenerate
    refused("empty.csv", "an empty file", (*WHOLE, "The file is empty.")),
    refused("blank-lines-only.csv", "nothing but blank lines and spaces", (*WHOLE, "The file is empty.")),
    refused("header-only.csv", "a header and no rows", (*WHOLE, "The file has a header but no data rows.")),
    refused("binary-data.csv", "random bytes", (*WHOLE, "This does not look like a text file.")),
    refused("binary-data-without-nul.csv", "random bytes with no zero byte among them",
            (*WHOLE, "This does not look like a text file.")),
    refused("pdf-named-csv.csv", "a PDF named .csv", (*WHOLE, "This is a PDF document, not a table.")),
    refused("old-excel.xls", "an old binary Excel workbook", (*WHOLE, "This is an old Excel .xls workbook")),
    refused("opendocument.xlsx", "an OpenDocument spreadsheet named .xlsx", (*WHOLE, "This is an OpenDocument file")),
    refused("zip-renamed.csv", "a ZIP of a CSV, renamed .csv",
            (*WHOLE, "This is a ZIP archive, not an .xlsx workbook (it holds obs.csv).")),
    parsed("xlsx-named-csv.csv", "a workbook uploaded under a .csv name: told by its content", WORKBOOK_ROWS),
    parsed("formulas-saved.xlsx", "formulas with their results saved, as a spreadsheet program saves them",
           ("SELECT period, value, comment FROM observations ORDER BY period",
            (("2020", 3.0, "ok"), ("2021", 4.0, "ok"), ("2022", 7.0, "Click")))),
    refused("formulas-unsaved.xlsx", "formulas without a saved result, as a program writes them",
            (4, "value", "Cell D4 holds =D2+D3 but not its result"),
            (4, "comment", 'Cell E4 holds =HYPERLINK("http://evil.example","Click") but not its result')),
    refused("merged-cells.xlsx", "a mission code merged down three rows",
            (3, "mission", "Cells A2:A4 are merged, so only A2 holds a value"),
            (4, "mission", "Cells A2:A4 are merged, so only A2 holds a value")),
    warning("several-sheets.xlsx", "three sheets: the first is read", WORKBOOK_ROWS,
            (*WHOLE, "The workbook has 3 sheets; only the first, 'Data', was read (Notes, Old left out).")),
    refused("data-on-second-sheet.xlsx", "a note on the first sheet, the data on the second",
            (*WHOLE, "The first sheet ('Read me') has a header but no data rows. Only the first sheet")),
    refused("empty-workbook.xlsx", "a workbook without cells", (*WHOLE, "The file is empty.")),
    refused("truncated.xlsx", "a workbook cut short", (*WHOLE, "starts like an .xlsx workbook but is damaged")),
    parsed("stale-dimension.xlsx", "a sheet that declares a smaller size than it has",
           (OBS, (("UNMISS", "FAT_TOTAL", "2020", 3.0), ("UNMISS", "FAT_TOTAL", "2021", 4.0),
                  ("UNMISS", "FAT_TOTAL", "2022", 5.0)))),
    # Encoding
    parsed("utf16-le.csv", "Excel's Unicode text: UTF-16 with a byte order mark, tab-separated",
           ("SELECT mission, period, value, comment FROM observations",
            (("UNMISS", "2020", 3.0, "Bangui – zone nord, élevé"),))),
    parsed("utf16-be.csv", "UTF-16, big-endian, with a byte order mark", TWO_ROWS),
    refused("utf16-without-bom.csv", "UTF-16 without a byte order mark",
            (*WHOLE, "This file seems to be UTF-16 text without the mark that says so.")),
    refused("nul-byte.csv", "one NUL byte in a cell", (3, "", "Line 3 holds a NUL character")),
    parsed("cp1252.csv", "Windows-1252 text", ("SELECT period, comment FROM observations",
                                              (("2020", "Juba – Malakal café"),))),
    refused("mixed-encodings.csv", "a UTF-8 line and a Windows-1252 line",
            (3, "", "Line 3 is not UTF-8 text, but line 2 is")),
    parsed("long-line.csv", "a 100,000-character cell", (
        "SELECT period, length(comment), left(comment, 3) FROM observations", (("2020", 100_000, "xxx"),))),
    refused("cell-too-long.csv", "a 3,000,000-character cell",
            (2, "", "on line 2, a cell is longer than 2,097,152 characters")),
    parsed("quoted-newlines.csv", "quoted cells holding line breaks, quotes and commas",
           ("SELECT period, comment FROM observations ORDER BY period",
            (("2020", "first line\nsecond line"), ("2021", 'a "quoted" word, and a comma')))),
    refused("quoted-newlines-then-a-bad-row.csv", "a bad row after a cell of two lines: its line as a spreadsheet shows it",
            (3, "value", "'five' is not a number")),
    parsed("mixed-line-endings.csv", "CR LF, LF and a lone CR in one file",
           (OBS, (("UNMISS", "FAT_TOTAL", "2019", 2.0), ("UNMISS", "FAT_TOTAL", "2020", 3.0),
                  ("UNMISS", "FAT_TOTAL", "2021", 4.0)))),
    parsed("cr-line-endings.csv", "old Mac line endings (CR only)", TWO_ROWS),
    refused("unclosed-quote.csv", "a quote that is never closed, which would swallow the rows below",
            (2, "", "on line 2, a quote opens a cell and is never closed")),
    refused("text-after-closing-quote.csv", '"12"5: text after a closing quote',
            (2, "", "on line 2, a quoted cell has more text after its closing quote")),
    # Header
    refused("duplicate-headers.csv", "a column named twice, in other case and spacing",
            (*WHOLE, "the column(s) value appear more than once")),
    warning("extra-columns.csv", "columns no kind uses", TWO_ROWS,
            (1, "checked_by", "The column 'checked_by' is not used in a observations file and was ignored."),
            (1, "notes", "The column 'notes' is not used in a observations file and was ignored.")),
    warning("unnamed-column.csv", "values under a column with no name", TWO_ROWS,
            (*WHOLE, "Column 5 has no name in the header, so its values were ignored (the first, on line 3: "
                     "'see annex').")),
    refused("missing-required-column.csv", "no value column",
            (1, "value", "The required column 'value' is missing.")),
    refused("targets-given-as-observations.csv", "a targets file checked as observations",
            (1, "value", "The required column 'value' is missing."), kind="observations"),
    refused("title-above-header.csv", "a title line above the header",
            (2, "", "Remove any title lines above the header row.")),
    refused("too-many-columns.csv", "1,504 named columns", (*WHOLE, "Line 1 names 1,504 columns")),
    parsed("thousands-of-empty-columns.csv", "16,000 empty columns after the table, as some exports leave",
           TWO_ROWS),
    refused("value-far-right.xlsx", "a stray value in the sheet's last column, XFD",
            (*WHOLE, "Line 1 has a value in column XFD, beyond the 1,000 columns that can be read.")),
    # Numbers
    parsed("decimal-comma-semicolon.csv", "decimal commas in a semicolon-separated file",
           (OBS, (("UNMISS", "FAT_TOTAL", "2020", 1234.5), ("UNMISS", "UNIF_WOMEN_SHARE", "2019", 0.125),
                  ("UNMISS", "UNIF_WOMEN_SHARE", "2020", 12.5)))),
    refused("decimal-comma-in-comma-file.csv", "decimal commas in a comma-separated file",
            (1, "value", "2 cells of value use a decimal comma"),
            (2, "value", "'12,5' does not fit how this file writes numbers"),
            (3, "value", "'0,125' does not fit how this file writes numbers")),
    parsed("thousands-with-evidence.csv", "thousands separators where another number shows the decimal point",
           (OBS, (("UNMISS", "FAT_TOTAL", "2018", 1234.0), ("UNMISS", "FAT_TOTAL", "2019", 1234567.0),
                  ("UNMISS", "UNIF_WOMEN_SHARE", "2019", 0.5)))),
    refused("thousands-ambiguous.csv", "1,234 with nothing to tell 1234 from 1.234",
            (2, "value", "'1,234' could be read two ways: as 1234 by the decimal point"),
            (4, "value", "'2,500' could be read two ways: as 2500 by the decimal point")),
    refused("semicolon-ambiguous.csv", "1.234 in a semicolon-separated file with nothing to tell",
            (2, "value", "'1.234' could be read two ways: as 1234 by the decimal comma")),
    refused("mixed-conventions.csv", "12,5 and 12.5 in one file",
            (1, "value", "1 cell of value uses a decimal point"), (3, "value", "'12.5' does not fit")),
    parsed("scientific-notation.csv", "1e3, 2.5E-2, 1E+2, 1.5e-7",
           (OBS, (("UNMISS", "FAT_TOTAL", "2017", 1000.0), ("UNMISS", "FAT_TOTAL", "2019", 100.0),
                  ("UNMISS", "UNIF_WOMEN_SHARE", "2018", 0.025), ("UNMISS", "UNIF_WOMEN_SHARE", "2019", 1.5e-7)))),
    refused("not-numbers.csv", "NaN, NA, inf, spreadsheet errors and other text",
            *[(line, "value", NOT_A_NUMBER) for line in (2, 3, 4, 5, 6, 7, 8, 11, 12)],
            (9, "value", FAILED_FORMULA), (10, "value", FAILED_FORMULA)),
    parsed("negative-zero.csv", "-0, -0.0 and +0, stored as plain zero",
           ("SELECT period, value::VARCHAR FROM observations ORDER BY period",
            (("2018", "0.0"), ("2019", "0.0"), ("2020", "0.0")))),
    refused("beyond-a-double.csv", "numbers too large or too small for a double",
            (2, "value", "'1e309' is too large to be stored"),
            (3, "value", "… (400 characters)' is too large to be stored"),
            (4, "value", "'-1e400' is too large to be stored"),
            (5, "value", "'1e-400' is too close to zero to be stored")),
    # Periods
    refused("dates-with-slashes.csv", "31/12/2024, 01/02/2024 and 2024/12/31",
            (2, "period", "write a day as YYYY-MM-DD, here 2024-12-31"),
            (3, "period", "could be 2024-02-01 or 2024-01-02"),
            (4, "period", "write a day as YYYY-MM-DD, here 2024-12-31")),
    warning("periods-in-the-future.csv", "years that have not begun",
            (OBS, (("UNMISS", "FAT_TOTAL", "2031", 3.0), ("UNMISS", "FAT_TOTAL", "9999", 4.0))),
            (2, "period", "Period 2031 begins on 2031-01-01, after today"),
            (3, "period", "Period 9999 begins on 9999-01-01, after today")),
    warning("fiscal-years.csv", "UN budget years, July to June",
            ("SELECT mission, period, period_start, period_end, value FROM observations ORDER BY mission, period",
             (("MINUSCA", "FY1999/00", date(1999, 7, 1), date(2000, 6, 30), 12.0),
              ("UNMISS", "FY2023/24", date(2023, 7, 1), date(2024, 6, 30), 97.5),
              ("UNMISS", "FY2024/25", date(2024, 7, 1), date(2025, 6, 30), 98.25))),
            (4, "period", "Period FY1999/00 is before the mission began")),
    refused("fiscal-years-written-wrong.csv", "budget years that skip a year or are written otherwise",
            (2, "period", "with two years in a row, such as FY2024/25"),
            (3, "period", "write a UN budget year (July to June) as FY2024/25"),
            (4, "period", "write a UN budget year (July to June) as FY2024/25"),
            (5, "period", "'2024' is a year period, but indicator BUDGET_IMPL_RATE is reported by fiscal_year")),
    refused("impossible-periods.csv", "year 0, 30 February, month 13, a budget year past 9999",
            (2, "period", "'0000' is not a period"), (3, "period", "2024-02 has no day 30"),
            (4, "period", "there is no month 13"), (5, "period", "'FY9999/00' is not a period")),
    # Injection
    parsed("formula-injection.csv", "text cells that a spreadsheet would run as formulas: stored as they are",
           ("SELECT period, comment, source, location, age FROM observations ORDER BY period",
            (("2020", '=HYPERLINK("http://evil.example","Click for details")', "+cmd|' /C calc'!A0", "-2+3",
              "@SUM(A1)"),
             ("2021", "-3.5", "=1+1", "@here", "+18")))),
    parsed("html-in-text.csv", "HTML and a script in text cells: stored as text",
           ("SELECT comment, source, location FROM observations",
            (("<script>alert('x')</script>", "<img src=x onerror=alert(1)>", "<b>Juba</b>"),))),
    refused("sql-in-codes.csv", "SQL in codes and periods, and a formula as a mission code",
            (2, "mission", "Unknown mission code 'UNMISS'; DROP TABLE observation_revision; --'"),
            (3, "indicator", "Unknown indicator code 'FAT_TOTAL\" OR 1=1 --'"),
            (4, "period", "'2020'); DELETE FROM batch; --' is not a period"),
            (5, "mission", "Unknown mission code '=HYPERLINK(\"http://evil.example\",\"UNMISS\")'")),
    warning("sql-in-header.csv", "SQL as a column name", (OBS, (("UNMISS", "FAT_TOTAL", "2020", 3.0),)),
            (1, 'x"; drop table batch; --', "is not used in a observations file and was ignored")),
    refused("sql-in-indicator-code.csv", "SQL as a new indicator's code",
            (2, "code", "is not a usable code")),
    # Size and shape
    refused("unknown-codes-10k.csv", "10,000 distinct mission codes that are no mission",
            (2, "mission", "Unknown mission code 'UNMISA0'."), (10_001, "mission", "Unknown mission code 'QZ04999'."),
            errors=10_000),
    refused("decompression-bomb.xlsx", "a workbook of 1.1 MB that unpacks to 256 MB",
            (*WHOLE, "This workbook would unpack from 1.1 MB to 256.0 MB (its part xl/worksheets/sheet1.xml is "
                     "compressed 229 to 1)")),
    refused("decompression-bomb-lying-size.xlsx", "the same bomb, its sheet declaring 4 KB",
            (*WHOLE, "The workbook could not be opened")),
    refused("entity-expansion.xlsx", "XML entities that expand a billion times",
            (*WHOLE, "The workbook could not be opened")),
]
