"""The core never depends on the UI, and data flows one way through it (import-linter contracts)."""
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import peacepulse

CORE = Path(peacepulse.__file__).parent
ROOT = Path(__file__).parents[1]


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{root / 'src'}{os.pathsep}{root}"}
    command = str(Path(sys.executable).parent / "lint-imports")  # installed beside this Python
    return subprocess.run([command, "--config", str(root / "pyproject.toml"), "--no-cache"],
                          cwd=root, env=env, capture_output=True, text=True)


def test_import_contracts_are_kept():
    out = _lint_imports(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Contracts: 3 kept, 0 broken." in out.stdout


def test_a_core_module_importing_the_dashboard_breaks_the_contract(tmp_path):
    shutil.copytree(ROOT / "src" / "peacepulse", tmp_path / "src" / "peacepulse")
    shutil.copytree(ROOT / "dashboard", tmp_path / "dashboard")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (tmp_path / "src" / "peacepulse" / "reads" / "queries.py").open("a") as module:
        module.write("\nfrom dashboard import components  # noqa: E402,F401\n")
    out = _lint_imports(tmp_path)
    assert out.returncode == 1
    assert "The core never imports the dashboard BROKEN" in out.stdout


def test_importing_every_core_module_loads_no_dash():
    modules = [m.name for m in pkgutil.walk_packages([str(CORE)], "peacepulse.")]
    assert "peacepulse.ingest" in modules and "peacepulse.cli" in modules
    code = (f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
            "print(sorted(n for n in sys.modules if n == 'dash' or n.startswith('dash.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_connection_is_opened_at_import(tmp_path):
    code = ("import duckdb, sys\nopened = []\nreal = duckdb.connect\n"
            "duckdb.connect = lambda *a, **k: opened.append(a) or real(*a, **k)\n"
            "import peacepulse.cli, peacepulse.store, peacepulse.ingest, peacepulse.demo\nprint(len(opened))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
