"""Staff acts: registering a person's SSH signing key (`dangan register-key`), which `dangan setup` prepares."""

from __future__ import annotations

from ..messages import bilingual
from ..problems import Problem
from ..signers import fingerprint
from ..transaction import Refused, Transaction
from ..yamlstyle import append


def register_key(tx: Transaction, sid: str, key: str) -> str:
    """Add `key` (an OpenSSH public key line) to `sid`'s `ssh_keys`. Who may is the policy's `approvals.staff`
    (the transaction refuses anyone else); the commit is signed with the approver's own key."""
    text = " ".join(key.split())
    found = fingerprint(text)
    if found is None:
        raise Refused(bilingual(Problem("setup.bad-key", "", args={"path": text[:60]})))
    for person in tx.index.of("staff").values():
        if found in {fingerprint(k) for k in person.get("ssh_keys") or [] if isinstance(k, str)}:
            raise Refused(bilingual(Problem("setup.key-taken", "", args={"staff": person.id, "fingerprint": found})))
    data = tx.edit("staff", sid)
    if "ssh_keys" not in data:
        data["ssh_keys"] = []
    append(data["ssh_keys"], text)
    return f"登记 {sid} 的 SSH 签名公钥 {found}"
