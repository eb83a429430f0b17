"""One demo store, one dashboard server (gunicorn, two workers) and one headless Chromium per test run."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.screenshots import chrome, free_port, settled

ROOT = Path(__file__).resolve().parents[2]


def pytest_configure(config: pytest.Config) -> None:
    # selenium 4.2 calls a urllib3 method that urllib3 2 deprecates, on every command
    config.addinivalue_line("filterwarnings", "ignore:HTTPResponse.getheader:DeprecationWarning")


def _start(db: Path, folder: Path, log) -> tuple[subprocess.Popen, str]:
    """gunicorn on a free port, once it answers. A port that another process took between free_port()
    and gunicorn's bind (tests run in parallel) makes gunicorn exit: then it is tried on another one."""
    paths = [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PEACEPULSE_DB": str(db), "PYTHONPATH": os.pathsep.join(p for p in paths if p),
           "TMPDIR": str(folder)}  # a cache of its own for this store
    for _ in range(3):
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--timeout", "60",
                                 "--bind", f"127.0.0.1:{port}", "dashboard.app:server"],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "/", timeout=2)
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
def dashboard_server(db: Path, folder: Path) -> Iterator[tuple[str, Path]]:
    """The dashboard under gunicorn (two workers) on the store `db`; its URL and the server's log file."""
    path = folder / "gunicorn.log"
    log = path.open("w")
    proc, url = _start(db, folder, log)
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


@pytest.fixture(scope="session")
def served_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store the shared server serves: a copy of the demo store, since uploads through the browser write
    to it. Tests that compare a page with the store read this one."""
    db = tmp_path_factory.mktemp("served") / "demo.duckdb"
    shutil.copy(demo_db, db)
    return db


@pytest.fixture(scope="session")
def base_url(served_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with dashboard_server(served_db, tmp_path_factory.mktemp("server")) as (url, _):
        yield url


class Browser:
    """A thin layer over Chrome: open a path, wait for Dash to settle, read console errors and graphs."""

    def __init__(self, base_url: str, downloads: Path | None = None) -> None:
        self.base_url = base_url
        self.driver = chrome(1400, 1000, downloads)

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)
        self.settle()

    def settle(self, timeout: float = 30) -> None:
        time.sleep(0.2)
        settled(self.driver, timeout)

    def wait_for(self, condition, timeout: float = 30):
        """Until condition() is truthy; an element it looks at that the page redrew meanwhile is looked
        for again (a stale element is no answer yet)."""
        return WebDriverWait(self.driver, timeout, ignored_exceptions=(StaleElementReferenceException,)
                             ).until(lambda d: condition())

    def click(self, element) -> None:
        """Click once nothing covers the element (a loading overlay, a closing dialog); the page may
        still be growing, so it is scrolled into view before every try."""
        def clicked() -> bool:
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
            try:
                element.click()
                return True
            except ElementClickInterceptedException:
                return False
        self.wait_for(clicked)

    def severe_logs(self) -> list[str]:
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def external_requests(self) -> list[str]:
        names = self.driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        return [n for n in names if not n.startswith(self.base_url) and not n.startswith("data:")]

    def graph_data(self, graph_id: str) -> list[dict]:
        # Plotly ships numeric arrays as typed arrays; turn them back into plain lists.
        text = self.driver.execute_script("""
            const g = document.querySelector(arguments[0] + ' .js-plotly-plot');
            const plain = v => (v && v._inputArray) ? Array.from(v._inputArray) : v;
            return g ? JSON.stringify(g.data.map(t => Object.fromEntries(
                Object.entries(t).map(([k, v]) => [k, plain(v)])))) : null;""", f"#{graph_id}")
        return json.loads(text) if text else []

    def path(self) -> str:
        return self.driver.execute_script("return location.pathname + location.search")


@pytest.fixture(scope="session")
def browser(base_url: str) -> Iterator[Browser]:
    b = Browser(base_url)
    yield b
    b.driver.quit()
