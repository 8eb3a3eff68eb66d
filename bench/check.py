"""Benchmark: `dangan check` and one act against the parse baseline, in one run, for archives of N records.

    python bench/check.py [--jsonschema] [--runs 3] 10000 [100000]

For each N (a generated archive: `dangan demo DIR --size N`, made a git repository with one commit):
  * parse only: the same files loaded with PyYAML's C loader, in one process (the baseline);
  * dangan check cold (no cache), warm with nothing changed, warm after one changed file;
  * one act end to end (`dangan visit --customer … --kind follow_up`: checked before and after, committed);
  * `dangan check --since HEAD~1` after that commit (warm: CI with its cache restored);
  * with --jsonschema, check-jsonschema validating the same files with the same schemas (≈ 15 ms a file:
    not run above 20,000);
each the median of `--runs` fresh processes, with the peak resident memory of each (the child's maximum RSS).
Not a test. The machine's load (`uptime`) is printed before and after: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"
DANGAN = [sys.executable, "-c", "from dangan.cli import main; main()"]
PARSE = """
import sys, yaml
from pathlib import Path
n = 0
for path in sorted(Path(sys.argv[1]).rglob('*.yaml')):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    n += 1
print(n)
"""
# as installed: Python keeps its compiled modules (this machine sets PYTHONDONTWRITEBYTECODE, which would add
# the compilation of every module, ≈ 0.6 s, to each command)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}


def timed(cmd: list[str], runs: int = 3, before=None, ok: tuple[int, ...] = (0, 1)) -> tuple[float, float]:
    """Median wall time and the largest peak RSS (MB) of `runs` fresh processes (`before` runs first each time)."""
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
        if os.waitstatus_to_exitcode(status) not in ok:
            raise SystemExit(f"failed ({status}): {' '.join(cmd)}\n{proc.stderr.read().decode()[-2000:]}")
        proc.stderr.close()
    return statistics.median(times), max(peaks)


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout


def prepare(size: int) -> Path:
    """The archive of `size` records, a git repository whose one commit holds it all."""
    root = OUT / f"check-{size}"
    if not (root / "records").is_dir():
        subprocess.run([*DANGAN, "demo", str(root), "--size", str(size)], check=True)
    if not (root / ".git").exists():
        git(root, "init", "-q", "-b", "main")
        (root / ".gitignore").write_text("/.dangan-cache/\n", encoding="utf-8")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "archive")
    return root


def visitor(root: Path) -> tuple[str, str]:
    """A customer and a member of staff who may record a visit to them (its owner, git's user from now on)."""
    import yaml

    for path in sorted((root / "records" / "customers").glob("*.yaml"))[:50]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        staff = root / "records" / "staff" / f"{data.get('owner')}.yaml"
        if data.get("status") == "active" and staff.is_file():
            person = yaml.safe_load(staff.read_text(encoding="utf-8"))
            git(root, "config", "user.name", person["name"])  # acts know their author by git user.email
            git(root, "config", "user.email", person["emails"][0])
            return data["id"], data["owner"]
    raise SystemExit("no active customer with an owner")


def measure(size: int, runs: int, jsonschema: bool) -> dict[str, tuple[float, float]]:
    root = prepare(size)
    cache = root / ".dangan-cache"
    check = [*DANGAN, "check", "--root", str(root)]
    target = sorted((root / "records" / "customers").glob("*.yaml"))[0]
    edits = iter(range(10**6))

    def touch() -> None:  # one file changed: a comment added (same record, new content)
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"# 改动 {next(edits)}\n")

    customer, staff = visitor(root)
    act = [*DANGAN, "visit", "--root", str(root), "--customer", customer, "--kind", "follow_up", "--as", staff,
           "--method", "phone", "--outcome", "基准测试回访"]
    out = {"parse only (PyYAML C loader)": timed([sys.executable, "-c", PARSE, str(root / "records")], runs)}
    out["check cold (no cache)"] = timed(check, runs, before=lambda: shutil.rmtree(cache, ignore_errors=True))
    subprocess.run(check, capture_output=True)  # the cache of this very state
    out["check warm, nothing changed"] = timed(check, runs)
    out["check warm, one file changed"] = timed(check, runs, before=touch)
    git(root, "checkout", "-q", "--", str(target.relative_to(root)))
    subprocess.run(check, capture_output=True)
    out["one act (visit), end to end with its commit"] = timed(act, runs, ok=(0,))
    out["check --since HEAD~1 (warm)"] = timed([*check, "--since", "HEAD~1"], runs)
    if jsonschema and size <= 20_000:
        out["check-jsonschema, same files and schemas"] = timed(jsonschema_all(root), 1)
    return out


def jsonschema_all(root: Path) -> list[str]:
    """One shell line validating every folder with its schema (as a CI job would)."""
    lines = []
    for schema in sorted((root / "schemas").glob("*.schema.json")):
        kind = schema.name.removesuffix(".schema.json")
        if kind == "common":
            continue
        files = "records/policy.yaml" if kind == "policy" else f"records/{_folder(root, kind)}/*.yaml"
        lines.append(f"check-jsonschema --base-uri file://{root}/schemas/ --schemafile {schema} {files} >/dev/null")
    return ["bash", "-c", f"cd {root} && " + " && ".join(lines)]


def _folder(root: Path, kind: str) -> str:
    import json

    return json.loads((root / "schemas" / f"{kind}.schema.json").read_text())["x-dangan"]["folder"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jsonschema", action="store_true")
    args = parser.parse_args()
    print("load before:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), flush=True)
    results = {}
    for size in args.sizes:
        results[size] = measure(size, args.runs, args.jsonschema)
        parse = next(iter(results[size].values()))[0]
        for name, (seconds, peak) in results[size].items():
            print(f"N={size} {name}: {seconds:.2f} s ({seconds / parse:.2f}× parse), {peak:.0f} MB", flush=True)
    print("load after:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print("\n| what | " + " | ".join(f"{s:,} records" for s in args.sizes) + " |")
    print("|---|" + "---|" * len(args.sizes))
    for name in next(iter(results.values())):
        cells = []
        for size in args.sizes:
            seconds, peak = results[size].get(name, (float("nan"), float("nan")))
            parse = next(iter(results[size].values()))[0]
            cells.append(f"{seconds:.2f} s ({seconds / parse:.2f}×), {peak:,.0f} MB")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
