"""The briefing in a real browser: downloaded from the mission page, then opened from disk with the
network cut off. Nothing may be fetched, and the charts must draw."""
from __future__ import annotations

import base64
import html
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from .conftest import Browser

CUT_OFF = ["http://*", "https://*", "ws://*", "wss://*", "ftp://*"]


@pytest.fixture
def downloader(base_url: str, tmp_path: Path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    b = Browser(base_url, downloads=folder)
    yield b, folder
    b.driver.quit()


def _offline(b: Browser) -> None:
    """No request can reach any network from this tab from now on."""
    b.driver.execute_cdp_cmd("Network.enable", {})
    b.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": CUT_OFF})
    b.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


DRAWN = """return Array.from(document.querySelectorAll('div.chart')).map(g => ({
    id: g.id, plot: g.classList.contains('js-plotly-plot'),
    traces: (g.data || []).filter(t => t.x && t.x.length).length,
    lines: g.querySelectorAll('.scatterlayer .trace path.js-line').length}))"""


def test_brief001_the_downloaded_briefing_opens_offline_and_draws_its_charts(downloader) -> None:
    b, folder = downloader
    b.open("/mission?code=unmiss&theme=7")
    button = b.driver.find_element(By.ID, "msn-briefing")
    assert button.text == "Download briefing"
    b.click(button)
    file = folder / "UNMISS-briefing.html"
    b.wait_for(lambda: file.exists() and not list(folder.glob("*.crdownload")), timeout=120)
    b.wait_for(lambda: b.driver.find_element(By.ID, "msn-briefing").text == "Download briefing")
    assert b.severe_logs() == []
    page = file.read_text("utf-8")
    charts = re.findall(r'<div class="chart" id="(chart-[\d-]+)"', page)
    assert page.startswith("<!DOCTYPE html>") and len(charts) >= 10

    b.driver.get("about:blank")
    _offline(b)
    b.driver.get(file.as_uri())
    b.wait_for(lambda: all(c["plot"] and c["lines"] for c in b.driver.execute_script(DRAWN)))
    drawn = b.driver.execute_script(DRAWN)
    assert [c["id"] for c in drawn] == charts and all(c["traces"] for c in drawn)
    requests = b.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [r for r in requests if not r.startswith(("file:", "data:", "blob:"))] == []
    assert b.severe_logs() == []  # a request refused or cut off would have logged an error
    assert b.driver.find_element(By.ID, "mission").text.startswith("UNMISS — ")
    assert len(b.driver.find_elements(By.CSS_SELECTOR, "#scorecard td.cell")) == 10

    # Hover works offline, and names the indicator of the line.
    hover = b.driver.execute_script("""
        const gd = document.getElementById(arguments[0]);
        const i = gd.data.findIndex(t => t.meta && t.meta.role === 'value');
        Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: 0}]);
        const label = gd.querySelector('.hovertext');
        return [gd.data[i].meta.c2, label ? label.textContent : ''];""", charts[0])
    assert hover[0] and html.unescape(hover[0]) in hover[1]

    # Printed: one theme to a page at least, without the chart toolbar.
    b.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    printed = b.driver.execute_script("""return [getComputedStyle(document.querySelector('.theme')).breakBefore,
        Array.from(document.querySelectorAll('.modebar-container')).every(m => getComputedStyle(m).display === 'none')]""")
    assert printed == ["page", True]
    pdf = base64.b64decode(b.driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"])
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 12
    assert b.severe_logs() == []


def test_brief002_the_download_keeps_the_pages_as_of(downloader) -> None:
    b, folder = downloader
    day = datetime.now(timezone.utc).date().isoformat()  # the demo store was built today: all of it counts
    b.open(f"/mission?code=UNMISS&as_of={day}")
    assert b.driver.find_element(By.ID, "as-of-notice").is_displayed()
    b.click(b.driver.find_element(By.ID, "msn-briefing"))
    file = folder / f"UNMISS-briefing-as-of-{day}.html"
    b.wait_for(lambda: file.exists() and not list(folder.glob("*.crdownload")), timeout=120)
    page = file.read_text("utf-8")
    assert f"Data as of the end of {day} (UTC)." in page
    assert b.severe_logs() == []
