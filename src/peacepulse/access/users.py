"""The users file: names, roles, missions and argon2 password hashes, never a password itself.

It lives beside the store, in the folder that is never published (``store.private_dir``), or at
$PEACEPULSE_USERS, and never inside the store, which analysts may read. Every change rewrites it
whole: a temporary file, readable by its owner only, then put in place with one rename, under a lock
so that two changes at once cannot lose one of them.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import argon2

from .. import store
from .roles import Permit, Role

MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 takes any length; a login form should not make it hash megabytes
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
_HASHER = argon2.PasswordHasher()  # argon2id, the library's defaults (RFC 9106's second choice)
# Checked when the name is unknown, so that a wrong name takes as long to refuse as a wrong password.
_NOBODY = "$argon2id$v=19$m=65536,t=3,p=4$XEmp9ehx9uQ3JVeIQg9UYA$inFMMHLpo+7vJfgj1/+ptg+Ar/j716Sn+vhZiQC59lo"


class UsersError(Exception):
    """A request that cannot be met as asked (a name taken or unknown, a password too short)."""


class UsersFileError(Exception):
    """The users file cannot be read or written; the message says which file and why."""


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    missions: tuple[str, ...] = ()
    password_hash: str = field(default="", repr=False)

    @property
    def permit(self) -> Permit:
        return Permit(self.name, self.role, frozenset(self.missions))

    @property
    def stamp(self) -> str:
        """Changes whenever the password does, so that a session begun with the old one ends."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def described(self) -> str:
        return ", ".join(self.missions) if self.missions else "all missions"


def path_for(db: Path) -> Path:
    """$PEACEPULSE_USERS, else users.json in the store's private folder."""
    given = os.environ.get("PEACEPULSE_USERS")
    return Path(given) if given else store.private_dir(db) / "users.json"


def _parse(path: Path, text: str) -> dict[str, User]:
    try:
        rows = json.loads(text)["users"]
        found = [User(r["name"], Role(r["role"]), tuple(r.get("missions") or ()), r["password_hash"]) for r in rows]
    except (ValueError, KeyError, TypeError) as err:
        raise UsersFileError(f"The users file {path} is damaged ({type(err).__name__}: {err}). "
                             "Restore it from a backup, or move it away and add the users again.") from None
    return {u.name.casefold(): u for u in found}


def load(path: Path) -> dict[str, User]:
    """Every user, by name folded to lower case; none if the file does not exist yet."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as err:
        raise UsersFileError(f"The users file {path} cannot be read: {getattr(err, 'strerror', None) or err}.") from None
    return _parse(path, text)


def find(path: Path, name: str) -> User | None:
    return load(path).get(name.strip().casefold())


def _write(path: Path, users: dict[str, User]) -> None:
    rows = [{"name": u.name, "role": u.role.value, "missions": list(u.missions), "password_hash": u.password_hash}
            for u in sorted(users.values(), key=lambda u: u.name.casefold())]
    write_private(path, json.dumps({"users": rows}, indent=2) + "\n", "The users file")


def write_private(path: Path, text: str, what: str) -> None:
    """Put `text` in place at `path` whole, readable by its owner only: a temporary file beside it, flushed,
    then one rename. `what` names the file in the error if it cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise UsersFileError(f"{what} {path} cannot be written: {err.strerror or err}.") from None


@contextmanager
def changing_beside(path: Path) -> Iterator[None]:
    """Hold the lock file beside the users file `path` for the block: one change at a time, to it or to
    the files beside it (on systems without fcntl, such as Windows, changes are not locked)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as err:
        raise UsersFileError(f"The users file {path} cannot be written: {err.strerror or err}.") from None
    try:
        try:
            import fcntl
            fcntl.flock(lock, fcntl.LOCK_EX)
        except ImportError:
            pass
        yield
    finally:
        os.close(lock)  # closing lets go of the lock


@contextmanager
def _changing(path: Path) -> Iterator[dict[str, User]]:
    """The users, to change in place; written back when the block ends without error."""
    with changing_beside(path):
        users = load(path)
        yield users
        _write(path, users)


def check_name(name: str) -> str:
    name = name.strip()
    if not NAME.fullmatch(name):
        raise UsersError(f"'{name}' cannot be a user name: use 1 to 64 letters, digits, '.', '_', '-' or '@', "
                         "starting with a letter or digit.")
    return name


def check_password(password: str, name: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UsersError(f"The password is too short: use at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise UsersError(f"The password is too long: use at most {MAX_PASSWORD} characters.")
    if password.strip().casefold() == name.casefold():
        raise UsersError("The password cannot be the user's name.")


def check_new(path: Path, name: str, role: Role | str, missions: Iterable[str] = ()) -> tuple[str, Role, tuple[str, ...]]:
    """The name, role and missions of a user that could be added, or UsersError saying why not."""
    name, role, missions = check_name(name), Role(role), tuple(dict.fromkeys(m.strip() for m in missions if m.strip()))
    if missions and role is not Role.EDITOR:
        raise UsersError(f"Only an editor can be held to missions: a {role.value} "
                         f"{'sees' if role is Role.VIEWER else 'changes'} every mission.")
    _not_taken(load(path), name)
    return name, role, missions


def _not_taken(users: dict[str, User], name: str) -> None:
    if name.casefold() in users:
        raise UsersError(f"There is already a user named {users[name.casefold()].name}. To change their role, "
                         "missions or password, remove them and add them again.")


def add(path: Path, name: str, role: Role | str, password: str, missions: Iterable[str] = ()) -> User:
    """Add a user; ``missions`` holds an editor to those missions (none: every mission)."""
    name, role, missions = check_new(path, name, role, missions)
    check_password(password, name)
    with _changing(path) as users:
        _not_taken(users, name)  # again, under the lock
        user = User(name, role, missions, _HASHER.hash(password))
        users[name.casefold()] = user
    return user


def remove(path: Path, name: str) -> User:
    with _changing(path) as users:
        user = users.pop(name.strip().casefold(), None)
        if user is None:
            known = ", ".join(u.name for u in users.values()) or "none yet"
            raise UsersError(f"There is no user named {name.strip()} (users: {known}).")
    return user


def authenticate(path: Path, name: str, password: str) -> User | None:
    """The user if the name and password match; None if either is wrong, taking about as long either way."""
    user = find(path, name) if name.strip() else None
    if len(password) > MAX_PASSWORD:
        return None
    try:
        _HASHER.verify(user.password_hash if user else _NOBODY, password)
    except argon2.exceptions.VerificationError:
        return None
    except argon2.exceptions.InvalidHashError:
        raise UsersFileError(f"The users file {path} holds a damaged password hash for {name.strip()}.") from None
    return user
