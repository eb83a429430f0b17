"""Public files go through the same validation and transaction as uploads."""
import subprocess
import sys

from conftest import FIXTURES

from peacepulse import store
from peacepulse.sources import importing

PUBLIC = FIXTURES / "public"


def test_fatalities_import_then_rerun_is_a_no_op(db):
    first = importing.import_file(db, "fatalities", PUBLIC / "odp_noticas_slice.csv", commit=True,
                                  strength=PUBLIC / "CountryByYear_slice.csv")
    assert first[0].ok and first[0].written and first[0].new > 0
    value = store.read_df(db, """SELECT value, source FROM series
                                 WHERE mission = 'MINUSMA' AND indicator = 'FAT_MALICIOUS' AND period = '2019'""")
    assert value["value"].tolist() == [22.0]
    assert "odp_noticas" in value["source"][0]
    again = importing.import_file(db, "fatalities", PUBLIC / "odp_noticas_slice.csv", commit=True,
                                  strength=PUBLIC / "CountryByYear_slice.csv")
    assert again[0].message.startswith("Nothing to change")
    batches = store.read_df(db, "SELECT origin FROM batches WHERE origin LIKE 'import%'")["origin"].tolist()
    assert batches == ["import:fatalities"]


def test_unreadable_rows_of_a_public_file_are_reported_with_their_line(db):
    reports = importing.import_file(db, "sea", PUBLIC / "table_of_allegations_slice.csv", commit=True)
    assert reports[0].written
    raw = reports[0].problems[reports[0].problems["problem"].str.startswith(importing.RAW_NOTE)]
    assert raw["line"].tolist() == [12, 66]
    assert raw.iloc[0]["value"] == "June 2024"
    assert "2 rows of the public file could not be read" in reports[0].message


def test_import_public_command(tmp_path, seeded_template):
    import shutil
    db = tmp_path / "s.duckdb"
    shutil.copy(seeded_template, db)
    cmd = [sys.executable, "-m", "peacepulse.cli", "import-public", "gender",
           str(PUBLIC / "CountryByYear_slice.csv"), "--db", str(db)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Written:" in out.stdout
    share = store.read_df(db, """SELECT round(value, 2) AS v FROM series
                                 WHERE mission = 'MINUSMA' AND indicator = 'UNIF_WOMEN_SHARE' AND period = '2018'""")
    assert share["v"].tolist() == [3.46]
    missing = subprocess.run(cmd[:5] + ["nope.csv", "--db", str(db)], capture_output=True, text=True)
    assert missing.returncode == 2 and "No such file: nope.csv" in missing.stderr
