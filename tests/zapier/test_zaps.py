"""A Zap's life cycle and its verdict, which must be :func:`filters.decide`'s."""

from __future__ import annotations

import json

import pytest

from sandbox.ipn.filters import decide
from sandbox.zapier import triggers, zaps
from sandbox.zapier.reasons import ZapierError
from sandbox.zapier.zaps import Action, Zap
from tests.zapier.builders import PRODUCT, order, sheet_action, subscription_payment, zap

SAMPLE = triggers.output(order())


def draft(**changes: object) -> Zap:
    values: dict[str, object] = {"state": "draft", "turned_on_at": None, **changes}
    return zap(**values)  # type: ignore[arg-type]


def test_try_action_marks_a_draft_tested() -> None:
    outcome = zaps.try_action(draft(), SAMPLE)
    assert outcome.ok
    assert outcome.zap.state == "tested"
    assert outcome.result == {
        "kind": "sheets",
        "spreadsheet": "Commandes",
        "row": {"Commande": "SBX12345", "E-mail": "elodie.garnier@example.fr"},
    }


def test_try_action_without_sample_says_to_test_the_trigger() -> None:
    outcome = zaps.try_action(draft(), None)
    assert not outcome.ok and outcome.zap.state == "draft"
    assert [reason.code for reason in outcome.problems] == ["no_sample"]
    assert "paiement de test" in outcome.problems[0].text("fr")


def test_try_action_with_an_unknown_field_stays_draft() -> None:
    broken = draft(action=sheet_action(("Téléphone", "{{phone}}")))
    outcome = zaps.try_action(broken, SAMPLE)
    assert outcome.zap.state == "draft"
    assert [(reason.code, reason.params) for reason in outcome.problems] == [("unknown_placeholder", {"name": "phone"})]


def test_turn_on_needs_products() -> None:
    with pytest.raises(ZapierError) as caught:
        zaps.turn_on(draft(product_ids=()), "2025-03-01T09:00:00+00:00")
    assert caught.value.code == "no_product"


def test_turn_on_needs_a_complete_action() -> None:
    incomplete = draft(action=Action("gmail", {"to": "{{email}}", "subject": "Merci", "body": ""}))
    with pytest.raises(ZapierError) as caught:
        zaps.turn_on(incomplete, "2025-03-01T09:00:00+00:00")
    assert (caught.value.code, caught.value.reasons[0].labels) == (
        "missing_template",
        {"field": "zapier.action.gmail.body"},
    )
    with pytest.raises(ZapierError) as caught:
        zaps.turn_on(draft(action=sheet_action(("X", "{{phone}}"))), "2025-03-01T09:00:00Z", SAMPLE)
    assert caught.value.code == "unknown_placeholder"


def test_turn_on_and_off() -> None:
    on = zaps.turn_on(draft(), "2025-03-01T09:00:00+00:00")
    assert (on.state, on.turned_on_at) == ("on", "2025-03-01T09:00:00+00:00")
    assert zaps.turn_on(on, "2025-03-02T09:00:00+00:00") == on
    off = zaps.turn_off(on)
    assert (off.state, off.turned_on_at) == ("off", None)
    assert zaps.turn_off(draft()).state == "draft"
    again = zaps.turn_on(off, "2025-03-05T12:00:00+00:00")
    assert again.turned_on_at == "2025-03-05T12:00:00+00:00"
    with pytest.raises(ZapierError) as caught:
        zaps.turn_on(draft(), "hier")
    assert caught.value.code == "invalid_timestamp"


def test_a_zap_sees_only_events_after_it_was_turned_on() -> None:
    on = zap(turned_on_at="2025-03-01T10:00:00+01:00")  # 09:00 UTC
    assert not zaps.sees(on, "2025-03-01T08:59:59Z")
    assert zaps.sees(on, "2025-03-01T09:00:00Z")
    assert zaps.sees(on, "2025-03-01T09:00:01")  # no offset: UTC
    assert not zaps.sees(zap(state="tested"), "2030-01-01T00:00:00Z")


def test_verdict_is_the_filter_decision() -> None:
    options = {"events": ["payment"], "follow_ups": False}
    item = zap(options=options)
    expected = triggers.settings("order", [PRODUCT], options)
    for fields in (order(), order("on_refund"), subscription_payment(2), order(product_id="1")):
        assert zaps.verdict(item, fields) == decide(expected, fields)
    assert zaps.verdict(item, subscription_payment(2)).reason == "follow_up_excluded"


def test_verdict_of_an_invalid_zap_raises() -> None:
    with pytest.raises(ZapierError):
        zaps.verdict(zap(options={"events": ["nope"]}), order())


def test_round_trip_through_json() -> None:
    item = zap(options={"events": ("payment", "refund"), "follow_ups": False})
    data = json.loads(json.dumps(item.to_dict()))
    assert data["options"]["events"] == ["payment", "refund"]
    restored = Zap.from_dict(data)
    assert restored.to_dict() == item.to_dict()
    assert zaps.settings(restored) == zaps.settings(item)


def test_unknown_state_is_refused() -> None:
    with pytest.raises(ZapierError) as caught:
        zap(state="paused")
    assert caught.value.code == "unknown_state"


def test_a_single_product_id_string_is_one_product() -> None:
    assert zap(product_ids=PRODUCT).product_ids == (PRODUCT,)  # type: ignore[arg-type]
