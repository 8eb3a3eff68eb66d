"""`dangan upgrade`: an archive's schemas, site configuration, editor settings and CI brought to the installed
dangan, its records migrated, as one commit.

Every file the tool writes into an archive (`init.shipped`, plus the editor settings made from the schemas)
is compared three ways: the base (what the tool wrote when the archive was made or last upgraded, kept in
`.dangan/base/<version>/`), ours (the archive's file now) and theirs (what the installed dangan writes).
Unchanged here: theirs. Changed only here: ours (a company's own field stays). Changed on both sides: a
three-way merge (`git merge-file`); a conflict stops the upgrade with both sides shown, as git shows them,
and nothing is written, unless `favour` settles every conflict for one side. A file new in theirs is added;
one the new version no longer ships is removed when it was not changed here.

An archive made before the base was kept (0.1) takes as base the files of its first commit, the one
`dangan init` made (trailer `Dangan-Act: init`). With neither, there is no base: a file that differs from
theirs is a conflict (a two-way comparison cannot tell the company's change from the tool's), settled by
`favour`.

Then the records: every migration step the archive's version needs (`migrations`), in a round trip that
keeps comments; the policy's `dangan.requires` and `dangan.made_with` move to the installed version; and the
base is replaced by the new one. The result is checked before it is committed: an upgrade that would add an
error to the records is undone.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import bundle, checks, git, init, journal, migrations, transaction, versions
from .audit import HISTORY_CODES, guarded
from .index import Index
from .migrations import MADE_BEFORE_RANGES, Step
from .policy import of as policy_of
from .problems import ERROR, Problem
from .reader import build
from .schemas import SchemaSet, load_schemas
from .yamlstyle import dumps, loads

POLICY = "records/policy.yaml"
ACT = "upgrade"

# what happened to a file, in the words the upgrade prints
THEIRS, MERGED, OURS, ADDED, REMOVED, FAVOURED, MIGRATED, BASE = (
    "theirs", "merged", "ours", "added", "removed", "favoured", "migrated", "base")
WORDS = {THEIRS: "更新 (new version)", MERGED: "合并 (merged with local changes)",
         ADDED: "新增 (added)", REMOVED: "删除 (removed)", FAVOURED: "按所选一方解决冲突 (conflict settled)",
         MIGRATED: "迁移 (migrated)", BASE: "基础副本 (base copy)"}


class UpgradeError(Exception):
    """The upgrade cannot be made; nothing was written."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass
