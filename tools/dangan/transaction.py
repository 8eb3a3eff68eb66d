"""One act, safely: edit records round-trip, check the new state, write atomically, commit.

    tx = Transaction(index, actor="S004")
    data = tx.edit("dossier", "2024鸿借字第001号")   # ruamel data: comments and order kept
    ...change data...
    tx.apply("handover", "A角移交B角：2024鸿借字第001号")

`apply` validates the new state (schema, references, rules) against the current one and
refuses the act with the rules' messages if it adds an error; nothing is written then.
Every id is checked before it becomes a path, and every path to stay inside its kind's
folder; an act does not start on a file with uncommitted changes. What the act will write
is journalled first (`journal`); each file is written to a temporary file, fsynced and
renamed over the old one, and only if nobody changed it since it was read; if anything
fails after that, every file goes back to what it was. The act is committed as the git
user, who must be the staff member the act names, with trailers `Dangan-Act:` and
`Dangan-Record:`, and the commit holds exactly the act's own files (a pathspec commit:
whatever else is staged stays staged); with `signatures.mode: required` it is signed
(`git commit -S`). The CLI runs each act under the archive's lock (`lock`).
"""

from __future__ import annotations

import os
import re
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import checks, crypto, encryption, git, journal, lock
from .audit import HISTORY_CODES, guarded, signed_fields
from .facts import facts
from .history import diff, parse_blob
from .index import Index
from .policy import of as policy_of
from .problems import ERROR, Problem
from .reader import overlay
from .yamlstyle import SCHEMA_LINE, dumps, loads, to_yaml


class Refused(Exception):
    """The act is not allowed (or the machine would not let it be done); nothing was written."""

    def __init__(self, message: str, problems: list[Problem] | None = None, environment: bool = False):
        super().__init__(message)
        self.problems = problems or []
        self.environment = environment  # a fault of the machine (a read-only folder …), not of the act


@dataclass
class Staged:
    kind: str
    id: str
    rel: str
    data: Any
    original: bytes | None  # None: a new file
    new_rel: str | None = None  # a rename (renumbering)

    def text(self) -> str:
        """The file as written: in the archive's style, with the line endings it had (a file saved with CRLF
        on Windows keeps them, so that the act's diff is only the lines it means); a new file with LF."""
        text = dumps(self.data)
        return text.replace("\n", "\r\n") if self.original and b"\r\n" in self.original else text


