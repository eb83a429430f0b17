"""How long the dashboard's pages take in a real browser at scale, what they send, and the server's memory.

    python benchmarks/bench_pages.py [ROWS] [--workers N]

Serves a cached read store (readstore.py) with gunicorn as deployed, with an empty result cache, and
opens each page in headless Chromium: the time from navigation until every chart is drawn and no
request is in flight, first with the cache empty (cold) and then again (warm). Also the bytes the
page's data requests carried (the layout and callback responses; the JavaScript bundles, the same for
every page and cached by the browser, are counted apart), and the peak RSS of every server process.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import bench_reads
import readstore

from dashboard.screenshots import chrome, free_port, settled

COLD_S, WARM_S, PAGE_BYTES, RSS_BYTES = 4.0, 2.0, 2 * 2 ** 20, 2 ** 30


def pages(db: Path) -> dict[str, str]:
    picked = bench_reads._pick(db)
    m, n, ind = picked["mission"], picked["theme"], picked["indicator"]
    return {"overview": "/", "mission, all themes": f"/mission?code={m}", "mission, one theme": f"/mission?code={m}&theme={n}",
            "theme": f"/theme?n={n}", "indicator": f"/indicator?code={ind}", "data quality": "/quality"}


def serve(db: Path, workers: int, cache: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    paths = [str(readstore.ROOT / "src"), str(readstore.ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PEACEPULSE_DB": str(db), "PYTHONPATH": os.pathsep.join(p for p in paths if p),
           "TMPDIR": str(cache)}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers), "--timeout", "120",
                             "--bind", f"127.0.0.1:{port}", "dashboard.app:server"], cwd=readstore.ROOT, env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(url + "/_dash-layout", timeout=5)
            return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"the dashboard did not start; see {log}") from None
            time.sleep(0.3)


def server_rss(pid: int) -> dict[str, int]:
    """Peak RSS (VmHWM, bytes) of the server and each of its workers."""
    found = {}
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for number, p in enumerate([str(pid), *children]):
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                found["master" if number == 0 else f"worker {number}"] = int(line.split()[1]) * 1024
    return found


# transferSize is 0 for what came from the browser's cache.
_SENT = """return performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
    .map(e => [e.name, e.transferSize || 0, e.responseEnd - e.startTime]);"""


def visit(driver, url: str) -> tuple[float, int, int, float]:
    """Seconds until settled, bytes of data requests and of everything else, and the seconds the data
    requests took in all (the server's share, with the network)."""
    driver.get("about:blank")
    start = time.perf_counter()
    driver.get(url)
    time.sleep(0.1)  # let Dash start its requests before asking whether they are done
    settled(driver, timeout=120)
    seconds = time.perf_counter() - start
    entries = driver.execute_script(_SENT)
    is_data = [("_dash-update-component" in name or "_dash-layout" in name) for name, _, _ in entries]
    data = sum(size for (_, size, _), d in zip(entries, is_data) if d)
    waited = sum(took for (_, _, took), d in zip(entries, is_data) if d) / 1000
    return seconds, data, sum(size for _, size, _ in entries) - data, waited


def measure(rows: int, workers: int) -> dict:
    db, note = readstore.cached(rows)
    print(f"store of {rows:,}: {note}", flush=True)
    found: dict = {"pages": {}}
    with tempfile.TemporaryDirectory(prefix="peacepulse-pages-") as tmp:
        proc, base = serve(db, workers, Path(tmp), Path(tmp) / "gunicorn.log")
        driver = chrome(1400, 1000)
        try:
            driver.get(base + "/themes")  # the browser caches the bundles once, as a returning user's has
            settled(driver, timeout=120)
            for name, path in pages(db).items():
                cold, data, other, cold_server = visit(driver, base + path)
                warm, _, _, warm_server = visit(driver, base + path)
                found["pages"][name] = {"path": path, "cold": cold, "warm": warm, "data_bytes": data,
                                        "other_bytes": other, "cold_requests": cold_server,
                                        "warm_requests": warm_server}
                print(f"  {name:<20} cold {cold:5.2f} s ({cold_server:4.2f} s in data requests)  warm {warm:5.2f} s "
                      f"({warm_server:4.2f} s)  data {data / 1024:6.0f} KiB  (+{other / 1024:.0f} KiB other)  {path}",
                      flush=True)
            found["rss"] = server_rss(proc.pid)
        finally:
            driver.quit()
            proc.terminate()
            proc.wait(20)
    print("  peak RSS: " + ", ".join(f"{k} {v / 2 ** 20:.0f} MiB" for k, v in found["rss"].items()), flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", nargs="?", type=int, default=10_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.rows, args.workers)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
