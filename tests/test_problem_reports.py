"""Big problem reports: each problem once per line and column, close suggestions only,
warnings grouped for reading and listed in full in the report."""
import random

from conftest import upload

from peacepulse.ingest import problems

HEADER = "mission,indicator,period,value\n"


def _bad_file(rows: int) -> tuple[str, dict[int, set[str]]]:
    """Rows with one to three errors each, and the columns expected to be blamed per line."""
    rng = random.Random(7)
    lines, expected = [HEADER.strip() + ",location"], {}
    for line in range(2, rows + 2):
        mission, indicator, period, value = "UNMISS", "UNIF_WOMEN_SHARE", str(1990 + line % 30), "12.5"
        blamed = set()
        for fault in rng.sample(["mission", "period", "value", "indicator"], rng.randint(1, 3)):
            blamed.add(fault)
            if fault == "mission":
                mission = f"XQ{line}"
            elif fault == "period":
                period = f"{line}-13x"
            elif fault == "indicator":
                indicator = f"NO_SUCH_{line}"
            else:
                value = "150" if line % 2 else "lots"
        if "indicator" in blamed and value == "150":
            blamed.discard("value")  # an unknown indicator has no measure to judge the value by
        lines.append(",".join([mission, indicator, period, value, f"Sector {line}"]))
        expected[line] = blamed
    return "\n".join(lines) + "\n", expected


def test_ten_thousand_rows_with_one_to_three_errors_each_are_all_reported_once(db):
    content, expected = _bad_file(10_000)
    report = upload(db, "bad.csv", content)
    assert not report.written
    found = report.problems.groupby("line")["column"].apply(set).to_dict()
    assert found == expected
    assert not report.problems.duplicated(["line", "column"]).any()
    assert report.message == f"{sum(map(len, expected.values())):,} problems found in bad.csv; nothing was written."
    row = report.problems[(report.problems["line"] == 3) & (report.problems["column"] == "period")]
    if len(row):
        assert row.iloc[0]["problem"].startswith("'3-13x' is not a period.")


def test_suggestions_are_offered_only_for_close_codes(db):
    body = "".join(f"{code},FAT_TOTAL,2020,1\n" for code in ["MONUSC0", "MINUSCAA", "QQQ7712", "ZZ"])
    report = upload(db, "codes.csv", HEADER + body)
    texts = report.problems.set_index("line")["problem"].to_dict()
    assert texts == {2: "Unknown mission code 'MONUSC0'. Did you mean 'MONUSCO'?",
                     3: "Unknown mission code 'MINUSCAA'. Did you mean 'MINUSCA'?",
                     4: "Unknown mission code 'QQQ7712'.",
                     5: "Unknown mission code 'ZZ'."}


def test_ten_thousand_distinct_unknown_codes_each_get_their_line(db):
    body = "".join(f"UNMIS{i:05d},FAT_TOTAL,2020,1\n" for i in range(10_000))
    report = upload(db, "codes.csv", HEADER + body)
    assert report.problems["line"].tolist() == list(range(2, 10_002))
    assert (report.problems["column"] == "mission").all()
    assert report.problems.iloc[0]["problem"].startswith("Unknown mission code 'UNMIS00000'.")


def test_warnings_are_grouped_per_rule_and_mission_and_listed_in_full(db):
    body = "".join(f"MINUSMA,FAT_TOTAL,{year},1\n" for year in range(2024, 2036))   # 12 rows after the end
    body += "UNMISS,FAT_TOTAL,2009,2\nUNMISS,FAT_TOTAL,2010,2\nUNMISS,FAT_TOTAL,2015,2\n"
    report = upload(db, "late.csv", HEADER + body)
    assert report.ok and report.written
    assert len(report.problems) == 14 and (report.problems["severity"] == "warning").all()
    assert problems.grouped(report.problems)["problem"].tolist() == [
        "MINUSMA: 12 rows (lines 2–13) are after the mission ended on 2023-12-31.",
        "UNMISS: 2 rows (lines 14–15) are before the mission began on 2011-07-08."]


def test_a_single_warning_reads_as_one_row(db):
    report = upload(db, "one.csv", HEADER + "UNMISS,FAT_TOTAL,2009,2\nUNMISS,FAT_TOTAL,2015,2\n")
    assert problems.grouped(report.problems)["problem"].tolist() == [
        "UNMISS: 1 row (line 2) is before the mission began on 2011-07-08."]


def test_errors_are_not_grouped_and_come_first(db):
    report = upload(db, "mixed.csv", HEADER + "UNMISS,FAT_TOTAL,2009,2\nUNMISS,FAT_TOTAL,2015,x\n")
    grouped = problems.grouped(report.problems)
    assert grouped[["line", "severity"]].values.tolist() == [[3, "error"]]  # warnings wait for a valid file


def test_an_identical_reupload_lists_no_warnings_for_rows_it_does_not_write(db):
    content = HEADER + "UNMISS,FAT_TOTAL,2009,2\nUNMISS,FAT_TOTAL,2015,2\n"
    first = upload(db, "obs.csv", content)
    assert first.written and len(first.problems) == 1
    again = upload(db, "obs.csv", content)
    assert again.message == "Nothing to change: all 2 rows are already in the store."
    assert again.problems.empty


def test_a_revised_row_is_judged_again(db):
    upload(db, "obs.csv", HEADER + "UNMISS,FAT_TOTAL,2009,2\n")
    again = upload(db, "obs.csv", HEADER + "UNMISS,FAT_TOTAL,2009,3\n")
    assert again.revised == 1 and again.problems["line"].tolist() == [2]


def test_a_file_of_nothing_but_repeats_points_each_to_its_first_line(db):
    report = upload(db, "dups.csv", HEADER + "UNMISS,FAT_TOTAL,2020,1\n" * 3)
    assert report.problems[["line", "problem"]].values.tolist() == [
        [3, "Duplicate row: mission UNMISS, indicator FAT_TOTAL, period 2020 already appears on line 2."],
        [4, "Duplicate row: mission UNMISS, indicator FAT_TOTAL, period 2020 already appears on line 2."]]


def test_line_numbers_stay_exact_deep_into_a_large_file(db):
    """DuckDB reads big files in parallel; every reported line must still be the file's own."""
    bad = {1_234: "oops", 77_777: "n/a", 199_999: "?"}
    body = [f"UNMISS,CIV_CASUALTIES,2020-Q1,{bad.get(i, i % 50)},Sector {i}" for i in range(2, 200_002)]
    report = upload(db, "big.csv", "mission,indicator,period,value,location\n" + "\n".join(body) + "\n")
    assert report.problems[["line", "value"]].values.tolist() == [[line, text] for line, text in bad.items()]
