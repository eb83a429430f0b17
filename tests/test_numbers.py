"""Numbers are read by the file's decimal convention, never guessed cell by cell.

A value 1,000 times too large, stored without a word, is the worst thing this product
can show; each rule here has a case that must fire and one that must not.
"""
import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from conftest import problem_at, upload

from peacepulse import ingest, store

REAL = Path(__file__).parents[2] / "shared" / "data-real"
MISSION_LIST = REAL / "un-pko-missions" / "DPPADPOSS-PKO.csv"
GENDER = Path(__file__).parents[1] / "data" / "real" / "observations-gender.csv"


def values(db) -> list[float]:
    return store.read_df(db, "SELECT value FROM observations ORDER BY period")["value"].tolist()


def test_semicolon_files_use_the_decimal_comma(db):
    report = upload(db, "obs.csv", "mission;indicator;period;value\nUNMISS;FAT_TOTAL;2018;0,125\n"
                                   "UNMISS;FAT_TOTAL;2019;12,5\nUNMISS;FAT_TOTAL;2020;1.234,5\n"
                                   "UNMISS;FAT_TOTAL;2021;1.234\nUNMISS;FAT_TOTAL;2022;7\n")
    assert report.ok and report.written, report.problems
    assert report.decimal == "comma"
    assert values(db) == [0.125, 12.5, 1234.5, 1234.0, 7.0]


def test_comma_files_use_the_decimal_point_and_allow_thousands_in_quotes(db):
    report = upload(db, "obs.csv", 'mission,indicator,period,value\nUNMISS,FAT_TOTAL,2019,"1,234"\n'
                                   'UNMISS,FAT_TOTAL,2020,"1,234.5"\nUNMISS,FAT_TOTAL,2021,0.125\n')
    assert report.ok and report.written, report.problems
    assert values(db) == [1234.0, 1234.5, 0.125]


def test_a_decimal_comma_in_a_comma_file_is_refused_not_read_as_thousands(db):
    report = upload(db, "obs.csv", 'mission,indicator,period,value\nUNMISS,FAT_TOTAL,2019,"0,125"\n'
                                   'UNMISS,FAT_TOTAL,2020,"12,5"\n')
    assert not report.written
    assert problem_at(report, 2, "value") == (
        "'0,125' does not fit how this file writes numbers: it was read with a decimal point, as in 12.5 "
        "or \"1,234.5\", because it is comma-separated. Write it that way, or choose the decimal comma "
        "for this upload (--decimal comma).")
    assert problem_at(report, 3, "value").startswith("'12,5' does not fit how this file writes numbers")


def test_a_file_that_mixes_both_conventions_is_refused_with_one_clear_message(db):
    report = upload(db, "obs.csv", "mission;indicator;period;value\nUNMISS;FAT_TOTAL;2019;12,5\n"
                                   "UNMISS;FAT_TOTAL;2020;12.5\nUNMISS;FAT_TOTAL;2021;3,75\n")
    assert not report.written
    assert report.problems[["line", "column"]].values.tolist() == [[1, "value"], [3, "value"]]
    assert problem_at(report, 1, "value") == (
        "This file was read with a decimal comma, as in 12,5 or 1.234,5, because it is semicolon-separated, "
        "but 1 cell of value uses a decimal point, as in 12.5 or \"1,234.5\" (first on line 3: '12.5'). "
        "Write every number the same way, or choose the decimal point for this upload (--decimal point).")
    assert problem_at(report, 3, "value").startswith(
        "'12.5' does not fit how this file writes numbers: it was read with a decimal comma")


def test_text_that_is_no_number_in_either_convention_gets_the_plain_message(db):
    report = upload(db, "obs.csv", "mission;indicator;period;value\nUNMISS;FAT_TOTAL;2019;n/a\n")
    assert report.problems["problem"].tolist() == [
        "'n/a' is not a number. Give a number, or leave the row out if there is no value."]


@pytest.mark.parametrize("sep", [",", "\t"])
def test_the_convention_can_be_chosen_for_the_upload(db, sep):
    content = sep.join(["mission", "indicator", "period", "value"]) + "\n" + sep.join(
        ["UNMISS", "FAT_TOTAL", "2020", '"0,125"']) + "\n"
    refused = ingest.ingest_upload(db, "obs.csv", content.encode(), commit=True)
    assert not refused.written
    chosen = ingest.ingest_upload(db, "obs.csv", content.encode(), commit=True, decimal="comma")
    assert chosen.written and chosen.decimal == "comma"
    assert values(db) == [0.125]


def test_a_semicolon_file_can_be_read_with_the_decimal_point(db):
    report = ingest.ingest_upload(db, "obs.csv", b"mission;indicator;period;value\nUNMISS;FAT_TOTAL;2020;0.125\n",
                                  commit=True, decimal="point")
    assert report.written
    assert values(db) == [0.125]


