"""Seed 004's reports: each business department's monthly market report to customer service on the first
Monday of every month of 2025 (moved to the next working day in May and October, whose first Mondays are
holidays; January 2026's is still to come), and the 2025 satisfaction analysis, approved by the GM before it
went out to the departments."""

from __future__ import annotations

import datetime as dt

from .dates import iso, workday_from
from .staff import CS_SUPERVISOR, GM
from .world import World

# the rep who writes each department's report
WRITERS = {"yw1": "S004", "yw2": "S008"}
SUMMARIES = ("本月辖区同业贷款利率基本稳定，两家村镇银行推出小微快贷产品。",
             "农牧业客户春耕备料资金需求上升，建材类客户回款周期拉长。",
             "同业担保费率下调，部分客户比价；物流、餐饮客户经营回暖。",
             "节后开工率回升，制造业客户订单增加，关注原材料价格波动。")


def first_monday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7)


def build_market_reports(world: World) -> None:
    seq = len(world.of("report"))
    for month in range(1, 13):
        due = workday_from(first_monday(2025, month))
        for n, (dept, writer) in enumerate(sorted(WRITERS.items())):
            seq += 1
            world.add("report", {"id": f"BS2025-{seq:03d}", "report": "market_report", "period": f"2025-{month:02d}",
                                 "department": dept, "submitted": {"by": writer, "date": iso(due)},
                                 "to": "客户服务部", "summary": SUMMARIES[(month + n) % len(SUMMARIES)]})
    seq += 1
    world.add("report", {"id": f"BS2025-{seq:03d}", "report": "satisfaction_analysis", "period": "2025",
                         "submitted": {"by": CS_SUPERVISOR, "date": "2025-12-26"},
                         "approved": {"by": GM, "date": "2025-12-24"}, "to": "各部门",
                         "summary": "2025 年满意度调查各方面平均 8 分以上；办理流程得分最低，"
                                    "已提出简化续贷资料的改进措施。"})
