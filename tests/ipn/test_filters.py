"""Send filters: each reason ``decide`` can give, and the follow-up rule of the reference (4.1)."""

from __future__ import annotations

import pytest

from sandbox.i18n import LANGUAGES, catalog, placeholders
from sandbox.ipn import events
from sandbox.ipn.filters import Decision, Settings, decide, is_follow_up_payment

PAYMENT = {
    "event": "on_payment",
    "product_id": "481516",
    "billing_type": "single_payment",
    "pay_sequence_no": "0",
    "email": "elodie.garnier@example.fr",
}
ETICKET = {
    "event": "eticket",
    "product_id": "481516",
    "action": "create",
    "address_first_name": "Élodie",
    "address_last_name": "Garnier",
    "email": "elodie.garnier@example.fr",
}


def test_default_settings_send_a_payment() -> None:
    assert decide(Settings(), PAYMENT) == Decision(True, "matches")


def test_default_transactions_follow_the_catalog() -> None:
    assert Settings().transactions == ("payment", "refund", "chargeback", "payment_missed")


def test_product_not_selected() -> None:
    decision = decide(Settings(product_ids=("111111",)), PAYMENT)
    assert decision == Decision(False, "product_not_selected", {"product_id": "481516"})
    assert decide(Settings(product_ids=("111111", "481516")), PAYMENT).send


def test_event_not_selected() -> None:
    # payment_denial is not among the default transactions.
    decision = decide(Settings(), {**PAYMENT, "event": "payment_denial"})
    assert decision == Decision(False, "event_not_selected", {"event": "payment_denial"})
    assert decide(Settings(transactions=("payment_denial",)), {**PAYMENT, "event": "payment_denial"}).send


def test_category_not_selected() -> None:
    message = {"event": "on_affiliation", "product_id": "481516"}
    decision = decide(Settings(categories=("orders",)), message)
    assert decision == Decision(False, "category_not_selected", {"event": "on_affiliation", "category": "affiliations"})
    assert decide(Settings(), message).send


@pytest.mark.parametrize("billing_type", ["installment", "subscription"])
@pytest.mark.parametrize("sequence", ["2", "3", "12"])
def test_follow_up_excluded(billing_type: str, sequence: str) -> None:
    message = {**PAYMENT, "billing_type": billing_type, "pay_sequence_no": sequence}
    assert is_follow_up_payment(message)
    decision = decide(Settings(follow_ups=False), message)
    assert decision == Decision(False, "follow_up_excluded", {"pay_sequence_no": sequence})
    assert decide(Settings(follow_ups=True), message).send


@pytest.mark.parametrize(
    ("billing_type", "sequence"),
    [
        ("single_payment", "0"),  # a single payment is never a follow-up
        ("single_payment", "2"),
        ("subscription", "1"),  # the first payment of a plan
        ("installment", "1"),
        ("subscription", "0"),
        ("subscription", ""),
        ("subscription", "abc"),
    ],
)
def test_not_a_follow_up(billing_type: str, sequence: str) -> None:
    message = {**PAYMENT, "billing_type": billing_type, "pay_sequence_no": sequence}
    assert not is_follow_up_payment(message)
    assert decide(Settings(follow_ups=False), message).send


@pytest.mark.parametrize("event", ["on_refund", "on_chargeback", "on_payment_missed"])
def test_follow_up_rule_only_applies_to_on_payment(event: str) -> None:
    message = {**PAYMENT, "event": event, "billing_type": "subscription", "pay_sequence_no": "3"}
    assert not is_follow_up_payment(message)
    assert decide(Settings(follow_ups=False), message).send


def test_eticket_action_not_selected() -> None:
    settings = Settings(eticket_actions=("created",))
    assert decide(settings, ETICKET).send
    decision = decide(settings, {**ETICKET, "action": "use"})
    assert decision == Decision(False, "eticket_action_not_selected", {"action": "used"})


def test_eticket_unknown_action_is_reported_verbatim() -> None:
    decision = decide(Settings(eticket_actions=("created",)), {**ETICKET, "action": "teleport"})
    assert decision == Decision(False, "eticket_action_not_selected", {"action": "teleport"})


def test_every_eticket_action_passes_when_none_is_chosen() -> None:
    for action in events.eticket_actions():
        assert decide(Settings(), {**ETICKET, "action": action.action}).send


def test_eticket_incomplete() -> None:
    message = {**ETICKET, "email": "", "address_last_name": "  "}
    decision = decide(Settings(incomplete_etickets=False), message)
    assert decision == Decision(False, "eticket_incomplete", {"missing": "address_last_name, email"})
    assert decide(Settings(incomplete_etickets=True), message).send
    assert decide(Settings(incomplete_etickets=False), ETICKET).send


@pytest.mark.parametrize("name", ["on_purchase", "custom_form", ""])
def test_unknown_event(name: str) -> None:
    message = {**PAYMENT, "event": name}
    assert decide(Settings(), message) == Decision(False, "unknown_event", {"event": name})


def test_missing_event_is_unknown() -> None:
    message = {name: value for name, value in PAYMENT.items() if name != "event"}
    assert decide(Settings(), message) == Decision(False, "unknown_event", {"event": ""})


def test_connection_test_is_always_sent() -> None:
    settings = Settings(product_ids=("111111",), categories=(), transactions=(), follow_ups=False)
    assert decide(settings, {"event": "connection_test"}) == Decision(True, "matches")


def test_every_reason_has_a_message_in_both_languages() -> None:
    reasons = {
        "matches": set(),
        "unknown_event": {"event"},
        "product_not_selected": {"product_id"},
        "category_not_selected": {"event", "category"},
        "event_not_selected": {"event"},
        "follow_up_excluded": {"pay_sequence_no"},
        "eticket_action_not_selected": {"action"},
        "eticket_incomplete": {"missing"},
    }
    for language in LANGUAGES:
        messages = catalog(language)
        for reason, params in reasons.items():
            assert placeholders(messages[f"decision.{reason}"]) == params, (language, reason)