def test_cli_decimal_option(db, tmp_path):
    from peacepulse import cli
    path = tmp_path / "obs.csv"
    path.write_text('mission,indicator,period,value\nUNMISS,FAT_TOTAL,2020,"2,5"\n')
    assert cli.main(["--db", str(db), "ingest", str(path)]) == 1
    assert cli.main(["--db", str(db), "ingest", str(path), "--decimal", "comma"]) == 0
    assert values(db) == [2.5]


def _workbook(rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame(rows, columns=["mission", "indicator", "period", "value"]).to_excel(buffer, index=False)
    return buffer.getvalue()


def test_numeric_workbook_cells_are_read_as_numbers(db):
    content = _workbook([["UNMISS", "FAT_TOTAL", "2018", 0.125], ["UNMISS", "FAT_TOTAL", "2019", 1234.56789012345],
                         ["UNMISS", "FAT_TOTAL", "2020", 1e-7], ["UNMISS", "FAT_TOTAL", "2021", 3]])
    report = upload(db, "returns.xlsx", content)
    assert report.written, report.problems
    assert values(db) == [0.125, 1234.56789012345, 1e-7, 3.0]


def test_text_cells_of_a_workbook_follow_the_decimal_point_unless_told(db):
    content = _workbook([["UNMISS", "FAT_TOTAL", "2020", "12,5"]])
    assert problem_at(upload(db, "returns.xlsx", content), 2, "value").startswith(
        "'12,5' does not fit how this file writes numbers: it was read with a decimal point")
    chosen = ingest.ingest_upload(db, "returns.xlsx", content, commit=True, decimal="comma")
    assert chosen.written
    assert values(db) == [12.5]


def _real_mission_list(keep: callable = lambda row: True) -> bytes:
    """The UN's mission list as published (comma-separated, coordinates as quoted decimal
    commas), with its columns renamed to a missions upload and its cells left as they are."""
    with MISSION_LIST.open(newline="", encoding="utf-8") as source:
        rows = [r for r in csv.DictReader(source) if keep(r)]
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["code", "name", "start_date", "end_date", "longitude", "latitude"])
    for r in rows:
        writer.writerow([r["mission_acronym"] + "_T", r["mission_name"], r["start_date"], r["end_date"],
                         r["mission_longitude"], r["mission_latitude"]])
    return out.getvalue().encode()


@pytest.mark.skipif(not MISSION_LIST.exists(), reason="the shared real data is not beside this checkout")
def test_the_real_un_mission_list_is_refused_as_comma_separated_then_read_right_with_decimal_commas(db):
    refused = ingest.ingest_upload(db, "DPPADPOSS-PKO.csv", _real_mission_list(), commit=True)
    assert not refused.written
    first = refused.problems.iloc[0]
    assert (first["line"], first["column"]) == (1, "latitude") or (first["line"], first["column"]) == (1, "longitude")
    assert "because it is comma-separated" in first["problem"] and "--decimal comma" in first["problem"]

    def plausible(row: dict) -> bool:  # the list has a few latitude/longitude pairs swapped
        lat = row["mission_latitude"].replace(",", ".")
        return not lat or abs(float(lat)) <= 90
    content = _real_mission_list(plausible)
    report = ingest.ingest_upload(db, "DPPADPOSS-PKO.csv", content, commit=True, decimal="comma")
    assert report.written, report.problems
    stored = store.read_df(db, "SELECT code, latitude, longitude FROM missions WHERE code LIKE '%\\_T' ESCAPE '\\'")
    with MISSION_LIST.open(newline="", encoding="utf-8") as source:
        expected = {r["mission_acronym"] + "_T": (r["mission_latitude"], r["mission_longitude"])
                    for r in csv.DictReader(source) if plausible(r)}
    assert len(stored) == len(expected) > 60
    for row in stored.itertuples():
        lat, lon = expected[row.code]
        assert (pd.isna(row.latitude) and not lat) or row.latitude == float(lat.replace(",", "."))
        assert (pd.isna(row.longitude) and not lon) or row.longitude == float(lon.replace(",", "."))


