"""Example IPN messages for the guide, built by the simulator itself so they cannot drift.

Everything is fixed (seed, dates, passphrase), so a page shows the same example on every
build; the signature is real: ``sha_sign`` verifies with :data:`PASSPHRASE`.
"""

from __future__ import annotations

from sandbox.digistore24 import etickets, orders, payloads, people, products
from sandbox.digistore24.affiliates import Affiliate
from sandbox.digistore24.orders import Order
from sandbox.ipn import signing

PASSPHRASE = "exemple-phrase-secrete"
MERCHANT = payloads.Merchant("31415926", "boutique_sandbox")
FIRST_DAY = "2026-03-02 09:41:07"
LATER_DAY = "2026-04-02 09:41:12"
# The order event each action of the life cycle produces.
ORDER_ACTIONS = {event: action for action, (event, _) in orders.ACTIONS.items() if action not in ("upsell",)}


def _product(kind: str) -> products.Product:
    """A starter product of each kind, with fixed ids: single, subscription or eticket."""
    position, product_id = {"subscription": (1, "512347"), "eticket": (3, "512349")}.get(kind, (0, "512345"))
    return products.build(product_id, dict(products.STARTER[position]))


def _order(product: products.Product) -> orders.Step:
    return orders.first_payment(
        order_id="A7K2M9QX",
        order_item_id="33299001",
        transaction_id="3999101",
        purchase_key="5T6U7V8W",
        product=product,
        buyer=people.fake_person("guide-example"),
        now=FIRST_DAY,
        custom="sandbox:A7K2M9QX",
    )


def _sign(fields: dict[str, str]) -> dict[str, str]:
    body = payloads.for_connection(
        fields, connection_id="654321", domain_id="sandbox-example", api_key_id="1654321", product_ids="all"
    )
    return signing.signed(body, PASSPHRASE)


def _order_event(event: str) -> dict[str, str]:
    step = _order(_product("subscription"))
    if event == "on_payment":
        return payloads.order_event(MERCHANT, step.order, step.transaction)
    order: Order = step.order
    if event in ("on_rebill_resumed", "last_paid_day"):  # both follow a cancellation
        order = orders.apply(order, "cancel", transaction_id="3999102", now=LATER_DAY).order
    action = ORDER_ACTIONS[event]
    later = orders.apply(order, action, transaction_id="3999103", now=LATER_DAY)
    return payloads.order_event(MERCHANT, later.order, later.transaction)


def example_payload(event: str, action: str | None = None) -> dict[str, str]:
    """The signed form fields of one ``event`` (``action`` for e-tickets, default ``create``)."""
    if event == "connection_test":
        return _sign(payloads.connection_test_event(MERCHANT))
    if event == "on_affiliation":
        person = people.fake_person("guide-affiliate")
        affiliate = Affiliate("1", "512345", "lucie_promo", person, FIRST_DAY)
        return _sign(payloads.affiliation_event(MERCHANT, affiliate, _product("single").name))
    if event == "eticket":
        step = _order(_product("eticket"))
        buyer = step.order.buyer
        ticket = etickets.Eticket(
            id="40213370000000000001",
            number=1,
            count=1,
            code="QX7B2K9M4P",
            order_id=step.order.id,
            product_id=step.order.product.id,
            date="2026-04-18",
            created_at=FIRST_DAY,
            modified_at=FIRST_DAY,
            holder_first_name=buyer.first_name,
            holder_last_name=buyer.last_name,
            holder_email=buyer.email,
        )
        chosen = action or "create"
        if chosen != "create":
            ticket = etickets.change(
                ticket,
                chosen,
                now=LATER_DAY,
                holder={"holder_first_name": buyer.first_name} if chosen == "update" else None,
            )
        return _sign(payloads.eticket_event(MERCHANT, step.order, ticket, chosen))
    if event in ORDER_ACTIONS or event == "on_payment":
        return _sign(_order_event(event))
    raise KeyError(event)
