"""`dangan demo DIR`: the demo archive as a git repository with an honest, signed history.

Every act of every record (the fields the schema marks ``x-signed-by``) is replayed in
date order as a commit by the staff member who performed it, signed with that person's
own SSH key (made here with ssh-keygen and registered in their staff record), with
`signatures.mode: required` in the policy. Acts of one person on one day share a
commit; different people never do. The archivist seals each year's history with a signed
tag (`dangan seal`).
"""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .. import bundle, crypto, encryption, git, seals
from ..acts import Act, acts
from ..index import Index
from ..record import Record
from ..schemas import load_schemas
from ..transaction import atomic_write, commit
from ..yamlstyle import dumps
from .records import demo_records, folders
from .write import yaml

# who opens a record, and on which day, by kind (before any of its acts)
CREATOR = {"customer": ("created", "by"), "dossier": ("manager_a",), "certificate": ("listed_by",),
           "loan": ("borrower",), "visit": ("staff",), "complaint": ("received", "by"), "contract": ("handled_by",),
           "survey": ("staff",), "disposal": ("executed_by",), "review": ("reviewed", "by"),
           "report": ("submitted", "by")}
OPENED = {"customer": ("created", "date"), "dossier": ("project_end",), "certificate": ("received", "date"),
          "loan": ("lent", "date"), "visit": ("date",), "complaint": ("received", "date"), "contract": ("signed_on",),
          "survey": ("date",), "disposal": ("approved", "date"), "review": ("reviewed", "date"),
          "report": ("submitted", "date")}
FOUNDER = "S002"  # the general manager sets the archive up


@dataclass
class Event:
    date: str
    signer: str
    record: Record
    acts: list[Act] = field(default_factory=list)  # empty: the record is opened


class DemoError(RuntimeError):
    pass


def _git(root: Path, *args: str) -> str:
    try:
        return git.text(root, *args)
    except git.GitError as error:
        raise DemoError(str(error)) from None


def _remove(data: Any, path: tuple) -> None:
    node = data
    for part in path[:-1]:
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if (isinstance(node, dict) and part in node) or in_list:
            node = node[part]
        else:
            return
    last = path[-1]
    if isinstance(node, dict):
        node.pop(last, None)
    elif isinstance(node, list) and isinstance(last, int) and last < len(node):
        node.pop(last)


def state(record: Record, pending: list[Act]) -> dict:
    """The record as it stood with the `pending` acts not yet done."""
    data = copy.deepcopy(record.data)
    for path in sorted({p for act in pending for p in act.fields}, key=_sort_key, reverse=True):
        _remove(data, path)
    if record.kind == "dossier" and any(a.path[0] == "handover" for a in pending):
        received = [s for s in data.get("handover") or [] if s.get("received_on")]
        data["status"] = "with_b" if received else "preparing"
        data.pop("location", None)
    for key in [k for k, v in data.items() if v in ({}, [])]:
        del data[key]
    return data


def _sort_key(path: tuple) -> tuple:
    return tuple((0, p) if isinstance(p, int) else (1, str(p)) for p in path)


def signed_acts(index: Index) -> dict[str, list[Act]]:
    """Every record's acts that name a person and a day."""
    return {r.key: [a for a in acts(index, r) if a.signer and a.date] for r in index}


def events(index: Index, record_acts: dict[str, list[Act]]) -> list[Event]:
    out: list[Event] = []
    for record in index:
        if record.kind == "staff":
            continue
        done = record_acts[record.key]
        creator = record.get(*CREATOR.get(record.kind, ("-",))) or (done[0].signer if done else FOUNDER)
        opened = record.get(*OPENED.get(record.kind, ("-",)))
        first = min([a.date for a in done], default=opened or "2014-01-01")
        opened = min(opened, first) if isinstance(opened, str) else first
        out.append(Event(opened, creator, record))
        grouped: dict[tuple[str, str], list[Act]] = defaultdict(list)
        for act in done:
            grouped[(act.date, act.signer)].append(act)
        for (date, signer), group in grouped.items():
            out.append(Event(date, signer, record, group))
    # a day's work: records opened first, then acts in the order of their place in the record
    # (so that list items, e.g. supervisors, keep their index), then by person
    return sorted(out, key=lambda e: (e.date, bool(e.acts), min((_sort_key(a.path) for a in e.acts), default=()),
                                      e.signer, e.record.key))


def _keys(root: Path, keydir: Path, index: Index) -> dict[str, Path]:
    keydir.mkdir(parents=True, exist_ok=True)
    out = {}
    for person in index.of("staff").values():
        key = keydir / person.id
        if not key.exists():
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", person.id, "-f", str(key)],
                           check=True)
        out[person.id] = key
    return out


