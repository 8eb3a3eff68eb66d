"""Project dossiers (档案): numbered per year and business type without gaps, each with its four-part
inventory (items numbered through the list, signatures checked), made in three copies and signed by A, B
and the archivist as each takes it, and its handover A → B → archive within the policy's working-day
deadlines and the whole chain's five working days."""

from __future__ import annotations

import datetime as dt

from .certificates import collateral
from .dates import DAY, clear_start, d, iso, next_workday, previous_workday
from .staff import ARCHIVIST, GM, LEFT, PROJECT_MANAGERS, employed
from .world import World

ORG = "鸿"
CODES = {"loan": "借", "guarantee": "保"}
DISPOSAL = "XH2025-001"
CABINETS = {2014: "D", 2016: "E", 2023: "A", 2024: "B", 2025: "C"}
# marks whose project ends on a fixed day: one with B held up by a year-end trip (an extension), the 2016
# loan the archive received on 2016-01-07 (its ten years run out on 2026-01-07), one still being prepared
# and one with B
FIXED_END = {"held": "2025-12-26", "expiring": "2016-01-05", "preparing": "2025-12-30", "with_b": "2025-12-29"}
EXTENSION_UNTIL, EXTENSION_APPROVED = "2026-01-16", "2025-12-31"

# year, business type, customer (None: a voided number), month of the project's end, marks
DOSSIERS = [
    (2014, "loan", "KH0001", 5, "old"), (2014, "loan", "KH0002", 8, "old"), (2014, "loan", "KH0003", 11, "old"),
    (2016, "loan", "KH0002", 1, "expiring"),
    (2023, "loan", "KH0004", 2, ""), (2023, "loan", "KH0013", 3, "a=S016"), (2023, "loan", "KH0008", 4, ""),
    (2023, "loan", "KH0010", 6, ""), (2023, "loan", "KH0006", 7, ""), (2023, "loan", "KH0024", 9, "confidential"),
    (2023, "loan", "KH0009", 10, ""),
    (2023, "guarantee", "KH0005", 5, ""), (2023, "guarantee", "KH0002", 8, ""), (2023, "guarantee", "KH0011", 10, ""),
    (2023, "guarantee", "KH0020", 11, ""),
    (2024, "loan", "KH0001", 1, ""), (2024, "loan", "KH0015", 3, ""), (2024, "loan", "KH0021", 4, "supplement"),
    (2024, "loan", None, 5, "voided"), (2024, "loan", "KH0027", 6, "b=S016"), (2024, "loan", "KH0012", 7, ""),
    (2024, "loan", "KH0026", 8, ""), (2024, "loan", "KH0031", 10, ""), (2024, "loan", "KH0028", 11, ""),
    (2024, "loan", "KH0025", 12, ""),
    (2024, "guarantee", "KH0007", 2, ""), (2024, "guarantee", "KH0018", 5, "on_loan"),
    (2024, "guarantee", "KH0029", 7, ""), (2024, "guarantee", "KH0016", 9, ""), (2024, "guarantee", "KH0004", 11, ""),
    (2025, "loan", "KH0032", 1, ""), (2025, "loan", "KH0008", 3, "on_loan"), (2025, "loan", "KH0033", 3, ""),
    (2025, "loan", "KH0036", 4, ""), (2025, "loan", "KH0039", 5, ""), (2025, "loan", "KH0014", 6, "extension"),
    (2025, "loan", "KH0024", 8, "confidential"), (2025, "loan", "KH0035", 9, ""), (2025, "loan", "KH0041", 10, ""),
    (2025, "loan", "KH0027", 12, "with_b held"), (2025, "loan", "KH0042", 12, "preparing"),
    (2025, "guarantee", "KH0023", 2, ""), (2025, "guarantee", "KH0038", 6, ""), (2025, "guarantee", "KH0022", 7, ""),
    (2025, "guarantee", "KH0040", 9, ""), (2025, "guarantee", "KH0034", 10, ""), (2025, "guarantee", "KH0030", 11, ""),
    (2025, "guarantee", "KH0017", 12, "with_b open_supplement"),
]

