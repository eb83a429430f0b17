"""Login, sessions, CSRF and roles for the dashboard, with PEACEPULSE_AUTH=on (peacepulse.access has the rules).

Without it nothing here applies: one local user, who may do everything, recorded as "local".

With it, every request but the login page's needs a session: Flask's signed cookie (Secure, HttpOnly,
SameSite=Lax), holding the user's name and a stamp of their password hash, so that removing a user or
changing their password ends their sessions at once. The user's role and missions are read from the
users file on each request, never kept in the cookie, and nothing is kept in the server's memory
between requests, so that any gunicorn worker can answer any request.

Every POST carries a CSRF token that must equal the one in the session: dash-renderer sends the value
of the cookie ``_csrf_token`` as the header X-CSRFToken with each callback, and the login and logout
forms carry it as a hidden field. A callback that changes something names the action it needs
(``@needs("upload")``); the server refuses it before it runs if the user's role does not allow it.
"""
from __future__ import annotations

import functools
import hmac
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import html
from dash.exceptions import PreventUpdate
from flask import current_app, g, has_request_context, redirect, request, session
from markupsafe import escape

from peacepulse import access, store
from peacepulse.access import LOCAL, Permit, Role, attempts, users

log = logging.getLogger(__name__)
CSRF_COOKIE, CSRF_HEADER, CSRF_FIELD = "_csrf_token", "X-CSRFToken", "csrf_token"
LIFETIME = timedelta(hours=12)  # from login; then log in again
PUBLIC = {"/login", "/vendor/bootstrap.min.css", "/_favicon.ico"}  # what is served before logging in
SAFE = {"GET", "HEAD", "OPTIONS"}
NEEDS = "peacepulse_needs"  # the attribute naming the action a callback needs
NOBODY = Permit("nobody", Role.VIEWER)
SIGNED_OUT = "You are not logged in, or your session has ended: log in again."
NO_TOKEN = ("This request did not carry this session's security token, so it was refused. Reload the page "
            "and try again.")
USERS_FILE = "The list of users cannot be read, so no one can log in. Whoever runs this server will find why in its log."


def flask_config(settings: access.Settings) -> dict[str, object]:
    """The Flask settings for login on or off: on, the session cookie's signing key and flags."""
    if not settings.auth:
        return {"PEACEPULSE_AUTH": False}
    return {"PEACEPULSE_AUTH": True, "SECRET_KEY": settings.secret_key, "SESSION_COOKIE_NAME": "peacepulse_session",
            "SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax",
            "PERMANENT_SESSION_LIFETIME": LIFETIME, "SESSION_REFRESH_EACH_REQUEST": False}


