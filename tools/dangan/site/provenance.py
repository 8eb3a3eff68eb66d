"""Where a build comes from: the commit, the audit's verdict on the archive's newest change, and
the build date. Shown in the footer of every page (theme/partials/copyright.html)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict, dataclass

from .. import git
from ..facts import facts
from ..index import Index
from ..messages import verdict


@dataclass
class Provenance:
    commit: str  # full id, "" outside git
    archive_commit: str  # the newest commit that changed the archive
    verdict: str  # the audit's verdict on it, in words ("签名有效" …)
    dirty: bool  # records or schemas changed since the commit
    built: str  # ISO date
    internal: bool

    def as_dict(self) -> dict:
        return asdict(self)


def build_date() -> dt.date:
    """Today, or SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def provenance(index: Index, internal: bool) -> Provenance:
    audit = facts(index).audit
    commit = (git.head(index.root) or "") if audit is not None else ""
    newest = audit.history.order[-1] if audit is not None and audit.history.order else ""
    words = verdict(audit.verdict(newest)) if newest else ""
    dirty = bool(git.output(index.root, "status", "--porcelain", "--", "records", "schemas")) if commit else False
    return Provenance(commit, newest, words, dirty, build_date().isoformat(), internal)
