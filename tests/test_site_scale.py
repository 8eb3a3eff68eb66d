"""The site at scale (issue 22): the theme's chrome rendered once per folder gives the pages MkDocs would have
rendered one by one; a rebuild after one changed record makes again only the pages showing it, and gives the
pages a full build gives, byte for byte; a page store that is damaged is set aside, never a failed build."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, customer, dossier, enterprise
from dangan.site import search
from gitarchive import GitArchive


def mkdocs_build(root: Path, out: Path, config: Path | None = None, **env: str) -> Path:
    mkdocs_log(root, out, config, **env)
    return out


def mkdocs_log(root: Path, out: Path, config: Path | None = None, **env: str) -> str:
    """MkDocs' log of a build that succeeded."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config or root / "mkdocs.yml"),
               "-d", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False,
                            env={**os.environ, "DANGAN_ROOT": str(root), "NO_MKDOCS_2_WARNING": "1", **env})
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stderr


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def differing(a: Path, b: Path) -> list[str]:
    left, right = files(a), files(b)
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> GitArchive:
    base = tmp_path_factory.mktemp("scale")
    found = GitArchive(base / "archive", base / "keys")
    found.add("customer", customer(contacts=[{"name": "王小明", "mobile": "13904710001"}]))
    found.add("customer", enterprise())
    found.add("dossier", dossier())
    found.commit("S004", "新建客户和档案", date="2024-03-04")
    shutil.copy(REPO / "mkdocs.yml", found.root / "mkdocs.yml")
    shutil.copytree(REPO / "site", found.root / "site")
    found.commit("S002", "网站配置", date="2024-03-14")
    return found


def test_shared_chrome_gives_the_pages_mkdocs_renders(archive, tmp_path):
    """Every page written into its folder's shell is the page MkDocs renders on its own (with a site_url too:
    `mkdocs serve` sets one, and each page then names its canonical URL)."""
    root = archive.root
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    for name, extra in (("plain", ""), ("site-url", "site_url: https://archive.example/site/\n")):
        shared, single = root / f"mkdocs-{name}.yml", root / f"mkdocs-{name}-single.yml"  # beside site/
        shared.write_text(extra + text, encoding="utf-8")
        single.write_text(extra + text.replace("  - dangan\n", "  - dangan:\n      shared_chrome: false\n"),
                          encoding="utf-8")
        assert "shared_chrome: false" in single.read_text(encoding="utf-8")
        a = mkdocs_build(root, tmp_path / f"{name}-a", shared)
        b = mkdocs_build(root, tmp_path / f"{name}-b", single)
        assert len(list(a.rglob("records/*/*.html"))) > 5 and list(a.rglob("forms/*/*.html"))
        # the sitemap (with a site_url) lists the navigation's pages only: record and form pages are not in it
        assert [name for name in differing(a, b) if not name.startswith("sitemap.xml")] == []
        assert not list(a.rglob("dangan-shell*"))
        assert "dangan-shell" not in (a / "sitemap.xml").read_text(encoding="utf-8")
        shared.unlink()
        single.unlink()
    page = (tmp_path / "site-url-a" / "records" / "customers" / "KH0001.html").read_text(encoding="utf-8")
    assert 'href="https://archive.example/site/records/customers/KH0001.html"' in page


def test_a_theme_that_shows_a_page_twice_is_refused_with_the_way_out(archive, tmp_path):
    """A theme override that writes the page's content twice cannot share its chrome (record pages) nor be filled
    from the page store (the ledgers, the dashboard): the build stops with a message naming `shared_chrome: false`,
    no traceback; with it, the pages are MkDocs' own, the content twice."""
    root = archive.root
    overrides = root / "overrides-twice"
    overrides.mkdir()
    (overrides / "main.html").write_text('{% extends "base.html" %}\n{% block content %}{{ super() }}'
                                         '<aside class="again">{{ page.content }}</aside>{% endblock %}\n',
                                         encoding="utf-8")
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "theme:\n  name: material\n" in text
    twice = text.replace("theme:\n  name: material\n", "theme:\n  name: material\n  custom_dir: overrides-twice\n")
    config, single = root / "mkdocs-twice.yml", root / "mkdocs-twice-single.yml"
    config.write_text(twice, encoding="utf-8")
    single.write_text(twice.replace("  - dangan\n", "  - dangan:\n      shared_chrome: false\n"), encoding="utf-8")
    try:
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d",
                                 str(tmp_path / "refused")], capture_output=True, text=True, timeout=600,
                                env={**os.environ, "DANGAN_ROOT": str(root), "NO_MKDOCS_2_WARNING": "1"})
        assert result.returncode != 0
        assert "shared_chrome: false" in result.stderr and "Traceback" not in result.stderr, result.stderr[-2000:]
        built = mkdocs_build(root, tmp_path / "single", single)
        for page in ("records/customers/KH0001.html", "ledgers/customers.html", "dashboard.html"):
            html = (built / page).read_text(encoding="utf-8")
            assert html.count("<h1") == 2 and '<aside class="again">' in html, page
    finally:
        config.unlink()
        single.unlink()
        shutil.rmtree(overrides)


