"""Building the derived CSV files, and the shape of the files shipped in data/real."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from peacepulse.sources import OBSERVATION_COLUMNS, SOURCES, TARGET_COLUMNS, extract
from peacepulse.sources.build import FILES, build_real_data

FIXTURES = Path(__file__).parent / "fixtures" / "public"
SHIPPED = Path(__file__).parents[1] / "data" / "real"
SLICES = {
    "fatalities": "odp_noticas_slice.csv",
    "gender": "CountryByYear_slice.csv",
    "radpko": "radpko_bases_cc_y_slice.csv",
    "sea": "table_of_allegations_slice.csv",
}


def test_build_writes_contract_files(tmp_path):
    shared = tmp_path / "shared"
    for source, relative in FILES.items():
        (shared / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / SLICES[source], shared / relative)
    out = tmp_path / "real"
    counts = build_real_data(shared, out)
    assert counts["targets-radpko.csv"] == 1
    assert counts["problems-sea.csv"] == 2
    assert "problems-gender.csv" not in counts
    for source in SOURCES:
        frame = pd.read_csv(out / f"observations-{source}.csv", dtype=str, keep_default_na=False)
        assert list(frame.columns) == list(OBSERVATION_COLUMNS)
        assert len(frame) == counts[f"observations-{source}.csv"]
    rate = pd.read_csv(out / "observations-fatalities.csv", dtype=str, keep_default_na=False)
    row = rate[(rate.indicator == "FAT_MALICIOUS_RATE") & (rate.period == "2019")].iloc[0]
    assert (row["value"], row["numerator"], row["denominator"]) == ("1.529", "22", "14390")


def test_unknown_source_is_refused():
    with pytest.raises(ValueError, match="unknown source"):
        extract("casualties", FIXTURES / SLICES["fatalities"])
    with pytest.raises(ValueError, match="strength_path"):
        extract("sea", FIXTURES / SLICES["sea"], strength_path=FIXTURES / SLICES["gender"])


@pytest.mark.skipif(not SHIPPED.exists(), reason="derived files not built")
def test_shipped_files_follow_the_contract():
    for source in SOURCES:
        frame = pd.read_csv(SHIPPED / f"observations-{source}.csv", dtype={"period": str})
        assert list(frame.columns) == list(OBSERVATION_COLUMNS)
        assert frame.period.str.fullmatch(r"\d{4}").all()
        assert frame.source.notna().all()
        ratio = frame.dropna(subset=["numerator"])
        assert (ratio.numerator <= ratio.denominator).all()
    targets = pd.read_csv(SHIPPED / "targets-radpko.csv", dtype=str)
    assert list(targets.columns) == list(TARGET_COLUMNS)
    fatalities = pd.read_csv(SHIPPED / "observations-fatalities.csv")
    # Every row of the UN file is counted once.
    assert fatalities[fatalities.indicator == "FAT_TOTAL"].value.sum() == 4117
    sea = pd.read_csv(SHIPPED / "observations-sea.csv")
    assert sea.value.sum() == 753
