"""Files as field officers make them: Excel exports, BOMs, semicolons, Windows line endings."""
import io

import duckdb
import pandas as pd
import pytest
from conftest import upload

from peacepulse import store
from peacepulse.ingest.read import FileProblem, read
from peacepulse.kinds import detect


def read_table(name: str, content: bytes) -> pd.DataFrame:
    """The cells as read, in line order, from a throwaway in-memory connection."""
    con = duckdb.connect()
    read(con, name, content)
    return con.execute("SELECT * EXCLUDE (line) FROM upload_raw_0 ORDER BY line").fetchdf()


def detect_kind(columns: list[str]) -> str | None:
    kind = detect(columns)
    return kind and kind.name

ROWS = [["UNMISS", "UNIF_WOMEN_SHARE", "2020", "7.5"], ["MINUSCA", "UNIF_WOMEN_SHARE", "2020", "6.25"]]


def _csv(sep: str, newline: str = "\n") -> str:
    lines = [sep.join(["Mission ", " Indicator", "PERIOD", "Value"])] + [sep.join(r) for r in ROWS]
    return newline.join(lines) + newline


@pytest.mark.parametrize("content", [
    _csv(",").encode("utf-8"),
    b"\xef\xbb\xbf" + _csv(",").encode("utf-8"),        # UTF-8 with BOM, as Excel saves it
    _csv(";", "\r\n").encode("utf-8"),                     # semicolons and Windows line endings
    _csv("\t").encode("utf-8"),
    _csv(";").replace("6.25", "6,25").encode("cp1252"),    # a European Excel: decimal comma
])
def test_variants_read_the_same(content):
    frame = read_table("obs.csv", content)
    assert list(frame.columns) == ["mission", "indicator", "period", "value"]
    assert frame.values.tolist()[0] == ROWS[0]
    assert frame.iloc[1]["mission"] == "MINUSCA"


def test_cp1252_text_survives(db):
    content = "mission,indicator,period,value,comment\nUNMISS,FAT_TOTAL,2020,3,Juba – Malakal road\n"
    report = upload(db, "obs.csv", content.encode("cp1252"))
    assert report.written
    assert store.read_df(db, "SELECT comment FROM observations")["comment"][0] == "Juba – Malakal road"


def test_xlsx_first_sheet_is_read(db):
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer) as xl:
        pd.DataFrame(ROWS, columns=["mission", "indicator", "period", "value"]).assign(
            value=[7.5, 6.25]).to_excel(xl, sheet_name="Data", index=False)
        pd.DataFrame({"note": ["ignored"]}).to_excel(xl, sheet_name="Notes", index=False)
    report = upload(db, "returns.xlsx", buffer.getvalue())
    assert report.written and report.kind == "observations" and report.new == 2
    values = store.read_df(db, "SELECT mission, value FROM observations ORDER BY mission")
    assert values.values.tolist() == [["MINUSCA", 6.25], ["UNMISS", 7.5]]


@pytest.mark.parametrize("columns, kind", [
    (["mission", "indicator", "period", "value"], "observations"),
    (["mission", "indicator", "period", "target", "baseline"], "targets"),
    (["code", "name", "themes", "unit", "direction"], "indicators"),
    (["code", "name", "start_date"], "missions"),
    (["mission", "indicator", "period"], "observations"),  # then reported as missing 'value'
    (["country", "year", "deaths"], None),
])
def test_kind_is_detected_from_the_header(columns, kind):
    assert detect_kind(columns) == kind


def test_unrecognised_header_is_explained(db):
    report = upload(db, "x.csv", "country,year,deaths\nSudan,2020,3\n")
    assert not report.ok
    assert report.problems.iloc[0]["problem"].startswith("Could not tell what kind of file this is")


@pytest.mark.parametrize("content, message", [
    (b"", "The file is empty."),
    (b"\x00\x01\x02binary\x00", "This does not look like a text file. Upload a CSV or an .xlsx workbook."),
    (b"mission,indicator,period,value\nUNMISS,FAT_TOTAL,2020,3\nUNMISS,FAT_TOTAL,2021,3,4,5\n",
     "The file is not a well-formed table: line 3 has 6 values but the header has 4 columns."),
    (b"mission,mission,period,value\n", "Line 1: the column(s) mission appear more than once."),
])
def test_unreadable_files(content, message):
    with pytest.raises(FileProblem, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_table("x.csv", content)


def test_damaged_workbook(db):
    report = upload(db, "broken.xlsx", b"PK\x03\x04 not really a workbook")
    assert report.problems.iloc[0]["problem"].startswith("The file starts like an .xlsx workbook but is damaged")
    assert report.problems.iloc[0]["line"] == 1


def test_header_without_rows_is_an_error(db):
    report = upload(db, "obs.csv", "mission,indicator,period,value\n")
    assert not report.ok and report.problems.iloc[0]["problem"] == "The file has a header but no data rows."


@pytest.mark.parametrize("cell", ["inf", "-Infinity", "nan", "NaN"])
def test_non_finite_numbers_are_refused(db, cell):
    report = upload(db, "obs.csv", f"mission,indicator,period,value\nUNMISS,FAT_TOTAL,2020,{cell}\n")
    assert report.problems["problem"].tolist() == [
        f"'{cell}' is not a number. Give a number, or leave the row out if there is no value."]


@pytest.mark.parametrize("cell, message", [
    ("1e400", "'1e400' is too large to be stored: numbers can be up to about 1.8e308."),
    ("-1e400", "'-1e400' is too large to be stored: numbers can be up to about 1.8e308."),
    ("1e-400", "'1e-400' is too close to zero to be stored (the limit is about 1e-308); write 0 if it is zero."),
])
def test_numbers_beyond_a_double_are_refused_saying_why(db, cell, message):
    report = upload(db, "obs.csv", f"mission,indicator,period,value\nUNMISS,FAT_TOTAL,2020,{cell}\n")
    assert report.problems["problem"].tolist()[0].startswith(message)


def test_a_blank_code_is_reported_once_as_empty(db):
    report = upload(db, "obs.csv", "mission,indicator,period,value\n,FAT_TOTAL,2020,3\n")
    assert report.problems[["line", "column", "problem"]].values.tolist() == [
        [2, "mission", "mission is empty; every row needs one."]]


def test_lines_after_a_blank_row_keep_the_number_a_spreadsheet_shows(db):
    report = upload(db, "obs.csv", "mission,indicator,period,value\nUNMISS,FAT_TOTAL,2020,3\n\n"
                                   "UNMISS,FAT_TOTAL,2021,oops\n")
    assert report.problems[["line", "column"]].values.tolist() == [[4, "value"]]


def test_trailing_delimiters_are_forgiven(db):
    report = upload(db, "obs.csv", "mission,indicator,period,value\nUNMISS,FAT_TOTAL,2020,3,\n"
                                   "UNMISS,FAT_TOTAL,2021,4,,\n")
    assert report.ok and report.new == 2


def test_multi_line_cells_count_as_one_row(db):
    report = upload(db, "obs.csv", 'mission,indicator,period,value,comment\n'
                                   'UNMISS,FAT_TOTAL,2020,3,"first line\nsecond line"\nUNMISS,FAT_TOTAL,2021,x,\n')
    assert report.problems[["line", "column"]].values.tolist() == [[3, "value"]]
