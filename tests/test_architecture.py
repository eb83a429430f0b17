"""The core never depends on the UI."""
import pkgutil
import subprocess
import sys
from pathlib import Path

import peacepulse

CORE = Path(peacepulse.__file__).parent


def test_core_source_never_imports_dash():
    offenders = [str(p) for p in CORE.rglob("*.py")
                 if any(line.strip().startswith(("import dash", "from dash"))
                        for line in p.read_text("utf-8").splitlines())]
    assert offenders == []


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
