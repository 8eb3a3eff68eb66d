"""The MkDocs plugin: reads the archive once per build and adds every page in `on_files`.

The pages themselves come from `generate` (plain functions of the archive, no MkDocs in them): this
module is only the seam to MkDocs' hooks, the one part a move to another generator replaces.

Nothing generated is written into the docs folder. The archive is the folder holding mkdocs.yml
(or DANGAN_ROOT, or the plugin's `root`). The public build masks and leaves sealed records out;
the internal one (`internal: true` or DANGAN_SITE_INTERNAL=1) shows everything and goes to
public-internal/ unless told otherwise.

At scale (issue 22) three things keep a build cheap:

- **The theme's chrome is rendered once per folder** (`shared_chrome`, on by default): every record and form
  page of a folder has the same chrome around its title and body (none of them is in the navigation), so MkDocs
  renders one shell page per folder, with marks where the title and the body go, and the plugin writes every page
  of that folder into its shell. Pages in the navigation are rendered by MkDocs one by one, as before. A test
  compares the two ways page by page.
- **A record page whose inputs did not change is not made again**: its title and body come from the page store
  (`store`, `.dangan-cache/pages.sqlite`) by the page's key (`records`).
- **The ledgers, forms, dashboard and analyses are keyed by their inputs too**, and a ledger's rows one by one
  (`ledgers.table`): a changed customer makes again its rows, not the ledgers around them.
- **A rebuild into the same folder keeps what did not change** (CI with a cached site, `mkdocs serve` while one
  edits): the store remembers what each written page was made from (`PageStore.wrote`); before MkDocs cleans the
  folder, the previous files are set aside inside it (`.dangan-previous`, hidden, which MkDocs does not clean), and
  each page made from the same inputs into the same shell is moved back, not written. A build that finds no such
  record builds everything, as before.
- **A page of the navigation is not held by MkDocs**: MkDocs reads every page before it writes the first, and holds
  each page's content to the end of the build (the ledgers and the dashboard of 100,000 records are 5 to 35 MB of
  HTML each). It is given a mark instead, and the body, kept in the page store, takes the mark's place when the page
  is written (`_filled`). The records a ledger decodes are held as the store's JSON again after it (`record.let_go`).
- **The search index costs what changed** (`search`): a static index in pieces made here from our own bodies,
  kept with every page's text in `.dangan-cache/search-<variant>.sqlite`; a build tokenises only the pages whose
  text changed and makes again only the pieces that hold their terms.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import os
import posixpath
import re
import shutil
from pathlib import Path
from urllib.parse import quote, urljoin

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from .. import record as records_held
from . import generate as site_build
from . import pages as site_pages
from . import routes, search
from .store import PageStore

PUBLIC, INTERNAL = "public", "public-internal"
THEME = Path(__file__).parent / "theme"
log = get_plugin_logger("dangan")
SHELL = "dangan-shell"  # the source name of a folder's shell page (never written)
LET_GO = 2000  # pages made between two `record.let_go`: the records they decoded held as the store's JSON again
TITLE_MARK = "DANGANSHELLTITLE7Q"
BODY_MARK = "<h1>DANGANSHELLBODY7Q</h1>"
URL_MARK = "DANGANSHELLURL7Q"  # where the page's canonical URL goes (a site_url is set: `mkdocs serve` sets one)
ASIDE = ".dangan-previous"  # the previous build's files during a build, inside the site folder
SITE_PLACE = "site:"  # what the page store remembers having written (`PageStore.wrote`)
_MARKS = re.compile(f"({TITLE_MARK}|{re.escape(BODY_MARK)}|{URL_MARK})")


class DanganConfig(Config):
    root = c.Optional(c.Type(str))
    internal = c.Type(bool, default=False)
    as_of = c.Optional(c.Type(str))  # the dashboard's day (default: the build date)
    shared_chrome = c.Type(bool, default=True)  # record and form pages written into one shell per folder
    search = c.Type(bool, default=True)  # a search index of the built site (`search`)
    search_part_size = c.Optional(c.Type(int))  # Pagefind's, before 2026-12: accepted from an older mkdocs.yml, unused


class DanganPlugin(BasePlugin[DanganConfig]):
    def __init__(self):
        self.site: site_pages.Site | None = None
        self.generated: set[str] = set()
        self.body: str | None = None  # the page being built: its HTML, past Markdown
        self.in_nav: set[str] = set()
        self.store: PageStore | None = None
        self.bulk: list[tuple[site_pages.Page, str, str]] = []  # (page, its shell's folder, its key in the store)
        self.shell_src: dict[str, str] = {}  # shell source path -> folder
        self.shells: dict[str, list[str]] = {}  # folder -> the shell's HTML, split at the marks
        self.shell_files: list[Path] = []
        self.later: dict[str, site_pages.Page] = {}  # pages of the navigation whose body is in the store
        self.searched: search.Index | None = None  # the search index of this build
        self.decoding = contextlib.ExitStack()  # records decoded for a while only (`record.decoded_for_a_while`)
        self.shell_digests: dict[str, str] = {}  # folder -> a digest of its shell's HTML
        self.aside: Path | None = None  # the previous build's files, set aside until what is unchanged is taken back
        self.previous: dict[str, str] = {}  # what the previous build wrote to this site folder: url -> digest

    def internal(self) -> bool:
        return self.config.internal or os.environ.get("DANGAN_SITE_INTERNAL", "") not in ("", "0")

    def root(self, config) -> Path:
        chosen = self.config.root or os.environ.get("DANGAN_ROOT")
        return Path(chosen).resolve() if chosen else Path(config.config_file_path).resolve().parent

    def on_config(self, config):
        root = self.root(config)
        internal = self.internal()
        if internal and Path(config.site_dir).resolve() == (root / PUBLIC).resolve():
            config.site_dir = str(root / INTERNAL)
        as_of = dt.date.fromisoformat(self.config.as_of) if self.config.as_of else None
        try:  # `mkdocs build` run directly: no half-built site from a broken archive
            self.site, made = site_build.open_site(root, internal=internal, as_of=as_of,
                                                   directory_urls=config.use_directory_urls)
        except site_build.SiteError as error:
            raise PluginError(str(error)) from None
        config.extra["dangan"] = made.as_dict()
        if str(THEME) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        if config.nav is None:
            config.nav = site_build.nav(self.site, search=self.config.search)
            if not (Path(config.docs_dir) / "index.md").is_file():
                config.nav = config.nav[1:]
        self.in_nav = set(_sources(config.nav))
        return config

    def on_pre_build(self, config):
        """The page store opened; the previous build's files (those the store knows it wrote) set aside inside
        the site folder, where MkDocs does not clean (a hidden folder), to be taken back if unchanged."""
        self._drop_aside()
        self.previous = {}
        site_dir = Path(config.site_dir)
        shutil.rmtree(site_dir / ASIDE, ignore_errors=True)  # left by a build that was killed
        if not self.config.shared_chrome:
            return
        self.store = PageStore(self.root(config), INTERNAL if self.site.internal else PUBLIC)
        self.previous = self.store.written(_place(site_dir))
        if not self.previous or not site_dir.is_dir():
            return
        self.store.forget(_place(site_dir))  # until this build has written it all
        aside = site_dir / ASIDE
        aside.mkdir()
        self.aside = aside
        for entry in os.scandir(site_dir):
            if not entry.name.startswith("."):  # MkDocs leaves hidden files (a deployment's .git …) alone
                os.replace(entry.path, aside / entry.name)

    def _drop_aside(self) -> None:
        aside, self.aside = self.aside, None
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)

    def on_files(self, files: Files, config) -> Files:
        self.generated.clear()
        self.bulk.clear()
        self.later.clear()
        self.shell_src.clear()
        self.shells.clear()
        self.shell_digests.clear()
        site = self.site
        if self.searched is not None:
            self.searched.close()
        self.searched = self._search_index() if self.config.search else None
        site.shared["store"] = self.store  # the ledgers keep their rows there
        self.decoding.close()
        self.decoding.enter_context(records_held.decoded_for_a_while())  # until the build ends
        for number, page in enumerate(site_build.generate(site, search=self.config.search)):
            if number % LET_GO == LET_GO - 1:
                records_held.let_go()
            if self.store is None or page.src in self.in_nav:
                found = self.store.get(page.key) if self.store is not None and page.key else None
                title, body = found if found is not None else site_pages.render(site, page)
                if found is None and self.store is not None and page.key:
                    self.store.put(page.key, title, body)
                if self.searched is not None:
                    self.searched.add(routes.url(page.src, config.use_directory_urls), title, body, page.key,
                                      search.NAVIGATION if page.src in self.in_nav else page.group)
                if self.store is not None and page.key:  # its body taken from the store when it is written
                    self.later[page.src] = page
                    body = BODY_MARK
                self._add(files, config, page.src, site_pages.markdown(page, title, body))
                records_held.let_go()  # a ledger or the dashboard decodes every record of a kind
                continue
            key = page.key  # made (or taken from the store) when it is written, if it has to be
            if key is None:
                title, body = site_pages.render(site, page)
                key = "body:" + hashlib.sha256(f"{page.src}\0{title}\0{body}".encode()).hexdigest()
                self.store.put(key, title, body)
            folder = f"{posixpath.dirname(page.src)}/{'-'.join(page.hide)}".lstrip("/")
            if folder not in self.shells:
                self.shells[folder] = []
                src = posixpath.join(posixpath.dirname(page.src), f"{SHELL}-{len(self.shells)}.md")
                self.shell_src[src] = folder
                shell = site_pages.Page(src, "", {}, hide=page.hide)
                self._add(files, config, src, site_pages.markdown(shell, TITLE_MARK, BODY_MARK))
            self.bulk.append((page, folder, key))
            if self.searched is not None and page.searched:
                url = routes.url(page.src, config.use_directory_urls)
                if not self.searched.keep(url, key):
                    self.searched.add(url, *self._made(page, key)[:2], key, page.group)
        records_held.let_go()
        if self.store is not None:
            self.store.flush()
        return files

    def _search_index(self) -> search.Index:
        """The search index, kept in the archive's cache between builds when the page store is usable (the folder
        of documents an older Dangan kept for Pagefind is deleted)."""
        if self.store is None or self.store.db is None:
            return search.Index()
        cache = self.store.path.parent
        shutil.rmtree(cache / f"search-{self.store.variant}", ignore_errors=True)
        return search.Index(cache / f"search-{self.store.variant}.sqlite")

    def _add(self, files: Files, config, src: str, content: str) -> None:
        self.generated.add(src)
        existing = files.get_file_from_path(src)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, src, content=content))

    def on_page_markdown(self, markdown, page, config, files):
        if page.file.src_uri not in self.generated:
            return markdown
        self.body = markdown  # our body is HTML already: Markdown would only cost time
        return ""

    def on_page_content(self, html, page, config, files):
        if page.file.src_uri not in self.generated:
            return html
        body, self.body = self.body, None
        return body

    def on_post_page(self, output, page, config):
        later = self.later.pop(page.file.src_uri, None)
        if later is not None:
            return self._filled(output, page, later)
        folder = self.shell_src.get(page.file.src_uri)
        if folder is None:
            return output
        if page.canonical_url:
            output = output.replace(f'href="{page.canonical_url}"', f'href="{URL_MARK}"')
        if output.count(BODY_MARK) != 1 or TITLE_MARK not in output or SHELL in output:
            raise PluginError(f"{page.file.src_uri}: 主题在页面中显示了页面自身的地址或改写了标题，无法共用页面外框；"
                              "请在 mkdocs.yml 中为 dangan 插件设置 shared_chrome: false "
                              "(the theme shows each page's own address: set shared_chrome: false)")
        self.shells[folder] = _MARKS.split(output)
        self.shell_digests[folder] = hashlib.sha256(output.encode("utf-8")).hexdigest()
        self.shell_files.append(Path(page.file.abs_dest_path))  # not a page of the site: removed after the build
        return output

    def _filled(self, output: str, page, made: site_pages.Page) -> str:
        """A page of the navigation with its body in place of the mark it was built with (MkDocs holds every page's
        content from the first page it reads to the end of the build: the ledgers and the dashboard of a large
        archive are tens of MB each)."""
        if output.count(BODY_MARK) != 1:
            raise PluginError(f"{page.file.src_uri}: 页面内容无法填入主题生成的页面；"
                              "请在 mkdocs.yml 中为 dangan 插件设置 shared_chrome: false "
                              "(the page's body could not be put into the theme's page: set shared_chrome: false)")
        return output.replace(BODY_MARK, self._made(made, made.key)[1])

    def on_post_build(self, config):
        site_dir = Path(config.site_dir)
        for path in self.shell_files:
            path.unlink(missing_ok=True)
        if self.shell_files:
            _drop_shells_from_sitemap(site_dir)
        self.shell_files.clear()
        written: dict[str, str] = {}
        made: set[Path] = set()
        kept = rendered = 0
        for number, (page, folder, key) in enumerate(self.bulk):
            if number % LET_GO == LET_GO - 1:
                records_held.let_go()
            url = routes.url(page.src, config.use_directory_urls)
            canonical = _canonical(config, url)
            digest = hashlib.sha256(f"{self.shell_digests[folder]}\0{key}\0{canonical}".encode()).hexdigest()
            written[url] = digest
            name = url + "index.html" if url.endswith("/") or url == "" else url
            target = site_dir / name
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if self.aside is not None and self.previous.get(url) == digest and _take_back(self.aside / name, target):
                self.store.keep(key)
                kept += 1
                continue
            title, body, fresh = self._made(page, key)
            rendered += fresh
            fill = {TITLE_MARK: title, BODY_MARK: body, URL_MARK: canonical}
            html = "".join(fill.get(part, part) for part in self.shells[folder])
            target.write_bytes(html.encode("utf-8", errors="xmlcharrefreplace"))
        if self.bulk:
            stored = len(self.bulk) - kept - rendered
            log.info(f"记录页 {len(self.bulk)} 个：沿用 {kept} 个，由页面缓存写出 {stored} 个，重新生成 {rendered} 个 "
                     f"/ record pages: {kept} kept, {stored} written from the page store, {rendered} rendered")
        self.bulk.clear()
        try:
            if self.searched is not None:
                index, self.searched = self.searched, None
                try:
                    made = index.finish(site_dir / search.FOLDER)
                except search.SearchError as error:
                    raise PluginError(str(error)) from None
                finally:
                    index.close()
                log.info(f"搜索索引 {index.count} 页：重新索引 {made} 页 / search index: {index.count} pages, "
                         f"{made} indexed again" + (" (whole)" if index.whole else ""))
            if self.store is not None:
                self.store.prune()
                self.store.wrote(_place(site_dir), written, alone=SITE_PLACE)
        finally:
            self.decoding.close()
            self._drop_aside()
            if self.store is not None:
                self.store.close()
                self.store = None

    def _made(self, page: site_pages.Page, key: str) -> tuple[str, str, bool]:
        """A page's title and body: from the store, else rendered (and stored); and whether it was rendered."""
        found = self.store.get(key)
        if found is not None:
            return (*found, False)
        found = site_pages.render(self.site, page)
        self.store.put(key, *found)
        return (*found, True)

    def on_build_error(self, error):
        self.decoding.close()
        if self.searched is not None:
            self.searched.close()
            self.searched = None
        self._drop_aside()
        if self.store is not None:
            self.store.close()
            self.store = None

    def on_serve(self, server, config, builder):
        root = self.root(config)
        for folder in ("records", "schemas"):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server


