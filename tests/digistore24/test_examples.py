"""The guide's example messages are real: built by the simulator, signed, stable."""

from __future__ import annotations

import pytest

from sandbox.digistore24.examples import PASSPHRASE, example_payload
from sandbox.errors import Conflict
from sandbox.ipn import events, fields, signing


@pytest.mark.parametrize("event", [event.name for event in events.events()])
def test_every_event_has_a_signed_example_that_the_catalog_knows(event: str) -> None:
    payload = example_payload(event)
    assert payload["event"] == event
    assert signing.verify(payload, PASSPHRASE)
    known = {field.name for field in fields.fields()}
    assert set(payload) <= known


def test_examples_do_not_change_between_builds() -> None:
    assert example_payload("on_payment") == example_payload("on_payment")


def test_the_payment_example_carries_the_captured_key_set() -> None:
    assert set(fields.captured_on_payment_keys()) <= set(example_payload("on_payment"))


@pytest.mark.parametrize("action", [action.action for action in events.eticket_actions() if action.action != "create"])
def test_eticket_examples_follow_the_ticket_life_cycle(action: str) -> None:
    if action in ("cancel_use", "cancel_revoke"):
        with pytest.raises(Conflict):  # a fresh ticket cannot undo what never happened
            example_payload("eticket", action)
        return
    assert example_payload("eticket", action)["action"] == action
