"""The published file and the working copy behind it.

DuckDB lets one process write a file, or many read it, never both. So PeacePulse writes a private
working copy, one writer at a time under a lock, and after each commit publishes it: it copies the
working copy to a temporary file and renames that over the store's path. Readers, the dashboard's
and analysts' alike, open the published file. A reader that has it open keeps the file it opened
(rename never touches an open file) and sees the new data when it reconnects, and no reader ever
holds a lock a writer needs.

For data/peacepulse.duckdb the private folder is data/.peacepulse.duckdb.d/ (store.private_dir),
holding ``work.duckdb`` and the ``write.lock``. A store from before publishing, with no working copy
yet, gets one from its published file at its first write.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
import filelock

WRITE_WAIT = 600.0  # seconds an upload waits for the one before it: a 200 MB file takes about 80 s
WORK = "work.duckdb"
PUBLISHING = "publishing.duckdb"  # the copy being made; a killed publish leaves it, the next one overwrites it
LOCK = "write.lock"


class WriterBusy(Exception):
    """Another writer held the lock for longer than WRITE_WAIT."""


def private_dir(db: Path) -> Path:
    """The folder beside the store that only PeacePulse uses: the working copy it writes, the lock that
    lets one writer at a time at it, and other files that must never be published with the store
    (such as the users file). For data/peacepulse.duckdb it is data/.peacepulse.duckdb.d/."""
    return db.parent / f".{db.name}.d"


def working_copy(db: Path) -> Path:
    return private_dir(db) / WORK


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


@contextmanager
def write_lock(db: Path, wait: float = WRITE_WAIT) -> Iterator[None]:
    """Hold the store's write lock: one writer at a time, across processes and threads. The operating
    system releases it when its holder dies, so a killed upload never leaves the store locked."""
    folder = private_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(folder / LOCK, timeout=wait)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise WriterBusy from None
    try:
        yield
    finally:
        lock.release()


def try_write_lock(db: Path) -> filelock.FileLock | None:
    """The write lock if no one holds it now, else None (without waiting). Release it when done."""
    folder = private_dir(db)
    if not folder.is_dir():
        return None
    lock = filelock.FileLock(folder / LOCK, timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        return None
    return lock


def prepare_working_copy(db: Path) -> Path:
    """The working copy, made from the published file if there is none yet (a store written before
    publishing, or one copied by hand). Call with the write lock held."""
    work = working_copy(db)
    if work.exists() or not db.exists():
        return work
    if _wal(db).exists():
        # A store last written in place (by an older PeacePulse): fold its log into the file first.
        duckdb.connect(str(db)).close()
    staging = private_dir(db) / PUBLISHING
    # A read-only connection while copying proves that no other program is writing the file. It is
    # opened as the store's readers open theirs, since one process cannot mix configurations of a file.
    with duckdb.connect(str(db), read_only=True, config={"enable_external_access": False}):
        _copy(db, staging)
    os.replace(staging, work)
    _sync_dir(work.parent)
    return work


def publish(db: Path) -> None:
    """Copy the working copy over the published file, atomically. Call with the write lock held and no
    connection open on the working copy."""
    work = working_copy(db)
    if _wal(work).exists():
        # A commit whose checkpoint did not happen (a killed process): replay the log into the file.
        duckdb.connect(str(work)).close()
    staging = private_dir(db) / PUBLISHING
    _copy(work, staging)
    os.replace(staging, db)
    _sync_dir(db.parent)
    # The published file's time says which copy is newer (see stale); copying gives it a later one.


def stale(db: Path) -> bool:
    """True when the working copy holds what is not published yet: a process was killed between its
    commit and its publishing, or the published file was deleted. A published file that is newer
    than the working copy (restored from a backup, or changed by hand) is left alone until the next
    write replaces it."""
    work = working_copy(db)
    if not work.exists():
        return False
    if _wal(work).exists() or not db.exists():
        return True
    return work.stat().st_mtime_ns > db.stat().st_mtime_ns


def heal(db: Path) -> None:
    """Publish what a killed writer committed but did not publish, if no writer is at work now."""
    if not stale(db):
        return
    lock = try_write_lock(db)
    if lock is None:
        return  # a writer is at work, and publishes when it is done
    try:
        if stale(db):
            publish(db)
    finally:
        lock.release()


def move(source: Path, target: Path) -> None:
    """Put the store at `source` in place of the one at `target` (both published file and working
    copy), as when a rebuilt store replaces the old one."""
    with write_lock(target):
        work = working_copy(source)
        if work.exists():
            os.replace(work, working_copy(target))
        else:
            working_copy(target).unlink(missing_ok=True)
        os.replace(source, target)
        shutil.rmtree(private_dir(source), ignore_errors=True)
        _sync_dir(target.parent)


def remove(db: Path) -> None:
    """Delete a store: its published file and its private folder."""
    with write_lock(db):
        db.unlink(missing_ok=True)
        _wal(db).unlink(missing_ok=True)
        for path in private_dir(db).iterdir():
            if path.name != LOCK:
                shutil.rmtree(path) if path.is_dir() else path.unlink()


def _copy(source: Path, target: Path) -> None:
    """Copy a file and flush it to disk, so that a rename after it never publishes a partial file."""
    shutil.copyfile(source, target)  # in the kernel where it can (sendfile on Linux)
    with target.open("rb+") as copied:
        os.fsync(copied.fileno())


def _sync_dir(folder: Path) -> None:
    with suppress(OSError):  # not every system lets a folder be opened to flush it (Windows)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