# part -> catalogue of (title, form, (min pages, max pages)); the first item of a part is always there
LOAN_PARTS = {
    "approval": [("借款申请书", "original", (2, 3)), ("贷款审批表", "original", (1, 2)),
                 ("贷审会会议纪要", "original", (2, 4)), ("项目立项审批表", "original", (1, 2)),
                 ("授信额度审批书", "original", (1, 2))],
    "contracts": [("借款合同", "original", (8, 14)), ("保证合同", "original", (5, 8)),
                  ("借款借据", "original", (1, 1)), ("放款通知书", "original", (1, 1))],
    "investigation": [("贷款调查报告", "original", (8, 20)), ("现场调查照片", "original", (4, 10)),
                      ("征信报告", "copy", (6, 15)), ("银行流水", "copy", (10, 30))],
}
GUARANTEE_PARTS = {
    "approval": [("担保申请书", "original", (2, 3)), ("担保项目评审表", "original", (2, 3)),
                 ("评审会决议", "original", (2, 4)), ("项目审批表", "original", (1, 2))],
    "contracts": [("委托担保合同", "original", (6, 10)), ("保证合同（银行）", "copy", (5, 8)),
                  ("反担保保证合同", "original", (4, 8)), ("银行借款合同", "copy", (8, 12)),
                  ("银行放款通知书", "copy", (1, 1))],
    "investigation": [("担保项目调查报告", "original", (10, 24)), ("现场调查照片", "original", (4, 10)),
                      ("征信报告", "copy", (6, 15)), ("财务报表分析", "original", (4, 8))],
}
CUSTOMER_PARTS = {
    "enterprise": [("营业执照复印件", "copy", (1, 1)), ("法定代表人身份证复印件", "copy", (1, 1)),
                   ("公司章程复印件", "copy", (8, 15)), ("财务报表", "copy", (6, 12)),
                   ("股东会决议", "original", (1, 2)), ("开户许可证复印件", "copy", (1, 1))],
    "employee": [("身份证复印件", "copy", (1, 1)), ("户口簿复印件", "copy", (2, 4)),
                 ("结婚证复印件", "copy", (1, 1)), ("收入证明", "original", (1, 1))],
    "business": [("身份证复印件", "copy", (1, 1)), ("个体工商户营业执照复印件", "copy", (1, 1)),
                 ("户口簿复印件", "copy", (2, 4)), ("结婚证复印件", "copy", (1, 1)),
                 ("经营场所租赁合同复印件", "copy", (3, 6))],
}
# certificate kind -> the security contract and the valuation a dossier with that certificate holds
SECURITY = {"property_borrower": ("抵押合同", "抵押物评估报告"), "property_guarantor": ("抵押合同", "抵押物评估报告"),
            "other_rights": ("抵押合同", "抵押物评估报告"), "chattel_mortgage": ("动产抵押合同", "抵押物评估报告"),
            "equity_pledge": ("股权质押合同", None), "other": ("机动车抵押合同", None)}
ATTACHMENTS = (("借款合同（借款人联，客户未取走）", 1), ("还款计划表", 2), ("客户承诺函", 1))
COLLATERAL_ATTACHMENT = ("抵押物照片光盘", 1)
PURPOSES = {"enterprise": ("流动资金贷款", "设备购置贷款", "原材料采购贷款", "经营周转贷款"),
            "individual": ("个人经营性贷款", "个人经营周转贷款")}
INVENTORY_COPIES = 3  # policy dossier_types.<type>.inventory_copies: 一式三份
BANKS = ("塞北商业银行呼和浩特分行", "青城农村商业银行", "鹿城银行昆都仑支行", "草原银行新城支行")


def dossier_id(year: int, btype: str, seq: int) -> str:
    return f"{year}{ORG}{CODES[btype]}字第{seq:03d}号"


def build_dossiers(world: World) -> None:
    """Dates first, then numbers in date order within each year and type, then the records."""
    planned = [(_end_date(world, year, month, marks), year, btype, cid, marks)
               for year, btype, cid, month, marks in DOSSIERS]
    world.meta["dossier_of"] = {}
    world.meta["signed"] = {}
    counters: dict[tuple, int] = {}
    shelf: dict[int, int] = {}
    for end, year, btype, cid, marks in sorted(planned, key=lambda p: (p[1], p[2], p[0])):
        seq = counters[(year, btype)] = counters.get((year, btype), 0) + 1
        did = dossier_id(year, btype, seq)
        if cid is None:
            world.add("dossier", _voided(did, end))
            continue
        world.meta["dossier_of"][(year, btype, cid)] = did
        world.add("dossier", _dossier(world, did, year, btype, cid, end, set(marks.split()), shelf))


