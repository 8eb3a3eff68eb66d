"""Benchmark: what the first query on the search page costs in a browser (Debian's Chromium), for a built site or
for a search index alone made here over N documents. Not a test.

    python bench/search.py --site bench/out/site-10000-public [--query 张志强]
    python bench/search.py --documents 100000 [--part-size 2048]

--site serves a built site and types the query into its search page. --documents makes N documents from the
search documents a site build kept (`.dangan-cache/search-public/` of bench/out/site-10000, copied with new urls
and numbers until there are N), indexes them as the site does (`dangan.site.search`: in parts, at most two Pagefind
processes at a time; --part-size 1000000 gives one part) into bench/out/search-N/ with the site's search page,
and prints Pagefind's time and peak memory (its largest process). Either way: the bytes and requests of the first
query (everything under pagefind/ from the page's load to the results shown), and of the whole index.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import html
import http.server
import json
import re
import resource
import shutil
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
    """The bytes and requests under pagefind/ from opening search.html to the results of `query` shown, and the
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
                    if "/pagefind/" in r.url else None)
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search.html")
            box = page.locator("input.pagefind-ui__search-input")
            box.click()
            box.fill(query)
            box.dispatch_event("input")
            page.wait_for_function("""(query) => {
                const shown = document.querySelector('.pagefind-ui__message');
                return shown && shown.innerText.includes(query) && !shown.innerText.includes('正在搜索')
                    && [...document.querySelectorAll('.pagefind-ui__result')]
                        .every(r => r.querySelector('.pagefind-ui__result-link')); }""", arg=query, timeout=120000)
            page.wait_for_timeout(500)
            links = [a.get_attribute("href") for a in page.locator(".pagefind-ui__result-link").all()]
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return sum(loaded.values()), len(loaded), links


def make_documents(count: int, folder: Path) -> int:
    """`count` documents in `folder` from the 10,000-record site's kept documents; how many were written."""
    source = OUT / "site-10000" / ".dangan-cache" / "search-public"
    found = sorted(p for p in source.rglob("*.html"))
    if not found:
        raise SystemExit(f"no documents in {source}: run python bench/site.py --records 10000 first")
    shutil.rmtree(folder, ignore_errors=True)
    written = 0
    copy = 0
    while written < count:
        for path in found:
            if written == count:
                break
            relative = path.relative_to(source).as_posix()
            target = folder / (relative if copy == 0 else relative.replace(".html", f"-{copy}.html"))
            target.parent.mkdir(parents=True, exist_ok=True)
            text = path.read_text(encoding="utf-8")
            if copy:
                text = _ID.sub(rf"\g<1>{copy}\g<2>", text)
            target.write_text(text, encoding="utf-8")
            written += 1
        copy += 1
    return written


def index(folder: Path, site: Path, part_size: int) -> tuple[float, int]:
    """The documents in `folder` indexed into site/pagefind/ as a site build does; the search page beside it."""
    import jinja2

    from dangan.site import search

    documents = search.Documents(folder.with_name("kept"), None, part_size)  # its own folder: written again
    for path in sorted(folder.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        body = text[text.index("<div data-pagefind-body"):text.rindex("</body>")]
        title = html.unescape(re.search(r'data-pagefind-meta="title:([^"]*)"', body).group(1))
        body = re.sub(r'<div data-pagefind-body data-pagefind-meta="[^"]*">', "<div data-pagefind-body>", body, count=1)
        documents.add(path.relative_to(folder).as_posix(), html.escape(title), body)
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    parts = documents.settle()
    start = time.perf_counter()
    documents.start(site / search.FOLDER, list(parts)).wait()
    seconds = time.perf_counter() - start
    documents.close()
    template = (REPO / "tools" / "dangan" / "site" / "templates" / "search.html").read_text(encoding="utf-8")
    page = jinja2.Template(template).render(bundle=f"{search.FOLDER}/", parts=search.PARTS)
    (site / "search.html").write_text(f'<!doctype html><html lang="zh"><head><meta charset="utf-8"></head><body>'
                                      f"{page}</body></html>", encoding="utf-8")
    return seconds, len(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", type=Path)
    parser.add_argument("--documents", type=int)
    parser.add_argument("--part-size", type=int, default=2048)
    parser.add_argument("--query", default="")
    args = parser.parse_args()
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    site = args.site
    if args.documents:
        base = OUT / f"search-{args.documents}"
        written = make_documents(args.documents, base / "documents")
        site = base / "site"
        seconds, parts = index(base / "documents", site, args.part_size)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{written:,} documents → {parts} parts in {seconds:.1f} s; Pagefind's peak {peak:.0f} MB")
    query = args.query or _a_name(site)
    total = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    files = sum(1 for p in (site / "pagefind").rglob("*") if p.is_file())
    loaded, requests, links = first_query(site, query)
    print(f"first query {query}: {loaded:,} bytes in {requests} requests of a {total:,} byte index ({files:,} files);"
          f" results: {', '.join(links[:3])}")
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


def _a_name(site: Path) -> str:
    """A person's name from a customer page in the index's last part (not the first: the parts are merged)."""
    parts = sorted({p.parent.parent for p in (site / "pagefind").rglob("fragment/*.pf_fragment")})
    for path in sorted((parts[-1] / "fragment").iterdir()):
        fragment = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8").removeprefix("pagefind_dcd"))
        title = fragment["meta"].get("title", "")
        found = re.search(r"^客户档案 KH\d+ (\S{2,3})$", title)
        if found:
            return found.group(1)
    return "张志强"


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "tools"))
    main()
