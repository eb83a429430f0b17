"""Login, sessions, CSRF and roles on the dashboard's server (PEACEPULSE_AUTH=on), through its HTTP endpoints:
every change a role may not make is refused by the server itself, whatever the page sends, and writes nothing."""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import FIXTURES, upload

from dashboard import auth
from dashboard.app import app
from dashboard.screenshots import free_port
from peacepulse import access, store
from peacepulse.access import Permit, Role, attempts, users

PASSWORD = "a long enough passphrase"
SECRET = "s" * 40
PEOPLE = {"vera": ("viewer", ()), "ed": ("editor", ()), "amina": ("editor", ("UNMISS",)), "ada": ("admin", ())}
WRITTEN = """SELECT (SELECT count(*) FROM observation_history) AS observations, (SELECT count(*) FROM batches) AS batches,
                    (SELECT count(*) FROM assessment_revision) AS assessments,
                    (SELECT count(*) FROM recommendation_revision) AS recommendations,
                    (SELECT count(*) FROM signal_acks) AS acknowledgements, (SELECT count(*) FROM indicators) AS indicators"""
EVIDENCE = "mission,indicator,period,value,source\n" + "".join(
    f"{m},FAT_MALICIOUS,{y},{v},UN open data\n" for m in ("UNMISS", "MINUSCA") for y, v in ((2020, 12), (2021, 11)))
LOGIN_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def people(tmp_path_factory) -> Path:
    """A users file with one person of each kind; hashed once for the module."""
    path = tmp_path_factory.mktemp("people") / "users.json"
    for name, (role, missions) in PEOPLE.items():
        users.add(path, name, role, PASSWORD, missions)
    return path


@pytest.fixture
def site(db: Path, people: Path, tmp_path: Path, monkeypatch) -> Path:
    """The app with login on, over a fresh store holding some observations, with its own users file."""
    assert upload(db, "evidence.csv", EVIDENCE).written
    mine = tmp_path / "users.json"
    shutil.copy(people, mine)
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    monkeypatch.setenv("PEACEPULSE_USERS", str(mine))
    for key, value in auth.flask_config(access.Settings(auth=True, secret_key=SECRET)).items():
        monkeypatch.setitem(app.server.config, key, value)
    return db


def _written(db: Path) -> list[int]:
    return store.read_df(db, WRITTEN).iloc[0].tolist()


def _login(client, name: str, password: str = PASSWORD, next_page: str = "/"):
    token = LOGIN_TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": next_page})


def _as(name: str):
    client = app.server.test_client()
    assert _login(client, name).status_code == 302
    return client


def _said(response) -> str:
    return response.get_data(as_text=True)


# --- callbacks, called as dash-renderer calls them --------------------------------------------------------

def _id(text: str) -> str | dict:
    return json.loads(text) if text.startswith("{") else text


def _key(concrete: dict) -> str:
    return json.dumps(concrete, sort_keys=True, separators=(",", ":"))


def _entries(spec: list[dict], values: dict, matches: dict) -> list:
    out = []
    for s in spec:
        sid, prop = _id(s["id"]), s["property"]
        if isinstance(sid, dict):  # a pattern: one entry per component it matches
            out.append([{"id": c, "property": prop, "value": c if prop == "id" else values.get((_key(c), prop))}
                        for c in matches.get(sid["type"], [])])
        else:
            out.append({"id": sid, "property": prop, "value": values.get(f"{sid}.{prop}")})
    return out


def _outputs(key: str, matches: dict) -> list:
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    found = []
    for part in parts:
        name, prop = part.rsplit(".", 1)
        sid, prop = _id(name), prop.split("@")[0]
        found.append([{"id": c, "property": prop} for c in matches.get(sid["type"], [])] if isinstance(sid, dict)
                     else {"id": sid, "property": prop})
    return found


