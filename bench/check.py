"""Benchmark: `dangan check` against its baselines, in one run, for archives of N records.

    python bench/check.py 1000 10000 [100000]

For each N (a generated archive: `dangan demo DIR --size N`):
  * parse only: the same files loaded with PyYAML's C loader (target: check ≤ 2× this);
  * check-jsonschema validating the same files with the same schemas (target: check faster);
  * dangan check, cold (no cache) and warm after changing one file (target: < 1 s at 100,000);
each the median of three runs of a fresh process, with peak memory. Not a test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from history import timed

OUT = Path(__file__).parent / "out"
PARSE = """
import sys, yaml
from pathlib import Path
n = 0
for path in sorted(Path(sys.argv[1]).rglob('*.yaml')):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    n += 1
print(n)
"""


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


def main(sizes: list[int]) -> None:
    rows = []
    for size in sizes:
        root = OUT / f"check-{size}"
        if not (root / "records").is_dir():
            subprocess.run(["dangan", "demo", str(root), "--size", str(size)], check=True)
        cache = root / ".dangan-cache"
        check = ["dangan", "check", "--root", str(root)]
        parse = timed([sys.executable, "-c", PARSE, str(root / "records")])
        cold = timed(check, before=lambda cache=cache: shutil.rmtree(cache, ignore_errors=True))
        target = sorted((root / "records" / "customers").glob("*.yaml"))[0]

        def touch(target=target) -> None:
            target.write_text(target.read_text(encoding="utf-8").replace("\n", "\n", 1) + "# 改动\n",
                              encoding="utf-8")

        subprocess.run(check, capture_output=True)  # fill the cache
        warm = timed(check, before=touch)
        # check-jsonschema needs ~15 ms a file here: above 20,000 files it is not run (it would take
        # half an hour at 100,000); the table says so
        schema = timed(jsonschema_all(root), runs=1) if size <= 20_000 else (float("nan"), float("nan"))
        rows.append((size, parse, cold, warm, schema))
        print(f"N={size}: parse {parse[0]:.2f}s, check cold {cold[0]:.2f}s ({cold[0] / parse[0]:.2f}× parse), "
              f"warm {warm[0]:.2f}s, check-jsonschema {schema[0]:.2f}s", flush=True)
    print("| N | parse only (PyYAML C) | dangan check cold | ratio | dangan check warm, one file changed "
          "| check-jsonschema |")
    print("|---|---|---|---|---|---|")
    for size, parse, cold, warm, schema in rows:
        baseline = "not run" if schema[0] != schema[0] else f"{schema[0]:.2f} s, {schema[1]:.0f} MB"
        print(f"| {size:,} | {parse[0]:.2f} s, {parse[1]:.0f} MB | {cold[0]:.2f} s, {cold[1]:.0f} MB | "
              f"{cold[0] / parse[0]:.2f}× | {warm[0]:.2f} s, {warm[1]:.0f} MB | {baseline} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
