"""E-tickets: the state machine and the holder's data."""

from __future__ import annotations

import pytest

from sandbox.digistore24 import etickets
from sandbox.digistore24.etickets import Eticket
from sandbox.errors import Conflict, InputError

CREATED = "2025-03-14 09:00:00"
LATER = "2025-03-15 10:30:00"


def ticket(**changes: object) -> Eticket:
    base = Eticket(
        id="12345678901234567890",
        number=1,
        count=2,
        code="ABCDEF1234",
        order_id="SBX2345A",
        product_id="444444",
        date="2025-04-14",
        created_at=CREATED,
        modified_at=CREATED,
    )
    return Eticket(**{**base.to_dict(), "location": base.location, **changes})


def test_a_ticket_without_holder_is_incomplete_and_update_completes_it() -> None:
    bare = ticket()
    assert not bare.complete

    half = etickets.change(bare, "update", now=LATER, holder={"holder_first_name": " Zoé "})
    assert half.holder_first_name == "Zoé"
    assert not half.complete

    full = etickets.change(
        half, "update", now=LATER, holder={"holder_last_name": "Lefèvre", "holder_email": "zoe@example.com"}
    )
    assert full.complete
    assert full.modified_at == LATER
    assert full.created_at == CREATED
    assert full.state == "valid"


@pytest.mark.parametrize(
    ("path", "final_state"),
    [
        (["use"], "used"),
        (["use", "cancel_use"], "valid"),
        (["revoke"], "revoked"),
        (["revoke", "cancel_revoke"], "valid"),
        (["use", "cancel_use", "revoke", "cancel_revoke", "use"], "used"),
    ],
)
def test_allowed_paths(path: list[str], final_state: str) -> None:
    current = ticket()
    for action in path:
        current = etickets.change(current, action, now=LATER)

    assert current.state == final_state
    assert current.used_at == (LATER if final_state == "used" else "")


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("used", "use"),
        ("revoked", "use"),
        ("valid", "cancel_use"),
        ("revoked", "cancel_use"),
        ("used", "revoke"),
        ("revoked", "revoke"),
        ("valid", "cancel_revoke"),
        ("used", "cancel_revoke"),
    ],
)
def test_an_action_in_the_wrong_state_is_a_conflict(state: str, action: str) -> None:
    before = ticket(state=state)

    with pytest.raises(Conflict) as caught:
        etickets.change(before, action, now=LATER)

    assert caught.value.code == "eticket_wrong_state"
    assert caught.value.params == {"eticket_id": before.id, "action": action, "state": state}


@pytest.mark.parametrize("state", ["valid", "used", "revoked"])
def test_update_is_allowed_in_every_state_and_keeps_it(state: str) -> None:
    updated = etickets.change(ticket(state=state), "update", now=LATER, holder={"holder_first_name": "Inès"})

    assert updated.state == state


@pytest.mark.parametrize(
    ("holder", "code"),
    [
        (None, "eticket_update_fields"),
        ({}, "eticket_update_fields"),
        ({"holder_phone": "0600"}, "eticket_update_fields"),
        ({"holder_email": "not-an-address"}, "invalid_email"),
    ],
)
def test_update_rejects_bad_holder_data(holder: dict | None, code: str) -> None:
    with pytest.raises(InputError) as caught:
        etickets.change(ticket(), "update", now=LATER, holder=holder)

    assert caught.value.code == code


@pytest.mark.parametrize("action", ["create", "print", ""])
def test_create_and_unknown_actions_are_refused(action: str) -> None:
    with pytest.raises(InputError) as caught:
        etickets.change(ticket(), action, now=LATER)

    assert caught.value.code == "unknown_eticket_action"
    assert "create" not in caught.value.params["allowed"].split(", ")


def test_a_ticket_survives_its_dict_round_trip() -> None:
    used = etickets.change(ticket(holder_first_name="Noël"), "use", now=LATER)

    assert Eticket.from_dict(used.to_dict()) == used
