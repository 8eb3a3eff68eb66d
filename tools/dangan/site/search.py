"""The site's search: a static index in pieces, made here from the pages' own text, that the browser loads piece by
piece — the pieces of the words it looks up and of the results it shows, never the whole index.

Why not Pagefind (used until 2026-11): Pagefind's metadata lists every page and is loaded whole before the first
answer (about 1 MB at 100,000 pages), and it has no incremental mode (one changed page re-indexes its whole index or
part). Measured with bench/search.py: 2.85 MB for a first query at 100,000 pages with the index in 64 parts, and 6 s
of a 13 s one-change rebuild at 10,000 records spent re-indexing one part. This index costs what the query and the
change touch (bench/RESULTS.md, "issue 22, part 4").

**What is indexed.** Only what a page marks `data-search-body` (`pages.render`: the page's own text, not the theme,
not the printable forms or the ledgers); `data-search-ignore` leaves out a field's label (`<th>`, `<thead>`) or
what every record page says (the `<p>` naming its file, the `<h2>` 内容), and `data-search-ignore="all"` a whole
block (related records, history: what changes with other records). The public build indexes its own masked pages,
the internal build its own (`.dangan-cache/search-<variant>.sqlite`).

**Terms** (`terms`, and the same rules in the search page's script): the text is NFKC-normalised and lower-cased;
a run of letters and digits is one term (KH0001, 2012, 001); a run of Chinese characters gives its pairs of
neighbouring characters and its last character (张志强: 张志, 志强, 强), so a query of two characters or more is
matched by its pairs, a query of one character by the terms it starts, and no segmenter is needed on either side.
The last word of a query is matched as a prefix (KH00 finds KH0001).

**Pieces** (all under search-index/ in the site):
- `meta.json`: the term pieces (the first term of each and its file) and the document pieces' names; loaded first.
- `t/<hash>.json`: a run of terms in sorted order, each with the documents holding it (`b`) and holding it in
  their title (`t`): ascending numbers written as the differences between them, or, for a term on most pages, as
  a bitmap (`_pack`). A term starts a new segment when its CRC-32 is a multiple of `BOUNDARY` (about 64 terms),
  and a segment is cut into pieces of about LARGEST bytes at most: the cut of a segment depends only on its own
  terms, so a build after a change cuts the segments it touches the same way a whole build would.
- `d/<n>.json`: documents n·DOC_PIECE … as [url, title, the start of its text] (or null), for the results,
  asked with the build's `stamp` (`?v=`: a browser never mixes pieces of two builds). Documents are numbered in
  order of their group (a customer's pages together: one piece shows them all).

**Incremental.** The index and every document's text are kept in the archive's cache; a build tokenises only the
pages whose text changed, moves their numbers in and out of the terms' lists, and makes again only the term pieces
and document pieces that hold them (a whole build when a quarter of the documents or more changed, or without a
usable cache). The result answers every query as a whole build does (tested); only the numbering can differ.

**Memory.** Nothing is held per page but its url and key: the text of the pages a build adds goes into a temporary
table as it comes, and a whole build reads the documents back one at a time, in order, and holds only the terms'
lists of numbers (bench/search.py --documents 100000: 138 MB at most, where holding the texts took 369 MB)."""

from __future__ import annotations

import base64
import bisect
import contextlib
import functools
import hashlib
import html
import json
import os
import re
import sqlite3
import unicodedata
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import routes
from .pages import Page, Site

