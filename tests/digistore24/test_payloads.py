"""IPN payloads: the captured key set, coherent money, formats, ids along a plan."""

from __future__ import annotations

import hashlib
import itertools
import re
from decimal import Decimal

import pytest

from sandbox.digistore24 import etickets, orders, payloads, people, products
from sandbox.digistore24.affiliates import Affiliate
from sandbox.digistore24.orders import OrderItem
from sandbox.ipn import fields as catalog
from sandbox.ipn import signing

MERCHANT = payloads.Merchant("12345678", "boutique_test")
NOW = "2025-03-14 09:26:53"
LATER = "2025-04-14 07:05:09"
BUYER = people.person_with(people.fake_person("payloads"), {"first_name": "Hélène", "last_name": "Dubœuf"})
SINGLE = products.build(
    "111111", {"name": "Formation Photo Débutant", "billing_type": "single_payment", "price": "49.00"}
)
SUBSCRIPTION = products.build("222222", {"name": "Club", "billing_type": "subscription", "price": "19.90"})
INSTALLMENT = products.build(
    "333333", {"name": "Coaching", "billing_type": "installment", "price": "99.00", "installments": 3}
)
TICKETED = products.build(
    "444444", {"name": "Atelier", "billing_type": "single_payment", "price": "35.00", "etickets": True}
)
CONNECTION_META = ("ipn_config_api_key_id", "ipn_config_domain_id", "ipn_config_id", "ipn_config_product_ids")
FORMATS = {
    "date": r"\d{4}-\d{2}-\d{2}",
    "time": r"\d{2}:\d{2}:\d{2}",
    "datetime": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}",
    "decimal": r"\d+\.\d{2}",
    "integer": r"\d+",
    "yes_no": r"[YN]",
    "url": r"https://\S+",
    "email": r"[^@\s]+@[^@\s]+",
}


def plan_messages(product: products.Product, actions: list[str]) -> list[dict[str, str]]:
    ids = itertools.count(3999000)
    step = orders.first_payment(
        order_id="SBX2345A",
        order_item_id="33299000",
        transaction_id=str(next(ids)),
        purchase_key="KEY12345",
        product=product,
        buyer=BUYER,
        now=NOW,
        custom="sandbox:SBX2345A",
    )
    messages = [payloads.order_event(MERCHANT, step.order, step.transaction)]
    order = step.order
    for action in actions:
        upsell = OrderItem("33299100", SINGLE, len(order.items)) if action == "upsell" else None
        step = orders.apply(order, action, transaction_id=str(next(ids)), now=LATER, upsell=upsell)
        order = step.order
        messages.append(payloads.order_event(MERCHANT, order, step.transaction))
    return messages


def as_sent(message: dict[str, str], passphrase: str = "mon-secret-ipn") -> dict[str, str]:
    body = payloads.for_connection(
        message, connection_id="654300", domain_id="sandbox-default", api_key_id="1654300", product_ids="all"
    )
    return signing.signed(body, passphrase)


def reference_sign(message: dict[str, str], passphrase: str) -> str:
    """sha_sign written from the reference, independently of sandbox.ipn.signing."""
    names = sorted((name for name in message if name not in ("sha_sign", "SHASIGN")), key=str.encode)
    text = "".join(f"{name}={message[name]}{passphrase}" for name in names if message[name] != "")
    return hashlib.sha512(text.encode("utf-8")).hexdigest().upper()


def test_an_on_payment_carries_every_captured_key() -> None:
    message = plan_messages(SINGLE, [])[0]
    captured = set(catalog.captured_on_payment_keys())

    # The ipn_config_* meta is per connection and added by for_connection (checked below).
    assert captured - {"sha_sign", *CONNECTION_META} <= set(message)
    assert "sha_sign" not in message


@pytest.mark.parametrize("product", [SINGLE, SUBSCRIPTION, INSTALLMENT])
def test_as_sent_the_key_set_is_the_capture_plus_documented_extras(product: products.Product) -> None:
    sent = as_sent(plan_messages(product, [])[0])
    captured = catalog.captured_on_payment_keys()

    assert set(captured) <= set(sent)
    for extra in set(sent) - set(captured):
        field = catalog.field(extra)  # raises KeyError for an undocumented name
        assert "on_payment" in field.events, extra
    # Laid out like the capture: byte order, then event, then sha_sign.
    names = list(sent)
    assert names[-2:] == ["event", "sha_sign"]
    assert names[:-2] == sorted(names[:-2], key=str.encode)
    assert [name for name in names if name in captured] == list(captured)


