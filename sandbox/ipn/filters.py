"""Which events pass a set of IPN settings, and why the others do not.

One function, :func:`decide`, answers for a Digistore24 IPN connection and for a Zap's
trigger options alike. It reads only IPN fields, so it holds for simulated and for
received messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sandbox.ipn import events

FOLLOW_UP_BILLING_TYPES = ("installment", "subscription")
# Fields that make an e-ticket "complete": the holder's name and e-mail.
# Which fields carry the holder on the wire is an inference (reference, section 7).
ETICKET_HOLDER_FIELDS = ("address_first_name", "address_last_name", "email")


@dataclass(frozen=True)
class Settings:
    """What a connection (or a Zap trigger) asks for. Empty product ids mean all products."""

    product_ids: tuple[str, ...] = ()
    categories: tuple[str, ...] = ("orders", "affiliations", "etickets")
    transactions: tuple[str, ...] = field(default_factory=events.default_transactions)
    eticket_actions: tuple[str, ...] = ()  # Zapier choices; empty means every action
    follow_ups: bool = True
    incomplete_etickets: bool = True


@dataclass(frozen=True)
class Decision:
    """``send`` and, when not sent, a reason code with its parameters (translated elsewhere)."""

    send: bool
    reason: str = "matches"
    params: dict[str, str] = field(default_factory=dict)


def is_follow_up_payment(fields: Mapping[str, str]) -> bool:
    """A rebill or later instalment: a payment of a plan whose sequence number is past 1."""
    if fields.get("event") != "on_payment" or fields.get("billing_type") not in FOLLOW_UP_BILLING_TYPES:
        return False
    try:
        return int(fields.get("pay_sequence_no", "0")) > 1
    except ValueError:
        return False


def missing_holder_fields(fields: Mapping[str, str]) -> list[str]:
    return [name for name in ETICKET_HOLDER_FIELDS if not fields.get(name, "").strip()]


def decide(settings: Settings, fields: Mapping[str, str]) -> Decision:
    """Is this event sent under ``settings``? The first failing rule gives the reason."""
    name = fields.get("event", "")
    if name == "connection_test":
        return Decision(True)
    if not events.is_known(name):
        return Decision(False, "unknown_event", {"event": name})
    event = events.event(name)
    product_id = fields.get("product_id", "")
    if settings.product_ids and product_id not in settings.product_ids:
        return Decision(False, "product_not_selected", {"product_id": product_id})
    if event.category not in settings.categories:
        return Decision(False, "category_not_selected", {"event": name, "category": event.category})
    if event.transaction and event.transaction not in settings.transactions:
        return Decision(False, "event_not_selected", {"event": event.transaction})
    if is_follow_up_payment(fields) and not settings.follow_ups:
        return Decision(False, "follow_up_excluded", {"pay_sequence_no": fields.get("pay_sequence_no", "")})
    if event.category == "etickets":
        action = fields.get("action", "")
        try:
            choice = events.eticket_action(action).zapier
        except KeyError:
            choice = action
        if settings.eticket_actions and choice not in settings.eticket_actions:
            return Decision(False, "eticket_action_not_selected", {"action": choice or action})
        missing = missing_holder_fields(fields)
        if missing and not settings.incomplete_etickets:
            return Decision(False, "eticket_incomplete", {"missing": ", ".join(missing)})
    return Decision(True)
