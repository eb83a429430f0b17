"""What a browser is told when the store cannot be used or the server fails: the problem in words, or an
incident id, and never the store's path, its file name, DuckDB's text or a traceback."""
from __future__ import annotations

import base64
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import dash
import duckdb
import plotly
import pytest
from conftest import held_open

from dashboard import data
from dashboard.app import app
from dashboard.pages import upload
from dashboard.screenshots import free_port
from peacepulse import store

PAGES = [("/", {}), ("/missions", {}), ("/mission", {"code": "UNMISS"}), ("/themes", {}), ("/theme", {"n": "5"}),
         ("/indicator", {"code": "FAT_MALICIOUS"}), ("/quality", {}), ("/upload", {})]
INCIDENT = re.compile(r"Something went wrong on the server while preparing this view\. Incident ([0-9a-f]{8}) "
                      r"has been logged; quote it when you report the problem\.")
CSV = b"mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,2041,1\n"


@pytest.fixture
def within_app() -> Iterator[None]:
    with app.server.test_request_context():
        yield


def _render(path: str, query: dict) -> str:
    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    return json.dumps(page["layout"](**query), cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def _json(component) -> str:
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def _contents(content: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(content).decode()


def _private(out: str, db: Path) -> list[str]:
    """What of the server's own details shows in a page: the store's folder or file name, DuckDB's words."""
    return [text for text in (str(db.parent), db.name, "duckdb", "Traceback", "Error:") if text in out]


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy-of-demo.duckdb"
    shutil.copy(demo_db, copy)
    return copy


@pytest.mark.parametrize(("path", "query"), PAGES)
def test_err001_a_missing_store_is_named_without_its_path(tmp_path, within_app, monkeypatch, path, query) -> None:
    db = tmp_path / "nowhere.duckdb"
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    out = _render(path, query)
    assert store.MISSING in out and '"id": "store-problem"' in out
    assert _private(out, db) == []


@pytest.mark.parametrize(("path", "query"), PAGES)
def test_err002_a_store_another_program_holds_is_named_without_its_path(demo_copy, within_app, monkeypatch,
                                                                        path, query) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_copy))
    monkeypatch.setattr(store, "LOCK_WAIT", 0.2)  # the wait for the other program, shortened
    with held_open(demo_copy):
        out = _render(path, query)
    assert store.IN_USE in out and '"id": "store-problem"' in out
    assert _private(out, demo_copy) == []
    freed = _render(path, query)  # once the other program lets go, the page is back
    assert '"id": "store-problem"' not in freed and '"color": "danger"' not in freed


@pytest.mark.parametrize(("path", "query"), PAGES)
def test_err003_a_damaged_store_is_named_without_its_path(tmp_path, within_app, monkeypatch, path, query) -> None:
    db = tmp_path / "damaged.duckdb"
    db.write_bytes(b"not a database " * 1000)
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    out = _render(path, query)
    assert store.UNREADABLE in out and _private(out, db) == []


def test_err004_the_upload_names_store_problems_without_the_path(demo_copy, tmp_path, within_app,
                                                                  monkeypatch) -> None:
    missing = tmp_path / "nowhere.duckdb"
    monkeypatch.setenv("PEACEPULSE_DB", str(missing))
    report, pending, disabled, *_ = upload.dry_run(_contents(CSV), "", "one.csv")
    assert store.MISSING in _json(report) and _private(_json(report), missing) == []
    assert pending is None and disabled
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_copy))
    _, ready, *_ = upload.dry_run(_contents(CSV), "", "one.csv")
    assert ready["ready"]
    monkeypatch.setattr(store, "LOCK_WAIT", 0.2)
    with held_open(demo_copy):
        result, *_ = upload.commit(1, ready)
    assert store.IN_USE in _json(result) and _private(_json(result), demo_copy) == []
    assert store.read_df(demo_copy, "SELECT count(*) AS n FROM observations WHERE period = '2041'")["n"][0] == 0
    done, *_ = upload.commit(1, ready)  # the same file goes in once the store is free
    assert "Written: 1 new" in _json(done)


@pytest.fixture
def broken(demo_copy: Path) -> Path:
    """A store whose public views of missions and themes were dropped: every query the pages run on them fails."""
    with duckdb.connect(str(demo_copy)) as con:
        con.execute("DROP VIEW missions; DROP VIEW themes")
    return demo_copy


@pytest.mark.parametrize(("path", "query"), [p for p in PAGES if p[0] != "/upload"])
def test_err005_a_failing_page_shows_an_incident_and_logs_its_traceback(broken, within_app, monkeypatch, caplog,
                                                                        path, query) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(broken))
    with caplog.at_level(logging.ERROR):
        out = _render(path, query)
    found = INCIDENT.search(out)
    assert found, out
    assert _private(out, broken) == [] and "Catalog" not in out
    records = [r for r in caplog.records if found.group(1) in r.getMessage()]
    assert len(records) == 1 and records[0].levelno == logging.ERROR
    assert records[0].exc_info and "CatalogException" in caplog.text and "Traceback" in caplog.text


def test_err006_a_page_that_works_logs_no_incident(demo_db, within_app, monkeypatch, caplog) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    with caplog.at_level(logging.WARNING):
        outs = [_render(path, query) for path, query in PAGES]
    assert not any(INCIDENT.search(out) for out in outs)
    assert caplog.records == []