def test_real_observations_saved_the_european_way_read_back_identical(db, tmp_path):
    """The shipped gender series, written as a European spreadsheet saves CSV (semicolons,
    decimal commas), must store exactly the values of the original file."""
    original = pd.read_csv(GENDER, dtype=str, keep_default_na=False)
    european = original.copy()
    for column in ("value", "numerator", "denominator"):
        european[column] = european[column].str.replace(".", ",", regex=False)
    assert european["value"].str.contains(",").sum() > 100  # the file does have decimals
    report = upload(db, "gender-eu.csv", european.to_csv(sep=";", index=False))
    assert report.written, report.problems.head()
    stored = store.read_df(db, "SELECT mission, indicator, period, sex, value FROM observations")
    expected = original.assign(value=original["value"].astype(float), sex=original["sex"].replace("", "total"))
    merged = stored.merge(expected[["mission", "indicator", "period", "sex", "value"]],
                          on=["mission", "indicator", "period", "sex"], suffixes=("", "_original"))
    assert len(merged) == len(original)
    assert (merged["value"] == merged["value_original"]).all()


def test_spaces_group_thousands_only_where_a_thousands_group_can_be(db):
    report = upload(db, "obs.csv", "mission;indicator;period;value\nUNMISS;FAT_TOTAL;2019;1 234,5\n"
                                   "UNMISS;FAT_TOTAL;2020;12\u00a0345\u00a0678\nUNMISS;FAT_TOTAL;2021;12 5\n")
    assert report.problems[["line", "problem"]].values.tolist() == [
        [4, "'12 5' is not a number. Give a number, or leave the row out if there is no value."]]
    fixed = upload(db, "obs.csv", "mission;indicator;period;value\nUNMISS;FAT_TOTAL;2019;1 234,5\n"
                                  "UNMISS;FAT_TOTAL;2020;12\u00a0345\u00a0678\n")
    assert fixed.written
    assert values(db) == [1234.5, 12345678.0]


@pytest.mark.parametrize("content, reading", [
    ('mission,indicator,period,value\nUNMISS,FAT_TOTAL,2019,"1,234"\n', "as 1234 by the decimal point"),
    ("mission,indicator,period,value\nUNMISS,FAT_TOTAL,2019,1.234\n", "as 1.234 by the decimal point"),
    ("mission;indicator;period;value\nUNMISS;FAT_TOTAL;2019;1,234\n", "as 1.234 by the decimal comma"),
    ("mission;indicator;period;value\nUNMISS;FAT_TOTAL;2019;-1.234\n", "as -1234 by the decimal comma"),
])
def test_a_number_both_conventions_read_differently_is_refused_when_nothing_shows_which(db, content, reading):
    report = upload(db, "obs.csv", content)
    assert not report.written
    message = problem_at(report, 2, "value")
    assert reading in message and "No other number in the file shows which is meant" in message
    assert "--decimal point or --decimal comma" in message or "--decimal comma or --decimal point" in message


@pytest.mark.parametrize("content, expected", [
    # Another number shows the convention: 0.5 has a decimal point, 2,5 a decimal comma.
    ('mission,indicator,period,value,numerator\nUNMISS,FAT_TOTAL,2019,"1,234",0.5\n', [1234.0]),
    ("mission;indicator;period;value;numerator\nUNMISS;FAT_TOTAL;2019;1.234;2,5\n", [1234.0]),
    ("mission;indicator;period;value\nUNMISS;FAT_TOTAL;2019;1,234\nUNMISS;FAT_TOTAL;2020;12,5\n", [1.234, 12.5]),
    # Nothing to read two ways: no separator, two groups, or a separator and more or fewer than three digits.
    ("mission,indicator,period,value\nUNMISS,FAT_TOTAL,2019,1234\nUNMISS,FAT_TOTAL,2020,12.34\n", [1234.0, 12.34]),
    ('mission,indicator,period,value\nUNMISS,FAT_TOTAL,2019,"1,234,567"\nUNMISS,FAT_TOTAL,2020,0.125\n',
     [1234567.0, 0.125]),
])
def test_a_number_that_could_be_read_two_ways_is_read_by_the_convention_the_file_shows(db, content, expected):
    report = upload(db, "obs.csv", content)
    assert report.written, report.problems
    assert values(db) == expected


def test_choosing_the_convention_settles_a_number_that_could_be_read_two_ways(db):
    content = b'mission,indicator,period,value\nUNMISS,FAT_TOTAL,2019,"1,234"\n'
    assert ingest.ingest_upload(db, "obs.csv", content, commit=True, decimal="point").written
    assert values(db) == [1234.0]
    again = ingest.ingest_upload(db, "obs.csv", content, commit=True, decimal="comma")
    assert again.written and values(db) == [1.234]


def test_number_cells_of_a_workbook_are_never_read_two_ways(db):
    report = upload(db, "returns.xlsx", _workbook([["UNMISS", "FAT_TOTAL", "2020", 1.234],
                                                   ["UNMISS", "FAT_TOTAL", "2021", "1,234"]]))
    assert report.problems[["line", "column"]].values.tolist() == [[3, "value"]]
    assert "could be read two ways" in problem_at(report, 3, "value")
