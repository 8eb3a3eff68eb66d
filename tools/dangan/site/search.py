"""The site's search: Pagefind (its extended build, which segments Chinese), run over the written site.

Pagefind writes a static index in pieces under pagefind/: the browser loads the entry, then only the pieces of
the words it looks up and the fragments of the results it shows, so the first query costs a few hundred KB
however large the archive. Only what a page marks `data-pagefind-body` is indexed (`pages.render`: the page's
own text, not the theme, not the printable forms or the ledgers); `data-pagefind-ignore` leaves out the field
labels, related records and history. The public build indexes its own masked pages, the internal build its
own: each index is made from the pages beside it and nothing else.

Pagefind reads our own bodies, not the written pages (`Documents`): no theme to parse, and each Chinese
character is its own word (zero-width spaces between them, invisible in the results). Left to itself, the
index's segmenter and the browser's (Intl.Segmenter) cut Chinese differently — one held 张志强 whole, the
other read 张 志强, and the name was not found — so both sides work with characters instead: the search page's
`processTerm` spaces a query's Chinese characters and asks for them in a row (an exact phrase), so 张志强
finds the pages holding 张志强, and 乳业 those holding 乳业.

The index is made in parts (`part_count`, `part_of`): each searched page belongs to one part by a hash of its
group (a customer's page and the pages of the records naming it, which show its name, are one group; any other
record page is its own), the pages of the navigation to a part of their own; each part is a Pagefind index of its
own in pagefind/<part>/, listed in pagefind/parts.json. A build runs Pagefind only on the parts whose documents
changed (at most two processes at a time: the memory of one is that of a part, not of the archive) and moves the
others back from the previous build; the search page merges the parts in the browser (Pagefind's `mergeIndex`).
The number of parts follows the number of searched pages (`PART_SIZE` a part at most on average, a power of
two): when it changes, every part is made again.

The search page (搜索) shows Pagefind's own interface, shipped with the first part listed."""

from __future__ import annotations

import functools
import hashlib
import html
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import routes
from .pages import Page, Site

FOLDER = "pagefind"
PARTS = "parts.json"  # the parts' folders, in pagefind/: the search page merges them
NAVIGATION = "site"  # the group, and the part, of the pages in the navigation
PART_SIZE = 2048  # the documents of a part, on average, before the parts double
MOST_PARTS = 64  # beyond 131,072 documents, the parts grow instead (each part is one request per query word)
AT_ONCE = 2  # Pagefind processes at a time
# Pagefind's interfaces, written with every index: kept in the first part listed only (a merged index loads
# its entry, metadata, index pieces and fragments; the interface and the search library come from the first)
INTERFACE = ("pagefind-ui.css", "pagefind-ui.js", "pagefind-modular-ui.css", "pagefind-modular-ui.js",
             "pagefind-component-ui.css", "pagefind-component-ui.js", "pagefind-highlight.js")
_CJK = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_BETWEEN = re.compile(f"(?<={_CJK})(?={_CJK})")
_TEXT = re.compile(r">([^<]+)<")
_BODY = '<div data-pagefind-body>'
_IGNORED = '<div data-pagefind-ignore="all">'
_DIV = re.compile(r"<(/)?div\b[^>]*>")


class SearchError(RuntimeError):
    """The search index could not be made."""


def executable() -> Path:
    try:
        import pagefind_bin_extended
    except ImportError:
        raise SearchError("没有安装 Pagefind（pagefind-bin-extended），无法生成搜索索引；"
                          "请运行 python -m pip install 'pagefind[extended]' "
                          "(Pagefind's extended build is missing)") from None
    return pagefind_bin_extended.get_executable()


