"""The rules in force after a commit: the policy and the staff as the history held them then.

`audit` rebuilds one `State` per commit from the history index and judges each commit by its
parent's. A state knows who a commit e-mail and a key fingerprint belonged to, each person's
roles and employment, the signature mode, and who may approve what (`approvals`, with the
policy's defaults where it is silent). A version of the policy that fails its schema is read all the
same (`policy.read` never raises): the history judges what was in force, not what should have been.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .history import Change
from .policy import Policy
from .policy import read as read_policy
from .signers import fingerprint

MODES = {"off": 0, "warn": 1, "required": 2}
POLICY_FILE = "records/policy.yaml"


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    emails: frozenset[str]
    keys: frozenset[str]  # fingerprints
    roles: frozenset[str]
    joined: str | None
    left: str | None


def _person(path: str, data: Any) -> Person | None:
    if not isinstance(data, dict):
        return None
    sid = data.get("id") if isinstance(data.get("id"), str) else path.rsplit("/", 1)[-1].removesuffix(".yaml")

    def strings(key: str) -> list[str]:
        value = data.get(key)
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    keys = frozenset(k for k in (fingerprint(v) for v in strings("ssh_keys")) if k)
    joined, left = data.get("joined_on"), data.get("left_on")
    return Person(sid, frozenset(e.lower() for e in strings("emails")), keys, frozenset(strings("roles")),
                  joined if isinstance(joined, str) else None, left if isinstance(left, str) else None)


class State:
    """The rules in force after one commit: its policy and its staff."""

    def __init__(self, policy: Policy, staff: dict[str, Person]):
        self.policy = policy
        self.staff = staff  # file path -> person
        self.by_email = {e: p.id for p in staff.values() for e in p.emails}
        self.by_key = {k: p.id for p in staff.values() for k in p.keys}
        self.people = {p.id: p for p in staff.values()}

    def updated(self, changes: list[Change]) -> State:
        policy, staff = self.policy, dict(self.staff)
        for change in changes:
            if change.path == POLICY_FILE:
                policy = read_policy(change.data if change.status != "D" else None)
                continue
            if change.old_path:
                staff.pop(change.old_path, None)
            found = _person(change.path, change.data) if change.status != "D" else None
            if found is None:
                staff.pop(change.path, None)
            else:
                staff[change.path] = found
        return State(policy, staff)

    @property
    def mode(self) -> str:
        mode = self.policy.signatures.mode
        return mode if mode in MODES else "off"

    @property
    def since(self) -> str:
        return self.policy.signatures.since

    @property
    def separate(self) -> bool:
        return self.policy.signatures.separate_commits

    def approvers(self, what: str) -> tuple[str, ...]:
        return self.policy.approvals(what)

    def may(self, staff_id: str | None, what: str) -> bool:
        person = self.people.get(staff_id or "")
        return person is not None and bool(person.roles & set(self.approvers(what)))


EMPTY = State(Policy(), {})
