"""Many people at once: simulated users browse the dashboard under gunicorn, on loopback, for a bounded time.

    python benchmarks/bench_load.py [--store demo|ROWS|PATH ...] [--users 50] [--seconds 60]
                                    [--baseline-seconds 20] [--workers 4] [--think 1.0] [--json]

Each store is served by gunicorn (`dashboard.app:server`, PEACEPULSE_DB, an empty result cache) and used by
one simulated user (the baseline), then by --users at once. A simulated user does what a browser does,
without drawing: it loads the app (index, /_dash-layout, /_dash-dependencies), and for each page it opens
POSTs the callbacks the browser POSTs to /_dash-update-component: the shell's (the as-of picker and menu),
the page content from the URL, then the callbacks the new content sets off (its filters, and the first
block of a data grid), with the values the content holds. Half its steps open another page, the other
half change a filter the page offers (another option, a switch turned, another range of years): the
filter's callback gives the new query string, which is opened next. Between steps it waits a random
0.5 to 1.5 times --think seconds. Requests of one user are sequential, so at most --users are in flight.

Per request it records the latency and whether it failed: a status other than 200 or 204, no answer
within 60 s, or an answer that carries the dashboard's incident or store-problem alert. gunicorn is
stopped at the end, whatever happens.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from dash_client import outputs, payload  # noqa: E402 - the tests' own client, which posts what the browser posts

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TIMEOUT = 60.0  # seconds for one request
MAX_USERS, MAX_SECONDS = 200, 600
FAILED_MARKS = (b"Something went wrong on the server", b'"store-problem"')
PAGES_CONTENT = ".._pages_content.children..._pages_store.data.."


@dataclass
class Record:
    kind: str  # content, shell, filter, grid, callback, load
    page: str
    seconds: float
    ok: bool
    error: str = ""


@dataclass
class Shared:
    deadline: float
    records: list[Record] = field(default_factory=list)
    views: list[Record] = field(default_factory=list)  # each page opened: all its requests, one after another
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, record: Record) -> None:
        with self.lock:
            self.records.append(record)

    def add_view(self, record: Record) -> None:
        with self.lock:
            self.views.append(record)


def _components(node: object, found: dict[str, dict]) -> dict[str, dict]:
    """Every component with a plain id in a layout (as JSON): id -> {'type': ..., 'props': ...}."""
    if isinstance(node, dict):
        if "props" in node and "type" in node:
            props = node["props"]
            if isinstance(props.get("id"), str):
                found[props["id"]] = {"type": node["type"], "props": props}
            for value in props.values():
                _components(value, found)
        else:
            for value in node.values():
                _components(value, found)
    elif isinstance(node, list):
        for item in node:
            _components(item, found)
    return found


class Browser:
    """One simulated user: a session, the app's callbacks, the page it is on."""

    def __init__(self, base: str, shared: Shared, rng: random.Random, places: dict, think: float) -> None:
        self.base, self.shared, self.rng, self.places, self.think_mean = base, shared, rng, places, think
        self.http = requests.Session()
        self.deps: list[dict] = []
        self.pathname, self.search, self.content = "/", "", {}

    def _timed(self, kind: str, method: str, path: str, payload: dict | None = None) -> requests.Response | None:
        start = time.perf_counter()
        page = self.pathname
        try:
            if method == "GET":
                r = self.http.get(self.base + path, timeout=TIMEOUT)
            else:
                r = self.http.post(self.base + path, json=payload, timeout=TIMEOUT)
        except requests.RequestException as err:
            self.shared.add(Record(kind, page, time.perf_counter() - start, False, type(err).__name__))
            return None
        seconds = time.perf_counter() - start
        error = "" if r.status_code in (200, 204) else f"HTTP {r.status_code}"
        if not error and any(mark in r.content for mark in FAILED_MARKS):
            error = "alert in the answer"
        self.shared.add(Record(kind, page, seconds, not error, error))
        return r if not error else None

    def load_app(self) -> None:
        self._timed("load", "GET", "/")
        self._timed("load", "GET", "/_dash-layout")
        r = self._timed("load", "GET", "/_dash-dependencies")
        # The renderer keys callbacks by their outputs: one registered twice runs once.
        unique = {d["output"]: d for d in (r.json() if r is not None else []) if not d.get("clientside_function")}
        self.deps = list(unique.values())

    def _callback(self, dep: dict, values: dict[str, object], changed: list[str]) -> dict:
        """The payload the browser POSTs for one callback, inputs and state from `values` (absent: no value)."""
        return payload(dep, values, changed)

    def _values(self) -> dict[str, object]:
        found = {"url.pathname": self.pathname, "url.search": self.search, "as-of-picker.date": None}
        for cid, comp in self.content.items():
            for prop, value in comp["props"].items():
                found[f"{cid}.{prop}"] = value
        return found

    def open(self, pathname: str, search: str) -> None:
        """Navigate within the app: the shell's callback, the page content, then what the content sets off."""
        self.pathname, self.search = pathname, search
        start, before = time.perf_counter(), self._failures()
        try:
            self._open()
        finally:
            self.shared.add_view(Record("view", pathname, time.perf_counter() - start, self._failures() == before))

    def _failures(self) -> int:
        return sum(1 for r in self.shared.records if not r.ok)

    def _open(self) -> None:
        pathname, search = self.pathname, self.search
        shell = next(d for d in self.deps if "as-of-picker.date" in d["output"])
        self._timed("shell", "POST", "/_dash-update-component",
                    self._callback(shell, self._values(), ["url.search", "url.pathname"]))
        pages = next(d for d in self.deps if d["output"] == PAGES_CONTENT)
        changed = ["_pages_location.pathname", "_pages_location.search"]
        values = {"_pages_location.pathname": pathname, "_pages_location.search": search}
        r = self._timed("content", "POST", "/_dash-update-component", self._callback(pages, values, changed))
        self.content = {}
        if r is None or r.status_code != 200:
            return
        self.content = _components(r.json()["response"]["_pages_content"]["children"], {})
        values = self._values()
        for dep in self._set_off():
            inputs = [f"{i['id']}.{i['property']}" for i in dep["inputs"]]
            kind = "filter" if dep["output"].startswith("url.search@") else \
                "grid" if dep["output"].endswith(".getRowsResponse") else "callback"
            self._timed(kind, "POST", "/_dash-update-component",
                        self._callback(dep, values, [k for k in inputs if k in values]))
        for cid, comp in self.content.items():  # an infinite-row grid then asks for its first block
            if comp["props"].get("rowModelType") == "infinite":
                dep = next(d for d in self.deps if d["output"] == f"{cid}.getRowsResponse")
                request = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
                self._timed("grid", "POST", "/_dash-update-component",
                            self._callback(dep, {**values, f"{cid}.getRowsRequest": request}, [f"{cid}.getRowsRequest"]))

    def _set_off(self) -> list[dict]:
        """The callbacks that new content sets off in the browser: those with every input in the layout and
        one in the new content, unless they wait for a change (prevent_initial_call) and write only into
        the new content too. Pattern-matching ones belong to buttons and wait for a click."""
        found = []
        for dep in self.deps:
            ids = [i["id"] for i in dep["inputs"]]
            if dep["output"] == PAGES_CONTENT or any(i.startswith("{") for i in ids) or not all(
                    i in self.content for i in ids):
                continue
            outside = any(o["id"] not in self.content for o in outputs(dep["output"]))
            if not dep.get("prevent_initial_call") or outside:
                found.append(dep)
        return found

    def change_filter(self) -> bool:
        """Change one control of the page's filters, as a person would; open the address it gives."""
        filters = [d for d in self._set_off() if d["output"].startswith("url.search@")]
        if not filters:
            return False
        dep = filters[0]
        controls = [i for i in dep["inputs"] if i["id"] in self.content and i["property"] == "value"]
        if not controls:
            return False
        control = self.rng.choice(controls)
        key = f"{control['id']}.value"
        values = self._values()
        values[key] = self._other_value(self.content[control["id"]], values.get(key))
        r = self._timed("filter", "POST", "/_dash-update-component", self._callback(dep, values, [key]))
        if r is None or r.status_code != 200:
            return True
        search = next(iter(r.json()["response"]["url"].values()), self.search)
        self.open(self.pathname, search if isinstance(search, str) else self.search)
        return True

    def _other_value(self, comp: dict, now: object) -> object:
        props = comp["props"]
        if "RangeSlider" in comp["type"] and props.get("min") is not None:
            lo, hi = sorted(self.rng.sample(range(int(props["min"]), int(props["max"]) + 1), 2)) \
                if props["max"] > props["min"] else (props["min"], props["max"])
            return [lo, hi]
        options = props.get("options")
        if options:
            choices = [o["value"] if isinstance(o, dict) else o for o in options]
            others = [c for c in choices if c != now and not isinstance(now, list)] or choices
            return self.rng.choice(others)
        if isinstance(now, bool):
            return not now
        return now

    def browse(self) -> None:
        page, query = self.rng.choice(list(self.places.items()))
        params = {k: self.rng.choice(v) for k, v in query.items()}
        self.open(page, "?" + urlencode({k: v for k, v in params.items() if v is not None}) if params else "")

    def run(self) -> None:
        self.load_app()
        if not self.deps:
            return
        self.browse()
        while time.monotonic() < self.shared.deadline:
            time.sleep(self.think())
            if time.monotonic() >= self.shared.deadline:
                break
            if not (self.rng.random() < 0.5 and self.change_filter()):
                self.browse()

    def think(self) -> float:
        return self.think_mean * self.rng.uniform(0.5, 1.5)


