"""Starting PeacePulse: where the demo store lives, and a port that is taken or free, with real processes and sockets."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dashboard.screenshots import free_port


def env_without_store(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PEACEPULSE_DB"}
    return {**env, **extra}


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "peacepulse.cli", *args], capture_output=True, text=True,
                          env=env or env_without_store(), cwd=cwd, timeout=120)


@contextmanager
def listening() -> Iterator[int]:
    """A port that another program is listening on."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


@contextmanager
def started(*args: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, str]]:
    """Run a serving command until its first line and its page are there; yields that line and the page."""
    proc = subprocess.Popen([sys.executable, "-m", "peacepulse.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env or env_without_store())
    try:
        lines = []
        while not any("dashboard on http" in line for line in lines):
            line = proc.stdout.readline()
            assert line, f"the command stopped before serving: {''.join(lines)}"
            lines.append(line)
        url = lines[-1].split(" on ")[1].split()[0]
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    page = answer.read().decode()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"{url} did not answer") from None
                time.sleep(0.3)
        yield "".join(lines), page
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_demo_store_defaults_to_the_users_data_folder(tmp_path):
    out = run("demo", "--path", env=env_without_store(XDG_DATA_HOME=str(tmp_path / "share")), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(tmp_path / "share" / "peacepulse" / "demo.duckdb")
    assert not (tmp_path / "share").exists()  # --path only tells


def test_the_demo_store_follows_the_environment_then_the_option(tmp_path):
    env = env_without_store(XDG_DATA_HOME=str(tmp_path / "share"), PEACEPULSE_DB=str(tmp_path / "env.duckdb"))
    assert run("demo", "--path", env=env).stdout.strip() == str(tmp_path / "env.duckdb")
    given = run("demo", "--path", "--db", str(tmp_path / "given.duckdb"), env=env)
    assert given.stdout.strip() == str(tmp_path / "given.duckdb")


def test_demo_help_gives_the_rule_and_the_place():
    out = run("demo", "--help", env=env_without_store(XDG_DATA_HOME="/nowhere/share"))
    text = " ".join(out.stdout.split())
    assert "The demo store is --db, else $PEACEPULSE_DB, else demo.duckdb in your data folder" in text
    assert "(here: /nowhere/share/peacepulse/demo.duckdb)" in text


def test_a_demo_store_that_cannot_be_written_is_explained(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    out = run("demo", "--no-serve", "--db", str(blocker / "demo.duckdb"))
    assert out.returncode == 3
    target = blocker / "demo.duckdb"
    assert f"peacepulse: Cannot write the demo store at {target}: {blocker} is a file, not a folder." in out.stderr
    assert "Choose another place with --db or $PEACEPULSE_DB." in out.stderr and "Traceback" not in out.stderr


def test_serve_on_a_busy_port_is_a_usage_error_before_any_url(seeded_template):
    with listening() as port:
        out = run("serve", "--db", str(seeded_template), "--port", str(port))
    assert out.returncode == 2
    assert out.stderr == f"peacepulse: port {port} is already in use on 127.0.0.1; choose another with --port\n"
    assert out.stdout == ""


def test_demo_on_a_busy_port_stops_before_building(tmp_path):
    db = tmp_path / "demo.duckdb"
    with listening() as port:
        out = run("demo", "--db", str(db), "--port", str(port))
    assert out.returncode == 2
    assert f"port {port} is already in use on 127.0.0.1; choose another with --port" in out.stderr
    assert out.stdout == "" and not db.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("port, message", [
    ("0", "argument --port: '0' is not a port number (1 to 65535)"),
    ("65536", "argument --port: '65536' is not a port number (1 to 65535)"),
    ("http", "argument --port: 'http' is not a port number (1 to 65535)"),
])
def test_a_port_that_is_no_port_is_a_usage_error(seeded_template, port, message):
    out = run("serve", "--db", str(seeded_template), "--port", port)
    assert out.returncode == 2 and message in out.stderr and out.stdout == ""


def test_a_host_that_is_not_here_is_a_usage_error(seeded_template):
    out = run("serve", "--db", str(seeded_template), "--host", "no-such-host.invalid")
    assert out.returncode == 2
    assert out.stderr == ("peacepulse: cannot listen on no-such-host.invalid: no address has that name; "
                          "choose another with --host\n")


def test_serve_on_a_free_port_prints_the_url_and_answers(seeded_template):
    port = free_port()
    with started("serve", "--db", str(seeded_template), "--port", str(port)) as (said, page):
        assert said.startswith(f"PeacePulse dashboard on http://127.0.0.1:{port}/  (store: ")
        assert "<title>PeacePulse</title>" in page


def test_demo_on_a_free_port_says_which_store_it_serves(demo_db, tmp_path):
    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, copy)
    port = free_port()
    with started("demo", "--db", str(copy), "--port", str(port)) as (said, page):
        assert said.startswith(f"Using the demo store at {copy} (--rebuild builds it anew)\n")
        assert f"PeacePulse dashboard on http://127.0.0.1:{port}/" in said
        assert "<title>PeacePulse</title>" in page


def test_demo_rebuild_never_deletes_someone_elses_uploads(seeded_template, tmp_path):
    mine = tmp_path / "production.duckdb"
    shutil.copy(seeded_template, mine)
    csv = tmp_path / "obs.csv"
    csv.write_text("mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,2024,3\n")
    assert run("ingest", "--db", str(mine), str(csv)).returncode == 0
    out = run("demo", "--rebuild", "--no-serve", env=env_without_store(PEACEPULSE_DB=str(mine)))
    assert out.returncode == 2
    assert f"{mine} holds 1 upload that is not demo data (the latest, obs.csv, on " in out.stderr
    assert "--rebuild would delete them" in out.stderr
    kept = run("sql", "--db", str(mine), "--csv", "SELECT count(*) AS n FROM observations")
    assert kept.stdout == "n\n1\n"
    # must not fire: a demo store holds only seed and demo batches, and is rebuilt
    demo_store = tmp_path / "demo.duckdb"
    shutil.copy(seeded_template, demo_store)
    assert run("demo", "--db", str(demo_store), "--rebuild", "--no-serve").returncode == 0
