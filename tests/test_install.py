"""The built wheel, installed (not editable) into a fresh virtual environment, works from a folder of its own.

The environment borrows the dependencies already installed for this run, but never the checkout: no
PYTHONPATH, and the running environment's site-packages is put on the path without its .pth files, so an
editable peacepulse installed there stays out of sight.
"""
from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import duckdb
import pytest

from dashboard.screenshots import free_port

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = {"seeds": "peacepulse/shipped/seeds", "data/real": "peacepulse/shipped/real"}


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PEACEPULSE_DB", "VIRTUAL_ENV", "PIP_USER")}
    return {**env, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **extra}


def check(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    out = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert out.returncode == 0, f"{command} exited {out.returncode}:\n{out.stdout}\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    check([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(out), str(ROOT)],
          env=clean_env())
    return next(out.glob("peacepulse-*.whl"))


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    here = tmp_path_factory.mktemp("venv") / "venv"
    check([sys.executable, "-m", "venv", str(here)], env=clean_env())
    python = here / "bin" / "python"
    purelib = check([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    borrowed = dict.fromkeys([*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (Path(purelib) / "borrowed-dependencies.pth").write_text("".join(f"{p}\n" for p in borrowed))
    check([str(python), "-m", "pip", "install", "--no-deps", "--force-reinstall", "--no-index", str(wheel)],
          env=clean_env())
    return here


def test_the_wheel_carries_the_data_and_assets_and_nothing_else(wheel):
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        for folder, inside in SHIPPED.items():
            files = sorted((ROOT / folder).glob("*.csv"))
            assert files, folder
            for path in files:
                assert whl.read(f"{inside}/{path.name}") == path.read_bytes(), path
        for path in (ROOT / "dashboard").rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert whl.read(path.relative_to(ROOT).as_posix()) == path.read_bytes(), path
        assert "peacepulse/shipped/CREDITS.md" in names
        assert any(n.startswith("peacepulse/store/migrations/") and n.endswith(".sql") for n in names)
        assert "dashboard/assets/topojson/world_110m.json" in names
        assert "peacepulse = peacepulse.cli:main" in whl.read("peacepulse-0.1.0.dist-info/entry_points.txt").decode()
    tops = {n.split("/")[0] for n in names}
    assert tops == {"peacepulse", "dashboard", "peacepulse-0.1.0.dist-info"}
    assert not [n for n in names if n.endswith((".duckdb", ".wal", ".pyc", ".building")) or "__pycache__" in n]


def test_the_installed_package_is_the_wheel_not_the_checkout(venv, tmp_path):
    out = check([str(venv / "bin" / "python"), "-c", "import peacepulse, dashboard; print(peacepulse.__file__); "
                 "print(dashboard.__file__)"], cwd=tmp_path, env=clean_env())
    for line in out.stdout.split():
        assert Path(line).is_relative_to(venv), line
        assert not Path(line).resolve().is_relative_to(ROOT), line


def test_init_from_another_folder_loads_the_seed_catalogue(venv, tmp_path):
    db = tmp_path / "x.duckdb"
    out = check([str(venv / "bin" / "peacepulse"), "init", "--db", str(db)], cwd=tmp_path, env=clean_env())
    assert f"Store ready at {db}" in out.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM themes").fetchone()[0] == 10
        assert con.execute("SELECT count(*) FROM indicators").fetchone()[0] == 65
    assert sorted(p.name for p in tmp_path.iterdir()) == [".x.duckdb.d", "x.duckdb"]  # the store, its working copy


def test_demo_from_another_folder_builds_in_the_data_folder_and_serves(venv, tmp_path):
    cwd, share = tmp_path / "elsewhere", tmp_path / "share"
    cwd.mkdir()
    port = free_port()
    proc = subprocess.Popen([str(venv / "bin" / "peacepulse"), "demo", "--port", str(port)], cwd=cwd,
                            env=clean_env(XDG_DATA_HOME=str(share)), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        said = [proc.stdout.readline()]
        while "dashboard on http" not in said[-1]:
            said.append(proc.stdout.readline())
            assert said[-1], f"the demo stopped before serving: {''.join(said)}"
        store = share / "peacepulse" / "demo.duckdb"
        assert said[0] == f"Building the demo store at {store} …\n"
        assert said[-1].startswith(f"PeacePulse dashboard on http://127.0.0.1:{port}/  (store: {store};")
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                page = urllib.request.urlopen(base + "/", timeout=5).read().decode()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "the dashboard did not answer"
                time.sleep(0.3)
        assert "<title>PeacePulse</title>" in page
        world = json.loads(urllib.request.urlopen(base + "/assets/topojson/world_110m.json", timeout=5).read())
        assert world["type"] == "Topology"
        assert urllib.request.urlopen(base + "/vendor/bootstrap.min.css", timeout=5).status == 200
    finally:
        proc.terminate()
        proc.wait(10)
    with duckdb.connect(str(store), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM progress").fetchone()[0] > 0
    assert list(cwd.iterdir()) == []


def test_the_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    commands = [line for line in readme.splitlines() if line.startswith("apt-get update")]
    assert len(commands) == 1 and commands[0] in ci
    assert "python3 -m venv .venv && . .venv/bin/activate && pip install . && peacepulse demo" in readme