def test_the_signature_as_sent_matches_the_reference_algorithm() -> None:
    sent = as_sent(plan_messages(SUBSCRIPTION, [])[0], "Zoé's phrase")

    assert sent["sha_sign"] == reference_sign(sent, "Zoé's phrase")
    assert sent["sha_sign"] != reference_sign(sent, "another phrase")


@pytest.mark.parametrize("product", [SINGLE, SUBSCRIPTION, INSTALLMENT, TICKETED])
@pytest.mark.parametrize("vat_rate", ["20.00", "7.70", "0.00"])
def test_money_adds_up_to_the_cent(product: products.Product, vat_rate: str) -> None:
    product = products.edit(product, {"vat_rate": vat_rate, "price": "19.99"})
    for message in plan_messages(product, ["refund"] if product.billing_type == "single_payment" else ["rebill"]):
        money = {name: Decimal(message[name]) for name in message if name.startswith("amount")}

        assert money["amount"] == money["amount_brutto"] == Decimal(message["transaction_amount"])
        assert money["amount_brutto"] == money["amount_netto"] + money["amount_vat"]
        assert money["amount_vat"] == Decimal(message["vat_amount"]) == Decimal(message["transaction_vat_amount"])
        assert money["amount_vendor"] + money["amount_provider"] + money["amount_affiliate"] == money["amount_netto"]
        assert money["amount"] == Decimal("19.99")
        assert message["vat_rate"] == vat_rate
        assert Decimal(message["product_txn_netto_amount"]) + Decimal(message["product_txn_vat_amount"]) == Decimal(
            message["product_txn_amount"]
        )


def test_values_have_the_catalog_formats() -> None:
    messages = plan_messages(SUBSCRIPTION, ["rebill", "miss", "rebill", "upsell", "cancel", "resume", "refund", "end"])
    for message in messages:
        for name, value in message.items():
            kind = catalog.field(name).type
            if value and kind in FORMATS:
                assert re.fullmatch(FORMATS[kind], value), (message["event"], name, value)
        assert message["order_date_time"] == f"{message['order_date']} {message['order_time']}"
        assert message["order_date_time"] == NOW  # the order's date, not the transaction's
    assert messages[0]["transaction_date"] == NOW.split(" ")[0]
    assert messages[1]["transaction_date"] == LATER.split(" ")[0]
    assert messages[1]["transaction_time"] == LATER.split(" ")[1]


def test_enums_of_a_payment_take_catalog_values() -> None:
    for product in (SINGLE, SUBSCRIPTION, INSTALLMENT):
        message = plan_messages(product, [])[0]
        for name, value in message.items():
            field = catalog.field(name)
            if field.type == "enum" and value:
                assert value in field.values, (name, value)


def test_a_plan_keeps_its_order_id_and_gets_new_transaction_ids() -> None:
    messages = plan_messages(INSTALLMENT, ["rebill", "rebill"])

    assert {message["order_id"] for message in messages} == {"SBX2345A"}
    assert len({message["transaction_id"] for message in messages}) == 3
    assert len({message["payment_id"] for message in messages}) == 3
    assert [message["pay_sequence_no"] for message in messages] == ["1", "2", "3"]
    assert [message["billing_status"] for message in messages] == ["paying", "paying", "completed"]
    assert {message["number_of_installments"] for message in messages} == {"3"}
    assert {message["custom"] for message in messages} == {"sandbox:SBX2345A"}


def test_a_single_payment_has_sequence_zero_and_no_plan_links() -> None:
    message = plan_messages(SINGLE, [])[0]

    assert (message["pay_sequence_no"], message["billing_type"]) == ("0", "single_payment")
    assert message["rebilling_stop_url"] == message["renew_url"] == ""
    assert message["is_payment_planned"] == "N"


@pytest.mark.parametrize(
    ("product", "actions"),
    [
        (SINGLE, ["upsell", "refund", "chargeback"]),
        (SUBSCRIPTION, ["rebill", "miss", "deny"]),
        (INSTALLMENT, ["cancel", "resume", "end"]),
    ],
)
def test_every_message_is_a_test_order(product: products.Product, actions: list[str]) -> None:
    messages = plan_messages(product, actions)

    assert len(messages) == len(actions) + 1
    for message in messages:
        assert (message["api_mode"], message["pay_method"]) == ("test", "test")
        assert message["merchant_id"] == MERCHANT.id


def test_upsells_carry_their_number_and_item() -> None:
    first, upsell = plan_messages(SINGLE, ["upsell"])

    assert (first["upsell_no"], first["item_count"]) == ("0", "1")
    assert (upsell["upsell_no"], upsell["item_count"]) == ("1", "2")
    assert upsell["product_id"] == SINGLE.id
    assert upsell["order_item_id"] == "33299100"
    assert upsell["order_id"] == first["order_id"]
    assert upsell["transaction_id"] != first["transaction_id"]


