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

The search page (搜索) shows Pagefind's own interface, shipped in pagefind/ with the index."""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from . import routes
from .pages import Page, Site

FOLDER = "pagefind"
_CJK = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_BETWEEN = re.compile(f"(?<={_CJK})(?={_CJK})")
_TEXT = re.compile(r">([^<]+)<")
_BODY = '<div data-pagefind-body>'


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
    the previous index when none did; or, without a usable cache, a temporary folder removed after `index`."""

    def __init__(self, folder: Path | None = None, previous: dict[str, str] | None = None) -> None:
        self.kept = folder is not None
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

    def add(self, url: str, title: str, body: str, digest: str | None = None) -> None:
        """The page at `url` (relative to the site) with its title and body (`pages.render`), if it is searched;
        `digest` names what the page is made from (its key in the page store), else its text does."""
        if _BODY not in body:
            return
        digest = digest or hashlib.sha256(f"{title}\0{body}".encode()).hexdigest()
        self.now[url] = digest
        self.count += 1
        if self.previous.get(url) == digest:
            return
        text = _TEXT.sub(lambda m: ">" + _BETWEEN.sub("\u200b", m.group(1)) + "<", body)
        meta = html.escape(f"title:{html.unescape(title)}")
        text = text.replace(_BODY, f'<div data-pagefind-body data-pagefind-meta="{meta}">', 1)
        target = self._path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f'<!doctype html>\n<html lang="zh"><head><meta charset="utf-8"></head><body>\n{text}'
                          "</body></html>\n", encoding="utf-8")

    def keep(self, url: str, digest: str) -> bool:
        """The page at `url` is the one indexed last time under `digest`: its document stays. False if not."""
        if self.previous.get(url) != digest:
            return False
        self.now[url] = digest
        self.count += 1
        return True

    def _path(self, url: str) -> Path:
        return self.folder / (url + "index.html" if url.endswith("/") or url == "" else url)

    def digest(self) -> str:
        """What the index is made from: every document's digest, and Pagefind's version."""
        digest = hashlib.sha256(_version().encode())
        for url, made in sorted(self.now.items()):
            digest.update(f"{url}\0{made}\0".encode())
        return digest.hexdigest()

    def settle(self) -> str:
        """The documents of pages gone since the last build removed; the digest of what the index is made from."""
        for url in self.previous.keys() - self.now.keys():  # not searched any more
            self._path(url).unlink(missing_ok=True)
        return self.digest()

    def start(self, site_dir: Path) -> Indexing:
        """Pagefind set to index the documents into site_dir/pagefind/ (`Indexing.wait`, then `close`)."""
        return Indexing(self.folder, site_dir / FOLDER)

    def close(self) -> None:
        if self.dropping is not None:
            self.dropping.join()
            self.dropping = None
        if not self.kept:
            shutil.rmtree(self.folder, ignore_errors=True)


def _version() -> str:
    try:
        return importlib.metadata.version("pagefind-bin-extended")
    except importlib.metadata.PackageNotFoundError:
        return ""


class Indexing:
    """Pagefind at work on the documents under `documents` (a process of its own, while the build goes on),
    writing its index to `output` (Chinese segmentation)."""

    def __init__(self, documents: Path, output: Path) -> None:
        command = [str(executable()), "--site", str(documents), "--output-path", str(output), "--force-language",
                   "zh", "--silent"]
        self.output = output
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (open as long as Pagefind runs: closed by wait or stop)
        try:
            self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        except OSError as error:
            self.log.close()
            raise SearchError(f"Pagefind 无法运行 (Pagefind could not run): {error}") from None

    def wait(self) -> None:
        code = self.process.wait()
        self.log.seek(0)
        detail = self.log.read().decode("utf-8", errors="replace").strip().splitlines()[-5:]
        self.log.close()
        if code != 0 or not (self.output / "pagefind-entry.json").is_file():
            raise SearchError("Pagefind 未能生成搜索索引 (Pagefind made no index): " + " / ".join(detail))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()


def index(documents: Path, output: Path) -> None:
    """Pagefind's index of the pages under `documents`, written to `output`."""
    Indexing(documents, output).wait()


def pages(site: Site) -> Iterator[Page]:
    depth = routes.url(routes.SEARCH, site.directory_urls).count("/")
    yield Page(routes.SEARCH, "search.html", {"bundle": "../" * depth + f"{FOLDER}/"}, searched=False)
