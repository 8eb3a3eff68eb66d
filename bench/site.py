"""Benchmark: the site build (`mkdocs build --strict` with the dangan plugin, as `dangan site build`
runs it) for a generated archive of N records, beside a plain MkDocs build of the same number of
trivial pages with the same theme and search, in the same run. Not a test.

    python bench/site.py [--records 2000] [--runs 3]

The archive is `dangan demo DIR --size N` (the demo company copied with new ids; no git history)
plus the repository's mkdocs.yml and site/. Each figure is the median of `--runs` fresh processes;
peak memory is the process's maximum resident set size (os.wait4).
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
    if not (root / "docs" / f"p{pages - 1:06d}.md").is_file():
        shutil.rmtree(root, ignore_errors=True)
        (root / "docs").mkdir(parents=True)
        (root / "docs" / "index.md").write_text("# 首页\n\n一个普通的页面。\n", encoding="utf-8")
        for n in range(pages - 1):
            (root / "docs" / f"p{n:06d}.md").write_text(
                f"# 第 {n} 页\n\n这是第 {n} 个普通页面，只有一段文字。\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(PLAIN_CONFIG, encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    root = archive(args.records)
    built = OUT / f"site-{args.records}-public"
    site = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(built)]
    os.environ["DANGAN_ROOT"] = str(root)
    site_time, site_mem = timed(site, runs=args.runs)
    pages = sum(1 for _ in built.rglob("*.html")) - 1  # without 404.html
    records = sum(1 for _ in (root / "records").rglob("*.yaml"))
    base = plain(pages)
    baseline = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(base / "mkdocs.yml"),
                "-d", str(base / "public")]
    plain_time, plain_mem = timed(baseline, runs=args.runs)
    rows = [(f"plain MkDocs + Material, {pages:,} trivial pages (baseline)", plain_time, plain_mem),
            (f"dangan site, {records:,} records → {pages:,} pages", site_time, site_mem)]
    print("| what | median time | pages/s | peak memory |")
    print("|---|---|---|---|")
    for name, seconds, memory in rows:
        print(f"| {name} | {seconds:.1f} s | {pages / seconds:.0f} | {memory:.0f} MB |")
    print(f"site / baseline: {site_time / plain_time:.2f}× time, {site_mem / plain_mem:.2f}× memory")


if __name__ == "__main__":
    main()
