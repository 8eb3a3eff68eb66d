"""`dangan due`, contracts and credit (seeds 002, 001): each contract event's documents to the contract
administrator and then to the archive, the half-year contract statistics and the yearly credit report
not yet filed (overdue ones included), and customers' credit reviews."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import Facts
from ..rules import credit
from ..rules.contracts import STATISTICS, filings, hand_ins
from .item import DueItem, Source


def contract_filings(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """Every event whose documents are not yet with the administrator, or not yet in the archive."""
    for contract in f.index.of("contract").values():
        for hand_in in hand_ins(f, contract):
            name = f"{contract.get('number')}（{hand_in.label} {hand_in.start.isoformat()}）"
            if hand_in.to_admin is None:
                yield DueItem("contract", contract.key, f"合同资料交合同管理员：{name}", hand_in.admin_deadline,
                              contract.get("handled_by"), "contracts.to_admin_within_months")
            elif hand_in.archived is None and hand_in.archive_deadline:
                yield DueItem("contract", contract.key, f"合同资料移交档案室：{name}", hand_in.archive_deadline,
                              hand_in.to_admin.get("by"), "contracts.to_archive_within_months")


def reports(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """The contract statistics and the credit-management report not yet filed, due up to the horizon."""
    receivers = f.approvers("contract_receipt")
    admins = [s for role in receivers for s in f.staff_with_role(role)]
    admin = admins[0] if admins else None
    for filing in filings(f, horizon):
        if filing.filed is not None:
            continue
        if filing.report == STATISTICS:
            yield DueItem("statistics", "policy/policy", f"合同统计报表 {filing.period}（dangan report contracts "
                          f"--half {filing.period}）", filing.due, admin, filing.rule)
        else:
            yield DueItem("report", "policy/policy", f"{filing.period} 年度信用管理情况分析报告", filing.due, admin,
                          filing.rule)


def credit_reviews(f: Facts, as_of, horizon) -> Iterator[DueItem]:
    """The next credit review of every live customer with a credit limit (or a review date)."""
    for customer in f.index.of("customer").values():
        if customer.get("status") not in credit.LIVE:
            continue
        if not credit.has_credit(customer) and customer.get("credit", "next_review") is None:
            continue
        due, _ = credit.review_due(f, customer)
        if due:
            yield DueItem("credit", customer.key, "信用评估更新", due, customer.get("owner"),
                          "credit.review_every_months")


SOURCES: list[Source] = [contract_filings, reports, credit_reviews]
