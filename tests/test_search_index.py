"""The search index (`dangan.site.search`): its terms, its pieces, and a build that makes again only what changed
answering every query as a whole build does — after any sequence of pages added, changed and gone."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dangan.site import search


def body(text: str) -> str:
    return f'<div data-search-body>\n<h1>{text.split()[0]}</h1>\n<p>{text}</p>\n</div>\n'


def build(state: Path | None, pages: dict[str, str], output: Path, keys: dict[str, str] | None = None) -> search.Index:
    """An index of `pages` (url -> text) into `output`; `keys` name what each page is made from: a page whose key is
    the cached one is kept without its text, as the site's plugin keeps a page it did not render."""
    index = search.Index(state)
    for url, text in pages.items():
        key = (keys or {}).get(url)
        if key is None or not index.keep(url, key):
            index.add(url, text.split()[0], body(text), key, group=url.split("/")[0])
    index.finish(output)
    index.close()
    return index


def answers(folder: Path) -> dict[str, tuple[str, frozenset[str], frozenset[str]]]:
    return {url: (doc["title"], frozenset(doc["terms"]), frozenset(doc["titled"]))
            for url, doc in search.read(folder).items()}


def test_terms_are_pairs_of_chinese_characters_and_runs_of_letters_and_digits():
    assert search.terms("张志强") == {"张志", "志强", "强"}
    assert search.terms("KH0001 客户") == {"kh0001", "客户", "户"}
    assert search.terms("2012鸿借字第001号") == {"2012", "鸿借", "借字", "字第", "第", "001", "号"}
    assert search.terms("ＫＨ０００１，王") == {"kh0001", "王"}  # full-width, as an input method may type it
    assert search.terms("138****5678 <b>") == {"138", "5678", "b"}


def test_page_text_leaves_out_labels_and_ignored_blocks():
    page = ('<div data-search-body>\n<h1>客户档案 KH0001</h1>\n<table><thead data-search-ignore><tr><th>姓名</th></tr>'
            '</thead><tr><th class="x" data-search-ignore>客户名称</th><td>王小明 &amp; 李</td></tr></table>\n'
            '<div data-search-ignore="all"><h2>相关记录</h2><div>档案 2024鸿借字第001号</div></div>\n<p>尾</p></div>\n')
    assert search.page_text(page) == "客户档案 KH0001 王小明 & 李 尾"


def words(rng: random.Random) -> str:
    letters = "张王李赵刘陈杨黄周吴鑫泰商贸乳业草原牧歌有限公司贷款担保档案"
    chinese = "".join(rng.choice(letters) for _ in range(rng.randint(2, 12)))
    number = f"KH{rng.randint(0, 99999):05d}"
    return f"{chinese} {number} {rng.randint(0, 10 ** 9)} {chinese[::-1]} x{rng.randint(0, 999)}"


@pytest.mark.parametrize(("boundary", "largest"), [(64, 24_000), (16, 600)])
def test_a_patch_answers_as_a_whole_build_after_any_changes(tmp_path, monkeypatch, boundary, largest):
    """Pages added, changed and removed in random rounds: each patched index decodes to the whole build's (every
    page's terms and title terms), its term pieces are cut the same, and some pieces stay as they were. With small
    pieces, segments are cut by size too (and the lists of common terms written as bitmaps)."""
    monkeypatch.setattr(search, "BOUNDARY", boundary)
    monkeypatch.setattr(search, "LARGEST", largest)
    rng = random.Random(22 + boundary)
    pages = {f"g{n % 40}/{n}.html": words(rng) for n in range(600)}
    state = tmp_path / "search.sqlite"
    first = build(state, pages, tmp_path / "out")
    assert first.whole
    for round_ in range(12):
        before = {p.name for p in (tmp_path / "out" / "t").iterdir()}
        for _ in range(rng.randint(1, 6)):
            url = rng.choice(sorted(pages))
            choice = rng.random()
            if choice < 0.3:
                del pages[url]
            elif choice < 0.6:
                pages[f"g{rng.randint(0, 50)}/new{round_}-{rng.randint(0, 10 ** 6)}.html"] = words(rng)
            else:
                pages[url] = words(rng)
        index = build(state, pages, tmp_path / "out")
        assert not index.whole, round_
        whole = build(None, pages, tmp_path / "whole")
        assert answers(tmp_path / "out") == answers(tmp_path / "whole"), round_
        meta = json.loads((tmp_path / "out" / search.META).read_text(encoding="utf-8"))
        cut = json.loads((tmp_path / "whole" / search.META).read_text(encoding="utf-8"))
        assert [first for first, _ in meta["terms"]] == [first for first, _ in cut["terms"]], round_
        assert meta["documents"] == len(pages) and whole.whole
        after = {p.name for p in (tmp_path / "out" / "t").iterdir()}
        assert len(after - before) < len(after), round_  # some pieces stay as they were