def install(app: dash.Dash) -> None:
    """The login and logout pages, the check of every request, and the CSRF cookie."""
    server = app.server
    server.add_url_rule("/login", "login", _login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", _logout, methods=["POST"])
    server.before_request(functools.partial(_gate, app))
    server.after_request(_after)
    app.clientside_callback(LOGOUT, dash.Output("auth-logout", "disabled"), dash.Input("auth-logout", "n_clicks"),
                            prevent_initial_call=True)


def enabled() -> bool:
    return has_request_context() and bool(current_app.config.get("PEACEPULSE_AUTH"))


def current() -> Permit:
    """Who makes this request: the logged-in user, LOCAL without login, NOBODY if no one is logged in."""
    if not enabled():
        return LOCAL
    return g.get("pp_permit") or NOBODY


def refusal(action: str, mission: str | None = None) -> str | None:
    """Why this request's user may not take `action` (on `mission`); None if they may (or no action is named)."""
    if not action:
        return None
    if action == "users" and not enabled():
        # without login anyone who reaches the server is the local user: they must not make accounts
        # that would be valid once login is turned on
        return "Login is off, so users are managed with `peacepulse users` on the server."
    return current().refusal(action, mission)


def can(action: str, mission: str | None = None) -> bool:
    return refusal(action, mission) is None


def needs(action: str) -> Callable[[Callable], Callable]:
    """Mark a callback with the action it needs. The server refuses the request before it runs (see _gate);
    the callback checks again itself, in case it is ever reached another way."""
    def mark(callback: Callable) -> Callable:
        @functools.wraps(callback)
        def checked(*args, **kwargs):
            refused = refusal(action)
            if refused:
                log.warning("refused %s to %s: %s", callback.__qualname__, current().user, refused)
                raise PreventUpdate
            return callback(*args, **kwargs)
        setattr(checked, NEEDS, action)
        return checked
    return mark


def _needed(app: dash.Dash, body: object) -> str | None:
    """The action the callback a request calls needs; None for one that only reads."""
    output = body.get("output") if isinstance(body, dict) else None
    entry = app.callback_map.get(output) if isinstance(output, str) else None
    return getattr(entry.get("callback"), NEEDS, None) if entry else None  # clientside ones have none


def _refuse(status: int, message: str):
    return message, status, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


def _user() -> users.User | None:
    """The session's user, if it names one that still exists with the password it logged in with."""
    name = session.get("user")
    if not isinstance(name, str):
        return None
    user = users.find(users.path_for(store.resolve_db()), name)
    if user is None or not hmac.compare_digest(str(session.get("stamp", "")), user.stamp):
        return None
    return user


def _token_ok() -> bool:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sent = request.form.get(CSRF_FIELD)
    expected = session.get("csrf")
    return isinstance(sent, str) and isinstance(expected, str) and hmac.compare_digest(sent, expected)


def _here() -> str:
    return request.full_path.rstrip("?") if request.query_string else request.path


def _gate(app: dash.Dash):
    """Every request: a session for all but the login page, the session's token on every POST, and the
    role a callback needs."""
    if not enabled() or request.path in PUBLIC:
        return None
    try:
        user = _user()
    except access.UsersFileError as err:
        log.error("%s", err)
        return _refuse(503, USERS_FILE)
    if user is None:
        if request.method in SAFE and not request.path.startswith("/_"):  # a page: to the login, then back
            return redirect("/login?" + urlencode({"next": _here()}))
        return _refuse(401, SIGNED_OUT)
    if request.method not in SAFE and not _token_ok():
        log.warning("refused %s %s to %s: no matching CSRF token", request.method, request.path, user.name)
        return _refuse(403, NO_TOKEN)
    g.pp_permit = user.permit
    if request.method == "POST" and request.path.endswith("/_dash-update-component"):
        action = _needed(app, request.get_json(silent=True))
        refused = refusal(action) if action else None
        if refused:
            log.warning("refused the callback %s to %s: %s", request.get_json(silent=True).get("output"),
                        user.name, refused)
            return _refuse(403, refused)
    return None


def _after(response):
    """With login on: the session's CSRF token in a cookie the page's scripts can read (so not HttpOnly), for
    dash-renderer; and no page of this server inside another site's frame, where a click could be stolen."""
    if not enabled():
        return response
    token = session.get("csrf")
    if isinstance(token, str) and request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, max_age=int(LIFETIME.total_seconds()), secure=True, httponly=False,
                            samesite="Strict")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'self'")
    return response


def _safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this server only, never another site."""
    # Browsers drop tabs and line breaks from addresses and read a backslash as a slash, so "/\t/x" and
    # "/\\x" would lead to the site x: only a plain path on this server is followed.
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(c) < 33 or ord(c) == 127 for c in target)):
        return "/"
    return target


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>PeacePulse · Log in</title>
<link rel="stylesheet" href="/vendor/bootstrap.min.css"></head>
<body class="bg-light"><main class="container" style="max-width: 26rem">
<h1 class="h3 mt-5 mb-3">PeacePulse</h1>{message}
<form method="post" action="/login" class="card card-body" id="login-form">
<input type="hidden" name="csrf_token" value="{token}"><input type="hidden" name="next" value="{next}">
<label class="form-label" for="login-name">User name</label>
<input class="form-control mb-3" id="login-name" name="name" autocomplete="username" required autofocus value="{name}">
<label class="form-label" for="login-password">Password</label>
<input class="form-control mb-3" id="login-password" name="password" type="password" autocomplete="current-password" required>
<button class="btn btn-primary" type="submit" id="login-submit">Log in</button>
</form></main></body></html>"""


