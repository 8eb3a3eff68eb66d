"""One act at a time per archive.

An act holds the archive's lock from reading the records to its commit, so that two acts
started at once (two terminals, two people on a shared folder) never take the same number
or write over each other: the second waits (`DANGAN_LOCK_TIMEOUT` seconds, 30 by default),
then is told who holds the lock. The lock is an OS file lock (filelock: flock on POSIX,
msvcrt on Windows), released by the OS when its process ends, however it ends. It lives
with git's own state (`.git/dangan/`), or in `.dangan-cache/` outside git: never in the
records.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import filelock

from . import git

DEFAULT_TIMEOUT = 30.0


class Busy(Exception):
    """Another act holds the lock, or the lock cannot be taken at all."""


def state_dir(root: Path) -> Path:
    """Where the lock and the journal of an act in progress live."""
    folder = git.git_dir(root) if (root / ".git").exists() else None
    return folder / "dangan" if folder else root / ".dangan-cache"


def _timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("DANGAN_LOCK_TIMEOUT", DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


def _holder(folder: Path) -> str:
    try:
        found = json.loads((folder / "act.lock.json").read_text(encoding="utf-8"))
        return (f"{found.get('act')}（{found.get('user')}@{found.get('host')}，进程 {found.get('pid')}，"
                f"始于 {found.get('since')}）")
    except (OSError, ValueError, AttributeError):
        return "（不明）"


@contextmanager
def holding(root: Path, act: str, timeout: float | None = None) -> Iterator[Path]:
    """Hold the archive's lock for one act; yield the folder of the act's state (its journal)."""
    folder = state_dir(root)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(folder / "act.lock"), timeout=_timeout() if timeout is None else timeout)
        lock.acquire()
    except filelock.Timeout:
        raise Busy(f"另一个动作正在进行：{_holder(folder)}；请稍后再试 (another act holds the lock)") from None
    except OSError as error:
        raise Busy(f"无法锁定档案库（{folder}）：{error.strerror or error} (cannot lock the archive)") from None
    try:
        info = {"act": act, "pid": os.getpid(), "host": socket.gethostname(), "user": _user(root),
                "since": dt.datetime.now().isoformat(timespec="seconds")}
        (folder / "act.lock.json").write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
        yield folder
    finally:
        try:
            (folder / "act.lock.json").unlink(missing_ok=True)
        finally:
            lock.release()


def _user(root: Path) -> str:
    email = git.config(root, "user.email") if (root / ".git").exists() else None
    if email:
        return email
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "?"


def is_held(root: Path) -> bool:
    """Whether an act is running now (by this process or another)."""
    path = state_dir(root) / "act.lock"
    if not path.exists():
        return False
    lock = filelock.FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        return True
    except OSError:
        return False
    lock.release()
    return False
