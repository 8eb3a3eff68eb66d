"""Anchored history: seals, and what this machine remembers of the history it verified.

A seal is a signed annotated tag `dangan-seal-YYYYMMDD-HHMMSS` over a commit, made by a role
of `approvals.seal` with their registered key (`dangan seal`). Every seal must stay an
ancestor of HEAD: rewriting sealed history is seen even when every new commit is signed
again. Each checkout also remembers, in its cache, the newest published commit it saw
inside HEAD (its upstream's tip) and the seals it saw; a remembered commit that is in no
branch any more, or a seal that vanished or moved, is a rewrite too. Replace refs, a
grafts file and a shallow clone are reported: they make git show, or hide, other history
than the commits hold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from . import git
from .history import History, Tag, save, verify_tag

PREFIX = "dangan-seal-"
_REF = "%(refname)%1f%(objecttype)%1f%(objectname)%1f%(*objectname)%1f%(taggername)%1f%(taggeremail)%1f" \
       "%(taggerdate:iso-strict)"


@dataclass
class Anchors:
    """The facts `integrity` judges: the seals and whatever could show other history."""
    seals: list[Tag] = field(default_factory=list)
    lightweight: list[str] = field(default_factory=list)  # seal names that are not signed tag objects
    outside_head: set[str] = field(default_factory=set)  # seal names whose commit is not in HEAD
    replaced: list[str] = field(default_factory=list)  # refs/replace/…, info/grafts
    shallow: str | None = None  # the first commit of a shallow clone
    vanished: dict[str, str] = field(default_factory=dict)  # published commit -> day found gone
    removed: list[tuple[str, str]] = field(default_factory=list)  # (seal name, its commit) seen before, gone now


def inspect(root: Path, history: History, today: dt.date | None = None) -> Anchors:
    """Read the seals and the anchors, update what this machine remembers (in the history cache)."""
    found = Anchors()
    refs = git.output(root, "for-each-ref", f"--format={_REF}", f"refs/tags/{PREFIX}*", "refs/replace/") or ""
    for line in refs.splitlines():
        name, kind, obj, target, tagger, email, date = (line.split("\x1f") + [""] * 7)[:7]
        if name.startswith("refs/replace/"):
            found.replaced.append(name)
            continue
        short = name.removeprefix("refs/tags/")
        if kind != "tag" or not target:
            found.lightweight.append(short)
            continue
        cached = history.tags.get(obj)
        if cached is None:
            signature, key = verify_tag(root, short)
            cached = Tag(short, obj, target, tagger, email.strip("<>").lower(), date, signature, key)
            history.tags[obj] = cached
            history.dirty = True
        found.seals.append(cached)
    common = git.output(root, "rev-parse", "--git-common-dir")  # not --git-path: that follows GIT_GRAFT_FILE
    if common:
        folder = root / common
        if (folder / "info" / "grafts").is_file():
            found.replaced.append((folder / "info" / "grafts").relative_to(root).as_posix()
                                  if folder.is_relative_to(root) else str(folder / "info" / "grafts"))
        if history.shallow and (folder / "shallow").is_file():
            found.shallow = (folder / "shallow").read_text(encoding="utf-8").split("\n")[0][:10]
    if found.seals or found.lightweight:
        found.outside_head = set((git.output(root, "tag", "--list", f"{PREFIX}*", "--no-merged", "HEAD")
                                  or "").split())
    _remember_seals(history, found)
    _remember_anchor(root, history, found, (today or dt.date.today()).isoformat())
    if history.dirty:
        save(root, history)
    return found


def _remember_seals(history: History, found: Anchors) -> None:
    current = {seal.name: seal for seal in found.seals}
    for name, obj in list(history.seals_seen.items()):
        seal = current.get(name)
        if seal is None or seal.object != obj:
            old = history.tags.get(obj)
            found.removed.append((name, old.commit[:10] if old else "?"))
    for name, seal in current.items():
        if name not in history.seals_seen and seal.name not in found.outside_head:
            history.seals_seen[name] = seal.object
            history.dirty = True


def _remember_anchor(root: Path, history: History, found: Anchors, today: str) -> None:
    for commit in list(history.vanished):
        if _reachable(root, commit):  # restored
            del history.vanished[commit]
            history.dirty = True
    old = history.anchor
    if old and old != history.head and not git.is_ancestor(root, old, history.head or "HEAD") \
            and not _reachable(root, old):
        history.vanished.setdefault(old, today)
        history.anchor = None
        history.dirty = True
    tip = git.output(root, "rev-parse", "--verify", "-q", "@{upstream}")
    if tip and tip != history.anchor and history.head and git.is_ancestor(root, tip, history.head):
        history.anchor = tip
        history.dirty = True
    found.vanished = dict(history.vanished)


def _reachable(root: Path, commit: str) -> bool:
    """The commit still exists and some branch, tag or remote-tracking branch contains it."""
    if not git.succeeds(root, "cat-file", "-e", f"{commit}^{{commit}}"):
        return False
    return bool(git.output(root, "for-each-ref", "--count=1", "--contains", commit, "--format=%(refname)",
                           "refs/heads", "refs/tags", "refs/remotes"))


def seal_name(when: dt.datetime) -> str:
    return f"{PREFIX}{when.astimezone(dt.UTC):%Y%m%d-%H%M%S}"


def make(root: Path, commit: str, name: str, message: str, *, author: tuple[str, str] | None = None,
         key: Path | None = None, when: str | None = None) -> None:
    """Create the signed tag (as the configured git user, or as `author` with `key` on `when`)."""
    config: list[str] = []
    if author:
        config += [f"user.name={author[0]}", f"user.email={author[1]}"]
    if key:
        config += ["gpg.format=ssh", f"user.signingkey={key}"]
    env = {"GIT_COMMITTER_DATE": when} if when else None
    git.run(root, "tag", "-s", "-m", message, name, commit, config=tuple(config), env=env)
