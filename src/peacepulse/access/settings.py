"""Whether the dashboard asks people to log in, read from the environment.

PEACEPULSE_AUTH=on turns login on; off (the default) keeps the single-user setup without login.
With login on, PEACEPULSE_SECRET_KEY must hold a long random secret: it signs the session cookies,
and anyone who knows it can make one for any user.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

MIN_SECRET = 32
_ON, _OFF = {"on", "1", "true", "yes"}, {"off", "0", "false", "no", ""}
MAKE_ONE = "python -c 'import secrets; print(secrets.token_hex(32))'"


class SettingsError(Exception):
    """The environment asks for something the dashboard cannot start with; the message says how to fix it."""


@dataclass(frozen=True)
class Settings:
    auth: bool = False
    secret_key: str = field(default="", repr=False)


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    given = env.get("PEACEPULSE_AUTH", "").strip().lower()
    if given not in _ON | _OFF:
        raise SettingsError(f"PEACEPULSE_AUTH is '{env['PEACEPULSE_AUTH']}'; set it to on (users log in) "
                            "or off (one local user, no login).")
    if given in _OFF:
        return Settings()
    secret = env.get("PEACEPULSE_SECRET_KEY", "")
    if not secret.strip():
        raise SettingsError("PEACEPULSE_AUTH is on, but PEACEPULSE_SECRET_KEY is not set. It signs the login "
                            f"sessions: set it to at least {MIN_SECRET} random characters, such as the output of "
                            f"{MAKE_ONE}, and keep it secret.")
    if len(secret) < MIN_SECRET:
        raise SettingsError(f"PEACEPULSE_SECRET_KEY is too short ({len(secret)} characters): use at least "
                            f"{MIN_SECRET} random characters, such as the output of {MAKE_ONE}.")
    return Settings(auth=True, secret_key=secret)
