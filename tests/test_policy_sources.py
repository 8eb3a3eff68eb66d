"""Every rule of records/policy.yaml names its source (issue 16): a seed and section, or 公司自定;
`dangan policy` prints it under the rule."""

from __future__ import annotations

import subprocess
import sys

import yaml

from conftest import REPO
from dangan.policy_sources import notes, source_of

# sections that are the company's own data, not rules taken from a seed
_DATA = {"organisation", "calendar"}


def _leaves(value, path=()):
    if isinstance(value, dict) and set(value) != {"days", "unit"}:
        for key, sub in value.items():
            if key in ("name", "en"):
                continue
            yield from _leaves(sub, (*path, str(key)))
    elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
        for i, item in enumerate(value):
            label = str(item.get("id", i)) if isinstance(item, dict) else str(i)
            yield from _leaves(item if isinstance(item, dict) else {}, (*path, label))
    else:
        yield path


def test_every_rule_in_the_demo_policy_names_its_source():
    text = (REPO / "records" / "policy.yaml").read_text(encoding="utf-8")
    found = notes(text)
    unsourced = [".".join(path) for path in _leaves(yaml.safe_load(text))
                 if path[0] not in _DATA and not source_of(found, path)]
    assert unsourced == []
    sources = [note.source for note in found.values() if note.source]
    assert all(s.startswith(("种子 ", "公司自定", "国务院")) for s in sources), sources


def test_comments_are_read_by_key_path_list_items_by_id():
    text = """\
# the file's header, not a source

visits:
  # 回访计划自此日起执行。
  # 来源：公司自定 —— 开始执行的日期
  effective_from: '2025-01-01'
  schedules:
    # 来源：种子 003「3日内第一次回访」
    - id: purchase_rep
      days: [3, 30]
    - id: other
      # 来源：种子 003「15日」
      days: [15]
complaints:
  reply_within: {days: 15, unit: calendar_days}  # 来源：a trailing comment is not a key's source
"""
    found = notes(text)
    assert found[("visits", "effective_from")].source == "公司自定 —— 开始执行的日期"
    assert found[("visits", "effective_from")].text == "回访计划自此日起执行。"
    assert found[("visits", "schedules", "purchase_rep")].source == "种子 003「3日内第一次回访」"
    assert found[("visits", "schedules", "other", "days")].source == "种子 003「15日」"
    assert source_of(found, ("visits", "schedules", "purchase_rep", "days")) == "种子 003「3日内第一次回访」"
    assert source_of(found, ("complaints", "reply_within")) == ""
    assert ("visits",) not in found  # a blank line ends a comment block


def test_dangan_policy_prints_each_source_under_its_rule():
    out = subprocess.run([sys.executable, "-m", "dangan", "policy", "--root", str(REPO)],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    at = next(i for i, line in enumerate(out) if line.startswith("- 借阅审批："))
    assert "种子 000 篇1 六(一)" in out[at + 1] and out[at + 1].strip().startswith("〔来源：")
    chain = next(i for i, line in enumerate(out) if line.strip() == "- 移交链：")
    assert "三个工作日内移交项目经理B角" in out[chain + 1]
    assert any("公司自定" in line for line in out)
    english = subprocess.run([sys.executable, "-m", "dangan", "policy", "--root", str(REPO), "--lang", "en"],
                             capture_output=True, text=True, check=True).stdout
    assert "[source: 种子 000 篇1 六(一)" in english
