"""Sensitive personal values encrypted at rest with age (issue 20; GB/T 35273-2020 §6.3, PIPL art. 51).

No cryptography of our own: every value is an age file (age-encryption.org/v1, through pyrage) made for
the value alone, to age X25519 recipients (`age1…`) and to the staff's SSH keys (ssh-ed25519, ssh-rsa).
A value stays ONE YAML string, so keys, structure and every other field stay in clear:

    age:v1:<digest>:<base64 of the binary age file>

- ``digest``: HMAC-SHA256 (stdlib `hmac`) of the normalised value under the archive's digest key, its first
  16 bytes in URL-safe base64 (22 characters), or empty when whoever wrote the value could not open that
  key. Two equal values have equal digests, so likely duplicates and a visit's mobile against the
  customer's are found without decrypting; without the key nobody can compute a digest to try guesses.
- the digest key (32 random bytes) is itself an age file, ``keys/digest-key.age`` (ASCII armour), to the
  same recipients as the values; `dangan rekey` re-encrypts it with them.
- who an age file was made for can be read without a key for SSH recipients: each ``ssh-ed25519`` and
  ``ssh-rsa`` stanza names the first four bytes of the SHA-256 of its public key (`ssh_tag`).

An identity (what opens values) is an age identity file (``AGE-SECRET-KEY-1…`` lines) or an OpenSSH private
key file without a passphrase: `DANGAN_KEY=FILE` or ``dangan --key FILE``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyrage

PREFIX = "age:v1:"
TOKEN = re.compile(r"^age:v1:([A-Za-z0-9_-]{0,43}):([A-Za-z0-9+/]+={0,2})$")
DIGEST_KEY_FILE = "keys/digest-key.age"
_ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----"
_ARMOR_END = "-----END AGE ENCRYPTED FILE-----"
_SPACE = re.compile(r"\s+")
_SSH_TYPES = ("ssh-ed25519", "ssh-rsa")


class KeyProblem(Exception):
    """A key that cannot be used (a missing or unreadable file, a passphrase, not a key): the message says which."""


def is_token(value: Any) -> bool:
    """Whether a value is written encrypted (well-formed or not: a damaged one is still not plain text)."""
    return isinstance(value, str) and value.startswith(PREFIX)


def parse(value: str) -> tuple[str, bytes] | None:
    """(digest, age file) of a well-formed encrypted value, else None."""
    found = TOKEN.match(value) if isinstance(value, str) else None
    if not found:
        return None
    try:
        return found.group(1), base64.b64decode(found.group(2), validate=True)
    except (binascii.Error, ValueError):
        return None


def digest_of(value: str) -> str:
    """The digest part of an encrypted value ("" when it has none or is not one)."""
    found = TOKEN.match(value) if isinstance(value, str) else None
    return found.group(1) if found else ""


# --- recipients -------------------------------------------------------------------------------------
def recipient(text: str) -> Any | None:
    """A pyrage recipient for an `age1…` key or an SSH public key line (ssh-ed25519, ssh-rsa), else None
    (ECDSA and security keys cannot receive age files)."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    try:
        if text.startswith("age1"):
            return pyrage.x25519.Recipient.from_str(text)
        if text.split(" ", 1)[0] in _SSH_TYPES:
            return pyrage.ssh.Recipient.from_str(" ".join(text.split()[:2]))
    except Exception:  # pyrage.RecipientError and its kin: not a usable key
        return None
    return None


def ssh_tag(public_key: str) -> str | None:
    """The tag an age stanza gives an SSH recipient: base64 of the first 4 bytes of SHA-256 of the key blob."""
    parts = public_key.split() if isinstance(public_key, str) else []
    if len(parts) < 2 or parts[0] not in _SSH_TYPES:
        return None
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        return None
    return base64.b64encode(hashlib.sha256(blob).digest()[:4]).decode().rstrip("=")


def ssh_tags(age_file: bytes) -> set[str]:
    """The SSH recipients' tags an age file was made for (its header, read without any key)."""
    header = age_file.split(b"\n---", 1)[0].decode("ascii", "replace")
    return {line.split()[2] for line in header.splitlines()
            if line.startswith("-> ") and len(line.split()) > 2 and line.split()[1] in _SSH_TYPES}


