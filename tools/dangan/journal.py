"""The journal of an act in progress, so that no act is ever half done.

Before an act writes its first file it records, in `journal.json` beside the archive's lock
(`lock.state_dir`), every file it will write: the content before and after. The journal is
removed once the act is committed. An act that fails after writing is rolled back at once
(`rollback`); an act killed mid-way leaves its journal, and the next act — or `dangan
recover` — finds it: if the commit was made, only the journal is removed; otherwise every
file goes back to what it was, the act's staged changes are unstaged and its temporary
files removed, so that nothing of it rides into a later commit. A file someone changed
since (neither the before nor the after) is never overwritten: recovery stops and says so.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import git

NAME = "journal.json"


class Unrecoverable(Exception):
    """The interrupted act cannot be undone safely; the message says what to do."""


@dataclass
class Entry:
    path: str  # relative to the archive root
    before: bytes | None  # None: the file did not exist
    after: bytes | None  # None: the act removes it


def _encode(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode()


def _decode(text: str | None) -> bytes | None:
    return None if text is None else base64.b64decode(text)


def begin(folder: Path, root: Path, act: str, message: str, entries: list[Entry]) -> None:
    """Write the journal durably before the act touches any file."""
    head = git.head(root) if (root / ".git").exists() else None
    data = {"act": act, "message": message, "head": head, "pid": os.getpid(),
            "started": dt.datetime.now().isoformat(timespec="seconds"),
            "files": [{"path": e.path, "before": _encode(e.before), "after": _encode(e.after)} for e in entries]}
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f"{NAME}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, folder / NAME)
    sync_folder(folder)


def end(folder: Path) -> None:
    (folder / NAME).unlink(missing_ok=True)
    sync_folder(folder)


def pending(folder: Path) -> dict | None:
    """The journal an interrupted act left, if any."""
    if not (folder / NAME).is_file():
        return None
    try:
        return json.loads((folder / NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise Unrecoverable(f"中断动作的记录 {folder / NAME} 无法读取：{error}；请人工检查后删除它"
                            " (the journal of an interrupted act is unreadable)") from None


@contextmanager
def recorded(folder: Path, root: Path, act: str, message: str, entries: list[Entry]) -> Iterator[None]:
    """Journal an act around its writes: rolled back if anything in the block fails (or is interrupted)."""
    begin(folder, root, act, message, entries)
    try:
        yield
    except BaseException:
        restore(root, entries)
        end(folder)
        raise
    end(folder)


def recover(folder: Path, root: Path) -> str | None:
    """Finish what an interrupted act left: a sentence saying what was done, or None when nothing was pending."""
    data = pending(folder)
    if data is None:
        return None
    entries = [Entry(f["path"], _decode(f.get("before")), _decode(f.get("after"))) for f in data.get("files", [])]
    what = f"{data.get('act')}「{data.get('message')}」（{data.get('started')}）"
    if _committed(root, data, entries):
        end(folder)
        return f"上次中断的动作 {what} 已经提交，只清理了它的记录 (the interrupted act had been committed)"
    changed = [e.path for e in entries if _current(root, e.path) not in (e.before, e.after)]
    if changed:
        raise Unrecoverable(f"上次中断的动作 {what} 写过的 {', '.join(changed)} 此后又被改动，不能自动撤销："
                            f"请核对这些文件后删除 {folder / NAME} (changed since: check them by hand)")
    restore(root, entries)
    end(folder)
    return f"上次中断的动作 {what} 没有完成，已撤销：文件已恢复原状 (the interrupted act was rolled back)"


def _committed(root: Path, data: dict, entries: list[Entry]) -> bool:
    """HEAD moved on from where the act began and holds exactly what the act wrote."""
    head = git.head(root) if (root / ".git").exists() else None
    if head is None or head == data.get("head"):
        return False
    for entry in entries:
        blob = git.output(root, "rev-parse", "-q", "--verify", f"HEAD:{entry.path}")
        expected = None if entry.after is None else _blob_id(entry.after)
        if blob != expected:
            return False
    return True


def _blob_id(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def _current(root: Path, rel: str) -> bytes | None:
    try:
        return (root / rel).read_bytes()
    except FileNotFoundError:
        return None


def restore(root: Path, entries: list[Entry]) -> list[str]:
    """Undo what the act wrote: each file it wrote back to its content before, unstaged, its temporary files
    gone. A file holding anything but what the act wrote is someone else's and is left alone."""
    undone = []
    for entry in entries:
        path = root / entry.path
        for leftover in path.parent.glob(f".{path.name}.*.tmp") if path.parent.is_dir() else ():
            leftover.unlink(missing_ok=True)
        current = _current(root, entry.path)
        if current == entry.before or current != entry.after:
            continue
        if entry.before is None:
            path.unlink()
        else:
            temporary = path.parent / f".{path.name}.{os.getpid()}.restore.tmp"
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(entry.before)
            os.replace(temporary, path)
        undone.append(entry.path)
    if undone and (root / ".git").exists():
        tracked = [p for p in undone if git.succeeds(root, "rev-parse", "-q", "--verify", f"HEAD:{p}")]
        added = [p for p in undone if p not in tracked]
        if tracked:
            git.output(root, "reset", "-q", "HEAD", "--", *tracked)
        if added:
            git.output(root, "rm", "-q", "--cached", "--ignore-unmatch", "--", *added)
    return undone


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX: fsync the folder). Windows opens no folder as a file, and
    NTFS journals the rename itself: nothing to do there."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
