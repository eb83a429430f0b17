"""The first sheet of an .xlsx workbook, read after checking that the file is one and is safe to open.

A workbook is a ZIP archive, so the sizes its parts declare are checked before anything is
unpacked: a part that unpacks to a hundred times its size or more, or a workbook that unpacks to
over a gigabyte, is refused as a possible decompression bomb. (Python's zipfile never unpacks
more than a part declares, so a part that lies about its size fails its checksum instead.)

The sheet is read with openpyxl's own sheet parser, in one streaming pass, so that besides the
values it also tells which cells hold a formula and which cells are merged. A formula whose
result the workbook does not hold (a file written by a program, never opened in a spreadsheet)
and merged cells are reported cell by cell: their values would otherwise look empty.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from .problems import FileProblem

MAX_EXPANDED = 1 << 30  # bytes a workbook may unpack to
MAX_RATIO = 100  # compression of a part beyond which it is taken for a bomb (sheets are typically 5-20 to 1)
RATIO_FROM = 1 << 20  # parts smaller than this unpack to nothing much, whatever their ratio
MAX_PARTS = 10_000


@dataclass
class Sheet:
    """The cells of the first sheet: ``rows`` maps each row number to its values, column A first."""

    title: str
    others: list[str]
    rows: dict[int, list] = field(default_factory=dict)
    unsaved: dict[tuple[int, int], str] = field(default_factory=dict)  # formula cells without a saved result
    merged: list[tuple[str, tuple[int, int, int, int]]] = field(default_factory=list)  # ref, (col, row, col, row)


def _mb(n: int) -> str:
    return f"{n / 2 ** 20:,.1f} MB"


def _archive(content: bytes) -> zipfile.ZipFile:
    """The workbook's archive, once its parts are known to be a workbook's and of a sane size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise FileProblem("The file starts like an .xlsx workbook but is damaged: it could not be unpacked. "
                          "Save it again from the spreadsheet program, or as CSV, and upload that.") from err
    names = [p.filename for p in parts]
    if len(parts) > MAX_PARTS:
        raise FileProblem(f"The file is a ZIP archive of {len(parts):,} parts, far more than any workbook has. "
                          "Upload a CSV or an .xlsx workbook.")
    if "mimetype" in names and archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument"):
        raise FileProblem("This is an OpenDocument file (.ods). Save it as .xlsx or CSV and upload that.")
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        listed = ", ".join(n[:60] for n in names[:3]) + (", …" if len(names) > 3 else "")
        raise FileProblem(f"This is a ZIP archive, not an .xlsx workbook (it holds {listed or 'nothing'}). "
                          "Unpack it and upload the CSV or workbook inside.")
    expanded = sum(p.file_size for p in parts)
    worst = max(parts, key=lambda p: p.file_size / max(p.compress_size, 1))
    ratio = worst.file_size / max(worst.compress_size, 1)
    if expanded > MAX_EXPANDED or (worst.file_size >= RATIO_FROM and ratio > MAX_RATIO):
        raise FileProblem(f"This workbook would unpack from {_mb(len(content))} to {_mb(expanded)} "
                          f"(its part {worst.filename[:60]} is compressed {ratio:,.0f} to 1), far more than "
                          "its cells can need, so it was not opened. Save the sheet as CSV and upload that.")
    return archive


def _parser_class():
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Cells(WorkSheetParser):
        """openpyxl's sheet parser, also noting the formula of each cell that has one."""

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if element.find(FORMULA_TAG) is not None:
                text = element.findtext(FORMULA_TAG) or ""
                cell["formula"] = "=" + text if text else "a formula"
            return cell

    return Cells


def read(content: bytes) -> Sheet:
    """The first sheet's cells, with their cached values where a cell holds a formula."""
    from openpyxl import load_workbook  # only workbooks need it
    from openpyxl.utils import range_boundaries

    archive = _archive(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        if not book.worksheets:
            raise FileProblem("The workbook has no sheet of cells. Upload a CSV or an .xlsx workbook with a sheet.")
        first = book.worksheets[0]
        sheet = Sheet(first.title, [s.title for s in book.worksheets[1:]])
        # openpyxl's read-only sheet trusts the size the file declares and drops the cells beyond it;
        # its parser, used directly, reads every cell there is.
        with archive.open(first._worksheet_path) as source:
            parser = _parser_class()(source, first._shared_strings, data_only=True, epoch=book.epoch,
                                     date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
            for number, cells in parser.parse():
                if not cells:
                    continue
                values = sheet.rows.setdefault(number, [])
                for cell in cells:
                    column = cell["column"]
                    values.extend([None] * (column - len(values)))
                    values[column - 1] = cell["value"]
                    if "formula" in cell and cell["value"] is None:
                        sheet.unsaved[(number, column)] = cell["formula"]
            for merged in (parser.merged_cells.mergeCell if parser.merged_cells else []):
                sheet.merged.append((merged.ref, range_boundaries(merged.ref)))
        book.close()
    except FileProblem:
        raise
    except Exception as err:  # openpyxl and the XML parser raise many kinds for a damaged workbook
        raise FileProblem(f"The workbook could not be opened: it is damaged or was not made by a spreadsheet "
                          f"program ({str(err)[:200]}). Save it again, or as CSV, and upload that.") from err
    return sheet
