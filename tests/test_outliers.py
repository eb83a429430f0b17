"""The outlier rule: a value judged against its neighbours in the same series, in DuckDB SQL.

Each of the three tests (distance, factor, sign) has cases that must fire and cases that must not."""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from peacepulse import outliers


def _series(values: list[float], mission: str = "UNMISS", first_year: int = 2000) -> pd.DataFrame:
    years = range(first_year, first_year + len(values))
    return pd.DataFrame({
        "mission": mission, "indicator": "FAT_TOTAL", "sex": "total", "age": "total", "location": "total",
        "period": [str(y) for y in years], "period_end": [date(y, 12, 31) for y in years],
        "value": [float(v) for v in values], "line": pd.array(range(2, 2 + len(values)), dtype="Int32")})


def flagged(*frames: pd.DataFrame) -> pd.DataFrame:
    con = duckdb.connect()
    con.register("rows", pd.concat(frames, ignore_index=True))
    return con.execute(outliers.outlier_sql("rows")).fetchdf()


def flagged_values(values: list[float]) -> list[float]:
    return flagged(_series(values))["value"].tolist()


def test_out001_spike_in_steady_series_fires() -> None:
    assert flagged_values([10, 11, 10, 12, 60, 11, 10, 11]) == [60]


def test_out002_steady_linear_trend_does_not_fire() -> None:
    assert flagged_values([100 + 40 * i for i in range(12)]) == []


def test_out003_level_shift_flags_nothing() -> None:
    # Chosen: not even the point of the shift, whose neighbours straddle both levels.
    assert flagged_values([10, 10, 10, 10, 50, 50, 50, 50]) == []
    assert flagged_values([10, 10, 10, 10, 50, 10, 10, 10]) == [50]
    # Nor by the factor test, up or down a whole order of magnitude.
    assert flagged_values([10, 10, 10, 10, 100, 100, 100, 100]) == []
    assert flagged_values([100, 100, 100, 100, 10, 10, 10, 10]) == []


def test_out004_newest_value_judged_against_the_ones_before() -> None:
    out = flagged(_series([20, 21, 19, 22, 20, 21, 210]))
    assert out[["period", "value", "median", "neighbours"]].values.tolist() == [["2006", 210.0, 21.0, 3]]
    assert flagged_values([20, 21, 19, 22, 20, 21, 22]) == []


def test_out005_short_series_not_judged() -> None:
    assert flagged_values([5, 5, 500]) == []
    assert flagged_values([5, 5, 5, 5, 500]) == [500]


def test_out006_flat_series_with_one_jump_fires() -> None:
    out = flagged(_series([5, 5, 5, 5, 50, 5, 5, 5]))
    assert out["value"].tolist() == [50]
    assert out["scale"].iloc[0] == outliers.ABS_FLOOR  # the MAD is 0: the floor decides


def test_out007_flat_series_with_tiny_noise_does_not_fire() -> None:
    assert flagged_values([1000, 1000.2, 999.9, 1000.1, 1000.6, 999.8, 1000, 1000.1]) == []


def test_out008_small_counts_need_a_real_jump() -> None:
    assert flagged_values([0, 0, 0, 2, 0, 0, 0]) == []
    assert flagged_values([0, 0, 0, 20, 0, 0, 0]) == [20]


def test_out009_drop_towards_zero_fires() -> None:
    assert flagged_values([1200, 1250, 1230, 120, 1240, 1260, 1210]) == [120]


def test_out013_small_count_noise_does_not_fire() -> None:
    assert flagged_values([0, 1, 0, 2, 1, 3]) == []
    assert flagged_values([1, 0, 2, 0, 1, 0, 3, 1]) == []


def test_out014_tenth_of_the_level_in_a_noisy_positive_series_fires() -> None:
    # The neighbours' MAD is wide (392, scale 581): by distance alone 346 scores only 5.4.
    out = flagged(_series([1034, 2768, 346, 3492, 3704, 3884]))
    assert out["value"].tolist() == [346]
    assert out["score"].iloc[0] < outliers.THRESHOLD
    assert flagged_values([1034, 2768, 3460, 3492, 3704, 3884]) == []