@dataclass
class Transaction:
    index: Index
    actor: str | None = None  # the staff member the act names
    journal: Path | None = None  # where the act's journal lives (the lock's folder)
    staged: dict[str, Staged] = field(default_factory=dict)
    sealed: dict[str, str] = field(default_factory=dict)  # what this act encrypted: encrypted value -> plain text

    def folder(self, kind: str) -> str:
        return self.index.schemas.annotations(kind)["folder"]

    def rel(self, kind: str, rid: str) -> str:
        """The file of a record: its id checked against the schema's id pattern, the path kept inside its folder."""
        info = self.index.schemas.field_info(kind, ("id",))
        pattern = info.schema.get("pattern") if info else None
        if not isinstance(rid, str) or not rid or (pattern and not re.search(pattern, rid)) or rid in (".", ".."):
            shown = rid.encode("unicode_escape").decode() if isinstance(rid, str) else repr(rid)
            raise Refused(f"编号 {shown} 不能用作{self.index.schemas.title(kind)}的文件名：不能含空格、斜杠、控制字符，"
                          "也不能以点开头 (not a valid record id)")
        folder = self.index.root / "records" / self.folder(kind)
        rel = f"records/{self.folder(kind)}/{rid}.yaml"
        inside = (self.index.root / rel).resolve().parent == folder.resolve()
        if not inside or not folder.resolve().is_relative_to((self.index.root / "records").resolve()):
            raise Refused(f"{rel} 不在档案库的 records/{self.folder(kind)}/ 中，拒绝写入 (outside its folder)")
        return rel

    def _unchanged(self, rel: str) -> None:
        """Refuse to act on a file with uncommitted changes: they are someone's unfinished work."""
        if not _is_repo(self.index.root):
            return
        status = git.output(self.index.root, "status", "--porcelain", "--untracked-files=all", "--", rel)
        if status:
            raise Refused(f"{rel} 有未提交的改动（git status：{status.split()[0]}）：先提交或撤销这些改动，再做此动作"
                          " (the file has uncommitted changes)")

    def edit(self, kind: str, rid: str) -> Any:
        key = f"{kind}/{rid}"
        if key in self.staged:
            return self.staged[key].data
        record = self.index.get(kind, rid)
        if record is None:
            raise Refused(f"没有这条记录：{kind}/{rid} (no such record)")
        self.rel(kind, rid)
        self._unchanged(record.file)
        raw = (self.index.root / record.file).read_bytes()
        text = raw.decode("utf-8-sig")
        if "<<<<<<< " in text:
            raise Refused(f"{record.file} 有未解决的合并冲突 (unresolved merge conflict)")
        # read as LF (ruamel would keep a CR in a comment); written back with the file's own endings (`Staged.text`)
        self.staged[key] = Staged(kind, rid, record.file, loads(text.replace("\r\n", "\n")), raw)
        return self.staged[key].data

    def create(self, kind: str, rid: str, data: dict) -> Any:
        rel = self.rel(kind, rid)
        if (self.index.root / rel).exists() or self.index.get(kind, rid) is not None:
            raise Refused(f"{rel} 已存在 (already exists)")
        self._unchanged(rel)
        node = to_yaml(data)
        node.yaml_set_start_comment(SCHEMA_LINE.format(kind=kind).removeprefix("# ").rstrip("\n"))
        self.staged[f"{kind}/{rid}"] = Staged(kind, rid, rel, node, None)
        return node

    def texts(self) -> dict[str, str]:
        self.seal()
        return {(s.new_rel or s.rel): dumps(s.data) for s in self.staged.values()}

    def seal(self) -> None:
        """Encrypt every value of the staged records the policy's `encryption` names (writers need only the
        recipients; the digest key when their key opens it). Values already encrypted are kept as they are."""
        if not encryption.enabled(self.index):
            return
        recipients = encryption.recipients_of(self.index)
        digests = encryption.digester(self.index)
        for staged in self.staged.values():
            try:
                self.sealed.update(encryption.seal_values(self.index, staged.kind, staged.data, recipients, digests))
            except crypto.KeyProblem as problem:
                raise Refused(f"{staged.rel}：{problem}") from None

    # --- validation ---------------------------------------------------------------------------
    def check(self) -> list[Problem]:
        """Errors the new state has that the current one has not. The repository's own checks (commits,
        signatures, history, working tree) are left to `dangan check`: an act does not change them."""
        def key(p: Problem) -> tuple:
            return (p.code, p.record or p.file, p.field, tuple(sorted((k, str(v)) for k, v in p.args.items())))

        before = {key(p) for p in checks.run(self.index, records_only=True) if p.severity == ERROR}
        after_index = overlay(self.index, self.texts(), removed=[s.rel for s in self.staged.values() if s.new_rel])
        encryption.reveal_overlay(self.index, after_index, self.sealed)
        return [p for p in checks.run(after_index, records_only=True) if p.severity == ERROR and key(p) not in before
                and not p.code.startswith(HISTORY_CODES)]

    # --- writing ------------------------------------------------------------------------------
    def apply(self, act: str, message: str, *, commit: bool = True, extra: tuple[str, ...] = ()) -> list[str]:
        """Check, write and commit; return the files written. On any failure after writing, nothing is left.
        `extra`: files outside the records the caller wrote already (the digest key), committed with them."""
        problems = self.check()
        if problems:
            raise Refused("此动作违反规则，未写入任何文件 (refused: nothing was written)", problems)
        self._verify_actor()
        self._verify_authority()
        root = self.index.root
        entries: list[journal.Entry] = []
        for staged in self.staged.values():
            text = staged.text().encode("utf-8")
            if staged.new_rel:
                entries += [journal.Entry(staged.rel, staged.original, None), journal.Entry(staged.new_rel, None, text)]
            else:
                entries.append(journal.Entry(staged.rel, staged.original, text))
        written = [e.path for e in entries]
        try:
            with journal.recorded(self.journal or lock.state_dir(root), root, act, message, entries):
                _checkpoint("journal")
                for staged in self.staged.values():
                    atomic_write(root, staged.rel, staged.new_rel or staged.rel, staged.text(), staged.original)
                _checkpoint("written")
                if _is_repo(root):
                    _git(root, "add", "--all", "--", *written, *extra)
                    _checkpoint("staged")
                    if commit:
                        self._commit(act, message, [*written, *extra])
                        _checkpoint("committed")
        except Refused as refused:
            raise Refused(f"{refused}；已撤销，未留下任何改动 (undone: nothing was left)", refused.problems,
                          refused.environment) from None
        except OSError as error:
            raise Refused(f"写入 {error.filename or ''} 失败：{error.strerror or error}；已撤销，未留下任何改动"
                          " (writing failed; undone)", environment=True) from None
        return [*written, *extra]

    def verify(self) -> None:
        """Refuse what the git user may not do: an act naming someone else, or a change of the rule-making files
        (or of what an act signed) without the right — before anything is written."""
        self._verify_actor()
        self._verify_authority()

    def _git_user(self) -> str | None:
        try:
            return _git(self.index.root, "config", "user.email").strip().lower() or None
        except Refused:
            return None

    def _verify_actor(self) -> None:
        if self.actor is None or not _is_repo(self.index.root):
            return
        email = self._git_user()
        person = self.index.get("staff", self.actor)
        emails = {e.lower() for e in (person.get("emails") or [])} if person else set()
        if email not in emails:
            raise Refused(f"此动作须由 {self.actor} 本人提交，当前 git 用户是 {email or '（未设置）'} "
                          f"(this act must be committed by {self.actor} themself)")

    def _verify_authority(self) -> None:
        """Refuse what the audit would report once committed: a change of the rule-making files (policy, staff)
        or of what an act already signed, by someone the rules in force do not allow."""
        needed = []  # (file, what it changes that needs an authority): most acts need none, and read no history
        for staged in self.staged.values():
            what = guarded(staged.rel)
            if staged.original is not None and what is None:
                before = parse_blob(staged.original)
                changed = [name for name, old, _ in diff(before, staged.data)[0] if old is not None]
                if signed_fields(self.index.schemas, staged.kind, before, changed):
                    what = "amendment"
            if what:
                needed.append((staged, what))
        audit = facts(self.index).audit if needed and _is_repo(self.index.root) else None
        rules = audit.head_state() if audit is not None else None
        if rules is None or rules.mode != "required" or not rules.people:
            return
        for staged, what in needed:
            if not rules.may(self.actor, what):
                roles = "、".join(audit.role_names(rules, rules.approvers(what)))
                label = self.index.schemas.label("policy", ("approvals", what))
                raise Refused(f"{staged.rel}：{label}须由 {roles} 提交，{self.actor} 无此权限，未写入任何文件"
                              f" (only {roles} may make this change; nothing was written)")

    def _commit(self, act: str, message: str, paths: list[str]) -> None:
        mode = policy_of(self.index).signatures.mode
        records = [f"{staged.kind}/{staged.id}" for staged in self.staged.values()]
        if git.succeeds(self.index.root, "rev-parse", "-q", "--verify", "MERGE_HEAD"):
            paths = None  # the act resolves a merge (renumber --resolve): its commit is the merge's, whole
        commit(self.index.root, message, [act], records, sign=mode == "required", paths=paths)


