"""The dashboard under gunicorn on a store of the test's own, for the tests that drive it over HTTP or in
a browser."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dashboard.screenshots import free_port

ROOT = Path(__file__).resolve().parents[1]


def dashboard_env(db: Path, folder: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a dashboard process on the store `db`: this checkout's code, and `folder` for its
    temporary files (its result cache among them), with `env` added."""
    paths = [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PEACEPULSE_DB": str(db), "PYTHONPATH": os.pathsep.join(p for p in paths if p),
            "TMPDIR": str(folder), **(env or {})}


def _start(db: Path, folder: Path, log, workers: int, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """gunicorn on a free port, once it answers. A port that another process took between free_port()
    and gunicorn's bind (tests run in parallel) makes gunicorn exit: then it is tried on another one."""
    env = dashboard_env(db, folder, env)
    for _ in range(3):
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers), "--timeout", "120",
                                 "--bind", f"127.0.0.1:{port}", "dashboard.app:server"],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "/", timeout=30)
                return proc, url
            except OSError:
                time.sleep(0.3)
        if proc.poll() is None:  # no answer in time
            proc.kill()
            break
        log.flush()
        if "Address already in use" not in Path(log.name).read_text(errors="replace"):
            break
    raise RuntimeError(f"the dashboard did not start; see {log.name}")


@contextmanager
def dashboard_server(db: Path, folder: Path, workers: int = 2, env: dict[str, str] | None = None
                     ) -> Iterator[tuple[str, Path]]:
    """The dashboard under gunicorn with `workers` workers on the store `db`, with `env` added to this
    process's environment; its URL and the server's log file (in `folder`, with its cache)."""
    path = folder / "gunicorn.log"
    log = path.open("w")
    proc, url = _start(db, folder, log, workers, env or {})
    try:
        yield url, path
    finally:
        proc.terminate()
        try:
            proc.wait(30)  # gunicorn lets its workers finish; on a busy machine that can take a while
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()