class Change:
    path: str
    before: bytes | None  # None: a new file
    after: bytes | None  # None: removed
    how: str
    notes: list[str] = field(default_factory=list)  # the migration steps that rewrote a record

    def diff(self) -> str:
        old = (self.before or b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = (self.after or b"").decode("utf-8", "replace").splitlines(keepends=True)
        lines = difflib.unified_diff(old, new, "/dev/null" if self.before is None else f"a/{self.path}",
                                     "/dev/null" if self.after is None else f"b/{self.path}")
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


@dataclass
class Conflict:
    path: str
    shown: str  # the conflicting hunks with git's markers, or both sides' difference


@dataclass
class Plan:
    root: Path
    made_with: str
    version: str
    base: str  # where the base came from, in words
    changes: list[Change]
    conflicts: list[Conflict]
    kept: list[str]  # files changed only here, kept as they are
    steps: list[Step]

    @property
    def records(self) -> list[str]:
        return [c.path for c in self.changes if c.how == MIGRATED or c.path == POLICY]


# --- the plan -------------------------------------------------------------------------------------------
def plan(index: Index, *, favour: str | None = None, steps: Iterable[Step] = migrations.STEPS) -> Plan:
    """What the upgrade would change, and its conflicts: computed from the files, writing nothing."""
    root = index.root
    version = versions.installed()
    if not versions.known(version):
        raise UpgradeError("无法确定已安装的 dangan 版本，请重新安装 dangan (the installed dangan has no version)")
    made_with = _made_with(index)
    if versions.parse(version) < versions.parse(made_with):
        raise UpgradeError(f"档案库由较新的 dangan {made_with} 建立或升级，已安装的是 {version}：请安装 "
                           f'"dangan{versions.compatible(made_with)}"，不能降级 (the archive is newer than '
                           "this dangan: no downgrade)")
    try:
        source = bundle.root()
    except bundle.BundleMissing as error:
        raise UpgradeError(str(error)) from None
    name = policy_of(index).organisation.name
    theirs = init.shipped(source, name, versions.compatible(version))
    base, base_from = _base(root, made_with)
    labels = ("本档案库 (ours)", f"dangan {made_with} (base)", f"dangan {version} (theirs)")
    changes: list[Change] = []
    conflicts: list[Conflict] = []
    kept: list[str] = []
    result: dict[str, bytes | None] = {}  # every managed file as it will be

    def settle(path: str, new: bytes | None) -> None:
        ours = _read(root / path)
        outcome = _merge(path, base.get(path) if base is not None else None, ours, new, base is not None,
                         labels, favour)
        if isinstance(outcome, Conflict):
            conflicts.append(outcome)
            result[path] = ours
            return
        after, how = outcome
        result[path] = after
        if how == OURS:
            kept.append(path)
        elif after != ours:
            changes.append(Change(path, ours, after, how))

    for path in sorted((set(theirs) | set(base or {})) - {init.EDITOR_SETTINGS}):
        settle(path, theirs.get(path))
    schemas = _schemas_as_merged(root, result)
    settings = init.editor_settings_text(schemas).encode("utf-8")
    settle(init.EDITOR_SETTINGS, settings)
    due = migrations.due(made_with, version, steps)
    changes += _migrated(index, schemas, due, version)
    changes += _new_base(root, {**theirs, init.EDITOR_SETTINGS: settings}, version)
    return Plan(root, made_with, version, base_from, changes, conflicts, kept, due)


def _made_with(index: Index) -> str:
    """The version the archive was made with or last upgraded to; 0.1.0 for a policy without a `dangan`
    section (0.1 wrote none)."""
    tool = policy_of(index).dangan
    if tool.requires is None and tool.made_with is None:
        return MADE_BEFORE_RANGES
    made = tool.made_with
    if not isinstance(made, str) or not versions.known(made):
        raise UpgradeError(f"records/policy.yaml 的 dangan.made_with（{made!r}）不是版本号：请写上建库或上次升级"
                           "所用的版本，例如 \"0.2.0\" (dangan.made_with is not a version)")
    return made


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


def _base(root: Path, made_with: str) -> tuple[dict[str, bytes] | None, str]:
    """The files as the tool wrote them when the archive was made or last upgraded, and where they came from."""
    folder = root / init.BASE / made_with
    if not folder.is_dir():
        kept = [p for p in (root / init.BASE).glob("*") if p.is_dir()] if (root / init.BASE).is_dir() else []
        folder = kept[0] if len(kept) == 1 else folder
    if folder.is_dir():
        files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
        return files, f"{init.BASE}/{folder.name}/"
    first = _init_commit(root)
    if first is None:
        return None, "无 (none: a two-way comparison)"
    listed = git.text(root, "ls-tree", "-r", "-z", "--name-only", first)
    files = {}
    for path in filter(None, listed.split("\0")):
        if init.managed(path):
            content = git.run(root, "show", f"{first}:{path}", binary=True)
            assert isinstance(content, bytes)
            files[path] = content
    return files, f"建库提交 {first[:10]} (the init commit)"


def _init_commit(root: Path) -> str | None:
    """The archive's first commit when `dangan init` made it: it holds what that version wrote."""
    if not git.is_repository(root):
        return None
    for first in (git.output(root, "rev-list", "--max-parents=0", "HEAD") or "").split():
        acts = git.output(root, "log", "-1", "--format=%(trailers:key=Dangan-Act,valueonly)", first) or ""
        if "init" in acts.split():
            return first
    return None


def _lf(content: bytes | None) -> bytes | None:
    return None if content is None else content.replace(b"\r\n", b"\n")


def _merge(path: str, base: bytes | None, ours: bytes | None, theirs: bytes | None, has_base: bool,
           labels: tuple[str, str, str], favour: str | None) -> tuple[bytes | None, str] | Conflict:
    """One file's outcome: (its content, how) or a Conflict. Compared with Windows' line endings set aside; a
    file of ours written with CRLF keeps them."""
    b, o, t = _lf(base), _lf(ours), _lf(theirs)
    crlf = ours is not None and b"\r\n" in ours

    def written(content: bytes | None) -> bytes | None:
        return content.replace(b"\n", b"\r\n") if crlf and content is not None else content

    if o == t:
        return ours, THEIRS  # the same on both sides: nothing to do
    if has_base and o == b:
        return (written(theirs), ADDED if ours is None else REMOVED if theirs is None else THEIRS)
    if has_base and t == b:
        return ours, OURS
    if not has_base and ours is None:
        return theirs, ADDED
    if not has_base and theirs is None:
        return ours, OURS  # not the tool's any more, and nothing says it ever was: left alone
    if favour:
        if o is not None and t is not None and b is not None:
            merged, _ = git.merge_file(o, b, t, labels, favour)
            return written(merged), FAVOURED
        return (ours, FAVOURED) if favour == "ours" else (written(theirs), FAVOURED)
    if o is not None and t is not None and b is not None:
        merged, count = git.merge_file(o, b, t, labels)
        if count == 0:
            return written(merged), MERGED
        return Conflict(path, _hunks(path, merged.decode("utf-8", "replace")))
    why = ("本地删除了它，新版本改动了它 (deleted here, changed by the new version)" if ours is None else
           "新版本不再包含它，本地改动过它 (changed here, no longer shipped)" if theirs is None else
           "没有基础副本，无法分辨本地改动和新版本的改动 (no base: local and new changes cannot be told apart)"
           if not has_base else "两边都新增了它，内容不同 (added on both sides, differently)")
    shown = Change(path, ours, theirs, "").diff()
    return Conflict(path, f"{path}: {why}\n{shown}")


def _hunks(path: str, merged: str, context: int = 3) -> str:
    """The conflicting regions of a merged file, with a few lines around each and where they are."""
    lines = merged.splitlines()
    out, i = [], 0
    while i < len(lines):
        if not lines[i].startswith("<<<<<<< "):
            i += 1
            continue
        end = i
        while end < len(lines) and not lines[end].startswith(">>>>>>> "):
            end += 1
        start, stop = max(0, i - context), min(len(lines), end + 1 + context)
        out.append(f"{path}:{i + 1}:")
        out += [f"  {line}" for line in lines[start:stop]]
        i = end + 1
    return "\n".join(out)


def _schemas_as_merged(root: Path, result: dict[str, bytes | None]) -> SchemaSet:
    """The archive's schemas as the upgrade leaves them (for the editor settings and the migrations)."""
    with tempfile.TemporaryDirectory(prefix="dangan-upgrade-") as folder:
        target = Path(folder) / bundle.SCHEMAS
        target.mkdir()
        for path in sorted((root / bundle.SCHEMAS).glob("*.schema.json")):
            (target / path.name).write_bytes(path.read_bytes())
        for path, content in result.items():
            if path.startswith(f"{bundle.SCHEMAS}/"):
                (Path(folder) / path).unlink(missing_ok=True)
                if content is not None:
                    (Path(folder) / path).write_bytes(content)
        schemas = load_schemas(target, Path(folder))
        if schemas.problems:
            raise UpgradeError("升级后的 schema 无法使用，未写入任何文件 (the upgraded schemas would not be usable; "
                               "nothing was written)", schemas.problems)
        return schemas


def _migrated(index: Index, schemas: SchemaSet, steps: list[Step], version: str) -> list[Change]:
    """The records the migration steps rewrite, and the policy's `dangan` section moved to `version`."""
    root = index.root
    data: dict[str, Any] = {}
    notes: dict[str, list[str]] = {}

    def loaded(rel: str) -> Any:
        if rel not in data:
            data[rel] = loads((root / rel).read_bytes().decode("utf-8-sig").replace("\r\n", "\n"))
        return data[rel]

    for step in steps:
        if step.kind == "policy":
            files = [POLICY]
        else:
            folder = schemas.annotations(step.kind).get("folder") or index.schemas.annotations(step.kind).get("folder")
            files = [r.file for r in index.of(step.kind).values()] if folder else []
        for rel in sorted(files):
            if step.change(loaded(rel)):
                notes.setdefault(rel, []).append(step.description)
    policy = loaded(POLICY)
    if "dangan" not in policy:
        migrations.add_tool_section(policy)
    tool = policy["dangan"]
    for key, value in (("requires", versions.compatible(version)), ("made_with", version)):
        if tool.get(key) != value:
            tool[key] = value
            notes.setdefault(POLICY, []).append(f"dangan.{key}: {value}")
    out = []
    for rel in sorted(notes):
        before = (root / rel).read_bytes()
        text = dumps(data[rel])
        after = (text.replace("\n", "\r\n") if b"\r\n" in before else text).encode("utf-8")
        if before.startswith(b"\xef\xbb\xbf"):
            after = b"\xef\xbb\xbf" + after
        if after != before:
            out.append(Change(rel, before, after, MIGRATED, notes[rel]))
    return out


def _new_base(root: Path, files: dict[str, bytes], version: str) -> list[Change]:
    """The base replaced: the installed version's files in `.dangan/base/<version>/`, every other base gone."""
    wanted = {f"{init.BASE}/{version}/{path}": content for path, content in files.items()}
    present = {}
    if (root / init.BASE).is_dir():
        present = {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / init.BASE).rglob("*")
                   if p.is_file()}
    changes = [Change(path, present.get(path), content, BASE) for path, content in sorted(wanted.items())
               if present.get(path) != content]
    changes += [Change(path, content, None, BASE) for path, content in sorted(present.items()) if path not in wanted]
    return changes


