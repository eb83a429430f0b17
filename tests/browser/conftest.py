"""One demo store, one dashboard server (gunicorn, two workers) and one headless Chromium per test worker;
own_browser() for a file that needs a server of its own."""
from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait
from served import dashboard_server

from dashboard.screenshots import chrome, settled


def pytest_configure(config: pytest.Config) -> None:
    # selenium 4.2 calls a urllib3 method that urllib3 2 deprecates, on every command
    config.addinivalue_line("filterwarnings", "ignore:HTTPResponse.getheader:DeprecationWarning")


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


@contextmanager
def own_browser(db: Path, folder: Path, env: dict[str, str] | None = None) -> Iterator[tuple[Browser, Path]]:
    """A server of its own on the store `db` (see served.dashboard_server) and a browser on it; the
    browser, and the server's log."""
    with dashboard_server(db, folder, env=env) as (url, log):
        browser = Browser(url)
        try:
            yield browser, log
        finally:
            browser.driver.quit()


@pytest.fixture(scope="session")
def browser(base_url: str) -> Iterator[Browser]:
    b = Browser(base_url)
    yield b
    b.driver.quit()
