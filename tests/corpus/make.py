"""Build the corpus of hostile and malformed upload files into a folder.

The plain text files are kept as they are in ``files/``; this copies them and makes the rest: binary
files, workbooks, encodings other than UTF-8, and files too big to keep in the repository. Every file
comes out the same on every run (seeded randomness, fixed ZIP dates), so a failure can be reproduced.

    python tests/corpus/make.py OUT_DIR
"""
from __future__ import annotations

import functools
import io
import random
import shutil
import struct
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
FILES = HERE / "files"
HEADER = "mission,indicator,period,value\n"
ROWS = "UNMISS,FAT_TOTAL,2020,3\nUNMISS,FAT_TOTAL,2021,5\n"
BOMB_BYTES = 256 * 2 ** 20  # what the decompression bomb unpacks to
WHEN = (2024, 1, 1, 0, 0, 0)  # every ZIP entry's date, so that the bytes never change


def _workbook(fill: Callable, **extra) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    fill(book, **extra)
    out = io.BytesIO()
    book.save(out)
    return _rezip(out.getvalue())


def _rezip(content: bytes, replace: dict[str, bytes] | None = None, level: int = 6) -> bytes:
    """The archive again with fixed dates (openpyxl stamps the time of saving), some parts replaced."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in source.infolist():
            data = (replace or {}).get(info.filename)
            target.writestr(zipfile.ZipInfo(info.filename, WHEN), source.read(info.filename) if data is None else data,
                            zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _observations(book, rows=((2020, 3, "ok"), (2021, 4, "ok")), sheet=None) -> None:
    sheet = sheet or book.active
    sheet.title = "Data"
    sheet.append(["mission", "indicator", "period", "value", "comment"])
    for period, value, comment in rows:
        sheet.append(["UNMISS", "FAT_TOTAL", str(period), value, comment])


def _formulas(book) -> None:
    _observations(book)
    book.active.append(["UNMISS", "FAT_TOTAL", "2022", "=D2+D3", '=HYPERLINK("http://evil.example","Click")'])


def _saved_formulas() -> bytes:
    """As a spreadsheet program saves formulas: each with its result beside it."""
    content = _workbook(_formulas)
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    sheet = sheet.replace("<f>D2+D3</f><v></v>", "<f>D2+D3</f><v>7</v>").replace("<f>D2+D3</f>", "<f>D2+D3</f><v>7</v>")
    link = '<c r="E4" t="str"><f>HYPERLINK("http://evil.example","Click")</f><v>Click</v></c>'
    start = sheet.index('<c r="E4"')
    sheet = sheet[:start] + link + sheet[sheet.index("</c>", start) + 4:]
    return _rezip(content, {"xl/worksheets/sheet1.xml": sheet.encode()})


def _merged(book) -> None:
    _observations(book, ((2020, 3, "a"), (2021, 4, "b"), (2022, 5, "c")))
    for row in (3, 4):
        book.active.cell(row, 1).value = None
    book.active.merge_cells("A2:A4")


def _far_right(book) -> None:
    _observations(book)
    book.active.cell(1, 16_384).value = "x"  # column XFD, the last a sheet has


def _sheets(book) -> None:
    _observations(book)
    book.create_sheet("Notes").append(["Figures checked by the JOC"])
    book.create_sheet("Old").append(["mission", "indicator", "period", "value"])


def _data_second(book) -> None:
    book.active.title = "Read me"
    book.active.append(["This workbook holds our figures: see the next sheet"])
    _observations(book, sheet=book.create_sheet("Data"))


def _stale_dimension() -> bytes:
    """A sheet whose declared size (A1:E2) leaves out its last rows, as some programs write it."""
    content = _workbook(_observations, rows=((2020, 3, "a"), (2021, 4, "b"), (2022, 5, "c")))
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    return _rezip(content, {"xl/worksheets/sheet1.xml": sheet.replace('<dimension ref="A1:E4"/>',
                                                                     '<dimension ref="A1:E2"/>').encode()})


@functools.cache
def _bomb() -> bytes:
    """A valid little workbook whose sheet unpacks to BOMB_BYTES, nearly all of it blank space."""
    content = _workbook(_observations)
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    cut = sheet.index(b"</sheetData>")
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    # The fastest compression packs blank space 229 to 1: plenty for a bomb, made in half a second.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(zipfile.ZipInfo(info.filename, WHEN), source.read(info.filename), zipfile.ZIP_DEFLATED)
                continue
            entry = zipfile.ZipInfo(info.filename, WHEN)
            entry.compress_type = zipfile.ZIP_DEFLATED
            try:
                entry.compress_level = 1  # Python 3.13 and later
            except AttributeError:
                entry._compresslevel = 1
            with target.open(entry, "w") as part:
                part.write(sheet[:cut])
                blank = b" " * 2 ** 20
                for _ in range(BOMB_BYTES // len(blank)):
                    part.write(blank)
                part.write(sheet[cut:])
    return out.getvalue()


def _lying_bomb() -> bytes:
    """The bomb again, its sheet declaring that it unpacks to a few kilobytes."""
    content = bytearray(_bomb())
    archive = zipfile.ZipFile(io.BytesIO(bytes(content)))
    info, small = archive.getinfo("xl/worksheets/sheet1.xml"), 4096
    struct.pack_into("<I", content, info.header_offset + 22, small)  # the local header's size
    offset = archive.start_dir
    while True:  # the central directory's entry for the sheet, whose size is the one that is read
        offset = content.index(b"PK\x01\x02", offset)
        length = struct.unpack_from("<H", content, offset + 28)[0]
        if bytes(content[offset + 46:offset + 46 + length]) == info.filename.encode():
            break
        offset += 46
    struct.pack_into("<I", content, offset + 24, small)
    return bytes(content)


def _entity_bomb() -> bytes:
    """A sheet whose XML defines entities that expand a billion times ("billion laughs")."""
    content = _workbook(_observations)
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    body = sheet[sheet.index("<worksheet"):].replace("<t>UNMISS</t>", "<t>&lol9;</t>", 1)
    doctype = f'<?xml version="1.0"?><!DOCTYPE worksheet [{"".join(entities)}]>'
    return _rezip(content, {"xl/worksheets/sheet1.xml": (doctype + body).encode()})


def _ods() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", WHEN), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(zipfile.ZipInfo("content.xml", WHEN), "<office:document-content/>")
    return out.getvalue()


def _zip_of_csv() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("obs.csv", WHEN), HEADER + ROWS)
    return out.getvalue()


def _unknown_codes(n: int = 10_000) -> bytes:
    """n rows, each with its own mission code that is no mission: half near a real code, half far from any."""
    near = [f"UNMIS{chr(65 + i % 26)}{i // 26}" for i in range(n // 2)]
    far = [f"QZ{i:05d}" for i in range(n - len(near))]
    return (HEADER + "".join(f"{code},FAT_TOTAL,2020,3\n" for code in near + far)).encode()


def generated() -> dict[str, Callable[[], bytes]]:
    """Each generated file's name and how to make it."""
    seeded = random.Random(10)
    text = HEADER + ROWS
    comment = "mission,indicator,period,value,comment\n"
    return {
        "empty.csv": lambda: b"",
        "blank-lines-only.csv": lambda: b"\n  \r\n\t\n",
        "binary-data.csv": lambda: bytes(seeded.randrange(256) for _ in range(4096)),
        "binary-data-without-nul.csv": lambda: bytes(seeded.randrange(1, 256) for _ in range(4096)),
        "pdf-named-csv.csv": lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "old-excel.xls": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        "opendocument.xlsx": _ods,
        "zip-renamed.csv": _zip_of_csv,
        "xlsx-named-csv.csv": lambda: _workbook(_observations),
        "formulas-saved.xlsx": _saved_formulas,
        "formulas-unsaved.xlsx": lambda: _workbook(_formulas),
        "merged-cells.xlsx": lambda: _workbook(_merged),
        "several-sheets.xlsx": lambda: _workbook(_sheets),
        "data-on-second-sheet.xlsx": lambda: _workbook(_data_second),
        "empty-workbook.xlsx": lambda: _workbook(lambda book: None),
        "truncated.xlsx": lambda: _workbook(_observations)[:1500],
        "stale-dimension.xlsx": _stale_dimension,
        "utf16-le.csv": lambda: ("mission\tindicator\tperiod\tvalue\tcomment\r\nUNMISS\tFAT_TOTAL\t2020\t3\t"
                                 "Bangui – zone nord, élevé\r\n").encode("utf-16"),
        "utf16-be.csv": lambda: b"\xfe\xff" + (text.replace("\n", "\r\n")).encode("utf-16-be"),
        "utf16-without-bom.csv": lambda: text.encode("utf-16-le"),
        "nul-byte.csv": lambda: (HEADER + "UNMISS,FAT_TOTAL,2020,3\nUNMISS,FAT_TOTAL,2021,4\x00\n").encode(),
        "cp1252.csv": lambda: (comment + "UNMISS,FAT_TOTAL,2020,3,Juba – Malakal, café\n").replace(
            ", café", " café").encode("cp1252"),
        "mixed-encodings.csv": lambda: (comment + "UNMISS,FAT_TOTAL,2020,3,Juba – Malakal\n").encode()
        + "UNMISS,FAT_TOTAL,2021,4,café\n".encode("cp1252"),
        "mixed-line-endings.csv": lambda: (b"mission,indicator,period,value\r\nUNMISS,FAT_TOTAL,2019,2\n"
                                           b"UNMISS,FAT_TOTAL,2020,3\rUNMISS,FAT_TOTAL,2021,4\r\n"),
        "cr-line-endings.csv": lambda: text.replace("\n", "\r").encode(),
        "long-line.csv": lambda: (comment + "UNMISS,FAT_TOTAL,2020,3," + "x" * 100_000 + "\n").encode(),
        "cell-too-long.csv": lambda: (comment + "UNMISS,FAT_TOTAL,2020,3," + "y" * 3_000_000 + "\n"
                                      "UNMISS,FAT_TOTAL,2021,4,\n").encode(),
        "too-many-columns.csv": lambda: (HEADER.rstrip("\n") + "".join(f",extra_{i}" for i in range(1500)) + "\n"
                                         + "UNMISS,FAT_TOTAL,2020,3" + "," * 1500 + "\n").encode(),
        "thousands-of-empty-columns.csv": lambda: (HEADER.rstrip("\n") + "," * 16_000 + "\n" + "".join(
            row + "," * 16_000 + "\n" for row in ROWS.splitlines())).encode(),
        "value-far-right.xlsx": lambda: _workbook(_far_right),
        "unknown-codes-10k.csv": _unknown_codes,
        "decompression-bomb.xlsx": _bomb,
        "decompression-bomb-lying-size.xlsx": _lying_bomb,
        "entity-expansion.xlsx": _entity_bomb,
    }


def build(out: Path) -> Path:
    """Write the whole corpus into ``out``; return it."""
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(FILES.iterdir()):
        shutil.copyfile(path, out / path.name)
    for name, make in generated().items():
        (out / name).write_bytes(make())
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1])))