def call(client, function: str, values: dict, trigger: str, matches: dict | None = None, token: str | None = "session"):
    """POST the callback `function` (module.name) with the given values of its inputs and state; `trigger` is the
    input that changed. ``token``: "session" sends the session's CSRF token, None none, else that text."""
    matches = matches or {}
    key, entry = next((k, v) for k, v in app.callback_map.items()
                      if v.get("callback") is not None and
                      f"{v['callback'].__module__}.{v['callback'].__qualname__}".endswith(function))
    outputs = _outputs(key, matches)
    body = {"output": key, "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": _entries(entry["inputs"], values, matches), "state": _entries(entry["state"], values, matches),
            "changedPropIds": [trigger]}
    cookie = client.get_cookie(auth.CSRF_COOKIE)
    headers = {} if token is None else {auth.CSRF_HEADER: cookie.value if token == "session" and cookie else token}
    return client.post("/_dash-update-component", json=body, headers=headers)


def _file(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


OWN_ROWS = "mission,indicator,period,value\nUNMISS,FAT_MALICIOUS,2022,10\n"
OTHER_ROWS = OWN_ROWS + "MINUSCA,FAT_MALICIOUS,2022,9\n"
SECTION = {"type": "asf-section", "theme": 5}


def commit(client, text: str = OWN_ROWS, name: str = "obs.csv", token: str | None = "session"):
    return call(client, "upload.commit", {"upl-commit.n_clicks": 1, "upl-pending.data": {
        "ready": True, "file_name": name, "content": _file(text), "decimal": None}}, "upl-commit.n_clicks", token=token)


def dry_run(client, text: str = OWN_ROWS):
    return call(client, "upload.dry_run", {"upl-file.contents": "data:text/csv;base64," + _file(text),
                                           "upl-file.filename": "obs.csv", "upl-decimal.value": ""},
                "upl-file.contents")


def save_assessment(client, mission: str = "UNMISS"):
    return call(client, "assessment_form.save_assessment", {
        "asf-draft.n_clicks": 1, "asf-context.data": {"mission": mission, "cycle": "year"}, "asf-theme.data": 5,
        "asf-loaded.data": {"period": "2026", "source": None}, "url.search": f"?code={mission}",
        "asf-period.value": "2026", "asf-rating.value": "at_risk", "asf-findings.value": "Attacks rose.",
        "asf-reason.value": "Reports since June are not in yet", "asf-evidence.value": []},
        "asf-draft.n_clicks", {"asf-section": [SECTION]})


def open_form(client):
    opened = {"type": "asf-open", "theme": 5, "mode": "new"}
    return call(client, "assessment_form.open_form", {(_key(opened), "n_clicks"): 1,
                                                      "asf-context.data": {"mission": "UNMISS", "cycle": "year"}},
                _key(opened) + ".n_clicks", {"asf-open": [opened]})


def pick_recommendation(client):
    return call(client, "assessment_form.pick_recommendation", {"asf-rec-pick.value": "new", "asf-recs.data": []},
                "asf-rec-pick.value")


def save_recommendation(client, mission: str = "UNMISS"):
    return call(client, "assessment_form.save_recommendation", {
        "asf-rec-save.n_clicks": 1, "asf-context.data": {"mission": mission, "cycle": "year"}, "asf-theme.data": 5,
        "url.search": f"?code={mission}", "asf-period.value": "2026", "asf-rec-pick.value": "new", "asf-recs.data": [],
        "asf-rec-text.value": "Patrol the market", "asf-rec-owner.value": "Force", "asf-rec-due.value": "2026-12-31",
        "asf-rec-status.value": "not_started"}, "asf-rec-save.n_clicks", {"asf-section": [SECTION]})


def pick_signal(client):
    ack = {"type": "sig-ack", "index": 0}
    return call(client, "signals.pick", {(_key(ack), "n_clicks"): 1, "sig-keys.data": [
        {"signal": "stale|UNMISS", "fingerprint": "f", "detail": "d"}]}, _key(ack) + ".n_clicks", {"sig-ack": [ack]})


def confirm_signal(client, mission: str = "UNMISS"):
    return call(client, "signals.confirm", {"sig-confirm.n_clicks": 1, "sig-note.value": "Known; reporting resumes",
                                            "sig-picked.data": {"signal": f"stale|{mission}", "fingerprint": "f",
                                                                "detail": "d"}}, "sig-confirm.n_clicks")


def add_user(client):
    return call(client, "users.add", {"usr-add.n_clicks": 1, "usr-name.value": "newcomer", "usr-role.value": "admin",
                                      "usr-password.value": PASSWORD}, "usr-add.n_clicks")


def remove_user(client, name: str = "vera"):
    button = {"type": "usr-remove", "name": name}
    return call(client, "users.remove", {(_key(button), "submit_n_clicks"): 1}, _key(button) + ".submit_n_clicks",
                {"usr-remove": [button]})


# Every callback that changes something, or opens a way to, with the action it needs.
ACTIONS = {dry_run: "upload", commit: "upload", open_form: "assess", save_assessment: "assess",
           pick_recommendation: "assess", save_recommendation: "assess", pick_signal: "acknowledge",
           confirm_signal: "acknowledge", add_user: "users", remove_user: "users"}
FORBIDDEN = [(name, act) for name, (role, _) in PEOPLE.items() for act, need in ACTIONS.items()
             if not Permit(name, Role(role)).can(need)]
ALLOWED = [(name, act) for name, (role, _) in PEOPLE.items() for act, need in ACTIONS.items()
           if Permit(name, Role(role)).can(need)]


def test_aut001_every_callback_that_changes_something_names_what_it_needs() -> None:
    app.server.test_client().get("/_dash-dependencies")  # Dash gathers the callbacks at its first request
    marked = {f"{v['callback'].__module__}.{v['callback'].__qualname__}": getattr(v["callback"], auth.NEEDS)
              for v in app.callback_map.values() if hasattr(v.get("callback"), auth.NEEDS)}
    assert marked == {"dashboard.pages.upload.dry_run": "upload", "dashboard.pages.upload.commit": "upload",
                      "dashboard.assessment_form.open_form": "assess",
                      "dashboard.assessment_form.save_assessment": "assess",
                      "dashboard.assessment_form.pick_recommendation": "assess",
                      "dashboard.assessment_form.save_recommendation": "assess",
                      "dashboard.pages.signals.pick": "acknowledge", "dashboard.pages.signals.confirm": "acknowledge",
                      "dashboard.pages.users.add": "users", "dashboard.pages.users.remove": "users"}


@pytest.mark.parametrize(("name", "act"), FORBIDDEN, ids=[f"{n}-{a.__name__}" for n, a in FORBIDDEN])
def test_aut002_a_forbidden_callback_is_refused_by_the_server_and_writes_nothing(site: Path, name: str, act) -> None:
    client, before, listed = _as(name), _written(site), Path(os.environ["PEACEPULSE_USERS"]).read_bytes()
    response = act(client)
    assert response.status_code == 403
    role, _ = PEOPLE[name]
    assert _said(response) == Permit(name, Role(role)).refusal(ACTIONS[act])
    assert _written(site) == before and Path(os.environ["PEACEPULSE_USERS"]).read_bytes() == listed


@pytest.mark.parametrize(("name", "act"), ALLOWED, ids=[f"{n}-{a.__name__}" for n, a in ALLOWED])
def test_aut003_an_allowed_callback_runs(site: Path, name: str, act) -> None:
    response = act(_as(name))
    assert response.status_code in (200, 204), _said(response)


def test_aut004_what_an_allowed_callback_writes_records_the_user(site: Path) -> None:
    ed = _as("ed")
    before = _written(site)
    assert "upl-done" in _said(commit(ed))
    assert "saved as a draft" in _said(save_assessment(ed))
    assert "was saved" in _said(save_recommendation(ed))
    confirm_signal(ed)
    assert [a - b for a, b in zip(_written(site), before)] == [1, 3, 1, 1, 1, 0]
    who = store.read_df(site, "SELECT DISTINCT uploaded_by FROM batches WHERE origin IN ('upload', 'form')")
    assert who["uploaded_by"].tolist() == ["ed"]
    assert store.read_df(site, "SELECT acknowledged_by FROM signal_acks")["acknowledged_by"].tolist() == ["ed"]
    # each assessment revision names its author through its batch
    authors = store.read_df(site, "SELECT b.uploaded_by FROM assessment_history a JOIN batches b USING (batch_id)")
    assert authors["uploaded_by"].tolist() == ["ed"]
    ada = _as("ada")
    assert "newcomer" in _said(add_user(ada)) and "newcomer" in users.load(Path(os.environ["PEACEPULSE_USERS"]))
    assert "Removed vera" in _said(remove_user(ada))
    assert "vera" not in users.load(Path(os.environ["PEACEPULSE_USERS"]))


def test_aut005_an_editor_held_to_a_mission_is_refused_others_by_name(site: Path) -> None:
    amina, before = _as("amina"), _written(site)
    refused = "amina may change UNMISS only, and MINUSCA is another mission."
    said = _said(commit(amina, OTHER_ROWS))
    assert "MINUSCA: 1 row (line 3) is outside what amina may change (UNMISS only)." in said and "upl-done" not in said
    assert refused in _said(save_assessment(amina, "MINUSCA"))
    assert refused in _said(save_recommendation(amina, "MINUSCA"))
    assert refused in _said(confirm_signal(amina, "MINUSCA"))
    assert _written(site) == before
    # the same editor, on its own mission
    assert "upl-done" in _said(commit(amina, OWN_ROWS))
    assert "saved as a draft" in _said(save_assessment(amina, "UNMISS"))
    confirm_signal(amina, "UNMISS")
    assert [a - b for a, b in zip(_written(site), before)] == [1, 2, 1, 0, 1, 0]


def test_aut006_the_catalogue_is_refused_to_an_editor_and_written_by_an_admin(site: Path) -> None:
    catalogue = (FIXTURES / "indicators-new.csv").read_text()
    before = _written(site)
    said = _said(commit(_as("ed"), catalogue, "indicators-new.csv"))
    assert "only an admin can upload it, and ed is an editor" in said and "upl-done" not in said
    assert "only an admin can upload it" in _said(dry_run(_as("ed"), catalogue))
    assert _written(site) == before
    assert "upl-done" in _said(commit(_as("ada"), catalogue, "indicators-new.csv"))
    assert _written(site)[-1] == before[-1] + 2


def test_aut010_login_works_and_a_wrong_password_is_refused_in_plain_words(site: Path) -> None:
    client = app.server.test_client()
    wrong = _login(client, "ed", PASSWORD + "x")
    assert wrong.status_code == 200 and "peacepulse_session=" not in str(wrong.headers.getlist("Set-Cookie"))
    assert "That user name and password do not match. Check both and try again." in _said(wrong)
    unknown = _login(client, "nobody", PASSWORD)
    assert "That user name and password do not match. Check both and try again." in _said(unknown)
    assert client.get("/").status_code == 302  # still not logged in
    right = _login(client, "ED", PASSWORD, "/quality?active=1")
    assert right.status_code == 302 and right.headers["Location"] == "/quality?active=1"
    assert client.get("/quality").status_code == 200
    layout = _said(client.get("/_dash-layout"))
    assert "ed (editor)" in layout


def test_aut011_the_session_and_token_cookies_are_secure(site: Path) -> None:
    client = app.server.test_client()
    cookies = {c.split("=", 1)[0]: c for c in _login(client, "ed").headers.getlist("Set-Cookie")}
    session = cookies["peacepulse_session"]
    assert "Secure" in session and "HttpOnly" in session and "SameSite=Lax" in session
    token = cookies[auth.CSRF_COOKIE]
    assert "Secure" in token and "SameSite=Strict" in token and "HttpOnly" not in token  # the page's script reads it
    page = client.get("/")
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"  # never framed by another site
    assert page.headers["Content-Security-Policy"] == "frame-ancestors 'self'"


def test_aut012_no_page_or_callback_is_served_before_logging_in(site: Path) -> None:
    client = app.server.test_client()
    page = client.get("/mission?code=UNMISS")
    assert page.status_code == 302 and page.headers["Location"] == "/login?next=%2Fmission%3Fcode%3DUNMISS"
    for path in ("/_dash-layout", "/_dash-dependencies"):
        refused = client.get(path)
        assert refused.status_code == 401 and _said(refused) == auth.SIGNED_OUT
    before = _written(site)
    posted = commit(client)
    assert posted.status_code == 401 and _written(site) == before
    assert client.get("/login").status_code == 200 and client.get("/vendor/bootstrap.min.css").status_code == 200


def test_aut013_a_post_without_the_sessions_token_is_refused(site: Path) -> None:
    ed, before = _as("ed"), _written(site)
    for token in (None, "forged", ""):
        response = call(ed, "upload.commit", {"upl-commit.n_clicks": 1, "upl-pending.data": {
            "ready": True, "file_name": "o.csv", "content": _file(OWN_ROWS)}}, "upl-commit.n_clicks", token=token)
        assert response.status_code == 403 and _said(response) == auth.NO_TOKEN
    assert _written(site) == before
    assert ed.post("/logout").status_code == 403  # logging out is a change too
    assert commit(ed).status_code == 200  # with the token, the same request goes through


def test_aut014_the_login_form_needs_its_token(site: Path) -> None:
    client = app.server.test_client()
    client.get("/login")
    refused = client.post("/login", data={"name": "ed", "password": PASSWORD})
    assert refused.status_code == 403 and "The form had expired. Log in again." in _said(refused)
    assert client.get("/").status_code == 302


def test_aut015_logging_out_ends_the_session(site: Path) -> None:
    ed = _as("ed")
    assert ed.get("/").status_code == 200
    out = ed.post("/logout", headers={auth.CSRF_HEADER: ed.get_cookie(auth.CSRF_COOKIE).value})
    assert out.status_code == 302 and out.headers["Location"] == "/login?out=1"
    assert "You have logged out." in _said(ed.get("/login?out=1"))
    assert ed.get("/").status_code == 302 and ed.get("/_dash-layout").status_code == 401


def test_aut016_removing_a_user_or_changing_their_password_ends_their_sessions(site: Path) -> None:
    path = Path(os.environ["PEACEPULSE_USERS"])
    ed, vera = _as("ed"), _as("vera")
    users.remove(path, "ed")
    assert ed.get("/_dash-layout").status_code == 401
    users.remove(path, "vera")
    users.add(path, "vera", "viewer", "another long passphrase")
    assert vera.get("/_dash-layout").status_code == 401  # the old password's session
    assert _login(app.server.test_client(), "vera", "another long passphrase").status_code == 302


def test_aut017_a_login_goes_back_to_this_site_only(site: Path) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "/\t/evil.example", " //evil.example"):
        response = _login(app.server.test_client(), "ed", PASSWORD, target)
        assert response.status_code == 302 and response.headers["Location"] == "/"
    kept = _login(app.server.test_client(), "ed", PASSWORD, "/mission?code=UNMISS&theme=5")
    assert kept.headers["Location"] == "/mission?code=UNMISS&theme=5"