def _end_date(world: World, year: int, month: int, marks: str) -> dt.date:
    for mark, day in FIXED_END.items():
        if mark in marks.split():
            return d(day)
    return clear_start(world.rng, year, month)


def _voided(did: str, day: dt.date) -> dict:
    return {"id": did, "status": "voided",
            "voided": {"by": ARCHIVIST, "date": iso(day),
                       "note": "登记时误将融资担保项目编入借款序列，该档号作废，项目改按融资担保编号。"}}


def _dossier(world: World, did: str, year: int, btype: str, cid: str, end: dt.date, marks: set[str],
             shelf: dict[int, int]) -> dict:
    rng = world.rng
    customer = world.get("customer", cid)
    manager_a, manager_b = _managers(world, customer, end, marks)
    inventory = _inventory(world, btype, customer, (year, btype, cid))
    data = {"id": did, "customer": cid, "business_type": btype, "project": _project(world, btype, customer),
            "amount": _amount(world, btype, customer), "project_end": iso(end), "manager_a": manager_a,
            "manager_b": manager_b, "inventory": inventory}
    attachments = ATTACHMENTS + ((COLLATERAL_ATTACHMENT,) if collateral((year, btype, cid)) else ())
    if rng.random() < 0.35:
        data["attachments"] = [{"title": t, "copies": n} for t, n in rng.sample(attachments, rng.randint(1, 2))]
    data["inventory_copies"] = INVENTORY_COPIES
    data["total_pages"] = sum(item["pages"] for part in inventory for item in part["items"])
    world.meta["signed"][did] = previous_workday(end, rng.randint(1, 3))
    _handover(world, data, end, marks)
    if "preparing" not in marks and "with_b" not in marks:
        shelf[year] = shelf.get(year, 0) + 1
        data["location"] = f"{CABINETS[year]}柜-{(shelf[year] - 1) // 6 + 1:02d}层-{(shelf[year] - 1) % 6 + 1:02d}格"
    _status(data, marks)
    return data


def _managers(world: World, customer: dict, end: dt.date, marks: set[str]) -> tuple[str, str]:
    dept, on = customer["department"], iso(end)
    manager_a = LEFT if "a=S016" in marks else customer["owner"]
    if "b=S016" in marks:
        return manager_a, LEFT
    choices = [s for s in PROJECT_MANAGERS[dept] if s not in (manager_a, LEFT) and employed(world, s, on)]
    return manager_a, world.rng.choice(choices)


def _project(world: World, btype: str, customer: dict) -> str:
    if btype == "guarantee":
        return f"{customer['name']}向{world.rng.choice(BANKS)}借款融资担保项目"
    return customer["name"] + world.rng.choice(PURPOSES[customer["type"]])


def _amount(world: World, btype: str, customer: dict) -> int:
    rng = world.rng
    if btype == "guarantee":
        return rng.randrange(3, 11) * 100_000 if customer["type"] == "individual" else rng.randrange(10, 101) * 100_000
    return rng.randrange(10, 51) * 10_000 if customer["type"] == "individual" else rng.randrange(10, 61) * 50_000


def _inventory(world: World, btype: str, customer: dict, key: tuple) -> list[dict]:
    parts = dict(LOAN_PARTS if btype == "loan" else GUARANTEE_PARTS)
    person = customer.get("individual", {})
    parts["customer"] = CUSTOMER_PARTS["enterprise" if customer["type"] == "enterprise" else
                                       "employee" if "employer" in person else "business"]
    security = _security(btype, collateral(key))
    inventory = [{"part": part, "items": _items(world, parts[part], security.get(part, []))}
                 for part in ("approval", "contracts", "investigation", "customer")]
    for seq, item in enumerate((item for part in inventory for item in part["items"]), 1):
        item["seq"] = seq
    return inventory


def _security(btype: str, kinds: list[str]) -> dict[str, list[tuple]]:
    """The security contracts and valuations that go with the dossier's certificates."""
    prefix = "反担保" if btype == "guarantee" else ""
    contracts, valuations = [], []
    for kind in kinds:
        contract, valuation = SECURITY[kind]
        if (title := prefix + contract) not in [c[0] for c in contracts]:
            contracts.append((title, "original", (6, 10)))
        if valuation and (title := prefix + valuation) not in [v[0] for v in valuations]:
            valuations.append((title, "copy", (10, 20)))
    return {"contracts": contracts, "investigation": valuations}


