"""Benchmark: what the first query on the search page costs in a browser (Debian's Chromium), for a built site or
for a search index alone made here over N documents; and, for the latter, the time and peak memory of making the
index whole and of a build after one changed customer. Not a test.

    python bench/search.py --site bench/out/site-10000-public [--query 张志强]
    python bench/search.py --documents 100000

--documents makes N documents from the pages a site build indexed (the search cache of bench/out/site-10000,
`.dangan-cache/search-public.sqlite`: copied with new numbers until there are N), indexes them as the site does
(`dangan.site.search.Index`, with a cache) into bench/out/search-N/site/ with the site's search page, each step in a
process of its own: the whole index, then one customer's name changed on every page showing it. Either way: the
bytes and requests of the first query (everything under search-index/ from the page's load to the results shown),
and the size of the whole index.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import html
import http.server
import json
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "out"
CHROMIUM = "/usr/bin/chromium"
_ID = re.compile(r"(KH|HT|SQ)(\d{4,6})")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def first_query(site: Path, query: str) -> tuple[int, int, list[str]]:
    """The bytes and requests under search-index/ from opening search.html to the results of `query` shown, and the
    results' links."""
    from playwright import sync_api as playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    server.handle_error = lambda *args: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    loaded: dict[str, int] = {}
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.on("response", lambda r: loaded.__setitem__(r.url, int(r.headers.get("content-length") or 0))
                    if "/search-index/" in r.url else None)
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search.html")
            box = page.locator("input.dangan-search__input")
            box.click()
            box.fill(query)
            box.dispatch_event("input")
            page.wait_for_function("""(query) => {
                const shown = document.querySelector('.dangan-search__message');
                return shown.dataset.query === query && shown.dataset.state === 'done'; }""", arg=query,
                                   timeout=120000)
            links = [a.get_attribute("href") for a in page.locator(".dangan-search__result a").all()]
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return sum(loaded.values()), len(loaded), links


def make_documents(count: int, target: Path) -> int:
    """`count` documents (url, title, text, group) as JSON lines in `target`, from the 10,000-record site's search
    cache, copied with new numbers; how many were written."""
    source = OUT / "site-10000" / ".dangan-cache" / "search-public.sqlite"
    if not source.is_file():
        raise SystemExit(f"no {source}: run python bench/site.py --records 10000 first")
    with sqlite3.connect(source) as db:
        rows = list(db.execute("SELECT url, title, text, grp FROM docs ORDER BY id"))
    written = copy = 0
    with target.open("w", encoding="utf-8") as out:
        while written < count:
            for url, title, text, group in rows:
                if written == count:
                    break
                if copy:
                    url, title, text, group = (_ID.sub(rf"\g<1>{copy}\g<2>", v) for v in (url, title, text, group))
                    url, group = url.replace(".html", f"-{copy}.html"), f"{group}-{copy}"
                out.write(json.dumps([url, title, text, group], ensure_ascii=False) + "\n")
                written += 1
            copy += 1
    return written


def index(documents: Path, site: Path, changed: str = "") -> None:
    """(In a process of its own.) The documents indexed into site/search-index/ with the cache beside them: whole,
    or with `changed` (a customer id) renamed on its pages and those of its records (its group); prints the time
    and peak memory."""
    from dangan.site import search

    state = site.parent / "search.sqlite"
    if not changed:
        state.unlink(missing_ok=True)
    name = group = None
    if changed:  # the customer's name, as its page's title ends, and its group (the pages showing it)
        with documents.open(encoding="utf-8") as lines:
            name, group = next((json.loads(line)[1].split()[-1], json.loads(line)[3]) for line in lines
                               if json.loads(line)[0].endswith(f"/{changed}.html"))
    start = time.perf_counter()
    made = search.Index(state)
    with documents.open(encoding="utf-8") as lines:
        for line in lines:
            url, title, text, grp = json.loads(line)
            if name and grp == group:  # the pages of its group, renamed (as the site renders them again)
                title, text = title.replace(name, name + "新"), text.replace(name, name + "新")
            key = hashlib.sha1(f"{title}\0{text}".encode()).hexdigest()  # as the page store keys a page
            if not made.keep(url, key):  # as the site's plugin: a page with the key of the last build is kept
                made.add(url, html.escape(title), f"<div data-search-body><p>{html.escape(text)}</p></div>", key,
                         grp)
    again = made.finish(site / search.FOLDER)
    made.close()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'one customer renamed' if changed else 'whole'}: {made.count:,} documents, {again:,} indexed again, "
          f"{seconds:.1f} s, peak {peak:.0f} MB")


def search_page(site: Path) -> None:
    import jinja2

    from dangan.site import search

    template = (REPO / "tools" / "dangan" / "site" / "templates" / "search.html").read_text(encoding="utf-8")
    page = jinja2.Template(template).render(index=f"{search.FOLDER}/", root="./")
    (site / "search.html").write_text(f'<!doctype html><html lang="zh"><head><meta charset="utf-8"></head><body>'
                                      f"{page}</body></html>", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", type=Path)
    parser.add_argument("--documents", type=int)
    parser.add_argument("--query", default="")
    parser.add_argument("--index", nargs=3, metavar=("DOCUMENTS", "SITE", "CHANGED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.index:
        index(Path(args.index[0]), Path(args.index[1]), args.index[2].strip())
        return
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    site = args.site
    if args.documents:
        base = OUT / f"search-{args.documents}"
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        written = make_documents(args.documents, base / "documents.jsonl")
        site = base / "site"
        site.mkdir()
        print(f"{written:,} documents")
        for changed in ("", "KH0001"):
            subprocess.run([sys.executable, __file__, "--index", str(base / "documents.jsonl"), str(site),
                            changed or " "], check=True)
        search_page(site)
    query = args.query or _a_name(site)
    folder = site / "search-index"
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    files = sum(1 for p in folder.rglob("*") if p.is_file())
    meta = (folder / "meta.json").stat().st_size
    loaded, requests, links = first_query(site, query)
    print(f"first query {query}: {loaded:,} bytes in {requests} requests (meta.json {meta:,}) of a {total:,} byte "
          f"index ({files:,} files); results: {', '.join(links[:3])}")
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


def _a_name(site: Path) -> str:
    """A person's name from a customer page of the index (its last document piece: numbered last)."""
    folder = site / "search-index"
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    for n in reversed(range(meta["pieces"])):
        if not (folder / "d" / f"{n}.json").is_file():
            continue
        for entry in json.loads((folder / "d" / f"{n}.json").read_text(encoding="utf-8")):
            found = entry and re.search(r"^客户档案 KH\d+ (\S{2,3})$", entry[1])
            if found:
                return found.group(1)
    return "张志强"


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "tools"))
    main()
