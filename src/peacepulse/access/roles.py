"""Who may do what: three roles, the actions each allows, and the missions an editor may be held to.

A viewer sees the dashboards. An editor also uploads data, makes and changes assessments and
recommendations, and acknowledges signals, for every mission or only for the ones named. An admin also
changes the catalogue (indicators and missions files) and manages users. The rules are checked where
the work is done (the ingest path, the dashboard's server), never only by hiding a button.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Role(str, Enum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


# Each action: the least role that may take it, and what it is, for messages.
ACTIONS: dict[str, tuple[Role, str]] = {
    "upload": (Role.EDITOR, "upload files"),
    "assess": (Role.EDITOR, "make or change assessments and recommendations"),
    "acknowledge": (Role.EDITOR, "acknowledge signals"),
    "catalogue": (Role.ADMIN, "change the catalogue (indicators and missions files)"),
    "users": (Role.ADMIN, "manage users"),
}
# Kinds of file that change what every mission shares, rather than one mission's data.
CATALOGUE_KINDS = frozenset({"indicators", "missions"})
_WHO = {Role.EDITOR: "an editor or an admin", Role.ADMIN: "an admin"}


def _listed(codes: Iterable[str]) -> str:
    codes = sorted(codes)
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " and " + codes[-1]


@dataclass(frozen=True)
class Permit:
    """What one person may do. ``missions`` holds an editor to those missions; empty means every mission."""

    user: str
    role: Role
    missions: frozenset[str] = frozenset()

    def refusal(self, action: str, mission: str | None = None) -> str | None:
        """Why `action` (on `mission`, if it concerns one) is refused, in a sentence; None if it is allowed."""
        least, what = ACTIONS[action]
        if self.role.rank < least.rank:
            return f"{self.user} is a {self.role.value} here, and only {_WHO[least]} can {what}."
        if mission is not None and self.outside([mission]):
            return self.mission_refusal(mission)
        return None

    def can(self, action: str, mission: str | None = None) -> bool:
        return self.refusal(action, mission) is None

    def outside(self, missions: Iterable[str]) -> list[str]:
        """The missions of `missions` this person may not change, sorted; none when not held to any."""
        if not self.missions or self.role is Role.ADMIN:
            return []
        allowed = {m.upper() for m in self.missions}
        return sorted({m for m in missions if m.upper() not in allowed})

    @property
    def held_to(self) -> str:
        """The missions this person may change, as a sentence names them ('UNMISS and MINUSCA')."""
        return _listed(self.missions) if self.missions and self.role is not Role.ADMIN else "every mission"

    def mission_refusal(self, mission: str) -> str:
        return f"{self.user} may change {self.held_to} only, and {mission} is another mission."

    def kind_refusal(self, kind: str) -> str | None:
        """Why this person may not upload a file of `kind`; None if they may."""
        refused = self.refusal("upload")
        if refused is None and kind in CATALOGUE_KINDS and not self.can("catalogue"):
            an = "an" if kind[0] in "aeiou" else "a"
            return (f"This is {an} {kind} file, which changes the catalogue that every mission shares: only an "
                    f"admin can upload it, and {self.user} is an editor.")
        return refused


# The single-user setup without login: whoever runs it may do everything, recorded under this name.
LOCAL = Permit("local", Role.ADMIN)
