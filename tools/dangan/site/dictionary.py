"""The search's user dictionary for jieba: the names of the people in the archive (individual
customers, contacts, legal representatives, staff), so that each is one word in the index however
jieba would have cut it. Sealed records add nothing.

Company names are left to jieba on purpose: as one word, 呼和浩特市鑫泰商贸有限公司 would hide
鑫泰 from a search. Record numbers (2024鸿借字第001号) are split by the search's separator into
the same pieces in the index and in the query (see mkdocs.yml), so they need no entry either."""

from __future__ import annotations

from collections.abc import Iterator

from ..index import Index
from .values import View

PERSON_PATHS = (("enterprise", "legal_representative"),)


def words(index: Index, view: View) -> Iterator[str]:
    seen: set[str] = set()
    for record in index:
        if view.is_sealed(record):
            continue
        found = [record.get(*path) for path in PERSON_PATHS]
        if record.kind == "staff" or record.get("type") == "individual":
            found.append(record.get("name"))
        found += [c.get("name") for c in record.get("contacts") or [] if isinstance(c, dict)]
        for word in found:
            if isinstance(word, str) and 1 < len(word) <= 8 and not any(ch.isspace() for ch in word) \
                    and word not in seen:
                seen.add(word)
                yield word