# --- identities -------------------------------------------------------------------------------------
def identities(path: str | Path) -> list[Any]:
    """The identities in an age identity file or an OpenSSH private key file; `KeyProblem` saying why not."""
    where = Path(path)
    try:
        raw = where.read_bytes()
    except OSError as error:
        raise KeyProblem(f"密钥文件 {where} 无法读取：{error.strerror or error} (cannot read the key file)") from None
    text = raw.decode("utf-8", "replace")
    if "BEGIN OPENSSH PRIVATE KEY" in text:
        try:
            return [pyrage.ssh.Identity.from_buffer(raw)]
        except Exception as error:
            raise KeyProblem(f"密钥文件 {where} 不能使用（有口令的 SSH 私钥须先去掉口令或换用 age 密钥）：{error} "
                             "(an SSH key with a passphrase cannot be used)") from None
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("AGE-SECRET-KEY-"):
            try:
                found.append(pyrage.x25519.Identity.from_str(line))
            except Exception:
                raise KeyProblem(f"密钥文件 {where} 中有无效的 age 密钥 (an invalid age key)") from None
    if not found:
        raise KeyProblem(f"{where} 不是 age 密钥文件，也不是 OpenSSH 私钥 (not an age identity or an OpenSSH key)")
    return found


def public_of(identity: Any) -> str:
    """The `age1…` recipient of an age identity ("" for an SSH one: its public key is in the staff record)."""
    to_public = getattr(identity, "to_public", None)
    return str(to_public()) if to_public else ""


def new_identity() -> tuple[str, str]:
    """A fresh age key pair: (the identity file's text, its `age1…` recipient)."""
    identity = pyrage.x25519.Identity.generate()
    return f"# 由 dangan 生成 (created by dangan)\n# public key: {identity.to_public()}\n{identity}\n", \
        str(identity.to_public())


# --- values -----------------------------------------------------------------------------------------
def normalised(style: str, value: str) -> str:
    """A value as compared: full-width forms folded, spaces removed, case aside; a phone without +86 and dashes."""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", value)).upper()
    if style == "phone":
        text = text.replace("-", "")
        if text.startswith("+86"):
            text = text[3:]
    return text


class Digester:
    """The keyed digest of values (HMAC-SHA256 under the archive's digest key)."""

    def __init__(self, key: bytes):
        self.key = key

    def digest(self, style: str, value: str) -> str:
        mac = hmac.new(self.key, f"{style}\0{normalised(style, value)}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:16]).decode().rstrip("=")


def seal(value: str, recipients: Sequence[Any], digest: str = "") -> str:
    """One value encrypted to the recipients (pyrage recipients), as its YAML string."""
    if not recipients:
        raise KeyProblem("没有可用的收件人公钥，无法加密 (no recipient to encrypt to)")
    age_file = pyrage.encrypt(value.encode("utf-8"), list(recipients))
    return f"{PREFIX}{digest}:{base64.b64encode(age_file).decode()}"


def unseal(value: str, keys: Sequence[Any]) -> str | None:
    """The plain text of an encrypted value, or None when none of the identities opens it (or it is damaged)."""
    found = parse(value)
    if found is None or not keys:
        return None
    try:
        return pyrage.decrypt(found[1], list(keys)).decode("utf-8")
    except Exception:  # pyrage.DecryptError: not for these keys, or damaged
        return None


# --- the digest key ---------------------------------------------------------------------------------
def read_digest_key(root: Path, keys: Sequence[Any]) -> bytes | None:
    """The archive's digest key, opened with the identities; None without the file or a key that opens it."""
    path = root / DIGEST_KEY_FILE
    if not keys or not path.is_file():
        return None
    try:
        text = path.read_text(encoding="ascii")
        body = text.split(_ARMOR_BEGIN, 1)[1].split(_ARMOR_END, 1)[0]
        found = pyrage.decrypt(base64.b64decode("".join(body.split())), list(keys))
    except Exception:
        return None
    return found if len(found) == 32 else None


def write_digest_key(root: Path, recipients: Iterable[Any], key: bytes | None = None) -> bytes:
    """Write (or re-encrypt) the digest key to the recipients; the key."""
    key = key if key is not None else secrets.token_bytes(32)
    age_file = base64.b64encode(pyrage.encrypt(key, list(recipients))).decode()
    lines = [age_file[i:i + 64] for i in range(0, len(age_file), 64)]
    path = root / DIGEST_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([_ARMOR_BEGIN, *lines, _ARMOR_END]) + "\n", encoding="ascii")
    return key
