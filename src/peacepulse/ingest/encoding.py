"""Turn the bytes of an uploaded text file into UTF-8, or say plainly why they are not text.

Accepted: UTF-8 with or without a BOM, UTF-16 and UTF-32 with a BOM (Excel's "Unicode text"),
and Windows-1252. A file that mixes UTF-8 with another encoding is refused rather than read
with its accented letters garbled, and so is one holding NUL characters. Files of other
formats that people upload by mistake (PDF, an old .xls, a compressed file) are named.
"""
from __future__ import annotations

import codecs
import re

from .problems import FileProblem

NOT_TEXT = "This does not look like a text file. Upload a CSV or an .xlsx workbook."
SIGNATURES = (
    (b"%PDF-", "This is a PDF document, not a table. Upload a CSV or an .xlsx workbook."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "This is an old Excel .xls workbook, or one protected by a password. "
                                           "Save it as .xlsx without a password, or as CSV, and upload that."),
    (b"\x1f\x8b", "This is a compressed (gzip) file. Unpack it and upload the CSV inside."),
    (b"7z\xbc\xaf\x27\x1c", "This is a compressed (7-Zip) file. Unpack it and upload the CSV inside."),
    (b"Rar!\x1a\x07", "This is a compressed (RAR) file. Unpack it and upload the CSV inside."),
    (b"\x89PNG", "This is a picture (PNG), not a table. Upload a CSV or an .xlsx workbook."),
    (b"\xff\xd8\xff", "This is a picture (JPEG), not a table. Upload a CSV or an .xlsx workbook."),
)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# A well-formed UTF-8 sequence of two to four bytes: rare by chance in Windows-1252 text.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_STEP = 1 << 20
# Bytes that text never holds: control characters other than tab, line feed and carriage return.
_CONTROL = bytes(range(0, 9)) + b"\x0b\x0c" + bytes(range(0x0e, 0x20)) + b"\x7f"
_TEXT = bytes(b for b in range(256) if bytes([b]) not in _CONTROL)


def _line_of(content: bytes, position: int) -> int:
    return content.count(b"\n", 0, position) + 1


def _from_bom(content: bytes) -> bytes | None:
    """The content as UTF-8 if it starts with a UTF-16 or UTF-32 byte order mark, else None."""
    for bom, codec in _BOMS:
        if content.startswith(bom):
            try:
                return content.decode(codec).encode("utf-8")
            except UnicodeDecodeError as err:
                raise FileProblem(f"The file says it is {codec.upper()} text, but it is damaged "
                                  f"{err.start:,} bytes in. Save it again as CSV UTF-8 and upload that.") from err
    return None


def _nul(content: bytes) -> FileProblem:
    """Why a file holding NUL bytes is refused: UTF-16 without a mark, a stray NUL, or no text at all."""
    head = content[:512]
    odd, even = head[1::2], head[0::2]
    if len(head) >= 16 and (odd.count(0) > 0.4 * len(odd)) != (even.count(0) > 0.4 * len(even)):
        return FileProblem("This file seems to be UTF-16 text without the mark that says so. Save it as "
                           "CSV UTF-8 (or as Unicode text) and upload it again.")
    first = content.index(b"\x00")
    if content.count(b"\x00") <= max(1, len(content) // 1000) and b"\n" in content[:first]:
        line = _line_of(content, first)
        return FileProblem(f"Line {line} holds a NUL character (a zero byte), which has no place in a text "
                           "file; a damaged export often leaves one. Remove it and upload the file again.", line)
    return FileProblem(NOT_TEXT)


def utf8(content: bytes) -> bytes:
    """The content as UTF-8 without a BOM; other encodings are converted.

    UTF-8 is checked piece by piece, so a big file is never held twice as text."""
    for signature, message in SIGNATURES:
        if content.startswith(signature):
            raise FileProblem(message)
    head = content[:1 << 16]
    if b"\x00" not in head and len(head.translate(None, _TEXT)) > len(head) // 100:
        raise FileProblem(NOT_TEXT)
    converted = _from_bom(content)
    if converted is not None:
        content = converted
    if b"\x00" in content:
        raise _nul(content)
    content = content.removeprefix(codecs.BOM_UTF8)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(content), _STEP):
            decoder.decode(content[start:start + _STEP])
        decoder.decode(b"", final=True)
        return content
    except UnicodeDecodeError:
        pass
    try:  # where the first byte that is not UTF-8 is; only files that are not UTF-8 get here
        content.decode("utf-8")
        bad = 0
    except UnicodeDecodeError as err:
        bad = err.start
    mixed = _UTF8_SEQUENCE.search(content)
    if mixed:
        line, other = _line_of(content, max(bad, 0)), _line_of(content, mixed.start())
        where = f"is not UTF-8 text, but line {other} is" if other != line else "mixes UTF-8 text with another encoding"
        raise FileProblem(f"Line {line} {where}: some of the file's letters would be read wrong. Save the whole "
                          "file as CSV UTF-8 and upload it again.", line)
    return content.decode("cp1252", errors="replace").encode("utf-8")
