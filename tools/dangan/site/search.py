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

import html
import re
import shutil
import subprocess
import tempfile
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
    own (removed after `index`)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="dangan-search-"))
        self.count = 0

    def add(self, url: str, title: str, body: str) -> None:
        """The page at `url` (relative to the site) with its title and body (`pages.render`), if it is searched."""
        if _BODY not in body:
            return
        text = _TEXT.sub(lambda m: ">" + _BETWEEN.sub("\u200b", m.group(1)) + "<", body)
        meta = html.escape(f"title:{html.unescape(title)}")
        text = text.replace(_BODY, f'<div data-pagefind-body data-pagefind-meta="{meta}">', 1)
        target = self.folder / (url + "index.html" if url.endswith("/") or url == "" else url)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f'<!doctype html>\n<html lang="zh"><head><meta charset="utf-8"></head><body>\n{text}'
                          "</body></html>\n", encoding="utf-8")
        self.count += 1

    def index(self, site_dir: Path) -> None:
        """Pagefind's index of the documents, written to site_dir/pagefind/; the documents removed."""
        try:
            index(self.folder, site_dir / FOLDER)
        finally:
            self.close()

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def index(documents: Path, output: Path) -> None:
    """Pagefind's index of the pages under `documents`, written to `output` (Chinese segmentation)."""
    command = [str(executable()), "--site", str(documents), "--output-path", str(output), "--force-language", "zh",
               "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace",
                                check=False)
    except OSError as error:
        raise SearchError(f"Pagefind 无法运行 (Pagefind could not run): {error}") from None
    if result.returncode != 0 or not (output / "pagefind-entry.json").is_file():
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise SearchError("Pagefind 未能生成搜索索引 (Pagefind made no index): " + " / ".join(detail))


def pages(site: Site) -> Iterator[Page]:
    depth = routes.url(routes.SEARCH, site.directory_urls).count("/")
    yield Page(routes.SEARCH, "search.html", {"bundle": "../" * depth + f"{FOLDER}/"}, searched=False)