def _place(site_dir: Path) -> str:
    return SITE_PLACE + str(site_dir.resolve())


def _take_back(old: Path, target: Path) -> bool:
    """The previous build's file moved back where it was: it is the page this build would write."""
    try:
        os.replace(old, target)
    except OSError:
        return False
    return True


def _drop_shells_from_sitemap(site_dir: Path) -> None:
    """The sitemap (written with a site_url only) without the shells. It lists the pages of the navigation: the
    record and form pages were never in it with shared chrome (an archive is not for search engines)."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.is_file():
        return
    text = sitemap.read_text(encoding="utf-8")
    kept = re.sub(rf"\s*<url>\s*<loc>[^<]*{SHELL}[^<]*</loc>.*?</url>", "", text, flags=re.S)
    if kept != text:
        sitemap.write_text(kept, encoding="utf-8")
        with gzip.GzipFile(site_dir / "sitemap.xml.gz", "wb", mtime=0) as out:
            out.write(kept.encode("utf-8"))


def _canonical(config, url: str) -> str:
    """A page's canonical URL as MkDocs makes it (`Page._set_canonical_url`)."""
    if not config.site_url:
        return ""
    base = config.site_url if config.site_url.endswith("/") else config.site_url + "/"
    return urljoin(base, quote(url))


def _sources(nav) -> list[str]:
    """The source paths named in a navigation (MkDocs' nested lists and dicts)."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [src for value in nav.values() for src in _sources(value)]
    if isinstance(nav, list):
        return [src for item in nav for src in _sources(item)]
    return []
