"""The repository's demo archive encrypted as the policy says (issue 20), byte-stable from one run to the next.

age output is random, so a value that has not changed keeps the encrypted form the committed file already
holds: the one at the same place of the same record, when its keyed digest is the digest of the new plain
text and it was made for the same recipients (its X25519 stanzas as many as the `age1…` keys, its SSH tags
those of the SSH keys: both read from the age header, no decryption). The digest key (keys/digest-key.age)
is kept too; it and the demo's CI identity (demo-keys/ci.age, committed: demo only) make the digests.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from .. import bundle, crypto, encryption
from ..index import Index
from ..record import Record
from ..yamlstyle import round_trip
from .records import folders, schemas

DEMO_KEY = "demo-keys/ci.age"  # the demo's CI identity, committed in the repository (demo only)


def demo_key(root: Path) -> Path:
    """The demo's identity file: ROOT's, else the source checkout's."""
    here = root / DEMO_KEY
    checkout = bundle.checkout()
    return here if here.is_file() or checkout is None else checkout / DEMO_KEY


def _policy(root: Path) -> dict:
    """ROOT's policy, else (none, or not a mapping) the repository's."""
    for path in (root / "records" / "policy.yaml", bundle.policy()):
        try:
            with path.open(encoding="utf-8") as handle:
                found = round_trip().load(handle)
        except OSError:
            continue
        if isinstance(found, dict):
            return found
    return {}


def _previous(root: Path, kind: str, rid: str) -> Any:
    path = root / "records" / folders()[kind] / f"{rid}.yaml"
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None


def _at(data: Any, path: tuple) -> Any:
    for part in path:
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not (in_list or (isinstance(data, dict) and part in data)):
            return None
        data = data[part]
    return data


def made_for(token: Any, keys: list[str]) -> bool:
    """Whether an encrypted value was made for these recipients (from its age header)."""
    found = crypto.parse(token) if crypto.is_token(token) else None
    if found is None:
        return False
    header = found[1].split(b"\n---", 1)[0].decode("ascii", "replace")
    x25519 = sum(1 for line in header.splitlines() if line.startswith("-> X25519 "))
    tags = {crypto.ssh_tag(k) for k in keys} - {None}
    return x25519 == sum(1 for k in keys if k.startswith("age1")) and crypto.ssh_tags(found[1]) == tags


def seal_records(root: Path, records: Iterable[tuple[str, str, dict]],
                 previous: Path | None = None) -> list[tuple[str, str, dict]]:
    """The demo's records with the values the policy of ROOT names encrypted, reusing the encrypted values of
    the files under `previous` (default ROOT) that still hold; the digest key written to ROOT when it has none."""
    records = list(records)
    previous = previous or root
    index = Index(root, schemas())
    index.policy = Record("policy", "policy", "records/policy.yaml", _policy(root), {}, {})
    where = folders()
    for kind, rid, data in records:
        index.records.setdefault(kind, {})[rid] = Record(kind, rid, f"records/{where[kind]}/{rid}.yaml", data, {}, {})
    if not encryption.enabled(index):
        return records
    recipients = encryption.Recipients(index)
    key = crypto.read_digest_key(previous, crypto.identities(demo_key(previous)))
    if key is None or not (root / crypto.DIGEST_KEY_FILE).is_file():
        key = crypto.write_digest_key(root, recipients.everyone(), key)
    digests = crypto.Digester(key)
    for kind, rid, data in records:
        old = None
        for path, value, style in list(encryption.values(index, kind, data)):
            if not encryption.needs_sealing(value):
                continue
            keys = recipients.keys(kind, data)
            digest = digests.digest(style, value)
            old = old if old is not None else (_previous(previous, kind, rid) or {})
            kept = _at(old, path)
            if not (crypto.digest_of(kept) == digest and made_for(kept, keys)):
                kept = crypto.seal(value, recipients.of(kind, data), digest)
            encryption.put(data, path, kept)
    return records
