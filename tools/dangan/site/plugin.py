"""The MkDocs plugin: reads the archive once per build and generates every page in `on_files`.

Nothing generated is written into the docs folder. The archive is the folder holding mkdocs.yml
(or DANGAN_ROOT, or the plugin's `root`). The public build masks and leaves sealed records out;
the internal one (`internal: true` or DANGAN_SITE_INTERNAL=1) shows everything and goes to
public-internal/ unless told otherwise."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import tempfile
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from .. import crypto, encryption, report
from ..reader import build, unusable
from . import generate as site_build
from . import pages as site_pages
from .dictionary import words
from .provenance import provenance
from .values import View

PUBLIC, INTERNAL = "public", "public-internal"
THEME = Path(__file__).parent / "theme"


class DanganConfig(Config):
    root = c.Optional(c.Type(str))
    internal = c.Type(bool, default=False)
    as_of = c.Optional(c.Type(str))  # the dashboard's day (default: the build date)


class DanganPlugin(BasePlugin[DanganConfig]):
    def __init__(self):
        self.site: site_pages.Site | None = None
        self.generated: set[str] = set()
        self.body: str | None = None  # the page being built: its HTML, past Markdown
        self.dictionary: str | None = None

    def internal(self) -> bool:
        return self.config.internal or os.environ.get("DANGAN_SITE_INTERNAL", "") not in ("", "0")

    def root(self, config) -> Path:
        chosen = self.config.root or os.environ.get("DANGAN_ROOT")
        return Path(chosen).resolve() if chosen else Path(config.config_file_path).resolve().parent

    @event_priority(100)  # before the search plugin reads its jieba dictionary
    def on_config(self, config):
        root = self.root(config)
        internal = self.internal()
        if internal and Path(config.site_dir).resolve() == (root / PUBLIC).resolve():
            config.site_dir = str(root / INTERNAL)
        index = build(root)
        blocking = unusable(index)  # `mkdocs build` run directly: no half-built site from a broken archive
        if blocking:
            raise PluginError(report.environment(blocking, "zh"))
        if internal:  # the internal build shows the values: it needs a key; the public one never opens any
            self._open(index)
        as_of = dt.date.fromisoformat(self.config.as_of) if self.config.as_of else None
        made = provenance(index, internal)
        self.site = site_pages.Site(index, View(index, internal), as_of or dt.date.fromisoformat(made.built),
                                    directory_urls=config.use_directory_urls)
        config.extra["dangan"] = made.as_dict()
        if str(THEME) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        if config.nav is None:
            config.nav = site_build.nav(self.site)
            if not (Path(config.docs_dir) / "index.md").is_file():
                config.nav = config.nav[1:]
        self._search_dictionary(config)
        return config

    @staticmethod
    def _open(index) -> None:
        try:
            encryption.open_index(index)
        except crypto.KeyProblem as problem:
            raise PluginError(str(problem)) from None
        closed = index.derived.get(encryption.STILL_SEALED, 0)
        if closed and not index.derived.get(encryption.KEYS):
            raise PluginError(f"内部版须有密钥才能显示 {closed} 个加密值：设置 DANGAN_KEY 或用 dangan --key "
                              "(the internal site needs a key)")

    def _search_dictionary(self, config) -> None:
        search = config.plugins.get("material/search") or config.plugins.get("search")
        if search is None or "jieba_dict_user" not in search.config or importlib.util.find_spec("jieba") is None:
            return
        handle, path = tempfile.mkstemp(prefix="dangan-jieba-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.writelines(f"{word} 2000\n" for word in words(self.site.index, self.site.view))
        self.dictionary = path
        search.config.jieba_dict_user = path

    def on_files(self, files: Files, config) -> Files:
        self.generated.clear()
        for page in site_build.generate(self.site):
            title, body = site_pages.render(self.site, page)
            self.generated.add(page.src)
            existing = files.get_file_from_path(page.src)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, page.src, content=site_pages.markdown(page, title, body)))
        return files

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

    def on_serve(self, server, config, builder):
        root = self.root(config)
        for folder in ("records", "schemas"):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server

    def on_post_build(self, config):
        if self.dictionary:
            Path(self.dictionary).unlink(missing_ok=True)
            self.dictionary = None

    def on_build_error(self, error):
        self.on_post_build(None)
