"""Which values of the archive are kept encrypted, for whom, and opening them in memory (issue 20).

- **Which**: a field the schemas mark `x-sensitive` (it accepts the encrypted form) whose `x-personal` style is
  one of the policy's `encryption.styles`; in a sealed record (`confidentiality: sealed`) every marked field
  when `encryption.sealed_records`. An empty value, or one already masked (a mobile noted as 137****9922),
  holds nothing to hide and may stay plain.
- **For whom** (`Recipients`): the staff in office holding a role of `encryption.roles` (their SSH keys: age
  encrypts to ssh-ed25519 and ssh-rsa keys), the owner of the record's customer when `owner_reads`, and the
  policy's own `recipients` (the CI key, a key kept in the safe).
- **Opening** (`reveal`): after the index is built and the record store written, with an identity, every
  encrypted value is replaced by its plain text in the index's records, in memory only; what was opened is
  noted (`REVEALED`) so that the check of plain values still judges the files as written. Nothing opened is
  ever stored: the record store holds the files' values, and the rules' cache is not used on an opened index.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import crypto
from .index import Index
from .policy import Encryption
from .policy import of as policy_of
from .schemas import FieldInfo, values_at

REVEALED = "encryption: revealed"  # Index.derived: (record key, path) -> the encrypted value opened in memory
KEYS = "encryption: keys"  # Index.derived: the identities the index was opened with
STILL_SEALED = "encryption: unopened"  # Index.derived: how many encrypted values stayed closed
SEALED = "sealed"
MASKED = "****"


def settings(index: Index) -> Encryption:
    return policy_of(index).encryption


def sensitive_fields(index: Index) -> dict[str, list[FieldInfo]]:
    """Per kind, the fields the schemas mark `x-sensitive`."""
    found = index.derived.get("encryption: fields")
    if found is None:
        found = index.derived["encryption: fields"] = {
            kind: [info for info in index.schemas.fields(kind).values() if info.schema.get("x-sensitive")]
            for kind in index.schemas.kinds}
    return found


def _must(enc: Encryption, info: FieldInfo, data: Any) -> bool:
    if info.schema.get("x-personal") in enc.styles:
        return True
    return enc.sealed_records and isinstance(data, dict) and data.get("confidentiality") == SEALED


def needs_sealing(value: Any) -> bool:
    """Whether a value of a field that must be encrypted is written in the clear and holds something."""
    return isinstance(value, str) and bool(value.strip()) and not crypto.is_token(value) and MASKED not in value


def values(index: Index, kind: str, data: Any, *, every: bool = False) -> Iterator[tuple[tuple, Any, str]]:
    """(path, value, style) of a record's values that must be kept encrypted (`every`: of every marked field)."""
    enc = settings(index)
    for info in sensitive_fields(index).get(kind, ()):
        if every or _must(enc, info, data):
            for path, value in values_at(data, info.path):
                yield path, value, str(info.schema.get("x-personal") or "")


def put(data: Any, path: tuple, value: Any) -> None:
    """Set the value at a concrete path of nested mappings and lists (which exists)."""
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


# --- recipients -------------------------------------------------------------------------------------
def in_office(person: Any, today: dt.date | None = None) -> bool:
    left = person.get("left_on")
    return not (isinstance(left, str) and left <= (today or dt.date.today()).isoformat())


@dataclass
class Recipients:
    """Who each record's values are encrypted to (see the module's docstring); pyrage recipients made once."""

    index: Index
    readers: list[str] = field(default_factory=list)  # the key texts every value goes to
    _made: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        enc = settings(self.index)
        keys = list(enc.recipients)
        for person in sorted(self.index.of("staff").values(), key=lambda r: r.id):
            if in_office(person) and set(person.get("roles") or ()) & set(enc.roles):
                keys += [k for k in person.get("ssh_keys") or () if isinstance(k, str)]
        self.readers = [k for k in dict.fromkeys(keys) if self.made(k) is not None]

    def made(self, key: str) -> Any:
        if key not in self._made:
            self._made[key] = crypto.recipient(key)
        return self._made[key]

    def owner(self, kind: str, data: Any) -> str | None:
        """The staff member who owns the record's customer (the customer itself, or the one it names)."""
        if not isinstance(data, dict):
            return None
        if kind == "customer":
            return data.get("owner") if isinstance(data.get("owner"), str) else None
        customer = self.index.get("customer", data.get("customer"))
        owner = customer.get("owner") if customer is not None else None
        return owner if isinstance(owner, str) else None

    def keys(self, kind: str, data: Any) -> list[str]:
        """The key texts a record's values go to."""
        keys = list(self.readers)
        owner = self.owner(kind, data) if settings(self.index).owner_reads else None
        person = self.index.get("staff", owner) if owner else None
        if person is not None and in_office(person):
            keys += [k for k in person.get("ssh_keys") or () if isinstance(k, str) and self.made(k) is not None]
        return list(dict.fromkeys(keys))

    def of(self, kind: str, data: Any) -> list[Any]:
        return [self.made(k) for k in self.keys(kind, data)]

    def everyone(self) -> list[Any]:
        """Who holds the digest key: the readers of every value (roles and the policy's recipients), not the
        owners: with it one could test guesses of a mobile against the digests of the whole archive."""
        return [self.made(k) for k in self.readers]