def commit(root: Path, message: str, acts: list[str], records: list[str], *, sign: bool,
           author: tuple[str, str] | None = None, key: Path | None = None, when: str | None = None,
           trailers: dict[str, str] | None = None, paths: list[str] | None = None) -> None:
    """Commit what is staged (or only `paths`), with `Dangan-Act:` and `Dangan-Record:` trailers.

    By default as the configured git user with their signing key; the demo builder names
    the author, their key and the date of each act it replays.
    """
    config: list[str] = []
    if author:
        config += ["-c", f"user.name={author[0]}", "-c", f"user.email={author[1]}"]
    if key:
        config += ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"]
    args = [*config, "commit", "-q", "--allow-empty", "-m", message]
    if sign:
        args.append("-S")
    for act in acts:
        args += ["--trailer", f"Dangan-Act: {act}"]
    for record in dict.fromkeys(records):
        args += ["--trailer", f"Dangan-Record: {record}"]
    for key_, value in (trailers or {}).items():
        args += ["--trailer", f"{key_}: {value}"]
    if paths:
        args += ["--", *paths]
    env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else None
    _git(root, *args, env=env)


def _checkpoint(name: str) -> None:
    """Where the crash tests kill an act for real: DANGAN_KILL_AT=<name> sends this process SIGKILL here."""
    if os.environ.get("DANGAN_KILL_AT") == name and hasattr(signal, "SIGKILL"):
        os.kill(os.getpid(), signal.SIGKILL)


def _is_repo(root: Path) -> bool:
    return (root / ".git").exists()


def _git(root: Path, *args: str, env: dict | None = None) -> str:
    try:
        return git.text(root, *args, env=env)
    except git.GitError as error:
        raise Refused(f"git {args[0]}: {error}") from None


def atomic_write(root: Path, rel: str, target_rel: str, text: str, original: bytes | None) -> None:
    """Temporary file, fsync, rename; refuse if the file changed since it was read."""
    path, target = root / rel, root / target_rel
    records = (root / "records").resolve()
    if not all(p.resolve().is_relative_to(records) for p in (path, target)):
        raise Refused(f"{target_rel} 不在档案库的 records/ 中，拒绝写入 (outside the archive)")
    current = path.read_bytes() if path.exists() else None
    if current != original:
        raise Refused(f"{rel} 在读取后被他人修改，未覆盖 (changed by someone else since it was read)")
    if target != path and target.exists():
        raise Refused(f"{target_rel} 已存在 (already exists)")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    if target != path:
        path.unlink()
    journal.sync_folder(target.parent)