def test_out015_newest_value_eight_times_its_noisy_neighbours_fires() -> None:
    # Neighbours 100, 1000, 300: the distance score of 2500 is 7.4, under THRESHOLD; the factor is 8.3.
    assert flagged_values([500, 100, 1000, 300, 2500]) == [2500]
    assert flagged_values([500, 100, 1000, 300, 1500]) == []


def test_out016_volatile_positive_series_within_the_factor_does_not_fire() -> None:
    assert flagged_values([40, 150, 60, 200, 90, 170, 30, 160]) == []


def test_out017_factor_needs_a_difference_of_one_unit() -> None:
    assert flagged_values([0.5, 0.6, 0.5, 0.05, 0.6, 0.5]) == []
    assert flagged_values([5, 6, 5, 0.5, 6, 5]) == [0.5]


def test_out018_factor_is_not_applied_to_windows_holding_a_zero() -> None:
    # Median 1 of 0, 1, 2, 1, 2, 0: 8 is eight times it but only 7 units away (the distance test needs more than 8).
    assert flagged_values([0, 1, 2, 8, 1, 2, 0]) == []
    assert flagged_values([1, 1, 2, 8, 1, 2, 1]) == [8]


def test_out019_low_value_at_either_end_is_not_judged() -> None:
    # Missions start and end part-way through a year: a low first or last period is expected.
    assert flagged_values([346, 3492, 3704, 3884, 3300, 3600]) == []
    assert flagged_values([3492, 3704, 3884, 3300, 3600, 346]) == []
    assert flagged_values([3492, 3704, 3884, 3300, 3600, 0]) == []
    # Only a low one: a high newest value is judged (test_out004), and so is a negative one (test_out020).
    assert flagged_values([3492, 3704, 3884, 3300, 3600, 34920]) == [34920]


def test_out020_sign_flip_in_a_positive_rate_series_fires() -> None:
    assert flagged_values([0.4, 0.7, 0.5, -0.6, 0.5, 0.8]) == [-0.6]
    assert flagged_values([0.4, 0.7, 0.5, 0.6, 0.5, -0.8]) == [-0.8]
    assert flagged_values([0.4, 0.7, 0.5, 0.6, 0.5, 0.8]) == []


def test_out021_negative_value_where_negatives_are_usual_or_the_level_is_zero_does_not_fire() -> None:
    assert flagged_values([0.4, -0.7, 0.5, -0.6, 0.5, 0.8]) == []
    assert flagged_values([0, 0, 0, -0.5, 0, 0]) == []


def test_out010_series_are_judged_apart_and_columns_pass_through() -> None:
    steady = _series([10, 11, 10, 12, 11, 10, 11], mission="MINUSCA")
    spiky = _series([10, 11, 10, 120, 11, 10, 11]).assign(line=pd.array([None] * 7, dtype="Int32"))
    spiky.loc[spiky["period"] == "2003", "line"] = 42
    out = flagged(steady, spiky)
    assert out["mission"].tolist() == ["UNMISS"]
    assert out["line"].tolist() == [42]
    assert set(out.columns) >= set(outliers.COLUMNS) | {"median", "scale", "score"}
    assert out.dtypes[["median", "scale", "score"]].eq("float64").all()


def test_out011_stored_values_have_no_line() -> None:
    stored = _series([10, 11, 10, 120, 11, 10, 11]).assign(line=pd.array([None] * 7, dtype="Int32"))
    assert flagged(stored)["line"].isna().all()


@pytest.mark.parametrize(("value", "median", "n", "text"), [
    (95, 4, 6, "95 is far from the values around it in this series (median 4 of the 6 nearest periods)."),
    (0.125, 1234.5, 3, "0.125 is far from the values around it in this series (median 1234.5 of the 3 nearest"),
])
def test_out012_describe_in_plain_words(value: float, median: float, n: int, text: str) -> None:
    sentence = outliers.describe(value, median, n)
    assert sentence.startswith(text)
    assert sentence.endswith("It was kept; check that it is right.")
