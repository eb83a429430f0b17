"""Roles, the users file and the login settings, in the core; and the ingest path refusing what a role or
a mission list does not allow, with nothing written."""
from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from conftest import FIXTURES

from peacepulse import access, ingest, store
from peacepulse.access import Permit, Role, users

PASSWORD = "a long enough passphrase"
COUNTS = """SELECT (SELECT count(*) FROM observation_history) AS observations, (SELECT count(*) FROM batches) AS batches,
                   (SELECT count(*) FROM indicators) AS indicators"""
OBS = "mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,2020,3\nMINUSCA,FAT_MALICIOUS,2020,4\nMINUSCA,FAT_MALICIOUS,2021,5\n"
VIEWER, EDITOR, ADMIN = Permit("vera", Role.VIEWER), Permit("ed", Role.EDITOR), Permit("ada", Role.ADMIN)
HELD = Permit("amina", Role.EDITOR, frozenset({"UNMISS"}))


def _counts(db: Path) -> list[int]:
    return store.read_df(db, COUNTS).iloc[0].tolist()


@pytest.mark.parametrize(("permit", "allowed"), [
    (VIEWER, set()),
    (EDITOR, {"upload", "assess", "acknowledge"}),
    (ADMIN, {"upload", "assess", "acknowledge", "catalogue", "users"}),
])
def test_acc001_each_role_allows_its_actions_and_refuses_the_others(permit: Permit, allowed: set[str]) -> None:
    assert {a for a in access.ACTIONS if permit.can(a)} == allowed
    for action in set(access.ACTIONS) - allowed:
        said = permit.refusal(action)
        assert said.startswith(f"{permit.user} is a {permit.role.value} here, and only an ")


def test_acc002_an_editor_held_to_missions_may_change_those_only() -> None:
    assert HELD.can("assess", "UNMISS") and HELD.can("assess", "unmiss")
    assert HELD.refusal("assess", "MINUSCA") == "amina may change UNMISS only, and MINUSCA is another mission."
    assert HELD.outside(["UNMISS", "MINUSCA", "MONUSCO"]) == ["MINUSCA", "MONUSCO"]
    assert EDITOR.can("assess", "MINUSCA") and EDITOR.outside(["MINUSCA"]) == []
    both = Permit("amina", Role.EDITOR, frozenset({"UNMISS", "MINUSCA"}))
    assert both.held_to == "MINUSCA and UNMISS"


def test_acc003_the_catalogue_kinds_need_an_admin() -> None:
    assert EDITOR.kind_refusal("observations") is None and ADMIN.kind_refusal("indicators") is None
    assert "only an admin can upload it, and ed is an editor" in EDITOR.kind_refusal("indicators")
    assert "only an editor or an admin can upload files" in VIEWER.kind_refusal("observations")


def test_acc010_the_users_file_holds_hashes_only_owner_readable_beside_the_store(db: Path) -> None:
    path = users.path_for(db)
    assert path == store.private_dir(db) / "users.json" and path.parent != db.parent
    users.add(path, "amina", "editor", PASSWORD, ["UNMISS"])
    text = path.read_text()
    assert PASSWORD not in text and "$argon2id$" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"] == []  # nothing left of the write
    row = json.loads(text)["users"][0]
    assert (row["name"], row["role"], row["missions"]) == ("amina", "editor", ["UNMISS"])
    # nothing of it reaches the store, which analysts can read
    tables = store.read_df(db, "SELECT table_name FROM duckdb_tables()")["table_name"]
    for table in tables:
        found = store.read_df(db, f'SELECT count(*) AS n FROM "{table}" t WHERE t::VARCHAR ILIKE ? OR t::VARCHAR LIKE ?',
                              ["%amina%", "%argon2%"])["n"].iloc[0]
        assert found == 0, table


def test_acc011_peacepulse_users_puts_the_file_elsewhere(db: Path, tmp_path: Path, monkeypatch) -> None:
    elsewhere = tmp_path / "secrets" / "people.json"
    monkeypatch.setenv("PEACEPULSE_USERS", str(elsewhere))
    assert users.path_for(db) == elsewhere
    users.add(elsewhere, "ada", "admin", PASSWORD)
    assert elsewhere.exists() and not (store.private_dir(db) / "users.json").exists()


