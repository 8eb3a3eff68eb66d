"""Benchmark: the history index for N record files over M commits, cold and warm, beside
plain `git log --name-status` on the same repository. Not a test.

    python bench/history.py [--files 10000] [--commits 5000] [--out bench/out]

The repository is made with `git fast-import` (deterministic). Each figure is the median
of three runs of a fresh process; peak memory is the child's maximum resident set size.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

RECORD = """id: KH{n:06d}
type: enterprise
name: 测试客户{n}有限公司
owner: S{owner:03d}
department: yw1
status: active
first_contact_on: '2024-03-01'
note: 第 {version} 版
"""


STAFF = """id: S{s:03d}
name: 员工{s}
roles: [sales_rep]
department: yw1
emails: [s{s:03d}@hongyuan.example]
joined_on: '2010-01-04'
"""


def make_repo(root: Path, files: int, commits: int, seed: int = 7) -> None:
    if root.exists():
        shutil.rmtree(root)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    rng = random.Random(seed)
    stream = []
    mark = 0

    def blob(text: str) -> int:
        nonlocal mark
        mark += 1
        data = text.encode()
        stream.append(b"blob\nmark :%d\ndata %d\n%s\n" % (mark, len(data), data))
        return mark

    versions = [0] * files
    policy = (Path(__file__).parents[1] / "records" / "policy.yaml").read_text(encoding="utf-8")
    policy = policy.replace("mode: 'off'", "mode: 'required'")
    for c in range(commits):
        changed = range(files) if c == 0 else rng.sample(range(files), 2)
        ops = []
        if c == 0:  # the rules and the staff, so that the audit judges every later commit
            ops.append(b"M 100644 :%d records/policy.yaml\n" % blob(policy))
            for s in range(50):
                staff = STAFF.format(s=s)
                ops.append(b"M 100644 :%d records/staff/S%03d.yaml\n" % (blob(staff), s))
        for n in changed:
            versions[n] += 1
            m = blob(RECORD.format(n=n, owner=n % 40, version=versions[n]))
            ops.append(b"M 100644 :%d records/customers/KH%06d.yaml\n" % (m, n))
        when = 1_600_000_000 + c * 3600
        author = f"Staff {c % 50} <s{c % 50:03d}@hongyuan.example> {when} +0800".encode()
        message = f"commit {c}\n".encode()
        stream.append(b"commit refs/heads/main\nauthor %s\ncommitter %s\ndata %d\n%s%s" % (
            author, author, len(message), message, b"".join(ops)))
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", str(root), "checkout", "-q", "main"], check=True)


def timed(cmd: list[str], runs: int = 3, before=None, log: Path | None = None) -> tuple[float, float]:
    """Median wall time and the largest peak RSS (MB) of `runs` fresh processes; `log`: their stderr, appended."""
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        with open(log or os.devnull, "ab") as err:
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
        if status != 0:
            raise SystemExit(f"failed: {' '.join(cmd)}")
    return statistics.median(times), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=5_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args()
    root = args.out / f"history-{args.files}x{args.commits}"
    start = time.perf_counter()
    make_repo(root, args.files, args.commits)
    print(f"repository: {args.files} files, {args.commits} commits, made in {time.perf_counter() - start:.1f} s")
    load = [sys.executable, "-c", f"from pathlib import Path; from dangan import history; "
                                  f"h = history.load(Path({str(root)!r})); print(len(h.commits))"]
    audit = [sys.executable, "-c", f"from pathlib import Path; from dangan import history; "
                                   f"from dangan.audit import Audit; from dangan.schemas import load_schemas; "
                                   f"root = Path({str(root)!r}); h = history.load(root); "
                                   f"a = Audit(h, load_schemas(Path({str(REPO / 'schemas')!r}), root)); "
                                   f"history.save(root, h) if h.dirty else None; "
                                   f"print(sum(1 for _ in a.all_findings()))"]
    cache = root / ".dangan-cache"
    baseline = timed(["git", "-C", str(root), "log", "--name-status", "--format=%H", "--", "records"])
    cold = timed(load, before=lambda: shutil.rmtree(cache, ignore_errors=True))
    warm = timed(load)
    audit_cold = timed(audit, before=lambda: shutil.rmtree(cache, ignore_errors=True))
    audit_warm = timed(audit)
    rows = [("git log --name-status (baseline)", *baseline), ("history index, cold", *cold),
            ("history index, warm (cache)", *warm), ("history index and audit of every commit, cold", *audit_cold),
            ("history index and audit, warm (findings cached by commit)", *audit_warm)]
    lines = [f"| {name} | {t:.2f} s | {mem:.0f} MB |" for name, t, mem in rows]
    table = "\n".join(["| what | median time | peak memory |", "|---|---|---|", *lines])
    print(table)
    print(f"cold / baseline: {cold[0] / baseline[0]:.1f}×; warm / baseline: {warm[0] / baseline[0]:.1f}×")


if __name__ == "__main__":
    main()