def test_one_changed_record_rebuilds_only_what_shows_it(archive, tmp_path):
    root = archive.root
    store = root / ".dangan-cache" / "pages.sqlite"
    store.unlink(missing_ok=True)
    first = mkdocs_build(root, tmp_path / "first")
    assert store.is_file()
    record = root / "records" / "customers" / "KH0002.yaml"
    text = record.read_text(encoding="utf-8")
    name_line = next(line for line in text.splitlines() if line.startswith("name: "))
    assert name_line[-1] not in "'\""
    record.write_text(text.replace(name_line, name_line + "新"), encoding="utf-8")
    try:
        incremental = mkdocs_build(root, tmp_path / "incremental")
        full = mkdocs_build(root, tmp_path / "full", DANGAN_NO_CACHE="1")
        assert differing(incremental, full) == []
        changed = differing(first, incremental)
        assert "records/customers/KH0002.html" in changed
        assert "新" in (incremental / "records" / "customers" / "KH0002.html").read_text(encoding="utf-8")
    finally:
        record.write_text(text, encoding="utf-8")


def test_a_rebuild_in_place_keeps_what_did_not_change(archive, tmp_path):
    """Built again into the same folder (as CI with a cached site, or `dangan site serve` while one edits), the
    pages that did not change are the previous build's files, left where they were, and the search index is
    the same while no searched page changed; the pages are byte for byte a full build's, pages gone included, the
    search index answers as a full build's, and what MkDocs never cleans (a deployment's .git) stays."""
    root = archive.root
    out = mkdocs_build(root, tmp_path / "site")
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    kept = out / "records" / "customers" / "KH0001.html"
    entry = out / "search-index" / search.META
    before = (kept.stat().st_ino, entry.read_bytes())

    mkdocs_build(root, out)  # nothing changed: the same files, the same index
    assert (kept.stat().st_ino, entry.read_bytes()) == before

    record = root / "records" / "customers" / "KH0002.yaml"
    text = record.read_text(encoding="utf-8")
    name_line = next(line for line in text.splitlines() if line.startswith("name: "))
    gone = next((root / "records" / "dossiers").glob("*.yaml"))
    moved = tmp_path / gone.name
    record.write_text(text.replace(name_line, name_line + "新"), encoding="utf-8")
    try:
        mkdocs_build(root, out)  # every page's footer now says the archive has changes not committed: all new
        before = (kept.stat().st_ino, entry.read_bytes())
        record.write_text(text.replace(name_line, name_line + "新新"), encoding="utf-8")
        mkdocs_build(root, out)
        assert "新新" in (out / "records" / "customers" / "KH0002.html").read_text(encoding="utf-8")
        assert kept.stat().st_ino == before[0]  # its page does not show the changed customer
        assert entry.read_bytes() != before[1]  # a searched page changed: a new index
        gone.replace(moved)  # and a record gone: its pages go
        mkdocs_build(root, out)
        full = mkdocs_build(root, tmp_path / "full", DANGAN_NO_CACHE="1")
        assert [name for name in differing(out, full) if not name.startswith((".git/", "search-index/"))] == []
        assert search.read(out / "search-index") == search.read(full / "search-index")
        assert not (out / "records" / "dossiers").exists() or not list((out / "records" / "dossiers").iterdir())
        assert (out / ".git" / "HEAD").is_file() and not list(out.glob(".dangan-*"))
    finally:
        record.write_text(text, encoding="utf-8")
        if moved.exists():
            moved.replace(gone)


