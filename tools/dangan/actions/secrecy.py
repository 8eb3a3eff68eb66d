"""The acts of encryption (issue 20): encrypting an archive once, re-encrypting to the current recipients, and
opening a sealed record, which is recorded on the approved slip that allows it (seeds 001, 003: 封存档案经总经理
批准方可查阅)."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from .. import crypto, encryption
from ..index import Index
from ..policy import of as policy_of
from ..privacy import sealed_records
from ..record import Record
from ..transaction import Refused, Transaction


def _recipients(index: Index) -> encryption.Recipients:
    recipients = encryption.recipients_of(index)
    if not recipients.readers:
        raise Refused("没有可加密给的收件人：encryption.roles 的在职员工都没有登记 SSH 公钥，"
                      "encryption.recipients 也是空的 (nobody to encrypt to)")
    return recipients


def _enabled(index: Index) -> None:
    if not encryption.enabled(index):
        raise Refused("policy.yaml 的 encryption.enabled 不是 true：先由有权修改制度的人启用加密"
                      "（见 README「加密存储」）(encryption is not enabled in the policy)")


def digest_key(index: Index, keys: list) -> tuple[bytes | None, bool]:
    """The archive's digest key (opened with `keys`) and whether it is new; None when it exists but these keys
    cannot open it (values are then written without digests)."""
    if not encryption.digest_key_exists(index.root):
        return secrets.token_bytes(32), True
    return crypto.read_digest_key(index.root, keys), False


def encrypt_archive(tx: Transaction) -> tuple[str, int]:
    """Stage every record holding a value the policy says must be encrypted (the transaction encrypts them when it
    writes); the commit message and how many records."""
    index = tx.index
    _enabled(index)
    _recipients(index)
    count = 0
    for kind in encryption.sensitive_fields(index):
        for record in sorted(index.of(kind).values(), key=lambda r: r.id):
            if any(encryption.needs_sealing(encryption.as_written(index, record.key, path, value))
                   for path, value, _ in encryption.values(index, kind, record.data)):
                tx.edit(kind, record.id)
                count += 1
    return f"加密存储个人敏感信息：{count} 条记录 (encrypt sensitive values)", count


def rekey_archive(tx: Transaction, digests: crypto.Digester | None) -> tuple[str, int]:
    """Re-encrypt every encrypted value to the record's current recipients (with its digest); the index must have
    been opened with a key that opens every value. The commit message and how many values."""
    index = tx.index
    _enabled(index)
    recipients = _recipients(index)
    closed = index.derived.get(encryption.STILL_SEALED, 0)
    if not index.derived.get(encryption.KEYS):
        raise Refused("dangan rekey 须用能解密的密钥运行（--key 或 DANGAN_KEY）(rekey needs a key)")
    if closed:
        raise Refused(f"{closed} 个加密值用此密钥无法解密：须用能解密全部值的密钥（如 CI 密钥）运行 dangan rekey"
                      " (this key cannot open every value)")
    count = 0
    by_record: dict[str, list[tuple]] = {}
    for (key, path) in index.derived.get(encryption.REVEALED, {}):
        by_record.setdefault(key, []).append(path)
    for key in sorted(by_record):
        kind, _, rid = key.partition("/")
        record = index.get(kind, rid)
        if record is None:
            continue
        data = tx.edit(kind, rid)
        to = recipients.of(kind, data)
        styles = {path: style for path, _, style in encryption.values(index, kind, record.data, every=True)}
        for path in by_record[key]:
            plain = record.get(*path)
            if not isinstance(plain, str):
                continue
            style = styles.get(path, "")
            token = crypto.seal(plain, to, digests.digest(style, plain) if digests else "")
            encryption.put(data, path, token)
            tx.sealed[token] = plain
            count += 1
    return f"按当前收件人重新加密：{count} 个值 (re-encrypt to the current recipients)", count


def write_digest_key(index: Index, key: bytes) -> tuple[str, bytes | None]:
    """Write the digest key to everyone who reads any value; (its path, the file's old content to restore)."""
    path = index.root / crypto.DIGEST_KEY_FILE
    old = path.read_bytes() if path.is_file() else None
    crypto.write_digest_key(index.root, _recipients(index).everyone(), key)
    return crypto.DIGEST_KEY_FILE, old


def restore(root: Path, rel: str, old: bytes | None) -> None:
    path = root / rel
    if old is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(old)


# --- reading a sealed record ------------------------------------------------------------------------
def is_sealed(index: Index, record: Record) -> bool:
    return record.key in sealed_records(index)


def covering_loan(index: Index, record: Record, actor: str, today: str) -> Record | None:
    """The slip that lets `actor` read a sealed record today: theirs, approved by a role of
    `approvals.sealed_access`, not returned, not yet due, naming the record or its customer."""
    allowed = set(policy_of(index).approvals("sealed_access"))
    wanted = {record.id, record.get("customer")} - {None}
    for loan in sorted(index.of("loan").values(), key=lambda r: r.id):
        approved = loan.get("approved") if isinstance(loan.get("approved"), dict) else {}
        approver = index.get("staff", approved.get("by"))
        names = set(loan.get("customers") or ()) | set(loan.get("dossiers") or ()) | set(loan.get("certificates") or ())
        if (loan.get("borrower") == actor and approver is not None and set(approver.get("roles") or ()) & allowed
                and isinstance(approved.get("date"), str) and approved["date"] <= today
                and not loan.get("returned") and str(loan.get("due_on") or "") >= today and names & wanted):
            return loan
    return None


def record_view(tx: Transaction, loan: Record, when: str, reason: str, record: Record) -> str:
    """Note on the slip that its borrower opened the sealed record today, and why."""
    data = tx.edit("loan", loan.id)
    data.setdefault("viewed", []).append({"by": tx.actor, "date": when, "note": f"{record.key}：{reason}"})
    return f"查阅封存记录 {record.id}（借阅单 {loan.id}）：{reason}"


def today() -> str:
    return dt.date.today().isoformat()