def test_one_changed_page_writes_only_the_pieces_of_its_changed_terms(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "LARGEST", 10 ** 6)  # a piece a segment
    rng = random.Random(7)
    pages = {f"g{n % 40}/{n}.html": words(rng) for n in range(600)}
    state = tmp_path / "search.sqlite"
    build(state, pages, tmp_path / "out")
    for url in rng.sample(sorted(pages), 5):
        before = {p.name for p in (tmp_path / "out" / "t").iterdir()}
        docs_before = {p.name: p.read_bytes() for p in (tmp_path / "out" / "d").iterdir()}
        old, pages[url] = pages[url], words(rng)
        changed = search.terms(old) ^ search.terms(pages[url])
        build(state, pages, tmp_path / "out")
        after = {p.name for p in (tmp_path / "out" / "t").iterdir()}
        assert 0 < len(after - before) <= len(changed) + 1, (len(after - before), len(changed))
        assert len(after - before) < len(after)
        docs = {p.name: p.read_bytes() for p in (tmp_path / "out" / "d").iterdir()}
        assert docs.keys() == docs_before.keys()
        assert sum(docs[n] != docs_before[n] for n in docs) == 1  # the piece of the changed page's document only


def test_lists_are_packed_as_differences_or_as_bitmaps():
    sparse, dense = [3, 90, 1000], list(range(5, 400, 2))
    assert search._pack(sparse) == [3, 87, 910]
    packed = search._pack(dense)
    assert isinstance(packed, str) and packed.startswith("5:") and len(packed) < len(json.dumps(dense)) / 4
    assert search._unpack(search._pack(sparse)) == sparse and search._unpack(packed) == dense


def test_a_page_kept_by_its_key_keeps_its_text(tmp_path):
    """A page the plugin did not render again (its key is the cached one) keeps its place and terms; a page made
    from new inputs with the same text is not indexed again."""
    pages = {f"a/{n}.html": f"王小明 KH{n:04d} 贷款" for n in range(100)}
    keys = {url: f"k{n}" for n, url in enumerate(pages)}
    state = tmp_path / "search.sqlite"
    build(state, pages, tmp_path / "out", keys)
    pages["a/7.html"] = "李小红 KH0007 担保"
    keys["a/7.html"] = "changed"
    keys["a/8.html"] = "new inputs, same text"
    index = search.Index(state)
    for url, text in pages.items():
        if not index.keep(url, keys[url]):
            index.add(url, text.split()[0], body(text), keys[url], group="a")
    assert index.finish(tmp_path / "out") == 1 and not index.whole
    index.close()
    found = search.read(tmp_path / "out")
    assert {"李小", "小红", "担保"} <= found["a/7.html"]["terms"] and "王小" not in found["a/7.html"]["terms"]
    assert found["a/8.html"]["terms"] == search.terms("王小明 KH0008 贷款")
    assert answers(tmp_path / "out") == answers(build(None, pages, tmp_path / "whole") and tmp_path / "whole")
    again = search.Index(state)
    assert again.keep("a/8.html", "new inputs, same text")
    again.close()


def test_a_damaged_cache_is_made_again(tmp_path):
    pages = {f"a/{n}.html": f"王小明 KH{n:04d}" for n in range(80)}
    state = tmp_path / "search.sqlite"
    build(state, pages, tmp_path / "out")
    state.write_bytes(b"not a database" * 100)
    index = build(state, pages, tmp_path / "out")
    assert index.whole and answers(tmp_path / "out") == answers(build(None, pages, tmp_path / "whole") and
                                                                 tmp_path / "whole")
    with sqlite3.connect(state) as db:  # made again in its place
        assert db.execute("SELECT count(*) FROM docs").fetchone() == (80,)