def _page(message: str = "", color: str = "danger", status: int = 200, name: str = ""):
    token = session.setdefault("csrf", secrets.token_urlsafe(32))
    shown = f'<div class="alert alert-{color}" id="login-message">{escape(message)}</div>' if message else ""
    html_text = PAGE.format(message=shown, token=escape(token), name=escape(name[:64]),
                            next=escape(_safe_next(request.values.get("next"))))
    return html_text, status, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


def _login():
    if not enabled():
        return redirect("/")
    if request.method == "GET":
        try:
            if _user() is not None:
                return redirect(_safe_next(request.args.get("next")))
        except access.UsersFileError:
            pass  # the form is shown; logging in says what is wrong
        said = "You have logged out." if request.args.get("out") else ""
        return _page(said, "info")
    if not _token_ok():
        return _page("The form had expired. Log in again.", status=403)
    name, password = request.form.get("name", "")[:256], request.form.get("password", "")
    path = users.path_for(store.resolve_db())
    try:
        until = attempts.locked_until(path, name)
        if until is not None:
            log.warning("login refused for %r from %s: too many failed logins", name[:64], request.remote_addr)
            wait = max(1, -(-int((until - datetime.now(timezone.utc)).total_seconds()) // 60))
            return _page(f"Too many failed logins for this user name. Try again in {wait} minute{'s' * (wait != 1)}.",
                         status=429, name=name)
        user = users.authenticate(path, name, password)
        nobody_yet = user is None and not users.load(path)
        if user is None:
            attempts.failed(path, name)
        else:
            attempts.succeeded(path, name)
    except access.UsersFileError as err:
        log.error("%s", err)
        return _page(USERS_FILE, status=503)
    if user is None:
        log.info("failed login for %r from %s", name[:64], request.remote_addr)
        # The form again, with the message, as a page (200): the browser shows it as any other.
        if nobody_yet:
            return _page("No one can log in yet: whoever runs this server adds users with "
                         "peacepulse users add NAME --role admin.", name=name)
        return _page("That user name and password do not match. Check both and try again.", name=name)
    session.clear()  # a new session, with a new token: nothing carried over from before the login
    session.permanent = True
    session.update(user=user.name, stamp=user.stamp, csrf=secrets.token_urlsafe(32))
    log.info("%s logged in from %s", user.name, request.remote_addr)
    return redirect(_safe_next(request.form.get("next")))


def _logout():
    session.clear()
    response = redirect("/login?out=1")
    response.delete_cookie(CSRF_COOKIE)
    return response


def menu() -> html.Div | None:
    """The menu bar's user and logout button, when login is on."""
    if not enabled() or current() is NOBODY:
        return None
    permit = current()
    held = f" · {permit.held_to}" if permit.missions else ""
    return html.Div([
        html.Span(f"{permit.user} ({permit.role.value}{held})", className="text-light small me-2", id="auth-user"),
        dbc.Button("Log out", size="sm", color="light", outline=True, id="auth-logout", n_clicks=0)],
        className="ms-lg-3 my-2 my-lg-0 d-flex align-items-center")


# Logging out is a POST with the session's token, as every change is; then the login page.
LOGOUT = """(n) => {
    if (!n) { return window.dash_clientside.no_update; }
    const found = document.cookie.split("; ").find(c => c.startsWith("%s="));
    fetch("/logout", {method: "POST", headers: {"%s": found ? found.split("=")[1] : ""}})
        .finally(() => window.location.assign("/login?out=1"));
    return true;
}""" % (CSRF_COOKIE, CSRF_HEADER)
