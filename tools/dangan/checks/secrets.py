"""No secret is committed in the policy (issue 21): webhook keys, robot secrets and SMTP passwords live in
environment variables, and the policy names only the variables (`notify.channels[].env`).

A committed secret is in the history for ever: whoever clones the archive can post to the group or send mail
as the company. So every string of records/policy.yaml is looked at, not only the `notify` section: a URL
carrying a `key=`, `access_token=` or similar parameter, a DingTalk signing secret (`SEC` and 64 hex digits),
a value under a key named like a password or a token, and an `env` value that is not a variable's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..facts import Facts
from ..index import Index
from ..problems import Problem

ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_URL_SECRET = re.compile(r"(?i)https?://\S*[?&](key|access_token|token|secret|sign|password)=[^&\s]+")
_DINGTALK_SECRET = re.compile(r"\bSEC[0-9a-f]{64}\b")
_SECRET_KEY = re.compile(r"(?i)(pass(word|wd)?|pwd|secret|token|api_?key|credential)")


def check_policy_secrets(index: Index, f: Facts) -> Iterator[Problem]:
    """`policy.secret`: a value of records/policy.yaml that looks like a secret (see the module's docstring)."""
    record = index.policy
    if record is None:
        return
    for path, value in _strings(record.data, ()):
        kind = _secret_kind(path, value)
        if kind:
            yield record.problem("policy.secret", path, value=True, kind=kind)


def _strings(node: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, (*path, i))
    elif isinstance(node, str):
        yield path, node


def _secret_kind(path: tuple, value: str) -> str:
    """What the value looks like, in the catalogue's words' key (`policy.secret`), or "" when it is harmless."""
    if _URL_SECRET.search(value):
        return "url"
    if _DINGTALK_SECRET.search(value):
        return "dingtalk"
    inside_env = len(path) >= 2 and path[-2] == "env"
    if inside_env and value and not ENV_NAME.match(value):
        return "env"
    key = path[-1] if path and isinstance(path[-1], str) else ""
    if not inside_env and _SECRET_KEY.search(key) and value.strip() and not ENV_NAME.match(value):
        return "password"
    return ""
