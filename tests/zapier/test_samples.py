"""Test trigger: up to three recent matching records, newest first, or what to do."""

from __future__ import annotations

import json

from sandbox.i18n import t
from sandbox.zapier import samples
from tests.zapier.builders import affiliation, order, subscription_payment, zap


def at(minute: int) -> str:
    return f"2025-03-01T10:{minute:02d}:00+00:00"


def test_newest_first_at_most_three() -> None:
    records = [(at(n), subscription_payment(n)) for n in range(1, 6)]
    found = samples.find(zap(state="draft"), records)
    assert found.ok
    assert [sample.output["pay_sequence_no"] for sample in found.samples] == ["5", "4", "3"]
    assert found.message.key == "zapier.sample.found"
    assert "3" in found.message.text("fr")


def test_only_matching_and_distinct_records() -> None:
    records = [
        (at(1), order(transaction_id="1")),
        (at(2), order("on_refund", transaction_id="2")),  # not selected
        (at(3), order(product_id="999", transaction_id="3")),  # other product
        (at(4), order(transaction_id="1")),  # retry of the first
        (at(5), affiliation()),  # other trigger
    ]
    found = samples.find(zap(options={"events": ["payment"]}), records)
    assert [(sample.record_id, sample.received_at) for sample in found.samples] == [("order|on_payment|1", at(4))]
    assert "sha_sign" not in found.samples[0].output


def test_order_of_arrival_breaks_ties_and_input_order_does_not_matter() -> None:
    records = [(at(9), order(transaction_id="late")), (at(1), order(transaction_id="early"))]
    records += [(at(5), order(transaction_id="same-a")), (at(5), order(transaction_id="same-b"))]
    found = samples.find(zap(), records)
    assert [sample.output["transaction_id"] for sample in found.samples] == ["late", "same-b", "same-a"]


def test_no_record_says_to_make_a_test_payment() -> None:
    found = samples.find(zap(), [(at(1), affiliation())])
    assert not found.ok and found.samples == ()
    assert found.message.key == "zapier.sample.none_order"
    assert "paiement de test" in found.message.text("fr")
    assert "test payment" in t("zapier.sample.none_eticket", "en")
    assert samples.find(zap("affiliate"), []).message.key == "zapier.sample.none_affiliate"


def test_invalid_trigger_settings_are_reported() -> None:
    found = samples.find(zap(product_ids=()), [(at(1), order())])
    assert not found.ok
    assert [reason.code for reason in found.problems] == ["no_product"]
    assert json.loads(json.dumps(found.to_dict()))["problems"][0]["code"] == "no_product"
