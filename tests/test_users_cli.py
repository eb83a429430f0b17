"""`peacepulse users` and who the command line records: real processes, real files, exit codes and messages."""
from __future__ import annotations

import getpass
import io
import json
import os
import pty
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

from peacepulse import cli, store

PASSWORD = "a long enough passphrase"


def run(*args: str, db: Path, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "peacepulse.cli", *args, "--db", str(db)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, input=stdin,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def cli_db(seeded_template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "cli.duckdb"
    shutil.copy(seeded_template, copy)
    return copy


def _users_file(db: Path) -> Path:
    return store.private_dir(db) / "users.json"


def test_usr001_add_list_remove(cli_db: Path) -> None:
    empty = run("users", "list", db=cli_db)
    assert empty.returncode == 0 and "No users yet" in empty.stdout
    added = run("users", "add", "amina", "--role", "editor", "--mission", "unmiss", "--mission", "MINUSCA",
                "--password-stdin", db=cli_db, stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert f"Added amina, editor for UNMISS, MINUSCA, to {_users_file(cli_db)}." in added.stdout
    assert run("users", "add", "ada", "--role", "admin", "--password-stdin", db=cli_db, stdin=PASSWORD).returncode == 0
    listed = run("users", "list", db=cli_db)
    assert listed.returncode == 0
    rows = [line.split(None, 2) for line in listed.stdout.splitlines()[2:]]
    assert rows == [["ada", "admin", "all missions"], ["amina", "editor", "UNMISS, MINUSCA"]]
    assert PASSWORD not in listed.stdout and "argon2" not in listed.stdout
    removed = run("users", "remove", "AMINA", db=cli_db)
    assert removed.returncode == 0 and "Removed amina (editor)" in removed.stdout
    assert [u["name"] for u in json.loads(_users_file(cli_db).read_text())["users"]] == ["ada"]


def test_usr002_the_file_is_beside_the_store_owner_only_without_the_password(cli_db: Path) -> None:
    run("users", "add", "amina", "--role", "viewer", "--password-stdin", db=cli_db, stdin=PASSWORD)
    path = _users_file(cli_db)
    assert path.parent == cli_db.parent / f".{cli_db.name}.d"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert PASSWORD not in path.read_text() and PASSWORD not in cli_db.read_bytes().decode("latin-1")


def main(capsys, monkeypatch, *args: str, db: Path, stdin: str = "") -> tuple[int, str, str]:
    """The command run in this process, for the many cases of one message each: its exit code, stdout, stderr."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main([*args, "--db", str(db)])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(("args", "stdin", "said"), [
    (["add", "bo", "--role", "viewer", "--password-stdin"], "short\n", "The password is too short"),
    (["add", "bo", "--role", "viewer", "--password-stdin"], "", "no password on standard input"),
    (["add", "bo", "--role", "viewer"], "", "there is no terminal to ask for the password on"),
    (["add", "bo", "--role", "viewer", "--mission", "UNMISS", "--password-stdin"], PASSWORD,
     "Only an editor can be held to missions"),
    (["add", "bo", "--role", "editor", "--mission", "UNMISSS", "--password-stdin"], PASSWORD,
     "unknown mission code 'UNMISSS'. Did you mean 'UNMISS'?"),
    (["add", "two words", "--role", "viewer", "--password-stdin"], PASSWORD, "'two words' cannot be a user name"),
    (["remove", "nobody"], "", "There is no user named nobody"),
])
def test_usr003_a_mistake_is_a_usage_error_in_words_and_changes_nothing(cli_db: Path, capsys, monkeypatch,
                                                                         args: list[str], stdin: str, said: str) -> None:
    code, _, err = main(capsys, monkeypatch, "users", *args, db=cli_db, stdin=stdin)
    assert code == 2 and said in err
    assert not _users_file(cli_db).exists()


def test_usr004_a_name_taken_is_refused_whatever_its_case(cli_db: Path, capsys, monkeypatch) -> None:
    assert main(capsys, monkeypatch, "users", "add", "amina", "--role", "viewer", "--password-stdin", db=cli_db,
                stdin=PASSWORD)[0] == 0
    code, _, err = main(capsys, monkeypatch, "users", "add", "Amina", "--role", "admin", "--password-stdin", db=cli_db,
                        stdin=PASSWORD)
    assert code == 2 and "There is already a user named amina" in err


def test_usr005_a_damaged_users_file_is_exit_3_in_words(cli_db: Path, capsys, monkeypatch) -> None:
    path = _users_file(cli_db)
    path.parent.mkdir()
    path.write_text("not json")
    code, _, err = main(capsys, monkeypatch, "users", "list", db=cli_db)
    assert code == 3 and f"The users file {path} is damaged" in err


def test_usr006_the_password_is_asked_twice_at_a_terminal(cli_db: Path) -> None:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, its terminal the pseudo-terminal
        os.execv(sys.executable, [sys.executable, "-m", "peacepulse.cli", "users", "add", "tess", "--role", "viewer",
                                  "--db", str(cli_db)])
    seen = b""
    for prompt, answer in ((b"Password for tess: ", PASSWORD), (b"The same password again: ", PASSWORD)):
        while prompt not in seen:
            seen += os.read(fd, 1024)
        os.write(fd, answer.encode() + b"\n")
    try:
        while chunk := os.read(fd, 1024):
            seen += chunk
    except OSError:  # the command ended and closed its terminal
        pass
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and b"Added tess, viewer" in seen
    assert PASSWORD.encode() not in seen  # never echoed


def test_usr007_ingest_and_init_record_the_os_user(cli_db: Path, tmp_path: Path) -> None:
    out = run("ingest", str(FIXTURES / "indicators-new.csv"), str(FIXTURES / "observations-new.csv"), db=cli_db)
    assert out.returncode == 0, out.stderr
    who = store.read_df(cli_db, "SELECT uploaded_by, origin FROM batches ORDER BY batch_id DESC LIMIT 1").iloc[0]
    assert (who["uploaded_by"], who["origin"]) == (getpass.getuser(), "cli")
    fresh = tmp_path / "fresh.duckdb"
    assert run("init", db=fresh).returncode == 0
    seeds = store.read_df(fresh, "SELECT DISTINCT uploaded_by FROM batches")["uploaded_by"].tolist()
    assert seeds == [getpass.getuser()]


def test_usr008_serve_refuses_to_start_with_login_on_and_no_secret(cli_db: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = run("serve", "--port", str(port), db=cli_db, env={"PEACEPULSE_AUTH": "on", "PEACEPULSE_SECRET_KEY": ""})
    assert out.returncode == 2
    assert "PEACEPULSE_AUTH is on, but PEACEPULSE_SECRET_KEY is not set" in out.stderr and "Traceback" not in out.stderr
