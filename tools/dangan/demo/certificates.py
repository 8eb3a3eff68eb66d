"""Title certificates (权证): listed by A, checked by A, B and the archivist, with the keeper the working day
after the project ends (apart from the dossier), kept in the safe under their dossier's number and told apart
by their own certificate numbers; one lent, one released."""

from __future__ import annotations

import datetime as dt

from .dates import d, iso, next_workday, random_workday
from .staff import ARCHIVIST, GM
from .world import World

ORG_NAME = "鸿远小额贷款有限公司"
# (year, business type, customer) of the dossier -> its certificates: (kind, title, status)
CERTIFICATES = {
    (2023, "loan", "KH0004"): [("property_borrower", "不动产权证书", "in_safe"),
                               ("other_rights", "不动产登记证明（抵押权）", "in_safe")],
    (2023, "loan", "KH0013"): [("chattel_mortgage", "动产抵押登记通知书", "in_safe")],
    (2023, "loan", "KH0024"): [("property_borrower", "不动产权证书", "released")],
    (2023, "guarantee", "KH0002"): [("other", "机动车登记证书", "in_safe")],
    (2024, "loan", "KH0001"): [("property_borrower", "不动产权证书（两处房产）", "in_safe"),
                               ("other_rights", "不动产登记证明（抵押权）", "in_safe")],
    (2024, "loan", "KH0015"): [("property_borrower", "不动产权证书", "in_safe")],
    (2024, "guarantee", "KH0007"): [("equity_pledge", "股权出质设立登记通知书", "in_safe")],
    (2024, "guarantee", "KH0029"): [("chattel_mortgage", "动产抵押登记通知书", "in_safe")],
    (2024, "guarantee", "KH0004"): [("property_guarantor", "不动产权证书", "lent")],
    (2025, "loan", "KH0032"): [("chattel_mortgage", "动产抵押登记通知书", "in_safe")],
    (2025, "loan", "KH0008"): [("equity_pledge", "股权出质设立登记通知书", "in_safe")],
    (2025, "loan", "KH0024"): [("property_borrower", "不动产权证书", "in_safe")],
    (2025, "guarantee", "KH0038"): [("other_rights", "不动产登记证明（抵押权）", "in_safe")],
    (2025, "guarantee", "KH0040"): [("property_guarantor", "不动产权证书", "in_safe")],
}
RELEASE_NOTE = "贷款已结清，经总经理批准退还客户本人，领取人签收。"


def collateral(key: tuple) -> list[str]:
    """The kinds of certificate the dossier (year, type, customer) has: its mortgages and pledges."""
    return [kind for kind, _title, _status in CERTIFICATES.get(key, [])]


def lent_certificate(world: World) -> str:
    return next(cid for cid, data in world.of("certificate").items() if data["status"] == "lent")


def build_certificates(world: World) -> None:
    made = []
    for key, entries in CERTIFICATES.items():
        did = world.meta["dossier_of"][key]
        dossier = world.get("dossier", did)
        for n, (kind, title, status) in enumerate(entries, 1):
            made.append(_certificate(world, f"{did}-{n:02d}", dossier, kind, title, status))
    for n, data in enumerate(sorted(made, key=lambda c: c["id"])):
        data["location"] = f"保险柜{n // 8 + 1}-{n % 8 + 1:02d}"
        world.add("certificate", data)


def _certificate(world: World, cert_id: str, dossier: dict, kind: str, title: str, status: str) -> dict:
    customer = world.get("customer", dossier["customer"])
    end = d(dossier["project_end"])
    data = {"id": cert_id, "dossier": dossier["id"], "kind": kind, "title": title,
            "number": _number(world, kind, customer, end), "holder": _holder(customer, kind),
            "quantity": 2 if "两处" in title else 1,
            "listed_by": dossier["manager_a"],
            "checked": [{"by": who, "date": iso(next_workday(end))}
                        for who in (dossier["manager_a"], dossier["manager_b"], ARCHIVIST)],
            "received": {"by": ARCHIVIST, "date": iso(next_workday(end))}, "status": status}
    if status == "released":
        approved = random_workday(world.rng, d("2024-09-16"), d("2024-09-27"))
        data["released"] = {"approved": {"by": GM, "date": iso(approved)}, "by": ARCHIVIST,
                            "date": iso(next_workday(approved)), "to": customer["name"]}
        data["note"] = RELEASE_NOTE
    return data


def _holder(customer: dict, kind: str) -> str:
    if kind == "other_rights":
        return ORG_NAME
    if kind in ("property_guarantor", "equity_pledge") and customer["type"] == "enterprise":
        return customer["enterprise"]["legal_representative"]
    return customer["name"]


def _number(world: World, kind: str, customer: dict, end: dt.date) -> str:
    rng = world.rng
    address = customer["addresses"][0]
    province = "京" if address["province"] == "北京市" else "蒙"
    place = address["district"] if province == "京" else address["city"]
    abbr = address["city"][0]
    if kind in ("property_borrower", "property_guarantor"):
        return f"{province}（{rng.randint(2016, end.year - 1)}）{place}不动产权第{rng.randrange(1, 10**7):07d}号"
    if kind == "other_rights":
        return f"{province}（{end.year}）{place}不动产证明第{rng.randrange(1, 10**7):07d}号"
    if kind == "chattel_mortgage":
        return f"{abbr}市监动抵登字〔{end.year}〕第{rng.randrange(1, 10**4):04d}号"
    if kind == "equity_pledge":
        return f"（{abbr}）股质登记设字〔{end.year}〕第{rng.randrange(1, 10**4):04d}号"
    return f"15{rng.randrange(10**10):010d}"