def test_err007_a_repeated_query_parameter_takes_its_first_value(demo_db, within_app, monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_db))
    out = _render("/mission", {"code": ["UNMISS", "MINUSCA"]})
    assert "UNMISS \u2014 United" in out and not INCIDENT.search(out)


def _post(client, output: str, inputs: list[dict], state: list[dict]):
    outputs = [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in output.strip(".").split("...")]
    return client.post("/_dash-update-component", json={
        "output": output, "outputs": outputs if len(outputs) > 1 else outputs[0], "inputs": inputs, "state": state,
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]})


def test_err008_a_failing_callback_shows_an_incident_in_the_page_and_logs_it(demo_copy, monkeypatch,
                                                                             caplog) -> None:
    """A fault inside the commit callback, outside the ingest's own guard (here a simulated one: a kept file
    altered in the browser is refused in words now), shows an incident in the page and logs it."""
    from dashboard.pages import upload

    def fault(*_):
        raise RuntimeError("simulated fault while decoding the kept file")

    monkeypatch.setenv("PEACEPULSE_DB", str(demo_copy))
    monkeypatch.setattr(upload, "_decoded", fault)
    with app.server.test_client() as client, caplog.at_level(logging.ERROR):
        client.get("/_dash-layout")
        commit = next(k for k in app.callback_map if "upl-result.children@" in k)
        response = _post(client, commit, [{"id": "upl-commit", "property": "n_clicks", "value": 1}],
                         [{"id": "upl-pending", "property": "data",
                           "value": {"ready": True, "file_name": "one.csv", "content": "abc"}}])
    assert response.status_code == 200
    body = response.get_json()
    shown = _json(body["sideUpdate"][data.MESSAGES])
    found = INCIDENT.search(shown)
    assert found and body["response"] == {}  # the callback's own outputs stay as they were
    assert [r.exc_info[0].__name__ for r in caplog.records if found.group(1) in r.getMessage()] == ["RuntimeError"]
    assert "simulated fault" in caplog.text and "Traceback" in caplog.text


def test_err009_a_page_request_through_dash_reaches_the_guarded_layout(broken, monkeypatch, caplog) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(broken))
    with app.server.test_client() as client, caplog.at_level(logging.ERROR):
        client.get("/_dash-layout")
        response = _post(client, ".._pages_content.children..._pages_store.data..",
                         [{"id": "_pages_location", "property": "pathname", "value": "/themes"},
                          {"id": "_pages_location", "property": "search", "value": ""}], [])
    assert response.status_code == 200
    found = INCIDENT.search(_json(response.get_json()["response"]["_pages_content"]))
    assert found and found.group(1) in caplog.text


def test_err010_a_request_dash_cannot_take_is_an_incident_not_a_traceback(caplog) -> None:
    with app.server.test_client() as client, caplog.at_level(logging.ERROR):
        response = client.post("/_dash-update-component", json={})
    text = response.get_data(as_text=True)
    found = INCIDENT.search(_json(response.get_json()["sideUpdate"][data.MESSAGES]))
    assert response.status_code == 200 and found and "Traceback" not in text and "KeyError" not in text
    assert response.get_json()["response"] == {}
    assert found.group(1) in caplog.text and "KeyError" in caplog.text


def test_err011_peacepulse_serve_logs_an_incident_with_its_traceback(broken, tmp_path) -> None:
    """`peacepulse serve` runs Flask's own server: a failing page's incident reaches its stderr, id and traceback."""
    port, log = free_port(), tmp_path / "serve.log"
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root), os.environ.get("PYTHONPATH", "")]),
           "TMPDIR": str(tmp_path)}
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "peacepulse.cli", "serve", "--port", str(port),
                                   "--db", str(broken)], cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for(url, server)
        request = urllib.request.Request(url + "/_dash-update-component", method="POST",
                                         headers={"Content-Type": "application/json"}, data=json.dumps({
            "output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/themes"},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}).encode())
        page = urllib.request.urlopen(request, timeout=30).read().decode()
    finally:
        server.terminate()
        server.wait(10)
    found = INCIDENT.search(page)
    assert found and _private(page, broken) == []
    text = log.read_text()
    at = text.index(f"Incident {found.group(1)} in dashboard.pages.themes.layout")
    assert "Traceback (most recent call last)" in text[at:] and "CatalogException" in text[at:]


def _wait_for(url: str, server: subprocess.Popen) -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            return
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.3)
    raise RuntimeError("the dashboard did not start")


def test_err012_the_server_reads_no_request_larger_than_an_upload_can_be(demo_copy, monkeypatch) -> None:
    """A request body past four times the upload limit is refused before it is read, in a short page
    of Flask's that names no path; one within it reaches the upload's own size check."""
    monkeypatch.setenv("PEACEPULSE_DB", str(demo_copy))
    client = app.server.test_client()
    too_big = client.post("/_dash-update-component", data=b"x" * (4 * upload.MAX_BYTES + 1),
                          content_type="application/json")
    assert too_big.status_code == 413 and b"Request Entity Too Large" in too_big.data
    assert _private(too_big.data.decode(), demo_copy) == []
    with app.server.test_request_context():
        report, pending, *_ = upload.dry_run(_contents(b"x" * (upload.MAX_BYTES + 1)), "", "big.csv")
    assert "the limit here is 20 MB" in _json(report) and pending is None
