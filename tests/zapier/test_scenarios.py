"""One-click scenarios are data in a fixed step vocabulary, titled in both languages."""

from __future__ import annotations

import json

import pytest

from sandbox.i18n import t
from sandbox.zapier import scenarios, triggers
from tests.zapier.builders import PRODUCT


def test_the_four_scenarios() -> None:
    assert [item.id for item in scenarios.scenarios()] == [
        "subscription_lifecycle",
        "upsell_refund",
        "eticket_lifecycle",
        "affiliate_approved",
    ]
    assert scenarios.scenario("subscription_lifecycle").steps == (
        {"do": "pay", "product": "subscription"},
        {"do": "order", "action": "rebill"},
        {"do": "order", "action": "rebill"},
        {"do": "order", "action": "miss"},
        {"do": "order", "action": "cancel"},
        {"do": "order", "action": "end"},
    )
    assert scenarios.scenario("eticket_lifecycle").steps[0] == {"do": "pay", "product": "eticket", "incomplete": True}
    with pytest.raises(KeyError):
        scenarios.scenario("nope")


def test_every_step_is_in_the_vocabulary_and_labelled() -> None:
    for item in scenarios.scenarios():
        assert triggers.validate(item.trigger, [PRODUCT], item.options) == []
        for language in ("fr", "en"):
            assert t(item.title_key, language) != item.title_key
            assert t(item.summary_key, language) != item.summary_key
        for step in item.steps:
            assert scenarios.check_step(step) == [], step
            for language in ("fr", "en"):
                assert t(scenarios.step_key(step), language) != scenarios.step_key(step)


def test_every_vocabulary_step_has_a_label() -> None:
    steps = [{"do": "pay", "product": kind} for kind in scenarios.PRODUCT_KINDS]
    steps.append({"do": "pay", "product": "eticket", "incomplete": True})
    for do, actions in (
        ("order", scenarios.ORDER_ACTIONS),
        ("eticket", scenarios.ETICKET_ACTIONS),
        ("affiliate", scenarios.AFFILIATE_ACTIONS),
    ):
        steps.extend({"do": do, "action": action} for action in actions)
    for step in steps:
        assert scenarios.check_step(step) == []
        assert t(scenarios.step_key(step), "fr") != scenarios.step_key(step)
        assert t(scenarios.step_key(step), "en") != scenarios.step_key(step)


def test_bad_steps_are_explained() -> None:
    def codes(step: dict) -> list[str]:
        return [reason.code for reason in scenarios.check_step(step)]

    assert codes({"do": "dance"}) == ["unknown_step"]
    assert codes({"do": "order"}) == ["missing_step_value"]
    assert codes({"do": "order", "action": "refund", "amount": "1"}) == ["unknown_step_key"]
    assert codes({"do": "order", "action": "rebil"}) == ["bad_step_value"]
    assert codes({"do": "pay", "product": "single", "incomplete": "yes"}) == ["bad_step_value"]
    (reason,) = scenarios.check_step({"do": "eticket", "action": "scan"})
    assert "complete, use" in reason.text("fr")


def test_scenarios_are_plain_json() -> None:
    data = json.loads(json.dumps([item.to_dict() for item in scenarios.scenarios()]))
    first = data[0]
    assert first["title"]["fr"].startswith("Abonnement")
    assert first["steps"][0] == {
        "do": "pay",
        "product": "subscription",
        "label": {"fr": t("zapier.step.pay.subscription", "fr"), "en": t("zapier.step.pay.subscription", "en")},
    }
    assert data[2]["options"] == {"eticket_events": ["created", "updated", "used"], "incomplete": False}