# --- identities and the digest key ------------------------------------------------------------------
def key_path(option: str | None = None) -> str | None:
    """The identity file: `--key`, else DANGAN_KEY, else none."""
    return option or os.environ.get("DANGAN_KEY") or None


def digester(index: Index, keys: list[Any] | None = None) -> crypto.Digester | None:
    """The digest key opened with the index's identities (or `keys`), or None."""
    cached = index.derived.get("encryption: digester", False)
    if cached is not False and keys is None:
        return cached
    key = crypto.read_digest_key(index.root, keys if keys is not None else index.derived.get(KEYS) or [])
    found = crypto.Digester(key) if key else None
    if keys is None:
        index.derived["encryption: digester"] = found
    return found


# --- opening ----------------------------------------------------------------------------------------
def reveal(index: Index, keys: list[Any], known: dict[str, str] | None = None) -> tuple[int, int]:
    """Open every encrypted value of the index's records in memory (see the module's docstring): the values the
    identities (or `known`: value -> plain text, what an act has just encrypted) open; (opened, still closed)."""
    index.derived[KEYS] = keys
    revealed = index.derived.setdefault(REVEALED, {})
    opened = closed = 0
    for kind in sensitive_fields(index):
        if not sensitive_fields(index)[kind]:
            continue
        for record in index.records.get(kind, {}).values():
            for path, value, _ in values(index, kind, record.data, every=True):
                if not crypto.is_token(value):
                    continue
                plain = (known or {}).get(value)
                if plain is None:
                    plain = crypto.unseal(value, keys)
                if plain is None:
                    closed += 1
                    continue
                put(record.data, path, plain)
                revealed[(record.key, path)] = value
                opened += 1
    index.derived[STILL_SEALED] = closed
    return opened, closed


def reveal_overlay(before: Index, after: Index, known: dict[str, str]) -> None:
    """An act's new state opened as its current one was: the records it did not change keep their opened values
    (and the note of them), the ones it wrote are opened with the same identities and what it encrypted itself."""
    keys = before.derived.get(KEYS)
    if keys is None and not known:
        after.derived[STILL_SEALED] = before.derived.get(STILL_SEALED, 0)
        return
    unchanged = {r.key for r in after if before.records.get(r.kind, {}).get(r.id) is r}
    after.derived[REVEALED] = {k: v for k, v in before.derived.get(REVEALED, {}).items() if k[0] in unchanged}
    reveal(after, keys or [], known)
    if keys is None:
        after.derived.pop(KEYS, None)


def revealed(index: Index) -> bool:
    """Whether values of this index were opened in memory (its problems may hold plain text)."""
    return bool(index.derived.get(REVEALED))


def was_revealed(index: Index, record_key: str, path: tuple) -> bool:
    return (record_key, tuple(path)) in index.derived.get(REVEALED, ())


def as_written(index: Index, record_key: str, path: tuple, value: Any) -> Any:
    """A value as the file holds it: the encrypted form of a value opened in memory."""
    return index.derived.get(REVEALED, {}).get((record_key, tuple(path)), value)


def open_index(index: Index, option: str | None = None) -> None:
    """Open the index with the identity of `--key` or DANGAN_KEY, when one is given (`crypto.KeyProblem` if
    it cannot be used); without one, count what stays closed."""
    path = key_path(option)
    if path:
        reveal(index, crypto.identities(path))
    else:
        index.derived[STILL_SEALED] = sum(  # only the records that hold the marker are decoded
            1 for kind in sensitive_fields(index) for record in index.records.get(kind, {}).values()
            if record.may_hold(crypto.PREFIX)
            for _, value, _ in values(index, kind, record.data, every=True) if crypto.is_token(value))


# --- sealing ----------------------------------------------------------------------------------------
def seal_values(index: Index, kind: str, data: Any, recipients: Recipients,
                digests: crypto.Digester | None) -> dict[str, str]:
    """Encrypt, in place, every value of `data` that must be kept encrypted and is plain; the values written
    (encrypted value -> plain text)."""
    made: dict[str, str] = {}
    to = None
    for path, value, style in list(values(index, kind, data)):
        if not needs_sealing(value):
            continue
        if to is None:
            to = recipients.of(kind, data)
        token = crypto.seal(value, to, digests.digest(style, value) if digests else "")
        put(data, path, token)
        made[token] = value
    return made


def recipients_of(index: Index) -> Recipients:
    found = index.derived.get("encryption: recipients")
    if found is None:
        found = index.derived["encryption: recipients"] = Recipients(index)
    return found


def enabled(index: Index) -> bool:
    return settings(index).enabled


def digest_key_exists(root: Path) -> bool:
    return (root / crypto.DIGEST_KEY_FILE).is_file()