class Documents:
    """What Pagefind indexes: one small HTML file per searched page, at the page's own path, in a folder of its
    own: the archive's `.dangan-cache/search-<variant>/`, kept between builds with what each document was made
    from (`previous`, `now`: url -> digest), so that a build writes only the documents that changed and reuses
    the previous index of each part none of whose documents changed; or, without a usable cache, a temporary
    folder removed by `close`."""

    def __init__(self, folder: Path | None = None, previous: dict[str, str] | None = None,
                 part_size: int = PART_SIZE) -> None:
        self.kept = folder is not None
        self.part_size = part_size
        self.previous = dict(previous or {}) if self.kept else {}
        self.dropping: threading.Thread | None = None
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix="dangan-search-"))
        elif not self.previous and folder.exists():  # what the folder holds is unknown: it starts empty
            stale = folder.with_name(f"{folder.name}.stale-{os.getpid()}")
            os.replace(folder, stale)  # and the stale documents are deleted while the build goes on
            self.dropping = threading.Thread(target=shutil.rmtree, args=(stale,), kwargs={"ignore_errors": True})
            self.dropping.start()
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.now: dict[str, str] = {}
        self.count = 0
        self.chosen: dict[str, list[str]] = {}  # the parts (`settle`)
        self.groups: dict[str, str] = {}  # url -> its group (`add`)

    def add(self, url: str, title: str, body: str, digest: str | None = None, group: str | None = None) -> None:
        """The page at `url` (relative to the site) with its title and body (`pages.render`), if it is searched;
        `digest` names what the page is made from (its key in the page store), else its text does; `group` the
        pages kept in one part with it (`part_of`). What is kept of it: that digest and the digest of its
        document (what Pagefind reads: a page made from new inputs whose searched text is the same leaves its
        part of the index as it was)."""
        if _BODY not in body:
            return
        self.groups[url] = group or url
        digest = digest or hashlib.sha256(f"{title}\0{body}".encode()).hexdigest()
        text = _TEXT.sub(lambda m: ">" + _BETWEEN.sub("\u200b", m.group(1)) + "<", _searched(body))
        meta = html.escape(f"title:{html.unescape(title)}")
        text = text.replace(_BODY, f'<div data-pagefind-body data-pagefind-meta="{meta}">', 1)
        document = (f'<!doctype html>\n<html lang="zh"><head><meta charset="utf-8"></head><body>\n{text}'
                    "</body></html>\n").encode()
        made = hashlib.sha256(document).hexdigest()
        self.now[url] = f"{digest} {made}"
        self.count += 1
        if self.previous.get(url, "").endswith(f" {made}"):
            return
        target = self._path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(document)

    def keep(self, url: str, digest: str, group: str | None = None) -> bool:
        """The page at `url` is the one indexed last time under `digest`: its document stays. False if not."""
        before = self.previous.get(url, "")
        if before.partition(" ")[0] != digest or " " not in before:
            return False
        self.groups[url] = group or url
        self.now[url] = before
        self.count += 1
        return True

    def _path(self, url: str) -> Path:
        return self.folder / (url + "index.html" if url.endswith("/") or url == "" else url)

    def parts(self) -> dict[str, list[str]]:
        """The parts of the index, in order: a part's folder name -> the urls of its documents (a part without
        documents is left out: Pagefind makes no index of nothing; without any document, one part, empty). The
        pages of the navigation (the dashboard, the analyses …: they change with every record) have a part of
        their own, last."""
        navigation = sorted(url for url in self.now if self.groups[url] == NAVIGATION)
        count = part_count(len(self.now) - len(navigation), self.part_size)
        found: dict[int, list[str]] = {}
        for url in sorted(self.now):
            if self.groups[url] != NAVIGATION:
                found.setdefault(part_of(self.groups[url], count), []).append(url)
        parts = {str(n): found[n] for n in sorted(found)}
        if navigation:
            parts[NAVIGATION] = navigation
        return parts or {"0": []}

    def settle(self) -> dict[str, str]:
        """The documents of pages gone since the last build removed; what each part of the index is made from
        (its folder's name -> a digest of its documents, their number of parts and Pagefind's version)."""
        for url in self.previous.keys() - self.now.keys():  # not searched any more
            self._path(url).unlink(missing_ok=True)
        self.chosen = self.parts()
        made = {}
        for name, urls in self.chosen.items():
            digest = hashlib.sha256(f"{_version()}\0{len(self.chosen)}\0{name}\0".encode())
            for url in urls:  # what Pagefind reads
                digest.update(f"{url}\0{self.now[url].partition(' ')[2]}\0".encode())
            made[name] = digest.hexdigest()
        return made

    def start(self, output: Path, names: list[str]) -> Indexing:
        """Pagefind set to index the named parts (`settle`), each into output/<part>/ (`Indexing.wait`, then
        `close`); and output/parts.json written, which lists every part."""
        output.mkdir(parents=True, exist_ok=True)
        write_parts(output, list(self.chosen))
        first = next(iter(self.chosen))
        return Indexing([(functools.partial(self._gather, name), output / name, name == first) for name in names])

    def _gather(self, name: str) -> Path:
        """A folder holding the part's documents only, as Pagefind indexes a folder (hard links, made at once),
        beside the documents' folder (removed once indexed, or by `close`)."""
        folder = self.folder.with_name(f"{self.folder.name}.part-{name}")
        shutil.rmtree(folder, ignore_errors=True)
        made: set[Path] = set()
        for url in self.chosen[name]:
            source = self._path(url)
            target = folder / source.relative_to(self.folder)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            try:
                os.link(source, target)
            except OSError:  # a file system without hard links
                shutil.copyfile(source, target)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def close(self) -> None:
        if self.dropping is not None:
            self.dropping.join()
            self.dropping = None
        for part in self.folder.parent.glob(f"{self.folder.name}.part-*"):  # left by a build that was stopped
            shutil.rmtree(part, ignore_errors=True)
        if not self.kept:
            shutil.rmtree(self.folder, ignore_errors=True)