def test_aut018_no_users_yet_is_said_on_the_login_page(site: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_USERS", str(tmp_path / "none.json"))
    said = _said(_login(app.server.test_client(), "ed"))
    assert "No one can log in yet: whoever runs this server adds users with peacepulse users add NAME --role admin." in said


def test_aut019_five_failed_logins_lock_the_name_for_a_while_and_not_others(site: Path) -> None:
    client = app.server.test_client()
    for _ in range(attempts.FAILURES):
        assert "do not match" in _said(_login(client, "vera", "a wrong passphrase here"))
    refused = _login(client, "vera")  # the right password, too late: it is not even checked
    assert refused.status_code == 429 and "peacepulse_session=" not in str(refused.headers.getlist("Set-Cookie"))
    assert "Too many failed logins for this user name. Try again in 15 minutes." in _said(refused)
    assert client.get("/").status_code == 302  # not logged in
    assert _login(app.server.test_client(), "ed").status_code == 302  # another name logs in as before
    for _ in range(attempts.FAILURES):  # a name no one holds is counted alike: the answers name no one
        _login(client, "nobody", "a wrong passphrase here")
    assert _login(client, "nobody").status_code == 429
    counts = attempts.path_beside(Path(os.environ["PEACEPULSE_USERS"]))
    assert sorted(json.loads(counts.read_text())) == ["nobody", "vera"] and counts.stat().st_mode & 0o077 == 0


def test_aut019b_a_successful_login_starts_the_count_again(site: Path) -> None:
    for _ in range(2):
        client = app.server.test_client()
        for _ in range(attempts.FAILURES - 1):
            assert _login(client, "Vera", "a wrong passphrase here").status_code == 200
        assert _login(client, "vera").status_code == 302  # four failures in a row, twice, never lock


def test_aut019c_the_lock_ends_and_old_failures_are_forgotten(tmp_path: Path) -> None:
    people, start = tmp_path / "users.json", datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    for i in range(attempts.FAILURES):
        attempts.failed(people, "vera", start + timedelta(minutes=i))
    last = start + timedelta(minutes=attempts.FAILURES - 1)
    assert attempts.locked_until(people, "vera", last + timedelta(minutes=14)) == last + attempts.LOCKOUT
    assert attempts.locked_until(people, "vera", last + attempts.LOCKOUT) is None
    assert attempts.locked_until(people, "VERA ", last) is not None  # the name as the login form takes it
    spread = tmp_path / "spread.json"  # five failures, but never five within the window
    for i in range(attempts.FAILURES):
        attempts.failed(spread, "ed", start + timedelta(minutes=4 * i))
    assert attempts.locked_until(spread, "ed", start + timedelta(minutes=16)) is None


def _pages_content(client, path: str, search: str = "") -> str:
    return _said(call(client, "router_sync.<locals>.update", {"_pages_location.pathname": path,
                                                              "_pages_location.search": search},
                      "_pages_location.pathname"))


def test_aut020_what_a_role_cannot_do_is_hidden(site: Path) -> None:
    vera, ed, amina, ada = _as("vera"), _as("ed"), _as("amina"), _as("ada")

    def hidden_links(client) -> set[str]:
        def walk(node) -> list[dict]:
            if isinstance(node, list):
                return [found for child in node for found in walk(child)]
            if not isinstance(node, dict):
                return []
            props = node.get("props", {})
            return ([props] if node.get("type") == "NavLink" else []) + walk(props.get("children"))
        links = walk(json.loads(_said(client.get("/_dash-layout"))))
        return {link["children"] for link in links if link.get("className") == "d-none"}
    assert hidden_links(vera) == {"Upload", "Users"}
    assert hidden_links(ed) == {"Users"} and hidden_links(ada) == set()
    assert "upl-refused" in _pages_content(vera, "/upload") and "upl-file" not in _pages_content(vera, "/upload")
    assert "upl-file" in _pages_content(ed, "/upload") and "upl-template-indicators" not in _pages_content(ed, "/upload")
    assert "upl-template-indicators" in _pages_content(ada, "/upload")
    assert "usr-refused" in _pages_content(ed, "/users") and "usr-add" in _pages_content(ada, "/users")
    assert "asf-open" not in _pages_content(vera, "/mission", "?code=UNMISS")
    assert "asf-open" in _pages_content(amina, "/mission", "?code=UNMISS")
    assert "asf-open" not in _pages_content(amina, "/mission", "?code=MINUSCA")
    assert "asf-open" in _pages_content(ed, "/mission", "?code=MINUSCA")


def test_aut030_without_login_there_is_one_local_user_who_may_do_all_but_manage_users(db: Path, monkeypatch) -> None:
    monkeypatch.setenv("PEACEPULSE_DB", str(db))
    client = app.server.test_client()
    assert client.get("/").status_code == 200 and client.get("/login").status_code == 302
    assert "auth-user" not in _said(client.get("/_dash-layout"))
    assert "upl-done" in _said(commit(client, token=None))
    assert store.read_df(db, "SELECT uploaded_by FROM batches WHERE origin = 'upload'")["uploaded_by"].tolist() == ["local"]
    before = users.path_for(db)
    assert add_user(client).status_code == 204 and not before.exists()  # accounts are made at the server only
    assert "usr-refused" in _pages_content(client, "/users")


def test_aut040_the_server_refuses_to_start_with_login_on_and_no_secret(db: Path, tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PEACEPULSE_DB": str(db), "PEACEPULSE_AUTH": "on", "PEACEPULSE_SECRET_KEY": "",
           "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{free_port()}",
                          "dashboard.app:server"], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    # gunicorn stops (exit 4; or 1 when its master meets a second failed worker while stopping, a race of its own)
    assert out.returncode in (1, 4) and "App failed to load." in out.stderr
    assert "peacepulse: the dashboard cannot start. PEACEPULSE_AUTH is on, but PEACEPULSE_SECRET_KEY is not set." in out.stderr
    assert "dashboard/app.py" not in out.stderr and "SettingsError" not in out.stderr  # no traceback of ours