def places(db: Path) -> dict[str, dict[str, list]]:
    """The pages a user opens and the values of their parameters, from the store."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        missions = [m for (m,) in con.execute("SELECT DISTINCT mission FROM series_summary ORDER BY 1").fetchall()]
        indicators = [i for (i,) in con.execute("SELECT DISTINCT indicator FROM series_summary ORDER BY 1").fetchall()]
    themes = list(range(1, 11))
    return {"/": {"real": [None, None, "1"]}, "/missions": {}, "/themes": {}, "/theme": {"n": themes},
            "/mission": {"code": missions, "theme": [None, *themes]}, "/indicator": {"code": indicators},
            "/quality": {}, "/signals": {}, "/actions": {}}


def serve(db: Path, workers: int, cache: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn on a free loopback port, in a process group of its own; returns once it answers."""
    from dashboard.screenshots import free_port

    port = free_port()
    paths = [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PEACEPULSE_DB": str(db), "PYTHONPATH": os.pathsep.join(p for p in paths if p),
           "TMPDIR": str(cache)}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers), "--timeout", "120",
                             "--backlog", "256", "--bind", f"127.0.0.1:{port}", "dashboard.app:server"],
                            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=_stop_with_parent)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(url + "/_dash-layout", timeout=5).status_code == 200:
                return proc, url
        except requests.RequestException:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            raise RuntimeError(f"the dashboard did not start; see {log}")
        time.sleep(0.3)