@pytest.mark.parametrize("count", [0, 1])
def test_an_index_of_nothing_or_one_page(tmp_path, count):
    pages = {"a/1.html": "王小明"} if count else {}
    build(tmp_path / "s.sqlite", pages, tmp_path / "out")
    assert set(search.read(tmp_path / "out")) == set(pages)


WORKER = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, {tools!r})
from dangan.site import search
state, pages = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())
output, wait = Path(sys.argv[3]), sys.argv[4]
index = search.Index(state)
for url, text in pages.items():
    index.add(url, text.split()[0], '<div data-search-body><p>' + text + '</p></div>', group=url.split('/')[0])
print('read', flush=True)
while wait and not Path(wait).exists():
    time.sleep(0.02)
try:
    index.finish(output)
except search.SearchError as error:
    print(error, flush=True)
    sys.exit(3)
print('done', flush=True)
"""


def worker(tmp_path: Path, state: Path, pages: dict[str, str], output: Path, wait: str = "") -> subprocess.Popen:
    listed = tmp_path / f"pages-{len(list(tmp_path.glob('pages-*')))}.json"
    listed.write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
    code = WORKER.format(tools=str(Path(search.__file__).parents[2]))
    return subprocess.Popen([sys.executable, "-c", code, str(state), str(listed), str(output), wait],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_builds_at_once_never_leave_a_wrong_index(tmp_path):
    """Two processes read the cache, then write it one after the other: the second finds that the first wrote it
    since it read it, says so and fails (its own changes are not lost in a wrong index); the next build makes the
    index whole, answering as a whole build."""
    rng = random.Random(5)
    pages = {f"g{n % 30}/{n}.html": words(rng) for n in range(400)}
    state = tmp_path / "search.sqlite"
    build(state, pages, tmp_path / "out")
    first, second = dict(pages), dict(pages)
    first["g1/1.html"], second["g2/2.html"] = words(rng), words(rng)
    del second["g3/3.html"]
    go = tmp_path / "go"
    late = worker(tmp_path, state, second, tmp_path / "late", str(go))
    assert late.stdout.readline().strip() == "read"
    early = worker(tmp_path, state, first, tmp_path / "early")
    assert early.wait(timeout=60) == 0, early.stderr.read()
    go.touch()
    out, err = late.communicate(timeout=60)
    assert late.returncode == 3 and "another build wrote the search index's cache" in out, (out, err)
    index = build(state, second, tmp_path / "out")
    assert index.whole and answers(tmp_path / "out") == answers(build(None, second, tmp_path / "whole") and
                                                                 tmp_path / "whole")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
def test_a_build_killed_at_any_moment_leaves_a_cache_that_answers_right(tmp_path):
    """A build killed (SIGKILL) at moments spread over its run, whole or patched: the next build answers as a whole
    build (the cache is written in one transaction: a kill leaves the one before)."""
    rng = random.Random(9)
    pages = {f"g{n % 50}/{n}.html": words(rng) * 3 for n in range(3000)}
    state = tmp_path / "search.sqlite"
    started = time.monotonic()
    assert worker(tmp_path, state, pages, tmp_path / "out").wait(timeout=120) == 0
    took = time.monotonic() - started  # a whole build, in a process of its own
    for share, whole in [(0.3, True), (0.6, True), (0.85, True), (0.3, False), (0.6, False), (0.85, False)]:
        if whole:  # no cache: the killed build makes it whole
            state.unlink()
        changed = dict(pages)
        for url in rng.sample(sorted(changed), 40):
            changed[url] = words(rng) * 3
        process = worker(tmp_path, state, changed, tmp_path / "killed")
        time.sleep(took * share)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        build(state, changed, tmp_path / "out")
        assert answers(tmp_path / "out") == answers(build(None, changed, tmp_path / "whole") and
                                                    tmp_path / "whole"), (share, whole)
        pages = changed