def _version() -> str:
    try:
        return importlib.metadata.version("pagefind-bin-extended")
    except importlib.metadata.PackageNotFoundError:
        return ""


def _searched(body: str) -> str:
    """A page's body without what `data-pagefind-ignore="all"` leaves out of the index (related records, history:
    what changes with other records), so that its document changes only when its searched text does. The values
    in a body are escaped: every `<div` and `</div>` in it is markup."""
    while (start := body.find(_IGNORED)) >= 0:
        depth, at = 0, start
        for tag in _DIV.finditer(body, start):
            depth += 1 if tag.group(1) is None else -1
            if depth == 0:
                at = tag.end()
                break
        else:
            return body  # not closed: left as it is (Pagefind leaves it out)
        body = body[:start] + body[at:]
    return body


def part_count(documents: int, size: int = PART_SIZE) -> int:
    """How many parts an index of so many documents has: a power of two, `size` documents a part at most on
    average (by default one part up to 2,048 documents, 8 at 10,000, 64 at 100,000), MOST_PARTS at most."""
    count = 1
    while count < MOST_PARTS and documents > count * max(size, 1):
        count *= 2
    return count


def part_of(group: str, count: int) -> int:
    """The part a page's document belongs to: a hash of its group (`Page.group`: a customer's pages together),
    else of its url (the same in every build)."""
    return int.from_bytes(hashlib.sha256(group.encode("utf-8")).digest()[:8], "big") % count


def write_parts(output: Path, names: list[str]) -> None:
    (output / PARTS).write_text(json.dumps([f"{name}/" for name in names]) + "\n", encoding="utf-8")


class Indexing:
    """Pagefind at work on parts of the index (`jobs`: what gathers a part's documents into a folder, the folder
    of its index, whether the interface is kept there), AT_ONCE processes at a time, in threads of their own
    while the build goes on (Chinese segmentation). A part's documents folder is removed once it is indexed."""

    def __init__(self, jobs: list[tuple[Callable[[], Path], Path, bool]]) -> None:
        self.command = str(executable()) if jobs else ""  # nothing to index: Pagefind is not needed
        self.lock = threading.Lock()
        self.running: list[subprocess.Popen] = []
        self.stopped = False
        self.pool = ThreadPoolExecutor(max_workers=AT_ONCE, thread_name_prefix="pagefind")
        self.jobs = [self.pool.submit(self._index, *job) for job in jobs]

    def _index(self, gather: Callable[[], Path], output: Path, interface: bool) -> None:
        with self.lock:
            if self.stopped:
                return
        documents = gather()
        command = [self.command, "--site", str(documents), "--output-path", str(output), "--force-language", "zh",
                   "--silent"]
        try:
            with tempfile.TemporaryFile() as log:
                with self.lock:
                    if self.stopped:
                        return
                    try:
                        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
                    except OSError as error:
                        raise SearchError(f"Pagefind 无法运行 (Pagefind could not run): {error}") from None
                    self.running.append(process)
                code = process.wait()
                with self.lock:
                    self.running.remove(process)
                    if self.stopped:
                        return
                log.seek(0)
                detail = log.read().decode("utf-8", errors="replace").strip().splitlines()[-5:]
            if code != 0 or not (output / "pagefind-entry.json").is_file():
                raise SearchError("Pagefind 未能生成搜索索引 (Pagefind made no index): " + " / ".join(detail))
            if not interface:
                for name in INTERFACE:
                    (output / name).unlink(missing_ok=True)
        finally:
            shutil.rmtree(documents, ignore_errors=True)

    def wait(self) -> None:
        """Every part indexed; else SearchError (the first part's)."""
        try:
            for job in self.jobs:
                job.result()
        finally:
            self.stop()

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            for process in self.running:
                if process.poll() is None:
                    process.kill()
        for job in self.jobs:
            job.cancel()
        self.pool.shutdown(wait=True)


def pages(site: Site) -> Iterator[Page]:
    depth = routes.url(routes.SEARCH, site.directory_urls).count("/")
    yield Page(routes.SEARCH, "search.html", {"bundle": "../" * depth + f"{FOLDER}/", "parts": PARTS},
               searched=False)
