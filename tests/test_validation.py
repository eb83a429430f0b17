"""Each validation rule: the message a person sees, and the line it points to."""

from conftest import problem_at, upload

from peacepulse import store

HEADER = "mission,indicator,period,value\n"


def count_observations(db) -> int:
    return int(store.read_df(db, "SELECT count(*) AS n FROM observation_history")["n"][0])


def test_missing_required_column_is_named(db):
    report = upload(db, "obs.csv", "mission,indicator,value\nUNMISS,FAT_TOTAL,3\n", kind="observations")
    assert not report.ok
    text = problem_at(report, 1, "period")
    assert "required column 'period' is missing" in text
    assert "mission, indicator, value" in text  # what the file does have


def test_unknown_mission_suggests_the_closest_code(db):
    report = upload(db, "obs.csv", HEADER + "UNMISS,FAT_TOTAL,2020,3\nUNMISSS,FAT_TOTAL,2021,4\n")
    assert problem_at(report, 3, "mission") == "Unknown mission code 'UNMISSS'. Did you mean 'UNMISS'?"
    assert report.problems.iloc[0]["value"] == "UNMISSS"


def test_unknown_indicator_suggests_the_closest_code(db):
    report = upload(db, "obs.csv", HEADER + "UNMISS,FAT_MALICOUS,2020,3\n")
    assert problem_at(report, 2, "indicator") == (
        "Unknown indicator code 'FAT_MALICOUS'. Did you mean 'FAT_MALICIOUS'?")


def test_codes_match_whatever_their_case(db):
    report = upload(db, "obs.csv", HEADER + "unmiss,fat_total,2020,3\n")
    assert report.ok and report.written
    rows = store.read_df(db, "SELECT mission, indicator FROM observations")
    assert rows.values.tolist() == [["UNMISS", "FAT_TOTAL"]]


def test_malformed_period(db):
    report = upload(db, "obs.csv", HEADER + "UNMISS,FAT_TOTAL,2020,3\nUNMISS,FAT_TOTAL,2021-Q5,4\n"
                                    "UNMISS,FAT_TOTAL,2021-13,4\n")
    text = problem_at(report, 3, "period")
    assert text.startswith("'2021-Q5' is not a period.") and "FY2024/25" in text
    assert problem_at(report, 4, "period") == ("'2021-13' is not a period: there is no month 13. Write a month as "
                                               "YYYY-MM, e.g. 2021-07.")


def test_text_in_a_numeric_field_gives_one_clear_message(db):
    report = upload(db, "obs.csv", HEADER + "UNMISS,FAT_TOTAL,2020,N/A\n")
    assert len(report.problems) == 1
    assert problem_at(report, 2, "value") == (
        "'N/A' is not a number. Give a number, or leave the row out if there is no value.")


def test_empty_required_cell(db):
    report = upload(db, "obs.csv", HEADER + "UNMISS,FAT_TOTAL,2020,\n")
    assert problem_at(report, 2, "value") == "value is empty; every row needs one."


def test_percentage_outside_0_to_100(db):
    report = upload(db, "obs.csv", HEADER + "UNMISS,UNIF_WOMEN_SHARE,2020,7.5\nUNMISS,UNIF_WOMEN_SHARE,2021,107.5\n")
    assert problem_at(report, 3, "value") == "107.5 is outside 0-100, but this indicator is a percentage."
    assert len(report.problems) == 1


def test_negative_count(db):
    report = upload(db, "obs.csv", HEADER + "UNMISS,FAT_TOTAL,2020,-2\n")
    assert problem_at(report, 2, "value") == (
        "-2 is negative, but this indicator counts things and cannot be below zero.")


def test_numerator_larger_than_denominator(db):
    report = upload(db, "obs.csv", "mission,indicator,period,value,numerator,denominator\n"
                                   "UNMISS,UNIF_WOMEN_SHARE,2020,50,300,200\n")
    assert problem_at(report, 2, "numerator") == "The numerator (300) is larger than the denominator (200)."


def test_duplicate_key_points_to_the_first_line(db):
    report = upload(db, "obs.csv", HEADER + "UNMISS,FAT_TOTAL,2020,3\nUNMISS,FAT_TOTAL,2021,3\n"
                                            "UNMISS,FAT_TOTAL,2020,4\n")
    assert problem_at(report, 4, "period") == (
        "Duplicate row: mission UNMISS, indicator FAT_TOTAL, period 2020 already appears on line 2.")


def test_same_period_for_different_sexes_is_not_a_duplicate(db):
    report = upload(db, "obs.csv", "mission,indicator,period,value,sex\nUNMISS,UNIF_STRENGTH,2020,100,female\n"
                                   "UNMISS,UNIF_STRENGTH,2020,900,male\nUNMISS,UNIF_STRENGTH,2020,1000,\n")
    assert report.ok, report.problems


def test_period_type_must_fit_the_indicator(db):
    report = upload(db, "obs.csv", HEADER + "UNMISS,FAT_TOTAL,2020-Q1,3\n")
    assert problem_at(report, 2, "period") == (
        "'2020-Q1' is a quarter period, but indicator FAT_TOTAL is reported by year.")


def test_every_problem_is_reported_in_one_run_and_nothing_is_written(db):
    upload(db, "indicators-new.csv")
    before = count_observations(db)
    report = upload(db, "observations-broken.csv")
    assert report.problems[["line", "column"]].values.tolist() == [
        [3, "mission"], [4, "indicator"], [5, "period"], [6, "value"], [7, "value"],
        [8, "value"], [9, "numerator"], [10, "period"], [11, "period"]]
    assert report.message == "9 problems found in observations-broken.csv; nothing was written."
    assert not report.written
    assert count_observations(db) == before