# --- the dry run's and the upgrade's words -------------------------------------------------------------
def describe(plan: Plan, *, diffs: bool) -> str:
    """What the upgrade changes (with every file's diff for a dry run), or its conflicts."""
    out = [f"dangan {plan.made_with} → {plan.version}（基础 / base：{plan.base}）"]
    if plan.conflicts:
        out.append(f"冲突：{len(plan.conflicts)} 个文件两边都改动了同一处，未写入任何文件。在本地解决（按新版本改写"
                   "或撤销本地改动）后重新运行，或用 --ours（保留本地）/ --theirs（采用新版本）解决每一处冲突。")
        out.append(f"Conflicts in {len(plan.conflicts)} file(s): nothing was written. Resolve them here and run "
                   "again, or settle every conflict with --ours (keep the local side) or --theirs (the new version).")
        for conflict in plan.conflicts:
            out += ["", conflict.shown]
        return "\n".join(out)
    base = [c for c in plan.changes if c.how == BASE]
    for change in plan.changes:
        if change.how == BASE:
            continue
        line = f"  {WORDS[change.how]}: {change.path}"
        out.append(line + "".join(f"\n      {note}" for note in change.notes))
    for path in plan.kept:
        out.append(f"  保留本地改动 (kept as changed here): {path}")
    if base:
        out.append(f"  {WORDS[BASE]}: {init.BASE}/{plan.version}/（{len(base)} 个文件 / files）")
    if diffs:
        out += ["", *(c.diff() for c in plan.changes if c.how != BASE)]
    return "\n".join(out).rstrip("\n")


