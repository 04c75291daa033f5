"""E-tickets: created when an e-ticket product is bought, then completed, used, revoked.

A ticket bought without the holder's name and e-mail is *incomplete*; the "send
incomplete e-tickets" switch of a connection or Zap decides whether that is sent.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from sandbox.errors import Conflict, InputError

# action → the state it needs and the state it leaves (None: any state)
ACTIONS = {
    "create": (None, "valid"),
    "update": (None, None),
    "use": ("valid", "used"),
    "cancel_use": ("used", "valid"),
    "revoke": ("valid", "revoked"),
    "cancel_revoke": ("revoked", "valid"),
}
HOLDER_FIELDS = ("holder_first_name", "holder_last_name", "holder_email")


@dataclass(frozen=True)
class Location:
    id: str = "4021"
    name: str = "La Halle aux Idées"
    address: str = "12 quai Saint-Vincent, 69001 Lyon"
    country: str = "FR"
    latitude: str = "45.7676"
    longitude: str = "4.8266"
    directions: str = "Métro A, arrêt Hôtel de Ville"
    note: str = "Entrée par la cour intérieure"


@dataclass(frozen=True)
class Eticket:
    id: str  # 20 digits
    number: int  # position within the order, 1-based
    count: int  # tickets in the order
    code: str
    order_id: str
    product_id: str
    date: str  # event date, YYYY-MM-DD
    created_at: str
    modified_at: str
    holder_first_name: str = ""
    holder_last_name: str = ""
    holder_email: str = ""
    state: str = "valid"  # valid | used | revoked
    used_at: str = ""
    location: Location = Location()

    @property
    def complete(self) -> bool:
        return all(getattr(self, name).strip() for name in HOLDER_FIELDS)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Eticket:
        return Eticket(**{**data, "location": Location(**data["location"])})


def change(ticket: Eticket, action: str, *, now: str, holder: dict[str, str] | None = None) -> Eticket:
    """Apply an e-ticket action; ``update`` takes new holder data."""
    if action not in ACTIONS or action == "create":
        raise InputError(
            "unknown_eticket_action", action=action, allowed=", ".join(a for a in ACTIONS if a != "create")
        )
    needed, after = ACTIONS[action]
    if needed is not None and ticket.state != needed:
        raise Conflict("eticket_wrong_state", eticket_id=ticket.id, action=action, state=ticket.state)
    changes: dict[str, Any] = {"modified_at": now}
    if action == "update":
        unknown = sorted(set(holder or {}) - set(HOLDER_FIELDS))
        if unknown or not holder:
            raise InputError("eticket_update_fields", fields=", ".join(HOLDER_FIELDS))
        changes.update({name: value.strip() for name, value in holder.items()})
        if "holder_email" in holder and holder["holder_email"].strip() and "@" not in holder["holder_email"]:
            raise InputError("invalid_email", value=holder["holder_email"])
    if after is not None:
        changes["state"] = after
    if action == "use":
        changes["used_at"] = now
    if action == "cancel_use":
        changes["used_at"] = ""
    return replace(ticket, **changes)