def test_a_refund_names_its_parent_and_stop_reason() -> None:
    first, refund = plan_messages(SUBSCRIPTION, ["refund"])

    assert refund["event"] == "on_refund"
    assert refund["transaction_type"] == "refund"
    assert refund["parent_transaction_id"] == first["transaction_id"]
    assert refund["billing_stop_reason"] == "by_refund"
    assert refund["is_payment_planned"] == "N"
    assert "billing_stop_reason" not in first


def test_a_cancellation_is_noted_with_a_zero_amount() -> None:
    _, cancel = plan_messages(SUBSCRIPTION, ["cancel"])

    assert cancel["event"] == "on_rebill_cancelled"
    assert (cancel["amount"], cancel["amount_provider"], cancel["amount_vendor"]) == ("0.00", "0.00", "0.00")
    assert cancel["rebill_stop_noted_at"] == LATER
    assert cancel["billing_stop_reason"] == "by_operator"


def test_the_buyer_keeps_the_accents() -> None:
    message = plan_messages(SINGLE, [])[0]

    assert message["buyer_first_name"] == message["address_first_name"] == "Hélène"
    assert message["buyer_last_name"] == message["billing_last_name"] == "Dubœuf"
    assert message["product_name"] == "Formation Photo Débutant"
    sent = as_sent(message)
    assert sent["sha_sign"] == reference_sign(sent, "mon-secret-ipn")


def eticket_message(holder: dict[str, str], state: str = "valid", action: str = "create") -> dict[str, str]:
    order = orders.first_payment(
        order_id="SBX2345A",
        order_item_id="33299000",
        transaction_id="3999000",
        purchase_key="KEY12345",
        product=TICKETED,
        buyer=BUYER,
        now=NOW,
    ).order
    ticket = etickets.Eticket(
        id="12345678901234567890",
        number=1,
        count=1,
        code="ABCDEF1234",
        order_id=order.id,
        product_id=TICKETED.id,
        date="2025-04-14",
        created_at=NOW,
        modified_at=LATER,
        state=state,
        **holder,
    )
    return payloads.eticket_event(MERCHANT, order, ticket, action)


def test_an_incomplete_eticket_has_empty_holder_fields() -> None:
    message = eticket_message({})

    assert (message["event"], message["action"]) == ("eticket", "create")
    assert message["address_first_name"] == message["address_last_name"] == message["email"] == ""
    assert message["eticket_id"] == "12345678901234567890"
    assert (message["eticket_no"], message["eticket_count"]) == ("1", "1")
    assert message["eticket_is_blocked"] == "N"
    assert message["api_mode"] == "test"


def test_a_complete_eticket_carries_the_holder() -> None:
    holder = {"holder_first_name": "Noël", "holder_last_name": "Faure", "holder_email": "noel@example.com"}

    message = eticket_message(holder, state="revoked", action="revoke")

    assert (message["address_first_name"], message["address_last_name"]) == ("Noël", "Faure")
    assert message["email"] == "noel@example.com"
    assert message["eticket_is_blocked"] == "Y"
    assert message["eticket_modified_at"] == LATER
    assert message["product_id"] == TICKETED.id


def test_an_affiliation_carries_the_affiliate_and_promo_link() -> None:
    affiliate = Affiliate("1", SINGLE.id, "lucie_promo", BUYER, NOW)

    message = payloads.affiliation_event(MERCHANT, affiliate, SINGLE.name)

    assert message["event"] == "on_affiliation"
    assert message["affiliate_name"] == "lucie_promo"
    assert message["affiliate_link"] == f"https://www.checkout-ds24.com/redir/{SINGLE.id}/lucie_promo/"
    assert (message["product_id"], message["email"]) == (SINGLE.id, BUYER.email)
    assert message["address_first_name"] == "Hélène"
    for name in message:
        assert "on_affiliation" in catalog.field(name).events or name in ("event", "language_name"), name


def test_a_connection_test_has_no_api_key_id() -> None:
    sent = as_sent(payloads.connection_test_event(MERCHANT))
    payment = as_sent(plan_messages(SINGLE, [])[0])

    assert sent["event"] == "connection_test"
    assert "ipn_config_api_key_id" not in sent
    assert {"ipn_config_id", "ipn_config_domain_id"} <= set(sent)
    assert payment["ipn_config_api_key_id"] == "1654300"
    assert sent["sha_sign"] == reference_sign(sent, "mon-secret-ipn")
