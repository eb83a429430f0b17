"""README screenshots of the overview and a mission page, taken with headless Chromium.

    python -m dashboard.screenshots [--db STORE] [--out docs/img]

Without --db it builds the demo store in a temporary folder first.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def chrome(width: int = 1400, height: int = 1000, downloads: Path | None = None) -> webdriver.Chrome:
    """Headless Chromium; files it downloads go to `downloads`, without asking, when given."""
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROME_BIN", "/usr/bin/chromium")
    for flag in [*CHROME_FLAGS, f"--window-size={width},{height}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if downloads is not None:
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                                  "download.prompt_for_download": False})
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    if downloads is not None:  # headless Chromium also needs to be told through the DevTools protocol
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path, port: int, timeout: float = 60) -> subprocess.Popen:
    """Start the dashboard in its own process and wait until it answers."""
    env = {**os.environ, "PEACEPULSE_DB": str(db)}
    proc = subprocess.Popen([sys.executable, "-m", "dashboard", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"the dashboard stopped: {proc.stderr.read().decode()[-2000:]}") from None
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("the dashboard did not answer in time")


def settled(driver: webdriver.Chrome, timeout: float = 30) -> None:
    """Wait until Dash has no request in flight and every graph is drawn."""
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(
        "return document.readyState === 'complete' && !document.querySelector('[data-dash-is-loading]')"
        " && document.querySelectorAll('._dash-loading').length === 0"
        " && Array.from(document.querySelectorAll('.dash-graph')).every(g => g.querySelector('.main-svg'))"))


def shoot(base: str, shots: dict[str, str], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    driver, saved = chrome(), []
    try:
        for name, path in shots.items():
            driver.get(base + path)
            time.sleep(0.5)
            settled(driver)
            height = driver.execute_script("return document.body.scrollHeight")
            driver.set_window_size(1400, min(max(height, 900), 2400))
            time.sleep(0.5)
            target = out / f"{name}.png"
            driver.save_screenshot(str(target))
            saved.append(target)
    finally:
        driver.quit()
    return saved


# Theme 8 of UNMISS shows a real public series (women's share of uniformed personnel)
# beside synthetic ones, so the screenshot shows both styles.
MISSION_PAGE = "/mission?code=UNMISS&theme=8"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dashboard.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="store to show (default: a fresh demo store)")
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    args = parser.parse_args(argv)
    from peacepulse import demo

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "demo.duckdb"
        if args.db is None:
            demo.build_demo(db)
        port = free_port()
        proc = serve(db, port)
        try:
            saved = shoot(f"http://127.0.0.1:{port}", {"overview": "/", "mission": MISSION_PAGE},
                          args.out)
        finally:
            proc.terminate()
            proc.wait(10)
    print("\n".join(str(p) for p in saved))


if __name__ == "__main__":
    main()