def test_a_rebuild_indexes_again_only_the_pages_whose_text_changed(archive, tmp_path):
    """A rebuild in place after one changed record tokenises again only the pages whose searched text changed (the
    customer's, the pages showing its name, the dashboard), not the others; the index answers as a full build's."""
    root = archive.root
    record = root / "records" / "customers" / "KH0002.yaml"
    saved = record.read_text(encoding="utf-8")
    name_line = next(line for line in saved.splitlines() if line.startswith("name: "))
    out = tmp_path / "site"
    try:
        record.write_text(saved.replace(name_line, name_line + "新"), encoding="utf-8")
        mkdocs_build(root, out)  # the archive has changes not committed: every page's footer says so
        before = search.read(out / "search-index")
        record.write_text(saved.replace(name_line, name_line + "新新"), encoding="utf-8")
        log = mkdocs_log(root, out)
        after = search.read(out / "search-index")
        assert after.keys() == before.keys()
        changed = sorted(url for url in after if after[url] != before[url])
        assert "records/customers/KH0002.html" in changed and len(changed) < len(after) / 2, changed
        made = re.search(r"search index: (\d+) pages, (\d+) indexed again", log)
        assert made and int(made.group(1)) == len(after), re.findall("search index.*", log)
        assert len(changed) <= int(made.group(2)) < len(after) / 2, (made.group(0), changed)
        full = mkdocs_build(root, tmp_path / "full", DANGAN_NO_CACHE="1")
        assert search.read(full / "search-index") == after
    finally:
        record.write_text(saved, encoding="utf-8")


def test_unchanged_pages_are_not_made_again(archive, tmp_path):
    """A record page whose key is stored is taken from the store: a row altered there is what the build writes
    (which is how a test sees that it was not rendered), and the next change to its record replaces it."""
    import sqlite3

    root = archive.root
    mkdocs_build(root, tmp_path / "warm")
    with sqlite3.connect(root / ".dangan-cache" / "pages.sqlite") as db:
        rows = db.execute("SELECT key, body FROM pages WHERE variant = 'public' AND body LIKE '%KH0001%'"
                          " AND body LIKE '%<h1>客户档案 KH0001%'").fetchall()
        assert len(rows) == 1
        db.execute("UPDATE pages SET body = ? WHERE key = ?", (rows[0][1].replace("</h1>", "（取自存储）</h1>", 1),
                                                              rows[0][0]))
    again = mkdocs_build(root, tmp_path / "again")
    assert "（取自存储）" in (again / "records" / "customers" / "KH0001.html").read_text(encoding="utf-8")
    fresh = mkdocs_build(root, tmp_path / "fresh", DANGAN_NO_CACHE="1")
    assert "（取自存储）" not in (fresh / "records" / "customers" / "KH0001.html").read_text(encoding="utf-8")


def test_a_damaged_page_store_is_set_aside(archive, tmp_path):
    root = archive.root
    store = root / ".dangan-cache" / "pages.sqlite"
    store.parent.mkdir(exist_ok=True)
    for side in ("-wal", "-shm"):
        Path(f"{store}{side}").unlink(missing_ok=True)
    store.write_bytes(b"not a database at all" * 100)
    built = mkdocs_build(root, tmp_path / "built")
    reference = mkdocs_build(root, tmp_path / "reference", DANGAN_NO_CACHE="1")
    assert differing(built, reference) == []
    assert (store.parent / "pages.sqlite.damaged").is_file()


def test_an_archive_built_by_an_older_dangan_builds_with_the_new_search(archive, tmp_path):
    """An archive whose cache holds the documents an older Dangan kept for Pagefind, and whose mkdocs.yml still
    sets Pagefind's `search_part_size`: the build succeeds (--strict), deletes the old documents and makes the new
    index, damaged search cache included."""
    root = archive.root
    old = root / ".dangan-cache" / "search-public" / "records" / "customers"
    old.mkdir(parents=True, exist_ok=True)
    (old / "KH0001.html").write_text("<div data-pagefind-body>王小明</div>", encoding="utf-8")
    (root / ".dangan-cache" / "search-public.sqlite").write_bytes(b"not a database" * 50)
    config = root / "mkdocs-old.yml"
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config.write_text(text.replace("  - dangan\n", "  - dangan:\n      search_part_size: 2048\n"), encoding="utf-8")
    try:
        out = mkdocs_build(root, tmp_path / "site", config)
    finally:
        config.unlink()
    assert not old.parent.parent.exists()
    found = search.read(out / "search-index")
    assert "王小" in found["records/customers/KH0001.html"]["terms"]
