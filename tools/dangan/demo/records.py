"""The demo archive as data: `demo_records()` gives (kind, id, data) for every record, each with its
keys in the order of its schema's `properties`. Same output on every run (one seeded generator)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from .. import bundle
from ..schemas import SchemaSet, load_schemas
from .attribution import build_attribution, resolve
from .certificates import build_certificates
from .complaints import build_complaints
from .contracts import build_contracts, build_reports
from .custody import build_disposal, build_loans
from .customers import build_customers, finish_customers
from .dates import d
from .dossiers import build_dossiers
from .market import build_market_reports
from .reviews import build_reviews, decisions_by_customer
from .staff import build_staff
from .surveys import build_surveys, plan_surveys
from .visits import build_visits
from .world import World


def build_world() -> World:
    world = World()
    build_staff(world)
    build_customers(world)
    build_dossiers(world)
    build_contracts(world)
    disputes = build_attribution(world)
    finish_customers(world, _first_business(world), decisions_by_customer())
    build_certificates(world)
    build_loans(world)
    build_disposal(world)
    build_reviews(world)
    build_reports(world)
    build_market_reports(world)
    build_complaints(world)
    drafts, follow_ups = plan_surveys(world)
    tagged = build_visits(world, [*follow_ups, *disputes])
    resolve(world, tagged)
    build_surveys(world, drafts, tagged)
    return world


def _first_business(world: World) -> dict[str, dt.date]:
    """Customer -> the day the first contract was signed (admission is approved that day)."""
    first: dict[str, dt.date] = {}
    for did, signed in world.meta["signed"].items():
        cid = world.get("dossier", did)["customer"]
        first[cid] = min(first.get(cid, signed), signed)
    for contract in world.of("contract").values():
        signed = d(contract["signed_on"])
        first[contract["customer"]] = min(first.get(contract["customer"], signed), signed)
    return first


@cache
def schemas() -> SchemaSet:
    return load_schemas(bundle.schemas(), bundle.root())


def folders() -> dict[str, str]:
    """Kind -> folder under records/, from each schema's `x-dangan.folder`."""
    return {kind: folder for folder, kind in schemas().folders.items()}


def ordered(kind: str, schema: dict, value: Any) -> Any:
    """`value` with every mapping's keys in the order of the schema's `properties` (unknown keys last)."""
    schema = schemas().resolve(kind, schema)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        keys = [k for k in properties if k in value] + [k for k in value if k not in properties]
        return {k: ordered(kind, properties.get(k, {}), value[k]) for k in keys}
    if isinstance(value, list):
        items = schema.get("items", {})
        return [ordered(kind, items if isinstance(items, dict) else {}, v) for v in value]
    return value


def demo_records() -> list[tuple[str, str, dict]]:
    raw = schemas().raw
    return [(kind, rid, ordered(kind, raw[kind], data)) for kind, rid, data in build_world().items()]