def test_acc012_a_password_is_checked_against_its_hash(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    users.add(path, "Amina", "editor", PASSWORD)
    assert users.authenticate(path, "amina", PASSWORD).name == "Amina"  # names match whatever their case
    assert users.authenticate(path, "Amina", PASSWORD + "!") is None
    assert users.authenticate(path, "nobody", PASSWORD) is None
    assert users.authenticate(path, "", PASSWORD) is None


def test_acc013_adding_and_removing_say_plainly_what_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    users.add(path, "amina", "editor", PASSWORD)
    with pytest.raises(users.UsersError, match="There is already a user named amina"):
        users.add(path, "AMINA", "admin", PASSWORD)
    with pytest.raises(users.UsersError, match="too short: use at least 10 characters"):
        users.add(path, "bo", "viewer", "short")
    with pytest.raises(users.UsersError, match="cannot be the user's name"):
        users.add(path, "passphrase1", "viewer", "Passphrase1")
    with pytest.raises(users.UsersError, match="cannot be a user name"):
        users.add(path, "two words", "viewer", PASSWORD)
    with pytest.raises(users.UsersError, match="Only an editor can be held to missions: a viewer sees every mission"):
        users.add(path, "vera", "viewer", PASSWORD, ["UNMISS"])
    with pytest.raises(users.UsersError, match=r"There is no user named bo \(users: amina\)"):
        users.remove(path, "bo")
    assert users.remove(path, "Amina").name == "amina" and users.load(path) == {}


def test_acc014_a_damaged_users_file_is_named_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text('{"users": [{"name": "x"}]}')
    with pytest.raises(users.UsersFileError, match=f"The users file {path} is damaged"):
        users.load(path)


@pytest.mark.parametrize(("env", "said"), [
    ({"PEACEPULSE_AUTH": "on"}, "PEACEPULSE_AUTH is on, but PEACEPULSE_SECRET_KEY is not set"),
    ({"PEACEPULSE_AUTH": "on", "PEACEPULSE_SECRET_KEY": "short"}, "PEACEPULSE_SECRET_KEY is too short (5 characters)"),
    ({"PEACEPULSE_AUTH": "maybe"}, "PEACEPULSE_AUTH is 'maybe'; set it to on"),
])
def test_acc020_login_settings_that_cannot_work_are_refused(env: dict, said: str) -> None:
    with pytest.raises(access.SettingsError) as err:
        access.from_env(env)
    assert said in str(err.value)


def test_acc021_login_is_off_unless_asked_for() -> None:
    assert access.from_env({}).auth is False and access.from_env({"PEACEPULSE_AUTH": "off"}).auth is False
    on = access.from_env({"PEACEPULSE_AUTH": "on", "PEACEPULSE_SECRET_KEY": "k" * 32})
    assert on.auth and "k" * 32 not in repr(on)


def test_acc030_an_editor_held_to_a_mission_has_other_missions_rows_refused_by_name(db: Path) -> None:
    before = _counts(db)
    report = ingest.ingest_upload(db, "obs.csv", OBS.encode(), commit=True, permit=HELD)
    assert not report.ok and not report.written and _counts(db) == before
    refused = report.problems[report.problems["severity"] == "error"]
    assert refused["line"].tolist() == [3, 4] and set(refused["value"]) == {"MINUSCA"}
    assert set(refused["problem"]) == {"amina may change UNMISS only, and MINUSCA is another mission."}
    shown = ingest.problems.grouped(report.problems)["problem"].tolist()
    assert shown == ["MINUSCA: 2 rows (lines 3–4) are outside what amina may change (UNMISS only)."]


def test_acc031_the_same_editor_writes_its_own_missions_rows_recorded_under_its_name(db: Path) -> None:
    own = "\n".join(OBS.splitlines()[:2]) + "\n"
    report = ingest.ingest_upload(db, "obs.csv", own.encode(), commit=True, permit=HELD)
    assert report.written
    assert store.read_df(db, "SELECT uploaded_by FROM batches WHERE batch_id = ?", [report.batch_id]).iloc[0, 0] == "amina"
    # the revision names its author through its batch
    who = store.read_df(db, "SELECT b.uploaded_by FROM observation_history h JOIN batches b USING (batch_id) "
                            "WHERE h.mission = 'UNMISS' AND h.indicator = 'FAT_MALICIOUS'")["uploaded_by"].tolist()
    assert who == ["amina"]
    # an editor of every mission may write them all
    assert ingest.ingest_upload(db, "obs.csv", OBS.encode(), commit=True, permit=EDITOR).written


@pytest.mark.parametrize("permit", [VIEWER, EDITOR, HELD])
def test_acc032_a_catalogue_file_is_refused_but_for_an_admin(db: Path, permit: Permit) -> None:
    content = (FIXTURES / "indicators-new.csv").read_bytes()
    before = _counts(db)
    report = ingest.ingest_upload(db, "indicators-new.csv", content, commit=True, permit=permit)
    assert not report.written and _counts(db) == before
    assert report.problems["problem"].iloc[0] == permit.kind_refusal("indicators")
    assert ingest.ingest_upload(db, "indicators-new.csv", content, commit=True, permit=ADMIN).written


def test_acc033_a_viewer_can_upload_nothing(db: Path) -> None:
    report = ingest.ingest_upload(db, "obs.csv", OBS.encode(), commit=True, permit=VIEWER)
    assert not report.written and report.problems["problem"].tolist() == [VIEWER.refusal("upload")]


def test_acc034_a_batch_names_whoever_the_caller_says_and_nobody_by_default(db: Path) -> None:
    first = ingest.ingest_upload(db, "a.csv", b"mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,2020,3\n",
                                 commit=True, user="someone")
    second = ingest.ingest_upload(db, "b.csv", b"mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,2021,3\n", commit=True)
    who = store.read_df(db, "SELECT coalesce(uploaded_by, '(not recorded)') AS who FROM batches "
                            "WHERE batch_id IN (?, ?) ORDER BY batch_id", [first.batch_id, second.batch_id])["who"]
    assert who.tolist() == ["someone", "(not recorded)"]