def _stop_with_parent() -> None:
    """In the gunicorn child, before it starts: Linux sends it SIGTERM if this script dies, even by SIGKILL."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def stop(proc: subprocess.Popen) -> None:
    """Stop gunicorn and its workers (its own process group), by force if it does not go in 20 s."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    except ProcessLookupError:
        pass


def server_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds gunicorn has used so far, its workers included (those that ended too, through the
    master's counts of its reaped children), and the seconds its live workers spent ready to run but
    waiting for a core (Linux /proc)."""
    tick, used, waited = os.sysconf("SC_CLK_TCK"), 0.0, 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        used += sum(int(f) for f in fields[11:15]) / tick  # utime, stime, cutime, cstime
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            used += (int(fields[11]) + int(fields[12])) / tick
            waited += int(Path(f"/proc/{child}/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        pass
    return used, waited


def worker_events(log: Path) -> dict[str, int]:
    """How often gunicorn killed a worker that took too long, and started one, as its log says so far."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return {"timeouts": text.count("WORKER TIMEOUT"), "booted": text.count("Booting worker")}


def phase(base: str, server_pid: int, log: Path, users: int, seconds: float, think: float, where: dict,
          seed: int) -> dict:
    """`users` simulated users for `seconds`; the figures of their requests."""
    shared = Shared(deadline=time.monotonic() + seconds)
    browsers = [Browser(base, shared, random.Random(seed + n), where, think) for n in range(users)]
    threads = [threading.Thread(target=b.run, daemon=True) for b in browsers]
    load, (server, waited), client = os.getloadavg()[0], server_cpu(server_pid), time.process_time()
    events = worker_events(log)
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, shared.deadline - time.monotonic()) + TIMEOUT + 5)
    took = time.perf_counter() - started
    found = summary(shared.records, took, users)
    views = [v.seconds for v in shared.views]
    found["views"] = {"n": len(views), "p50": _pct(views, 0.5), "p95": _pct(views, 0.95)}
    used, waited_after = server_cpu(server_pid)
    found["cpu"] = {"server_cores": (used - server) / took, "server_waiting_cores": (waited_after - waited) / took,
                    "client_cores": (time.process_time() - client) / took,
                    "load_before": load, "load_after": os.getloadavg()[0]}
    found["workers"] = {k: v - events[k] for k, v in worker_events(log).items()}
    return found


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def summary(records: list[Record], took: float, users: int) -> dict:
    timed = [r.seconds for r in records]
    kinds = sorted({r.kind for r in records})
    errors: dict[str, int] = {}
    for r in records:
        if not r.ok:
            errors[r.error] = errors.get(r.error, 0) + 1
    by_page = {}
    for page in sorted({r.page for r in records if r.kind == "content"}):
        t = [r.seconds for r in records if r.kind == "content" and r.page == page]
        by_page[page] = {"n": len(t), "p50": _pct(t, 0.5), "p95": _pct(t, 0.95)}
    return {"users": users, "seconds": took, "requests": len(records), "rps": len(records) / took,
            "p50": _pct(timed, 0.5), "p95": _pct(timed, 0.95), "errors": sum(errors.values()), "error_kinds": errors,
            "kinds": {k: {"n": sum(1 for r in records if r.kind == k),
                          "p50": _pct([r.seconds for r in records if r.kind == k], 0.5),
                          "p95": _pct([r.seconds for r in records if r.kind == k], 0.95)} for k in kinds},
            "content_by_page": by_page}


