"""The demo world under construction: one random generator and the records made so far, by kind."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

SEED = 20240601
KINDS = ("staff", "customer", "dossier", "certificate", "loan", "contract", "complaint", "visit", "survey",
         "disposal", "review", "report", "registration", "credit_change")

Record = dict[str, Any]


@dataclass
class World:
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    records: dict[str, dict[str, Record]] = field(default_factory=lambda: {kind: {} for kind in KINDS})
    mobiles: set[str] = field(default_factory=set)
    meta: dict[str, Any] = field(default_factory=dict)  # facts shared between builders, never written

    def add(self, kind: str, data: Record) -> Record:
        self.records[kind][data["id"]] = data
        return data

    def of(self, kind: str) -> dict[str, Record]:
        return self.records[kind]

    def get(self, kind: str, record_id: str) -> Record:
        return self.records[kind][record_id]

    def mobile(self) -> str:
        """A new mainland mobile number, never used before in the demo."""
        prefixes = ("134", "135", "137", "138", "139", "147", "150", "151", "152", "155", "156", "158", "159",
                    "166", "177", "180", "182", "186", "187", "188", "189", "191", "198", "199")
        while True:
            number = self.rng.choice(prefixes) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def items(self):
        """(kind, id, data) for every record, kinds in a fixed order, ids sorted."""
        for kind in KINDS:
            for record_id in sorted(self.records[kind]):
                yield kind, record_id, self.records[kind][record_id]
