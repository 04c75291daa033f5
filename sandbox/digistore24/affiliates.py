"""Affiliates: a partner asks to promote a product; approving them sends ``on_affiliation``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sandbox.digistore24.people import Person


@dataclass(frozen=True)
class Affiliate:
    id: str
    product_id: str
    name: str  # the affiliate's Digistore24 id, e.g. "lucie_promo"
    person: Person
    approved_at: str

    def promo_link(self) -> str:
        return f"https://www.checkout-ds24.com/redir/{self.product_id}/{self.name}/"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Affiliate:
        return Affiliate(**{**data, "person": Person(**data["person"])})
