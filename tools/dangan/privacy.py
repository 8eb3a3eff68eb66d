"""What the public may not see, decided once for the site and for `dangan verify`.

- **Sealed records** (seed 001, 003 保密性、封存): a record whose `confidentiality` is `sealed`, and —
  unless the policy's `privacy.seal_customer_records` is false — everything that belongs to a sealed
  customer (records naming it as their `customer`, certificates of those dossiers). Their identity (the
  values of fields the schemas mark `x-identifying`: names, holders, legal representatives) may appear on
  no public page.
- **Personal values**: every value of a field the schemas mark `x-personal` (ID numbers, phones,
  e-mails, messaging ids, street addresses, birth dates, accounts, private details), with the style the
  public site masks it by.
- **The scan**: every file of a public build searched at once (Aho-Corasick) for every sealed identity
  and every personal value; a hit is a leak. The search index's pieces (JSON) are read as written and decoded
  (a value may be written as \\uXXXX escapes); an older build's Pagefind pieces (`.pf_*`, gzip) decompressed.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from .index import Index
from .policy import of as policy_of
from .record import Record, stored_pattern
from .schemas import values_at

SEALED = "sealed"
TEXT_SUFFIXES = (".html", ".json", ".js", ".txt", ".xml", ".csv", ".ics", ".md", ".svg")
SEARCH_PIECES = ".pf_"  # an older build's search index (Pagefind): gzip, words apart
MIN_LENGTH = 2  # shorter values match everywhere (one character of a name)


def seals_customer_records(index: Index) -> bool:
    return policy_of(index).privacy.seal_customer_records


def sealed_records(index: Index) -> set[str]:
    """The keys (kind/id) of the records sealed on the public site. A record still held as the store's JSON is
    decoded only if that JSON holds what would seal it (`Record.may_hold`): at 100,000 records, decoding them all
    here held 450 MB through a site build."""
    sealed = {r.key for r in index if r.may_hold(SEALED) and r.get("confidentiality") == SEALED}
    if not seals_customer_records(index):
        return sealed
    customers = {r.id for r in index.of("customer").values() if r.key in sealed}
    pattern = stored_pattern(customers)
    for record in index:
        if (pattern is not None and record.kind != "customer" and record.may_match(pattern)
                and record.get("customer") in customers):
            sealed.add(record.key)
    dossiers = {r.id for r in index.of("dossier").values() if r.key in sealed}
    pattern = stored_pattern(dossiers)
    for certificate in index.of("certificate").values():
        if pattern is not None and certificate.may_match(pattern) and certificate.get("dossier") in dossiers:
            sealed.add(certificate.key)
    return sealed


def _marked(index: Index, record: Record, annotation: str) -> Iterator[tuple[tuple, str, object]]:
    """(path, value, annotation's value) of a record's fields that carry an annotation."""
    for path, info in index.schemas.fields(record.kind).items():
        mark = info.schema.get(annotation)
        if mark:
            for where, value in values_at(record.data, path):
                if isinstance(value, str):
                    yield where, value, mark


def identities(index: Index, sealed: set[str]) -> set[str]:
    """What names the sealed records: their `x-identifying` values (a customer's and its contacts' names …)."""
    out = set()
    for record in index:
        if record.key in sealed:
            out.update(v.strip() for _, v, _ in _marked(index, record, "x-identifying") if len(v.strip()) >= MIN_LENGTH)
    return out


@dataclass(frozen=True, slots=True)
class Personal:
    value: str
    style: str  # the schema's x-personal
    file: str


def personal_values(index: Index) -> Iterator[Personal]:
    """Every value of a field marked `x-personal` (a company's own credit code is public: not one)."""
    for record in index:
        for path, value, style in _marked(index, record, "x-personal"):
            if style == "credit-code" and not individual(record, path, value):
                continue
            yield Personal(value, str(style), record.file)


INDIVIDUAL_BUSINESS = "92"  # GB 32100: registered by market regulation (9), individual business (2)


def individual(record: Record | None, path: tuple, value: str) -> bool:
    """A credit code of a person: an individual customer's, or an individual business's (92…)."""
    if value.startswith(INDIVIDUAL_BUSINESS):
        return True
    return record is not None and (record.get("type") == "individual" or "individual" in path)


def scanned(styles: Iterable[Personal]) -> list[str]:
    """The personal values worth searching a site for: a birth date is also any other day, so it is left to
    the record's own page; very short values would match everywhere; a value written masked already
    (a mobile noted as 137****9922) is no secret and reads the same masked."""
    return [p.value for p in styles if p.style != "birth-date" and len(p.value) >= 6 and "****" not in p.value]


def scan(folder: Path, needles: Iterable[str]) -> dict[str, set[str]]:
    """Every text file under `folder` holding any of the needles: relative path -> the needles found."""
    automaton = ahocorasick.Automaton()
    for needle in set(needles):
        if needle:
            automaton.add_word(needle, needle)
    if len(automaton) == 0 or not folder.is_dir():
        return {}
    automaton.make_automaton()
    found: dict[str, set[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and (p.suffix in TEXT_SUFFIXES
                                                                      or p.suffix.startswith(SEARCH_PIECES))):
        text = read_text(path)
        if path.suffix == ".json":  # the search index may hold text as \\uXXXX escapes: read it decoded too
            with contextlib.suppress(ValueError):
                text += "\n" + json.dumps(json.loads(text), ensure_ascii=False)
        hits = {needle for _, needle in automaton.iter(text)}
        if hits:
            found[path.relative_to(folder).as_posix()] = hits
    return found


def read_text(path: Path) -> str:
    """A file of a site as text; a piece of the search index decompressed, its words joined up again."""
    if not path.suffix.startswith(SEARCH_PIECES):
        return path.read_text(encoding="utf-8", errors="replace")
    raw = path.read_bytes()
    with contextlib.suppress(OSError, EOFError, zlib.error):
        raw = gzip.decompress(raw)
    return raw.decode("utf-8", errors="replace").replace("\u200b", "")


def leaks(index: Index, folder: Path) -> dict[str, set[str]]:
    """What a public build holds that it must not: sealed identities and personal values, by file."""
    sealed = sealed_records(index)
    return scan(folder, [*identities(index, sealed), *scanned(personal_values(index))])