def test_unused_column_is_a_warning_not_an_error(db):
    report = upload(db, "obs.csv", "mission,indicator,period,value,remarks\nUNMISS,FAT_TOTAL,2020,3,x\n")
    assert report.ok and report.written
    assert problem_at(report, 1, "remarks") == "The column 'remarks' is not used in a observations file and was ignored."


def test_period_outside_the_mission_dates_is_only_a_warning(db):
    report = upload(db, "obs.csv", HEADER + "UNMISS,FAT_TOTAL,2009,3\n")
    assert report.ok and report.written
    warning = report.problems.iloc[0]
    assert warning["severity"] == "warning" and warning["line"] == 2
    assert warning["problem"] == ("Period 2009 is before the mission began (UNMISS: 2011-07-08). "
                                  "It was kept as context data.")


def test_outlier_is_judged_against_its_neighbours_in_stored_and_new_values(db):
    history = "".join(f"UNMISS,FAT_TOTAL,{y},{v}\n" for y, v in zip(range(2012, 2020), [3, 4, 5, 4, 3, 5, 4, 4]))
    assert upload(db, "history.csv", HEADER + history).written
    report = upload(db, "new.csv", HEADER + "UNMISS,FAT_TOTAL,2020,95\nUNMISS,FAT_TOTAL,2021,5\n")
    assert report.ok and report.written
    assert report.problems[["line", "column", "severity"]].values.tolist() == [[2, "value", "warning"]]
    assert report.problems.iloc[0]["problem"] == (
        "95 is far from the values around it in this series (median 4.5 of the 4 nearest periods). "
        "It was kept; check that it is right.")


def test_indicator_file_rules(db):
    report = upload(db, "ind.csv", "code,name,themes,unit,direction,period_type\n"
                                   "GOOD_ONE,Fine,7;2,%,increase,quarter\n"
                                   "BAD THEMES,Themes,11,count,increase,\n"
                                   "BAD_DIR,Direction,3,count,up,\n"
                                   "BAD_PT,Period,3,count,decrease,weekly\n"
                                   "GOOD_ONE,Again,4,count,increase,\n")
    assert problem_at(report, 3, "themes").startswith("'11' is not a list of theme numbers.")
    assert problem_at(report, 4, "direction") == "'up' is not an accepted direction. Use one of: increase, decrease."
    assert problem_at(report, 5, "period_type").startswith("'weekly' is not an accepted period_type.")
    assert problem_at(report, 6, "code") == "Duplicate row: code GOOD_ONE already appears on line 2."


def test_mission_file_accepts_decimal_commas_and_checks_dates(db):
    report = upload(db, "missions.csv", "code;name;start_date;end_date;latitude;longitude\n"
                                        "NEWPKO;New operation;2025-01-01;;4,85;31,58\n"
                                        "OLDPKO;Old operation;2025-01-01;2024-01-01;;\n")
    assert problem_at(report, 3, "end_date") == "The end date 2024-01-01 is before the start date 2025-01-01."
    fixed = upload(db, "missions.csv", "code;name;start_date;latitude;longitude\nNEWPKO;New operation;2025-01-01;4,85;31,58\n")
    assert fixed.written
    row = store.read_df(db, "SELECT latitude, longitude, active FROM missions WHERE code = 'NEWPKO'").iloc[0]
    assert (row["latitude"], row["longitude"], bool(row["active"])) == (4.85, 31.58, True)


def test_a_store_error_is_worded_for_people(tmp_path):
    missing = tmp_path / "nowhere.duckdb"
    try:
        store.read_df(missing, "SELECT 1")
    except store.StoreError as err:
        assert str(err) == f"There is no store at {missing}. Create one with `peacepulse init`."
    else:
        raise AssertionError("expected a StoreError")


def test_a_target_on_the_wrong_side_of_its_baseline_is_an_error(db):
    report = upload(db, "targets.csv", "mission,indicator,period,target,baseline,baseline_period\n"
                                       "UNMISS,UNIF_WOMEN_SHARE,2026,10,20,2020\n"    # should increase: wrong
                                       "UNMISS,CIV_CASUALTIES,2026,150,100,2020\n"    # should decrease: wrong
                                       "UNMISS,FPU_WOMEN_SHARE,2026,20,20,2020\n"     # hold the level: fine
                                       "UNMISS,IPO_WOMEN_SHARE,2026,30,20,2020\n"     # the right way: fine
                                       "UNMISS,STAFF_OFF_WOMEN_SHARE,2026,5,,\n")      # no baseline: fine
    assert report.problems[["line", "column"]].values.tolist() == [[2, "target"], [3, "target"]]
    assert problem_at(report, 2, "target") == (
        "The target 10 is on the wrong side of the baseline 20: indicator UNIF_WOMEN_SHARE should increase, "
        "so this target would count a change for the worse as progress. Check the target, the baseline and "
        "the indicator's direction.")
    assert "should decrease" in problem_at(report, 3, "target")


def test_rows_checked_in_batches_give_the_same_problems_as_all_at_once(db, monkeypatch):
    """A big file is checked a batch of lines at a time; problems on either side of a batch's edge are all found."""
    from peacepulse.ingest import check
    rows = "".join(f"UNMISS,UNIF_WOMEN_SHARE,{1990 + i % 30},{150 if i % 7 == 0 else 5},{'x' if i % 11 == 0 else ''}\n"
                   for i in range(400))
    content = "mission,indicator,period,value,sex\n" + rows
    whole = upload(db, "obs.csv", content, commit=False).problems
    monkeypatch.setattr(check, "BATCH", 37)
    batched = upload(db, "obs.csv", content, commit=False).problems
    assert len(whole) > 100 and whole.equals(batched)