def message(plan: Plan) -> str:
    return f"升级到 dangan {plan.version}（自 {plan.made_with}）(dangan upgrade)"


def new_errors(before: Index, after: Index) -> list[Problem]:
    """Errors the upgraded archive has that it had not (the repository's own checks aside)."""
    def key(p: Problem) -> tuple:
        return (p.code, p.record or p.file, p.field, tuple(sorted((k, str(v)) for k, v in p.args.items())))

    if after.schemas.problems:
        return list(after.schemas.problems)
    old = {key(p) for p in checks.run(before, records_only=True) if p.severity == ERROR}
    return [p for p in checks.run(after, records_only=True) if p.severity == ERROR and key(p) not in old
            and not p.code.startswith(HISTORY_CODES)]


# --- the upgrade ------------------------------------------------------------------------------------------
def apply(plan: Plan, index: Index, actor: str | None, folder: Path, *, commit: bool = True) -> list[str]:
    """Write the plan, check the result and commit it as one act (`Dangan-Act: upgrade`) of `actor`, the git
    user; on any failure every file goes back to what it was. `folder`: the lock's, for the journal."""
    root = plan.root
    if plan.conflicts:
        raise UpgradeError("有冲突，未写入任何文件 (conflicts: nothing was written)")
    if not git.is_repository(root):
        raise UpgradeError(f"{root} 不是 git 仓库的根目录：升级是一次提交 (the archive is not a git repository)")
    paths = [c.path for c in plan.changes]
    status = git.output(root, "status", "--porcelain", "--untracked-files=all", "--", *paths)
    if status:
        raise UpgradeError("升级要改写的文件有未提交的改动：先提交或撤销它们，再升级 (uncommitted changes in files the "
                           f"upgrade rewrites)\n{status}")
    _verify(index, actor, plan)
    entries = [journal.Entry(c.path, c.before, c.after) for c in plan.changes]
    records = [f"{kind}/{rid}" for kind, rid in (_record_of(index, c.path) for c in plan.changes
                                                 if c.how == MIGRATED and c.path != POLICY) if kind]
    try:
        with journal.recorded(folder, root, ACT, message(plan), entries):
            for change in plan.changes:
                _write(root, change)
            problems = new_errors(index, build(root))
            if problems:
                raise UpgradeError("升级后的档案库会有新的错误，已撤销，未留下任何改动 (the upgraded archive would "
                                   "have new errors; undone)", problems)
            git.run(root, "add", "--all", "--", *paths)
            if commit:
                transaction.commit(root, message(plan), [ACT], records, paths=paths,
                                   sign=policy_of(index).signatures.mode == "required",
                                   trailers={"Dangan-Upgrade": f"{plan.made_with} -> {plan.version}"})
    except (transaction.Refused, git.GitError) as error:
        raise UpgradeError(f"{error}；已撤销，未留下任何改动 (undone: nothing was left)") from None
    except OSError as error:
        raise UpgradeError(f"写入 {error.filename or ''} 失败：{error.strerror or error}；已撤销，未留下任何改动"
                           " (writing failed; undone)") from None
    return paths