def resolve(name: str, work: Path) -> tuple[str, Path, str]:
    """A store to serve: 'demo' (built here), a number of rows (the cached read store), or a path."""
    if name == "demo":
        from peacepulse import demo

        db = work / "demo.duckdb"
        start = time.perf_counter()
        demo.build_demo(db)
        return "demo", db, f"built in {time.perf_counter() - start:.0f} s"
    if name.isdigit():
        import readstore

        db, note = readstore.cached(int(name))
        return f"{int(name):,} observations", db, note
    return Path(name).name, Path(name), "given"


def show(label: str, found: dict) -> None:
    print(f"  {label:<22} {found['users']:>3} users  {found['requests']:>6,} requests in {found['seconds']:5.1f} s  "
          f"{found['rps']:6.1f} req/s  p50 {found['p50'] * 1000:7.0f} ms  p95 {found['p95'] * 1000:7.0f} ms  "
          f"errors {found['errors']}" + (f" {found['error_kinds']}" if found["errors"] else ""), flush=True)
    cpu = found["cpu"]
    print(f"      CPU: server {cpu['server_cores']:.2f} cores (workers ready to run but waiting for a core: "
          f"{cpu['server_waiting_cores']:.2f} on average), this client {cpu['client_cores']:.2f}; load average "
          f"{cpu['load_before']:.1f} before, {cpu['load_after']:.1f} after; workers killed for taking over 120 s: "
          f"{found['workers']['timeouts']}, started: {found['workers']['booted']}", flush=True)
    v = found["views"]
    print(f"      page views {v['n']:>5,}  p50 {v['p50'] * 1000:7.0f} ms  p95 {v['p95'] * 1000:7.0f} ms  "
          "(every request of the page, one after another)", flush=True)
    for kind, k in found["kinds"].items():
        print(f"      {kind:<10} {k['n']:>6,}  p50 {k['p50'] * 1000:7.0f} ms  p95 {k['p95'] * 1000:7.0f} ms", flush=True)
    for page, k in found["content_by_page"].items():
        print(f"      content of {page:<12} {k['n']:>5,}  p50 {k['p50'] * 1000:7.0f} ms  p95 {k['p95'] * 1000:7.0f} ms",
              flush=True)


def measure(stores: list[str], users: int, seconds: float, baseline_seconds: float, workers: int, think: float) -> dict:
    results = {}
    with tempfile.TemporaryDirectory(prefix="peacepulse-load-") as tmp:
        work = Path(tmp)
        for n, name in enumerate(stores):
            label, db, note = resolve(name, work)
            where = places(db)
            print(f"store {label}: {note}; gunicorn with {workers} workers, empty result cache", flush=True)
            cache = work / f"cache-{n}"
            cache.mkdir()
            log = work / f"gunicorn-{n}.log"
            proc, base = serve(db, workers, cache, log)
            try:
                one = phase(base, proc.pid, log, 1, baseline_seconds, think, where, seed=1000)
                show("one user (baseline)", one)
                many = phase(base, proc.pid, log, users, seconds, think, where, seed=2000)
                show(f"{users} users", many)
            finally:
                stop(proc)
            results[label] = {"baseline": one, "load": many, "ratios": {
                "rps": many["rps"] / one["rps"], "p50": many["p50"] / one["p50"], "p95": many["p95"] / one["p95"],
                "view_p50": many["views"]["p50"] / one["views"]["p50"],
                "view_p95": many["views"]["p95"] / one["views"]["p95"]}}
            r = results[label]["ratios"]
            print(f"  {users} users ÷ one user: throughput {r['rps']:.1f}×; requests p50 {r['p50']:.1f}×, p95 "
                  f"{r['p95']:.1f}×; page views p50 {r['view_p50']:.1f}×, p95 {r['view_p95']:.1f}×", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", action="append", help="demo, a number of rows (cached read store) or a path; "
                                                         "repeatable (default: demo and 10000000)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds a user waits between steps")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not (1 <= args.users <= MAX_USERS and 0 < args.seconds <= MAX_SECONDS and 0 < args.baseline_seconds <= MAX_SECONDS):
        parser.error(f"--users is 1 to {MAX_USERS}, --seconds and --baseline-seconds at most {MAX_SECONDS}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the finally blocks stop gunicorn
    result = measure(args.store or ["demo", "10000000"], args.users, args.seconds, args.baseline_seconds,
                     args.workers, args.think)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