FOLDER = "search-index"
META = "meta.json"
FORMAT = 1  # of the index and of its cache: another value makes both again
BOUNDARY = 64  # a term starts a segment of the index when its CRC-32 is a multiple of this: about 64 terms
LARGEST = 24_000  # bytes of a piece, about, at most: a segment is cut into pieces of this size (one term may be more)
DENSE = 64  # documents of a term at least before its list may be written as a bitmap
DOC_PIECE = 32  # documents a piece
SHOWN = 300  # characters of a page's text kept for the results' excerpts
LONGEST = 40  # characters of a term at most
WHOLE_SHARE = 4  # a quarter of the documents changed or more: the index is made again whole
NAVIGATION = "site"  # the group of the pages in the navigation (numbered last)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(f"[{_CJK}]+|[a-z0-9]+")
_BODY = "<div data-search-body>"
_IGNORED = '<div data-search-ignore="all">'
_DIV = re.compile(r"<(/)?div\b[^>]*>")
_IGNORED_CELL = re.compile(r"<(th|thead|h2|p)\b[^>]*\bdata-search-ignore\b[^>]*>.*?</\1>", re.S)
_TAG = re.compile(r"<[^>]*>")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS docs (url TEXT PRIMARY KEY, id INTEGER NOT NULL UNIQUE, key TEXT NOT NULL,"
    " made TEXT NOT NULL, grp TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS terms (first TEXT PRIMARY KEY, name TEXT NOT NULL, body TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS pieces (n INTEGER PRIMARY KEY, name TEXT NOT NULL, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS format (value INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS generation (value INTEGER NOT NULL)",  # one more with every build that wrote
)


def normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def terms(text: str) -> set[str]:
    """The terms of a text (the module's docstring)."""
    found: set[str] = set()
    for run in _RUN.findall(normal(text)):
        if run.isascii():
            found.add(run[:LONGEST])
        else:
            found.update(run[i:i + 2] for i in range(len(run) - 1))
            found.add(run[-1])
    return found


def page_text(body: str) -> str:
    """What is searched of a page's body: its text without what `data-search-ignore` leaves out, one space apart."""
    body = _IGNORED_CELL.sub(" ", _searched(body))
    return " ".join(html.unescape(_TAG.sub(" ", body)).split())


def _searched(body: str) -> str:
    """A page's body without the blocks marked `data-search-ignore="all"`. The values in a body are escaped: every
    `<div` and `</div>` in it is markup."""
    while (start := body.find(_IGNORED)) >= 0:
        depth, at = 0, start
        for tag in _DIV.finditer(body, start):
            depth += 1 if tag.group(1) is None else -1
            if depth == 0:
                at = tag.end()
                break
        else:
            return body[:start]  # not closed: the rest is left out
        body = body[:start] + body[at:]
    return body


def is_boundary(term: str) -> bool:
    return zlib.crc32(term.encode("utf-8")) % BOUNDARY == 0


class SearchError(RuntimeError):
    """The search index could not be made."""


@dataclass
class Doc:
    url: str
    title: str
    text: str
    id: int = -1


Postings = dict[str, tuple[list[int], list[int]]]  # term -> (documents, documents with it in their title)
STAGE = 256  # documents added before they are written into the build's table of documents (`Index.add`)
_FRESH = ("CREATE TEMP TABLE fresh (url TEXT PRIMARY KEY, key TEXT NOT NULL, made TEXT NOT NULL, grp TEXT NOT NULL,"
          " title TEXT NOT NULL, text TEXT NOT NULL) WITHOUT ROWID")


