"""Sales credit (seed 000 篇2 客户成单争议) in the demo: two disputed orders, each settled by the rules.

- 康宁医疗器械 (KH0030) walked in on 2025-11-17 and was registered by 吴婷婷 (S006), who signed the guarantee;
  周海涛 (S005) had followed the customer up on 2025-11-05 with the contact's surname and own mobile, and
  claimed two days after the sale: the whole order (篇2 3.). A credit change (业绩更改单), agreed by both,
  signed by 吴婷婷's manager and then by the sales director (总监) on 2025-11-21, before the month's last
  three days, moved the order to 周海涛, who got the follow-up right: the customer's owner changed with a
  recorded transfer (主动上门 6.).
- 鹿城家具 (KH0034) signed with 周海涛 on 2025-10-16; 李建军 (S004) had followed up first (2025-10-08) and
  booked that day's visit (an appointment signed by the sales director, the middle four digits left out
  after his follow-up), but claimed only on 2025-10-27, the 11th day: half each, within the month; the
  seller keeps serving the customer.

The visits join the others (`build_visits`); nothing here draws on the demo's shared generator."""

from __future__ import annotations

from .staff import SALES_DIRECTOR, superior
from .world import World

WHOLE = ("KH0030", "S006", "S005")  # customer, seller, claimant
HALF = ("KH0034", "S005", "S004")


def _contract(world: World, customer: str) -> dict:
    return next(c for c in world.of("contract").values() if c["customer"] == customer)


def _contact(world: World, customer: str) -> tuple[str, str]:
    first = world.get("customer", customer)["contacts"][0]
    return first["name"][0], first["mobile"]


def build_attribution(world: World) -> list[dict]:
    """The registrations, claims and credit change of the two disputes; return their visits (plans)."""
    return [*_whole(world), *_half(world)]


def _whole(world: World) -> list[dict]:
    cid, seller, claimant = WHOLE
    contract, customer = _contract(world, cid), world.get("customer", cid)
    surname, mobile = _contact(world, cid)
    sale = contract["signed_on"]
    world.add("registration", {"id": "DJ2025-0001", "date": sale, "customer": cid, "surname": surname,
                               "mobile": mobile, "staff": seller, "received_by": seller,
                               "note": "客户到公司洽谈担保业务，未指明找谁，由吴婷婷接待并登记。"})
    contract["attribution"] = {"claims": [{"staff": claimant, "raised_on": "2025-11-19",
                                           "evidence": ["follow-up KH0030"]}], "walk_in": True}
    world.add("credit_change", {
        "id": "GD2025-001", "contract": contract["id"], "date": "2025-11-19", "from": seller, "to": claimant,
        "share": "whole", "reason": "周海涛 2025-11-05 跟进在先（有效号码），成单后第 2 天对单，整单归周海涛。",
        "agreed": [{"by": seller, "date": "2025-11-19"}, {"by": claimant, "date": "2025-11-19"}],
        "manager": {"by": superior(world, seller), "date": "2025-11-20"},
        "director": {"by": SALES_DIRECTOR, "date": "2025-11-21"}})
    contract["handled_by"] = claimant  # 到前台更改
    customer["owner_transfers"] = [{"date": "2025-11-21", "from": customer["owner"], "to": claimant,
                                    "reason": "对得全单获跟进权（种子 000 篇2 主动上门 6.）",
                                    "credit_change": "GD2025-001"}]
    customer["owner"] = claimant
    return [{"customer": cid, "staff": claimant, "date": "2025-11-05", "method": "phone", "kind": "follow_up",
             "time": "10:20", "surname": surname, "mobile": mobile, "tag": "follow-up KH0030",
             "purpose": "跟进担保业务需求，介绍担保费率和办理流程。", "outcome": "客户表示近期到公司面谈。"}]


def _half(world: World) -> list[dict]:
    cid, _, claimant = HALF
    contract = _contract(world, cid)
    surname, mobile = _contact(world, cid)
    sale = contract["signed_on"]
    contract["attribution"] = {"claims": [{"staff": claimant, "raised_on": "2025-10-27",
                                           "evidence": ["follow-up KH0034", "appointment KH0034"]}]}
    masked = mobile[:3] + "****" + mobile[-4:]
    return [{"customer": cid, "staff": claimant, "date": "2025-10-08", "method": "phone", "kind": "follow_up",
             "time": "15:00", "surname": surname, "mobile": mobile, "tag": "follow-up KH0034",
             "purpose": "跟进担保需求。", "outcome": "客户同意 10 月 16 日到公司面谈。"},
            {"customer": cid, "staff": claimant, "date": sale, "method": "phone", "kind": "appointment",
             "time": "09:00", "surname": surname, "mobile": masked, "tag": "appointment KH0034",
             "signed": {"by": SALES_DIRECTOR, "date": sale},
             "purpose": "预约当天到公司面谈担保方案。", "outcome": "客户上午到公司，由周海涛接待并签约。"}]


def resolve(world: World, tagged: dict[str, str]) -> None:
    """Replace the tags in the claims' evidence by the visits' ids, once the visits are numbered."""
    for cid in (WHOLE[0], HALF[0]):
        for claim in _contract(world, cid)["attribution"]["claims"]:
            claim["evidence"] = [tagged[t] for t in claim["evidence"]]