def _record_of(index: Index, rel: str) -> tuple[str | None, str | None]:
    if rel == POLICY:
        return "policy", "policy"
    for record in index:
        if record.file == rel:
            return record.kind, record.id
    return None, None


def _verify(index: Index, actor: str | None, plan: Plan) -> None:
    """The upgrade changes the schemas, the site's configuration and the policy: a change of the rules, made
    by a role of `approvals.policy` (and a migrated record an act signed: `approvals.amendment`), as the audit
    will judge it once committed."""
    tx = transaction.Transaction(index, actor)
    for change in plan.changes:
        if change.how != MIGRATED and guarded(change.path) is None:
            continue
        kind, rid = _record_of(index, change.path)
        data = loads(change.after.decode("utf-8-sig")) if change.after and change.how == MIGRATED else None
        tx.staged[change.path] = transaction.Staged(kind or "", rid or change.path, change.path, data, change.before)
    try:
        tx.verify()
    except transaction.Refused as refused:
        raise UpgradeError(str(refused)) from None


def _write(root: Path, change: Change) -> None:
    """One file written (temporary file, fsync, rename) or removed, never outside the archive nor through a
    symbolic link; a folder the removal leaves empty goes too."""
    path = root / change.path
    inside = root.resolve()
    if not path.parent.resolve().is_relative_to(inside) or path.is_symlink():
        raise UpgradeError(f"{change.path} 不在档案库中或是符号链接，拒绝写入 (outside the archive or a link)")
    if change.after is None:
        path.unlink(missing_ok=True)
        parent = path.parent
        while parent.resolve() != inside and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(change.after)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    journal.sync_folder(path.parent)