def _items(world: World, catalogue: list[tuple], extra: list[tuple]) -> list[dict]:
    """The catalogue's first item, the `extra` ones, then others of the catalogue: two to five in all."""
    rng = world.rng
    count = max(rng.randint(2, 5), len(extra) + 1)
    others = sorted(rng.sample(range(1, len(catalogue)), min(len(catalogue) - 1, count - 1 - len(extra))))
    entries = [catalogue[0], *extra, *(catalogue[i] for i in others)]
    return [{"title": title, "pages": rng.randint(*pages), "form": form, "signatures_complete": True}
            for title, form, pages in entries]


def _handover(world: World, data: dict, end: dt.date, marks: set[str]) -> None:
    """A hands to B one or two days after the project ends, B to the archive the next working day."""
    if "preparing" in marks:
        return
    a, b = data["manager_a"], data["manager_b"]
    if "held" in marks:
        handed_a = next_workday(end)
    else:
        quick = marks & {"supplement", "extension", "with_b", "expiring"}
        handed_a = end + (1 if quick else world.rng.randint(1, 2)) * DAY
    steps = [_step("a", a, b, handed_a)]
    if "open_supplement" in marks:
        data["supplements"] = [{"step": "a", "requested": {"by": b, "date": iso(handed_a)},
                                "items": _missing_signatures(data["inventory"])}]
        for part in data["inventory"]:  # B found the signatures missing: not complete until A brings them
            if part["part"] in ("approval", "contracts"):
                part["items"][0]["signatures_complete"] = False
    if "held" in marks:
        data["extensions"] = [{"step": "b", "reason": _year_end_reason(world, b), "until": EXTENSION_UNTIL,
                               "approved": {"by": GM, "date": EXTENSION_APPROVED}}]
    if "supplement" in marks:
        data["supplements"] = [{"step": "a", "requested": {"by": b, "date": iso(handed_a)},
                                "items": _missing_signatures(data["inventory"]),
                                "closed": {"by": b, "date": iso(next_workday(handed_a))}}]
        handed_b = next_workday(handed_a, 2)
    elif "extension" in marks:
        handed_b = next_workday(handed_a, 5)
        data["extensions"] = [{"step": "b", "reason": _extension_reason(world, b), "until": iso(handed_b),
                               "approved": {"by": GM, "date": iso(next_workday(handed_a))}}]
    else:
        handed_b = next_workday(handed_a)
    if "with_b" not in marks:
        steps.append(_step("b", b, ARCHIVIST, handed_b))
    data["handover"] = steps
    data["inventory_signed"] = [{"by": s["from"], "date": s["handed_on"]} for s in steps[:1]] + [
        {"by": s["to"], "date": s["received_on"]} for s in steps]  # A as it leaves, each receiver on receipt


def _missing_signatures(inventory: list[dict]) -> list[str]:
    first = {part["part"]: part["items"][0]["title"] for part in inventory}
    return [f"{first['contracts']}客户签字页", f"{first['approval']}审批人签字"]


def _step(step: str, sender: str, receiver: str, day: dt.date) -> dict:
    return {"step": step, "from": sender, "to": receiver, "handed_on": iso(day), "received_on": iso(day),
            "inventory_checked": True}


def _extension_reason(world: World, manager_b: str) -> str:
    return f"B角{world.get('staff', manager_b)['name']}赴鄂尔多斯开展贷后检查一周，无法按期移交档案室。"


def _year_end_reason(world: World, manager_b: str) -> str:
    return (f"B角{world.get('staff', manager_b)['name']}年底赴包头、鄂尔多斯开展年度贷后检查，"
            "元旦假期后返回，无法按期移交档案室。")


def _status(data: dict, marks: set[str]) -> None:
    if "old" in marks:
        data.update({"retention_years": 10, "status": "destroyed", "disposal": DISPOSAL,
                     "note": f"保管期满，已按销毁清册 {DISPOSAL} 销毁。"})
        return
    data["status"] = next((m for m in ("preparing", "with_b", "on_loan") if m in marks), "archived")
    data["confidentiality"] = "confidential" if "confidential" in marks else "normal"
