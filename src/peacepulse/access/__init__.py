"""Roles, users and login settings. The dashboard's login and the ingest path both rest on these rules;
nothing here knows about the web."""
from __future__ import annotations

from .roles import ACTIONS, CATALOGUE_KINDS, LOCAL, Permit, Role
from .settings import Settings, SettingsError, from_env
from .users import User, UsersError, UsersFileError

__all__ = ["ACTIONS", "CATALOGUE_KINDS", "LOCAL", "Permit", "Role", "Settings", "SettingsError", "User",
           "UsersError", "UsersFileError", "from_env"]