class Index:
    """The search index of one build: `keep` or `add` every searched page, then `finish`. With a cache (`state`: a
    SQLite file) only what changed since the cached build is made again; without one, or with one that cannot be
    read, everything is (in a private database, deleted when it is closed).

    What a build adds is written as it comes into a temporary table of the cache's connection (`fresh`: private to
    the build, gone if it is killed), never held: at 100,000 pages their text is some 170 MB."""

    def __init__(self, state: Path | None = None) -> None:
        self.state = state
        self.previous: dict[str, tuple[int, str, str]] = {}  # url -> (number, key, made) of the cached build
        self.kept: dict[str, str] = {}  # url -> its key now (its text as cached)
        self.fresh: set[str] = set()  # the urls added (their documents in the table `fresh`)
        self.staged: list[tuple[str, str, str, str, str, str]] = []  # added, not yet in `fresh`
        self.whole = False  # made whole (`finish`)
        self.generation = 0  # of the cache when it was read
        self.cached = False  # `db` is the archive's cache (else a private database)
        self.failure: sqlite3.Error | None = None  # adding failed
        self.db: sqlite3.Connection | None = self._open(state) if state is not None else None
        if self.db is None:
            self.db = sqlite3.connect("", isolation_level=None)  # "": private, on disk, deleted when closed
            for statement in _SCHEMA:
                self.db.execute(statement)
            self.db.executescript(f"INSERT INTO format VALUES ({FORMAT}); INSERT INTO generation VALUES (0);")
            self.previous, self.generation = {}, 0
        else:
            self.cached = True
        self.db.execute("PRAGMA temp_store = FILE")
        self.db.execute(_FRESH)

    def _open(self, state: Path) -> sqlite3.Connection | None:
        for attempt in range(2):
            try:
                state.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(state, timeout=30, isolation_level=None)
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute("BEGIN")  # what the cache holds, read at one moment
                found = db.execute("SELECT value FROM format").fetchone()
                generation = db.execute("SELECT value FROM generation").fetchone()
                if found is not None and found[0] == FORMAT and generation is not None:
                    self.generation = generation[0]
                    self.previous = {url: (n, key, made) for url, n, key, made
                                     in db.execute("SELECT url, id, key, made FROM docs")}
                    db.execute("COMMIT")
                else:  # new, or of another format: emptied
                    db.execute("COMMIT")
                    db.executescript("BEGIN IMMEDIATE; DELETE FROM docs; DELETE FROM terms; DELETE FROM pieces;"
                                     f" DELETE FROM format; INSERT INTO format VALUES ({FORMAT});"
                                     " DELETE FROM generation; INSERT INTO generation VALUES (0); COMMIT;")
                    self.generation = 0
                return db
            except sqlite3.OperationalError:  # locked past the timeout, or not writable: a build without it
                with contextlib.suppress(NameError, sqlite3.Error):
                    db.close()
                self.previous = {}
                return None
            except sqlite3.DatabaseError:  # damaged: deleted, made again
                with contextlib.suppress(NameError, sqlite3.Error):
                    db.close()
                self.previous = {}
                for suffix in ("", "-journal", "-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        os.unlink(f"{state}{suffix}")
                if attempt:
                    return None
        return None

    def keep(self, url: str, key: str) -> bool:
        """The page at `url` has the key it had in the cached build: its text is the same. False if not known."""
        before = self.previous.get(url)
        if before is None or before[1] != key or url in self.fresh:
            return False
        self.kept[url] = key
        return True

    def add(self, url: str, title: str, body: str, key: str | None = None, group: str | None = None) -> None:
        """The page at `url` (relative to the site) with its title (escaped) and body (`pages.render`), if it is
        searched; `key` names what it is made from, `group` the pages numbered beside it."""
        if _BODY not in body:
            return
        title = html.unescape(title)
        text = page_text(body)
        made = hashlib.sha256(f"{title}\0{text}".encode()).hexdigest()
        key = key or made
        before = self.previous.get(url)
        if before is not None and before[2] == made:
            self.kept[url] = key
            return
        self.fresh.add(url)  # added twice: the last one counts (INSERT OR REPLACE)
        self.staged.append((url, key, made, group or url, title, text))
        if len(self.staged) >= STAGE:
            try:
                self._stage()
            except sqlite3.Error as error:  # the temporary table cannot be written (a full disk): told by `finish`
                self.failure = error
                self.staged.clear()

    def _stage(self) -> None:
        """The documents added so far written into the table `fresh` (a temporary table: no lock on the cache)."""
        if self.failure is not None:
            raise self.failure
        if self.staged:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO temp.fresh VALUES (?, ?, ?, ?, ?, ?)", self.staged)
            self.db.execute("COMMIT")
            self.staged.clear()

    @property
    def count(self) -> int:
        return len(self.kept) + len(self.fresh)

    def finish(self, output: Path) -> int:
        """The index made (from the cache and what changed) and written into `output`, which is emptied first;
        the number of documents made again. The cache is updated in one transaction."""
        gone = self.previous.keys() - self.kept.keys() - self.fresh
        changed = len(self.fresh) + len(gone)
        whole = not self.previous or changed * WHOLE_SHARE >= max(self.count, 64)
        db = self.db
        try:
            self._stage()
            db.execute("BEGIN IMMEDIATE")  # one build at a time writes the cache; a second waits
            try:
                if db.execute("SELECT value FROM generation").fetchone() != (self.generation,):
                    self._lost()  # another build wrote the cache since this one read it
                self.whole = whole
                meta = self._whole() if whole else self._patched(gone)
                db.execute("UPDATE generation SET value = value + 1")
                db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
            self._write(output, meta)
        except sqlite3.OperationalError as error:  # locked past the timeout by another build, or not writable
            self.close()
            raise SearchError(f"搜索索引的缓存无法写入（可能另一个网站生成过程正在使用），请稍后重新生成网站 "
                              f"(the search index's cache could not be written: build again): {error}") from None
        except sqlite3.Error as error:  # the cache broke under us: removed, and the next build makes it again
            self.close()
            if self.cached:
                for suffix in ("", "-journal", "-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        os.unlink(f"{self.state}{suffix}")
            raise SearchError(f"搜索索引的缓存无法读写，已删除，请重新生成网站 (the search index's cache failed and "
                              f"was removed: build again): {error}") from None
        return self.count if self.whole else changed

    # -- a whole build ---------------------------------------------------------------------------------------

    def _whole(self) -> dict:
        """Every document numbered again in order of its group, read from the table `fresh` (what this build added
        and, copied there, what it kept) and tokenised one at a time; the terms' lists are the only thing held."""
        db = self.db
        if self.kept:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS kept (url TEXT PRIMARY KEY, key TEXT NOT NULL) WITHOUT ROWID")
            db.execute("DELETE FROM temp.kept")
            db.executemany("INSERT INTO temp.kept VALUES (?, ?)", self.kept.items())
            db.execute("INSERT OR IGNORE INTO temp.fresh SELECT d.url, k.key, d.made, d.grp, d.title, d.text"
                       " FROM docs d JOIN temp.kept k ON k.url = d.url")
        for table in ("docs", "terms", "pieces"):
            db.execute(f"DELETE FROM {table}")
        postings: dict[str, tuple[array, array | None]] = {}
        rows: list[tuple] = []
        shown: list[Doc] = []
        number = -1
        ordered = db.execute("SELECT url, key, made, grp, title, text FROM temp.fresh"
                             " ORDER BY grp = ?, grp, url", (NAVIGATION,))
        for number, (url, key, made, group, title, text) in enumerate(ordered):
            titled = terms(title)
            for term in terms(text) | titled:
                found = postings.get(term)
                if found is None:
                    found = postings[term] = (array("I"), None)  # 4 bytes a document, not 8
                found[0].append(number)
                if term in titled:
                    if found[1] is None:
                        found = postings[term] = (found[0], array("I"))
                    found[1].append(number)
            rows.append((url, number, key, made, group, title, text))
            shown.append(Doc(url, title, text[:SHOWN], number))
            if len(shown) == DOC_PIECE:
                db.execute("INSERT INTO pieces VALUES (?, ?, ?)", (number // DOC_PIECE, *_doc_piece(shown)))
                shown.clear()
            if len(rows) >= STAGE:
                db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
                rows.clear()
        if shown:
            db.execute("INSERT INTO pieces VALUES (?, ?, ?)", (number // DOC_PIECE, *_doc_piece(shown)))
        db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("DELETE FROM temp.fresh")
        firsts: list[tuple[str, str]] = []
        for piece in _cut(postings, sorted(postings), take=True):
            db.execute("INSERT INTO terms VALUES (?, ?, ?)", piece)
            firsts.append(piece[:2])
        count = number + 1
        names = dict(db.execute("SELECT n, name FROM pieces"))
        return _meta(firsts, [names[n] for n in range((count + DOC_PIECE - 1) // DOC_PIECE)], count)

    # -- a patch ---------------------------------------------------------------------------------------------

    def _lost(self) -> None:
        """Another build wrote the cache while this one ran (two builds of one archive at once): what this build
        took as unchanged may not be there any more. The cache is emptied (the next build makes it whole)."""
        for table in ("docs", "terms", "pieces"):
            self.db.execute(f"DELETE FROM {table}")
        self.db.execute("UPDATE generation SET value = value + 1")
        self.db.execute("COMMIT")
        raise SearchError("另一个网站生成过程同时改写了搜索索引的缓存，请重新生成网站 "
                          "(another build wrote the search index's cache at the same time: build again)")

    def _patched(self, gone: set[str]) -> dict:
        """The cache patched (in `finish`'s transaction) with the pages changed, added and gone; the meta."""
        db = self.db
        changes: dict[str, list[set[int]]] = {}  # term -> [added, removed, added to titles, removed from titles]

        def change(before: set[str], after: set[str], number: int, at: int) -> None:
            for term in after - before:
                changes.setdefault(term, [set(), set(), set(), set()])[at].add(number)
            for term in before - after:
                changes.setdefault(term, [set(), set(), set(), set()])[at + 1].add(number)

        def old(url: str) -> tuple[str, str]:
            return db.execute("SELECT title, text FROM docs WHERE url = ?", (url,)).fetchone()

        used = {n for n, _, _ in self.previous.values()}
        free = sorted(self.previous[url][0] for url in gone)
        touched: set[int] = set()
        for url in sorted(gone):
            number = self.previous[url][0]
            title, text = old(url)
            change(terms(text) | terms(title), set(), number, 0)
            change(terms(title), set(), number, 2)
            touched.add(number)
            db.execute("DELETE FROM docs WHERE url = ?", (url,))
        holes = iter(n for n in range(max(used, default=-1) + 2 + len(self.fresh)) if n not in used)
        added = db.execute("SELECT url, key, made, grp, title, text FROM temp.fresh ORDER BY grp, url").fetchall()
        for url, key, made, group, title, text in added:  # fewer than a quarter of the documents (`finish`)
            if url in self.previous:
                number = self.previous[url][0]
                before_title, before_text = old(url)
                before_title = terms(before_title)
                before = terms(before_text) | before_title
            else:
                number = free.pop(0) if free else next(holes)
                before, before_title = set(), set()
            titled = terms(title)
            change(before, terms(text) | titled, number, 0)
            change(before_title, titled, number, 2)
            touched.add(number)
            db.execute("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (url, number, key, made, group, title, text))
        del added
        for url, key in self.kept.items():  # a page made from new inputs with the same text
            if self.previous[url][1] != key:
                db.execute("UPDATE docs SET key = ? WHERE url = ?", (key, url))
        self._patch_terms(db, changes)
        count = db.execute("SELECT max(id) + 1 FROM docs").fetchone()[0] or 0
        for n in sorted({number // DOC_PIECE for number in touched}):
            rows = {number: (url, title, text) for number, url, title, text in db.execute(
                "SELECT id, url, title, text FROM docs WHERE id >= ? AND id < ?", (n * DOC_PIECE, (n + 1) * DOC_PIECE))}
            docs = [Doc(*rows[i], id=i) if i in rows else None for i in range(n * DOC_PIECE, (n + 1) * DOC_PIECE)]
            while docs and docs[-1] is None:
                docs.pop()
            if docs:
                db.execute("INSERT OR REPLACE INTO pieces VALUES (?, ?, ?)", (n, *_doc_piece(docs)))
            else:
                db.execute("DELETE FROM pieces WHERE n = ?", (n,))
        db.execute("DELETE FROM pieces WHERE n >= ?", ((count + DOC_PIECE - 1) // DOC_PIECE,))
        db.execute("DELETE FROM temp.fresh")
        first_names = list(db.execute("SELECT first, name FROM terms ORDER BY first"))
        names = dict(db.execute("SELECT n, name FROM pieces"))
        piece_names = [names.get(n, "") for n in range((count + DOC_PIECE - 1) // DOC_PIECE)]
        documents = db.execute("SELECT count(*) FROM docs").fetchone()[0]
        return _meta(first_names, piece_names, documents)

    def _patch_terms(self, db: sqlite3.Connection, changes: dict[str, list[set[int]]]) -> None:
        """The term pieces holding a changed term made again, cut as a whole build cuts them (`is_boundary`)."""
        if not changes:
            return
        firsts = [first for (first,) in db.execute("SELECT first FROM terms ORDER BY first")]
        if not firsts:
            firsts = [""]
        touched = {max(bisect.bisect_right(firsts, term) - 1, 0) for term in changes}
        loaded: dict[int, Postings] = {}

        def load(at: int) -> Postings:
            if at not in loaded:
                found = db.execute("SELECT body FROM terms WHERE first = ?", (firsts[at],)).fetchone()
                loaded[at] = _decode(found[0]) if found is not None else {}
            return loaded[at]

        for at in touched:
            load(at)
        for term, (added, removed, titled, untitled) in changes.items():
            at = max(bisect.bisect_right(firsts, term) - 1, 0)
            postings = loaded[at]
            body, title = postings.get(term, ([], []))
            body = sorted((set(body) - removed) | added)
            title = sorted((set(title) - untitled) | titled)
            if body:
                postings[term] = (body, title)
            else:
                postings.pop(term, None)
        # every piece of a touched segment taken in (a segment runs from a term `is_boundary` names to the next;
        # a piece whose first term is gone belongs to the segment before it now), so that each is cut again whole
        growing = True
        while growing:
            growing = False
            for at in sorted(loaded):
                if at > 0 and at - 1 not in loaded and (not is_boundary(firsts[at]) or firsts[at] not in loaded[at]):
                    load(at - 1)
                    growing = True
                if at + 1 < len(firsts) and at + 1 not in loaded and not is_boundary(firsts[at + 1]):
                    load(at + 1)
                    growing = True
        runs: list[list[int]] = []
        for at in sorted(loaded):
            if runs and runs[-1][-1] == at - 1:
                runs[-1].append(at)
            else:
                runs.append([at])
        for run in runs:
            merged: Postings = {}
            for at in run:
                merged.update(loaded[at])
                db.execute("DELETE FROM terms WHERE first = ?", (firsts[at],))
            db.executemany("INSERT INTO terms VALUES (?, ?, ?)", _cut(merged, sorted(merged)))

    def _write(self, output: Path, meta: dict) -> None:
        """The index's files in output/ (emptied first), from the cache just written."""
        import shutil

        shutil.rmtree(output, ignore_errors=True)
        (output / "t").mkdir(parents=True)
        (output / "d").mkdir()
        for name, body in self.db.execute("SELECT name, body FROM terms"):
            (output / "t" / f"{name}.json").write_text(body, encoding="utf-8")
        for n, body in self.db.execute("SELECT n, body FROM pieces"):
            (output / "d" / f"{n}.json").write_text(body, encoding="utf-8")
        (output / META).write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")) + "\n",
                                   encoding="utf-8")

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None


def _meta(firsts: list[tuple[str, str]], doc_pieces: list[str], documents: int) -> dict:
    stamp = hashlib.sha256("".join(doc_pieces).encode()).hexdigest()[:12]  # asked with the document pieces
    return {"format": FORMAT, "documents": documents, "piece": DOC_PIECE, "pieces": len(doc_pieces), "stamp": stamp,
            "terms": [[first, name] for first, name in firsts]}


def _name(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:10]


def _deltas(numbers: list[int]) -> list[int]:
    return [n - p for n, p in zip(numbers, [0, *numbers[:-1]], strict=True)]


def _pack(numbers: list[int]) -> list[int] | str:
    """Ascending numbers as the differences between them, or, where shorter (a term on most pages), as
    "<first>:<base64 bitmap from the first>"."""
    deltas = _deltas(numbers)
    if len(numbers) >= DENSE:
        low = numbers[0]
        bits = bytearray((numbers[-1] - low) // 8 + 1)
        for n in numbers:
            bits[(n - low) >> 3] |= 1 << ((n - low) & 7)
        packed = f"{low}:{base64.b64encode(bits).decode('ascii')}"
        if len(packed) < sum(len(str(d)) + 1 for d in deltas):
            return packed
    return deltas


def _unpack(value: list[int] | str) -> list[int]:
    if isinstance(value, str):
        low, _, packed = value.partition(":")
        start = int(low)
        return [start + i * 8 + j for i, byte in enumerate(base64.b64decode(packed)) if byte
                for j in range(8) if byte >> j & 1]
    out, total = [], 0
    for d in value:
        total += d
        out.append(total)
    return out


def _encoded(term: str, numbers: tuple[list[int], list[int]]) -> tuple[str, str]:
    """A term's two lists, as they are written into its piece."""
    dumped = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
    return dumped(_pack(numbers[0])), dumped(_pack(numbers[1])) if numbers[1] else ""


def _piece(entries: list[tuple[str, str, str]]) -> str:
    """A piece's JSON from its terms' encoded lists (`_encoded`): {"b": {term: documents}, "t": {term: titled}}."""
    quoted = [json.dumps(term, ensure_ascii=False) for term, _, _ in entries]
    body = ",".join(f"{q}:{b}" for q, (_, b, _) in zip(quoted, entries, strict=True))
    title = ",".join(f"{q}:{t}" for q, (_, _, t) in zip(quoted, entries, strict=True) if t)
    return f'{{"b":{{{body}}},"t":{{{title}}}}}'


def _decode(body: str) -> Postings:
    data = json.loads(body)
    titles = data.get("t", {})
    return {term: (_unpack(numbers), _unpack(titles.get(term, []))) for term, numbers in data["b"].items()}


def _cut(postings: Postings, ordered: list[str], *, take: bool = False) -> Iterator[tuple[str, str, str]]:
    """The pieces of these terms (sorted, from the start of a segment): (first term, name, body). A segment starts
    at each boundary term; a piece ends with its segment or before it would pass about LARGEST bytes, so the cut of
    a segment depends on that segment's terms and how many documents hold each, nothing else. `take`: each term's
    lists are taken out of `postings` as they are written (a whole build frees them as it goes)."""
    entries: list[tuple[str, str, str]] = []
    size = 0
    for term in ordered:
        numbers = postings.pop(term) if take else postings[term]
        titled = numbers[1] or ()
        entry = (term, *_encoded(term, (numbers[0], titled)))
        # its size in a piece as the number of its documents tells it, not their numbers (which a patch may choose
        # otherwise than a whole build): about 2 bytes a document in a list
        weight = len(term.encode("utf-8")) + 2 * len(numbers[0]) + 2 * len(titled) + 8
        if entries and (is_boundary(term) or size + weight > LARGEST):
            body = _piece(entries)
            yield entries[0][0], _name(body), body
            entries, size = [], 0
        entries.append(entry)
        size += weight
    if entries:
        body = _piece(entries)
        yield entries[0][0], _name(body), body


def _doc_piece(docs: list[Doc | None]) -> tuple[str, str]:
    body = json.dumps([[d.url, d.title, d.text[:SHOWN]] if d is not None else None for d in docs],
                      ensure_ascii=False, separators=(",", ":"))
    return _name(body), body


def read(folder: Path) -> dict[str, dict]:
    """A written index as the search page reads it: url -> {"title", "shown", "terms": the terms that find it,
    "titled": those in its title}. For tests and `dangan verify`."""
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    urls: dict[int, str] = {}
    out: dict[str, dict] = {}
    for n in range(meta["pieces"]):
        if not (folder / "d" / f"{n}.json").is_file():  # numbers no document has
            continue
        for i, entry in enumerate(json.loads((folder / "d" / f"{n}.json").read_text(encoding="utf-8"))):
            if entry is not None:
                urls[n * meta["piece"] + i] = entry[0]
                out[entry[0]] = {"title": entry[1], "shown": entry[2], "terms": set(), "titled": set()}
    for _, name in meta["terms"]:
        for term, (body, title) in _decode((folder / "t" / f"{name}.json").read_text(encoding="utf-8")).items():
            for number in body:
                out[urls[number]]["terms"].add(term)
            for number in title:
                out[urls[number]]["titled"].add(term)
    return out


def pages(site: Site) -> Iterator[Page]:
    depth = routes.url(routes.SEARCH, site.directory_urls).count("/")
    root = "../" * depth or "./"
    yield Page(routes.SEARCH, "search.html", {"index": f"{root}{FOLDER}/", "root": root}, searched=False)
