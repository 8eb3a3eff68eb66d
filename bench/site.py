"""Benchmark: the site build (`mkdocs build --strict` with the dangan plugin, as `dangan site build`
runs it) for a generated archive of N records, beside a plain MkDocs build of the same number of
trivial pages with the same theme and Material's search, in the same run. Not a test.

    python bench/site.py [--records 2000] [--runs 3] [--no-baseline]

The archive is `dangan demo DIR --size N` (the demo company copied with new ids; no git history)
plus the repository's mkdocs.yml and site/. Each figure is the median of `--runs` fresh processes;
peak memory is the process's maximum resident set size (os.wait4). Three site builds: full (the page
store and the search index's cache emptied before each run; the record store warm, as in CI with a cached
.dangan-cache), nothing changed, and one record changed (a customer's name, which its dossiers, visits … show
too). What a first query loads is measured by bench/search.py in a browser.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from history import timed

REPO = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "out"
PLAIN_CONFIG = """site_name: plain
docs_dir: docs
use_directory_urls: false
theme:
  name: material
  language: zh
  font: false
  features: [navigation.tabs]
nav:
  - index.md
validation:
  nav:
    omitted_files: ignore
plugins:
  - search:
      lang: zh
      separator: '[\\s\\u200b\\-]'
"""


def archive(records: int) -> Path:
    root = OUT / f"site-{records}"
    if not (root / "records").is_dir():
        subprocess.run(["dangan", "demo", str(root), "--size", str(records)], check=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.rmtree(root / "site", ignore_errors=True)
    shutil.copytree(REPO / "site", root / "site")
    return root


def plain(pages: int) -> Path:
    root = OUT / f"plain-{pages}"
    if not (root / "docs" / f"p{pages - 2:06d}.md").is_file():  # the last page written
        shutil.rmtree(root, ignore_errors=True)
        (root / "docs").mkdir(parents=True)
        (root / "docs" / "index.md").write_text("# 首页\n\n一个普通的页面。\n", encoding="utf-8")
        for n in range(pages - 1):
            (root / "docs" / f"p{n:06d}.md").write_text(
                f"# 第 {n} 页\n\n这是第 {n} 个普通页面，只有一段文字。\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(PLAIN_CONFIG, encoding="utf-8")
    return root


def change_one(root: Path) -> None:
    """A customer's name changed (and changed back on the next call): its page and every page showing it."""
    path = min((root / "records" / "customers").glob("*.yaml"))
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("name: "))
    changed = line[:-1] + line[-1] + "甲" if not line.endswith("甲") else line[:-1]
    path.write_text(text.replace(line, changed, 1), encoding="utf-8")


def emptied(*databases: Path) -> None:
    """SQLite files deleted with their journals: a write-ahead log left beside a deleted database is read into the
    next one of that name (a "full" build then took most pages from the store)."""
    for database in databases:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true", help="only the site (the baseline is slow at 100,000)")
    args = parser.parse_args()
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    root = archive(args.records)
    built = OUT / f"site-{args.records}-public"
    site = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(built)]
    os.environ["DANGAN_ROOT"] = str(root)
    store = root / ".dangan-cache" / "pages.sqlite"
    subprocess.run(site, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # the record store warm
    searched = root / ".dangan-cache" / "search-public.sqlite"  # the search index's cache: made whole too
    logs = {name: OUT / f"site-{args.records}-{name}.log" for name in ("full", "unchanged", "changed")}
    for log in logs.values():
        log.unlink(missing_ok=True)
    full = timed(site, runs=args.runs, before=lambda: emptied(store, searched), log=logs["full"])
    unchanged = timed(site, runs=args.runs, log=logs["unchanged"])
    changed = timed(site, runs=args.runs, before=lambda: change_one(root), log=logs["changed"])
    pages = sum(1 for _ in built.rglob("*.html")) - 1  # without 404.html
    records = sum(1 for _ in (root / "records").rglob("*.yaml"))
    index = sum(p.stat().st_size for p in (built / "search-index").rglob("*") if p.is_file())
    rows = [(f"dangan site, {records:,} records → {pages:,} pages, full build", *full),
            ("— nothing changed (page store warm)", *unchanged),
            ("— one record changed (a customer's name)", *changed)]
    if not args.no_baseline:
        base = plain(pages)
        baseline = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(base / "mkdocs.yml"),
                    "-d", str(base / "public")]
        plain_figures = timed(baseline, runs=args.runs)
        rows.insert(0, (f"plain MkDocs + Material, {pages:,} trivial pages (baseline)", *plain_figures))
    print("| what | median time | pages/s | peak memory |")
    print("|---|---|---|---|")
    for name, seconds, memory in rows:
        print(f"| {name} | {seconds:.1f} s | {pages / seconds:.0f} | {memory:.0f} MB |")
    print(f"search index (search-index/): {index / 1e6:.1f} MB in "
          f"{sum(1 for _ in (built / 'search-index').rglob('*'))} files")
    for name, log in logs.items():  # what each build kept and made again, as the plugin says it
        said = [line.split("dangan: ", 1)[-1] for line in log.read_text(encoding="utf-8").splitlines()
                if "/ record pages:" in line or "/ search index:" in line]
        print(f"{name}: {' · '.join(said)}")
    if not args.no_baseline:
        plain_time, plain_mem = rows[0][1], rows[0][2]
        print(f"site / baseline: {full[0] / plain_time:.2f}× time, {full[1] / plain_mem:.2f}× memory (full build); "
              f"{changed[0] / plain_time:.2f}× after one change")
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
