"""IPN connections: validation of the settings, the masked passphrase, the decision."""

from __future__ import annotations

import pytest

from sandbox.digistore24 import connections
from sandbox.digistore24.connections import Connection
from sandbox.errors import InputError
from sandbox.ipn import events

KNOWN = {"111111", "222222"}
VALID = {"url": "https://example.com/ipn", "passphrase": "s3cret-phrase"}


def build(data: dict, base: Connection | None = None) -> Connection:
    return connections.build("654300", data, KNOWN, base=base)


def error_of(data: dict, base: Connection | None = None) -> InputError:
    with pytest.raises(InputError) as caught:
        build(data, base)
    assert caught.value.status == 400
    return caught.value


def test_defaults_follow_digistore24() -> None:
    connection = build(VALID)

    assert connection.transactions == events.default_transactions()
    assert connection.categories == connections.CATEGORIES
    assert connection.product_ids == ()
    assert connection.follow_ups is True
    assert connection.success == "ok_and_2xx"
    assert connection.name == "IPN"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"colour": "red"}, "unknown_connection_field"),
        ({"passphrase": ""}, "passphrase_required"),
        ({"passphrase": None}, "passphrase_required"),
        ({"passphrase": "x" * 64}, "passphrase_too_long"),
        ({"product_ids": ["999999"]}, "unknown_product"),
        ({"success": "always"}, "invalid_choice"),
        ({"transactions": ["payment", "teleport"]}, "invalid_choice"),
        ({"categories": ["orders", "custom_forms"]}, "invalid_choice"),
        ({"eticket_actions": ["create"]}, "invalid_choice"),  # the Zapier choice is "created"
        ({"transactions": 5}, "invalid_list"),
        ({"transactions": [1, 2]}, "invalid_list"),
        ({"product_ids": 111111}, "invalid_list"),
        ({"product_ids": {"id": "111111"}}, "invalid_list"),
        ({"product_ids": [True]}, "invalid_list"),
        ({"product_ids": "111111,999999"}, "unknown_product"),
        ({"follow_ups": "maybe"}, "invalid_boolean"),
        ({"active": "perhaps"}, "invalid_boolean"),
        ({"url": "ftp://example.com/ipn"}, "invalid_url"),
        ({"url": "example.com/ipn"}, "invalid_url"),
        ({"url": "http://"}, "invalid_url"),
        ({"url": "javascript:alert(1)"}, "invalid_url"),
        ({"url": ""}, "invalid_url"),
        ({"url": "http://[::1/ipn"}, "invalid_url"),
        ({"url": "http://127.0.0.1:abc/ipn"}, "invalid_url"),
        ({"url": "http://127.0.0.1:99999/ipn"}, "invalid_url"),
    ],
)
def test_each_invalid_setting_has_its_error_code(data: dict, code: str) -> None:
    assert error_of({**VALID, **data}).code == code


def test_the_longest_accepted_passphrase_has_63_characters() -> None:
    assert build({**VALID, "passphrase": "p" * 63}).passphrase == "p" * 63


def test_lists_accept_comma_separated_text_and_drop_repeats() -> None:
    connection = build(
        {**VALID, "transactions": "refund, payment,refund", "product_ids": ["111111", "111111"], "follow_ups": "non"}
    )

    assert connection.transactions == ("refund", "payment")
    assert connection.product_ids == ("111111",)
    assert build({**VALID, "product_ids": "111111, 222222"}).product_ids == ("111111", "222222")
    assert build({**VALID, "product_ids": [111111]}).product_ids == ("111111",)
    assert connection.follow_ups is False


def test_edit_keeps_what_is_not_given() -> None:
    base = build({**VALID, "product_ids": ["222222"], "follow_ups": False})

    edited = build({"url": "http://127.0.0.1:9/ipn"}, base=base)

    assert edited.url == "http://127.0.0.1:9/ipn"
    assert (edited.passphrase, edited.product_ids, edited.follow_ups) == (base.passphrase, ("222222",), False)
    assert error_of({"passphrase": ""}, base=base).code == "passphrase_required"


@pytest.mark.parametrize("passphrase", ["abc", "abcd", "abcde", "mon-secret-ipn", "p" * 63])
def test_the_masked_passphrase_never_shows_it_in_full(passphrase: str) -> None:
    connection = build({**VALID, "passphrase": passphrase})

    shown = connection.masked()

    assert shown["passphrase"] != passphrase
    assert passphrase not in repr(shown)
    assert sum(char in passphrase for char in shown["passphrase"]) <= 4
    assert connection.passphrase == passphrase  # the real one is kept for signing


def test_an_inactive_connection_sends_only_the_connection_test() -> None:
    connection = build({**VALID, "active": False})

    assert connection.decide({"event": "on_payment", "product_id": "111111"}).reason == "connection_inactive"
    assert connection.decide({"event": "connection_test"}).send


def test_decide_applies_the_connection_filters() -> None:
    connection = build({**VALID, "product_ids": ["111111"], "follow_ups": False})
    payment = {"event": "on_payment", "product_id": "111111", "billing_type": "subscription"}

    assert connection.decide({**payment, "pay_sequence_no": "1"}).send
    assert connection.decide({**payment, "pay_sequence_no": "2"}).reason == "follow_up_excluded"
    assert connection.decide({**payment, "product_id": "222222"}).reason == "product_not_selected"
    assert connection.decide({**payment, "event": "on_rebill_cancelled"}).reason == "event_not_selected"


def test_a_connection_survives_its_dict_round_trip() -> None:
    connection = build({**VALID, "transactions": ["refund"], "eticket_actions": ["used"]})

    assert Connection.from_dict(connection.to_dict()) == connection