def build(target: Path) -> int:
    """Build the demo repository at `target` (which must not exist or be empty); return the commit count."""
    if target.exists() and any(target.iterdir()):
        raise DemoError(f"{target} 不是空目录 (not empty)")
    target = target.resolve()  # git runs inside it: the signing keys' paths must not be relative to here
    target.mkdir(parents=True, exist_ok=True)
    source = bundle.root()
    schemas = load_schemas(source / bundle.SCHEMAS, source)
    index = Index(target, schemas)
    kinds = folders()
    for kind, rid, data in demo_records():
        record = Record(kind, rid, f"records/{kinds[kind]}/{rid}.yaml", data, {}, {})
        index.records.setdefault(kind, {})[rid] = record
    pending = signed_acts(index)
    timeline = events(index, pending)
    start = timeline[0].date if timeline else "2014-01-01"
    keys = _keys(target, target / ".demo-keys", index)
    shutil.copytree(source / bundle.SCHEMAS, target / "schemas")
    shutil.copy(source / bundle.MKDOCS, target / "mkdocs.yml")  # the site: dangan site build --root DIR
    shutil.copytree(source / bundle.SITE, target / "site", ignore=shutil.ignore_patterns("__pycache__"))
    (target / ".gitignore").write_text(".dangan-cache/\n.demo-keys/\npublic/\npublic-internal/\n", encoding="utf-8")
    _policy(target, start, _ci_key(target / ".demo-keys"))
    dumper = yaml()
    for person in index.of("staff").values():
        person.data["ssh_keys"] = [keys[person.id].with_suffix(".pub").read_text().strip()]
        _write(target, person.file, person.data, dumper)
    encrypting = Sealer(target, index)
    _git(target, "init", "-q", "-b", "main")
    founding = (dt.date.fromisoformat(start) - dt.timedelta(days=1)).isoformat()
    commits = [_commit(target, index, keys, FOUNDER, founding, "建立档案库：制度、schema 和员工名册", [], 0)]
    minute: dict[str, int] = defaultdict(int)
    sealer, previous = _sealer(index), founding
    for day, signer, group in _commits(timeline):
        if day[:4] != previous[:4]:  # a new year: seal the last one's history
            _seal(target, index, keys, sealer, commits[-1], previous[:4])
        previous = day
        for event in group:
            if event.acts:
                done = {id(a) for a in event.acts}
                pending[event.record.key] = [a for a in pending[event.record.key] if id(a) not in done]
            _write(target, event.record.file,
                   encrypting.seal(event.record, state(event.record, pending[event.record.key])), dumper)
        minute[day] += 1
        commits.append(_commit(target, index, keys, signer, day, _message(index, group),
                               [e.record.file for e in group], minute[day], group))
    _seal(target, index, keys, sealer, commits[-1], previous[:4])
    return len(commits)


def _sealer(index: Index) -> str:
    """The archivist who seals each year's history (the founder when there is none)."""
    found = sorted(r.id for r in index.of("staff").values() if "archivist" in (r.get("roles") or [])
                   and not r.get("left_on"))
    return found[0] if found else FOUNDER


def _seal(root: Path, index: Index, keys: dict[str, Path], sealer: str, commit: str, year: str) -> None:
    """The year-end seal: a signed tag over the year's last commit, by the archivist."""
    person = index.get("staff", sealer)
    author = (person.get("name"), person.get("emails")[0]) if person else (sealer, f"{sealer.lower()}@example.invalid")
    seals.make(root, commit, f"{seals.PREFIX}{year}1231-180000", f"档案封印：{year} 年度\n\n封存提交 {commit}。",
               author=author, key=keys[sealer], when=f"{year}-12-31T18:00:00+08:00")


def _commits(timeline: list[Event]):
    """Group a day's events by person: one commit each — unless another person's commit that day already
    holds a later act on the same record (the second of two supervisors): then the person's later events
    start a commit of their own, so that every record's acts are committed in the timeline's order."""
    groups: list[tuple[tuple[str, bool, str], list[Event]]] = []
    latest: dict[tuple[str, bool, str], int] = {}  # a person's day -> their group that takes new events
    for event in timeline:
        key = (event.date, bool(event.acts), event.signer)
        at = latest.get(key)
        if at is None or any(e.record.key == event.record.key for _, group in groups[at + 1:] for e in group):
            groups.append((key, []))
            at = latest[key] = len(groups) - 1
        groups[at][1].append(event)
    for (day, _, signer), group in groups:
        yield day, signer, group


def _message(index: Index, group: list[Event]) -> str:
    names = [e.record.key for e in group]
    opened = [e for e in group if not e.acts]
    if opened:
        head = f"新建 {len(opened)} 条记录" if len(opened) > 1 else f"新建 {opened[0].record.key}"
    else:
        labels = sorted({index.schemas.label(e.record.kind, a.path[:-1] if a.path[-1] == "date" else a.path)
                         for e in group for a in e.acts})
        head = "、".join(labels[:3]) + (f"：{names[0]}" if len(names) == 1 else f"（{len(names)} 条记录）")
    return head


def _commit(root: Path, index: Index, keys: dict[str, Path], signer: str, day: str, message: str,
            files: list[str], minute: int, group: list[Event] | None = None) -> str:
    """The same commit as every act's (transaction.commit): as the signer, with their key, on the act's day."""
    person = index.get("staff", signer)
    name = person.get("name") if person else signer
    email = (person.get("emails") or [f"{signer.lower()}@example.invalid"])[0] if person else signer
    stamp = f"{day}T{9 + minute // 60:02d}:{minute % 60:02d}:00+08:00"
    acts_ = [a.flat for event in group or [] for a in event.acts]
    records_ = [event.record.key for event in group or []]
    _git(root, "add", "--all", *(["--", *files] if files else []))
    commit(root, message, acts_, records_, sign=True, author=(name, email), key=keys.get(signer, keys[FOUNDER]),
           when=stamp)
    return _git(root, "rev-parse", "HEAD").strip()


def _write(root: Path, rel: str, data: dict, dumper: YAML) -> None:
    """Written as every act writes a record (transaction's atomic write, the archive's YAML style)."""
    path = root / rel
    original = path.read_bytes() if path.exists() else None
    atomic_write(root, rel, rel, dumps(data), original)


DEMO_KEYS_README = """# 示例档案库的密钥 / the demo archive's keys

仅供演示，切勿用于真实档案 (demo only: never use them for a real archive)。

- `S001` … `S0xx`（及 .pub）：各员工签名提交的 SSH 密钥，也用于解密（age 可加密给 ssh-ed25519 公钥）。
- `ci.age`：CI 的 age 密钥；`dangan --key .demo-keys/ci.age check` 解密全部加密值并运行全部检查。

本目录不提交（.gitignore）。/ This folder is not committed.
"""


def _ci_key(folder: Path) -> str:
    """The demo's CI age key (in .demo-keys/, with a README saying they are demo-only): its public key."""
    folder.mkdir(parents=True, exist_ok=True)
    text, public = crypto.new_identity()
    (folder / "ci.age").write_text(text, encoding="utf-8")
    (folder / "README.md").write_text(DEMO_KEYS_README, encoding="utf-8")
    return public


class Sealer:
    """The demo's records written as every act writes them: the values the policy names encrypted (issue 20). A
    value keeps its encrypted form from one commit to the next while it and its recipients stay the same."""

    def __init__(self, root: Path, index: Index):
        index.policy = Record("policy", "policy", "records/policy.yaml", _read_policy(root), {}, {})
        index.derived.pop("policy", None)
        self.index = index
        self.recipients = encryption.Recipients(index)
        key = crypto.write_digest_key(root, self.recipients.everyone())
        self.digests = crypto.Digester(key)
        self.made: dict[tuple, str] = {}

    def seal(self, record: Record, data: dict) -> dict:
        data = copy.deepcopy(data)
        if not encryption.enabled(self.index):
            return data
        to = None
        for path, value, style in list(encryption.values(self.index, record.kind, data)):
            if not encryption.needs_sealing(value):
                continue
            keys = tuple(self.recipients.keys(record.kind, data))
            made = self.made.get((record.key, path, value, keys))
            if made is None:
                to = to or self.recipients.of(record.kind, data)
                made = self.made[(record.key, path, value, keys)] = crypto.seal(
                    value, to, self.digests.digest(style, value))
            encryption.put(data, path, made)
        return data


def _read_policy(root: Path) -> dict:
    with (root / "records" / "policy.yaml").open(encoding="utf-8") as handle:
        return yaml().load(handle)


def _policy(target: Path, start: str, ci_recipient: str) -> None:
    """The demo's policy, with signatures required from the first act on, and its values encrypted (to the
    GM, the archivists, each customer's owner and the demo's CI key)."""
    loader = yaml()
    with bundle.policy().open(encoding="utf-8") as handle:
        policy = loader.load(handle)
    policy["signatures"]["mode"] = "required"
    policy["signatures"]["since"] = start
    policy["encryption"]["enabled"] = True
    policy["encryption"]["recipients"] = [ci_recipient]  # never the repository's demo key (demo-keys/)
    (target / "records").mkdir(parents=True, exist_ok=True)
    with (target / "records" / "policy.yaml").open("w", encoding="utf-8", newline="\n") as out:
        loader.dump(policy, out)
