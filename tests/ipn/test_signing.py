"""``sha_sign`` against Digistore24's published vectors, the reference's own vector and properties.

The signature is the one thing a receiver cannot get approximately right, so every rule
of the reference (section 2) has a test here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sandbox.ipn.signing import (
    EmptyPassphraseError,
    diagnose,
    sign,
    signed,
    signing_text,
    verify,
)

VECTORS = json.loads((Path(__file__).parent / "data" / "ds24-sha-sign-vectors.json").read_text("utf-8"))

# The reference's own vector (section 2.3): values chosen for the sandbox, not DS24's.
SANDBOX_FIELDS = {
    "event": "on_payment",
    "order_id": "SBX12345",
    "product_id": "123456",
    "amount": "49.00",
    "currency": "EUR",
    "api_mode": "test",
    "pay_method": "test",
    "billing_type": "subscription",
    "pay_sequence_no": "1",
    "voucher_code": "",
    "buyer_last_name": "Müller",
}
SANDBOX_PASSPHRASE = "sandbox-passphrase"
SANDBOX_ORIGINAL_CASE = (
    "5F499C45A4FFDEBF525FAA353AA8BCF4613CD16BBC901EB7ABA6BB1E351C816D"
    "1E9DB48806CADD80A56391B5E8EAD983F010B3A60A3E30B217686372CBE8FDB7"
)
SANDBOX_UPPER_KEYS = (
    "546FEB981C42827492097645C84E07E963D7EE9E0E665E17EB25BE0B8A46313F"
    "185F431DC7EA7C2160779F11816A4F974751D9793317FCFC07E3D8290E4F95FB"
)

PASSPHRASE = "phrase-secrète"
MESSAGE = {
    "event": "on_payment",
    "order_id": "K7M2Q9XR",
    "product_id": "481516",
    "amount": "49.00",
    "buyer_last_name": "Garnier",
    "pay_sequence_no": "0",
    "voucher_code": "",
}


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda vector: vector["name"])
def test_published_vector(vector: dict) -> None:
    result = sign(vector["params"], VECTORS["passphrase"], upper_keys=vector["uppercaseKeys"])
    assert result == vector["expected"]


def test_vectors_file_is_sha512() -> None:
    assert VECTORS["algorithm"] == "sha512"


@pytest.mark.parametrize(("upper_keys", "expected"), [(False, SANDBOX_ORIGINAL_CASE), (True, SANDBOX_UPPER_KEYS)])
def test_reference_sandbox_vector(upper_keys: bool, expected: str) -> None:
    assert sign(SANDBOX_FIELDS, SANDBOX_PASSPHRASE, upper_keys=upper_keys) == expected


def test_signature_is_upper_case_sha512_of_the_signing_text() -> None:
    text = signing_text({"b": "2", "a": "1"}, "p")
    assert text == "a=1pb=2p"
    assert sign({"b": "2", "a": "1"}, "p") == hashlib.sha512(text.encode("utf-8")).hexdigest().upper()


def test_zero_is_signed_but_empty_is_skipped() -> None:
    text = signing_text({"pay_sequence_no": "0", "upsell_no": "0", "voucher_code": ""}, "p")
    assert text == "pay_sequence_no=0pupsell_no=0p"
    assert "voucher_code" not in text
    assert sign({"a": "1", "b": ""}, "p") == sign({"a": "1"}, "p")
    assert sign({"a": "1", "b": "0"}, "p") != sign({"a": "1"}, "p")


@pytest.mark.parametrize("name", ["sha_sign", "SHASIGN"])
def test_signature_fields_are_excluded(name: str) -> None:
    assert sign({**MESSAGE, name: "ANYTHING"}, PASSPHRASE) == sign(MESSAGE, PASSPHRASE)
    assert name not in signing_text({**MESSAGE, name: "ANYTHING"}, PASSPHRASE)


def test_names_are_ordered_by_bytes_not_by_locale() -> None:
    fields = {"a": "1", "Z": "2", "_x": "3", "B_": "4", "é": "5", "order_id": "6", "orderform_id": "7"}
    text = signing_text(fields, "|")
    # Upper case (0x41-0x5A) < "_" (0x5F) < lower case (0x61-0x7A) < non-ASCII.
    assert text == "B_=4|Z=2|_x=3|a=1|order_id=6|orderform_id=7|é=5|"


def test_upper_keys_mode_sorts_and_writes_upper_case_names() -> None:
    fields = {"alpha": "1", "Zeta": "2"}
    assert signing_text(fields, "|") == "Zeta=2|alpha=1|"
    assert signing_text(fields, "|", upper_keys=True) == "ALPHA=1|ZETA=2|"


def test_captured_key_order_is_byte_order() -> None:
    captured = next(item for item in VECTORS["vectors"] if item["name"] == "captured-on-payment")
    names = [name for name in captured["params"] if name not in ("event", "sha_sign")]
    assert names == sorted(names, key=lambda name: name.encode("utf-8"))


@pytest.mark.parametrize("function", [sign, signing_text, signed, verify])
def test_empty_passphrase_is_refused(function) -> None:
    with pytest.raises(EmptyPassphraseError):
        function({**MESSAGE, "sha_sign": "00"}, "")


def test_signed_appends_sha_sign_last_and_replaces_an_old_one() -> None:
    message = signed({**MESSAGE, "sha_sign": "OLD", "SHASIGN": "OLDER"}, PASSPHRASE)
    assert list(message)[-1] == "sha_sign"
    assert "SHASIGN" not in message
    assert message["sha_sign"] == sign(MESSAGE, PASSPHRASE)


def test_verify_accepts_lower_case_hex_and_upper_keys_mode() -> None:
    signature = sign(MESSAGE, PASSPHRASE)
    assert verify({**MESSAGE, "sha_sign": signature}, PASSPHRASE)
    assert verify({**MESSAGE, "sha_sign": signature.lower()}, PASSPHRASE)
    assert verify({**MESSAGE, "sha_sign": sign(MESSAGE, PASSPHRASE, upper_keys=True)}, PASSPHRASE)
    assert verify({**MESSAGE, "SHASIGN": signature}, PASSPHRASE)


def test_verify_rejects_missing_or_wrong_signature() -> None:
    assert not verify(MESSAGE, PASSPHRASE)
    assert not verify({**MESSAGE, "sha_sign": ""}, PASSPHRASE)
    assert not verify({**MESSAGE, "sha_sign": "0" * 128}, PASSPHRASE)
    assert not verify({**MESSAGE, "sha_sign": "not hex é"}, PASSPHRASE)
    assert not verify(signed(MESSAGE, PASSPHRASE), "autre-phrase")


# --- diagnose ------------------------------------------------------------------------


def test_diagnose_valid() -> None:
    result = diagnose(signed(MESSAGE, PASSPHRASE), PASSPHRASE)
    assert (result.valid, result.cause) == (True, "valid")


def test_diagnose_valid_upper_keys() -> None:
    message = {**MESSAGE, "sha_sign": sign(MESSAGE, PASSPHRASE, upper_keys=True)}
    result = diagnose(message, PASSPHRASE)
    assert (result.valid, result.cause) == (True, "valid_upper_keys")


@pytest.mark.parametrize("signature", [None, ""])
def test_diagnose_missing_signature(signature: str | None) -> None:
    message = dict(MESSAGE) if signature is None else {**MESSAGE, "sha_sign": signature}
    result = diagnose(message, PASSPHRASE)
    assert (result.valid, result.cause) == (False, "missing_signature")


def test_diagnose_names_a_changed_field() -> None:
    original = signed(MESSAGE, PASSPHRASE)
    received = {**original, "amount": "4.90"}
    result = diagnose(received, PASSPHRASE, original=original)
    assert (result.valid, result.cause, result.field) == (False, "field_changed", "amount")


def test_diagnose_names_an_added_field() -> None:
    original = signed(MESSAGE, PASSPHRASE)
    received = {**original, "coupon": "GRATUIT"}
    result = diagnose(received, PASSPHRASE, original=original)
    assert (result.valid, result.cause, result.field) == (False, "field_added", "coupon")


def test_diagnose_names_a_missing_field() -> None:
    original = signed(MESSAGE, PASSPHRASE)
    received = {name: value for name, value in original.items() if name != "buyer_last_name"}
    result = diagnose(received, PASSPHRASE, original=original)
    assert (result.valid, result.cause, result.field) == (False, "field_missing", "buyer_last_name")


def test_diagnose_html_decoded_value() -> None:
    # The sender signed the entity-encoded value; the receiver got it decoded.
    sent = {**MESSAGE, "product_name": "Peinture &amp; dessin"}
    received = {**MESSAGE, "product_name": "Peinture & dessin", "sha_sign": sign(sent, PASSPHRASE)}
    result = diagnose(received, PASSPHRASE)
    assert (result.valid, result.cause, result.field) == (False, "html_decoded", "product_name")


def test_diagnose_trimmed_value() -> None:
    sent = {**MESSAGE, "buyer_last_name": " Garnier"}
    received = {**MESSAGE, "sha_sign": sign(sent, PASSPHRASE)}
    result = diagnose(received, PASSPHRASE)
    assert (result.valid, result.cause, result.field) == (False, "trimmed", "buyer_last_name")


def test_diagnose_wrong_passphrase_or_changed() -> None:
    result = diagnose(signed(MESSAGE, PASSPHRASE), "autre-phrase")
    assert (result.valid, result.cause, result.field) == (False, "wrong_passphrase_or_changed", "")


# --- properties ----------------------------------------------------------------------

# Any Unicode text that UTF-8 can encode (lone surrogates cannot be posted).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
NAMES = TEXT.filter(lambda name: name not in ("sha_sign", "SHASIGN"))
PASSPHRASES = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)
MESSAGES = st.dictionaries(NAMES, TEXT, max_size=8)


def _has_value(fields: dict[str, str]) -> bool:
    return any(value != "" for value in fields.values())


@given(fields=MESSAGES, passphrase=PASSPHRASES)
def test_property_round_trip(fields: dict[str, str], passphrase: str) -> None:
    # A message with no value to sign is refused: its signature would match any passphrase.
    assert verify(signed(fields, passphrase), passphrase) is _has_value(fields)


def test_a_message_without_any_signed_value_is_refused() -> None:
    empty = signed({"note": ""}, PASSPHRASE)
    assert not verify(empty, PASSPHRASE)
    assert diagnose(empty, PASSPHRASE).cause == "nothing_signed"


@given(fields=MESSAGES, passphrase=PASSPHRASES, data=st.data())
def test_property_changing_one_non_empty_value_breaks_verification(
    fields: dict[str, str], passphrase: str, data: st.DataObject
) -> None:
    assume(_has_value(fields))
    name = data.draw(st.sampled_from([name for name, value in fields.items() if value != ""]))
    new_value = data.draw(TEXT.filter(lambda value: value != fields[name]))
    message = signed(fields, passphrase)
    message[name] = new_value
    assert not verify(message, passphrase)


@given(fields=MESSAGES, passphrase=PASSPHRASES, other=PASSPHRASES)
def test_property_another_passphrase_breaks_verification(fields: dict[str, str], passphrase: str, other: str) -> None:
    # With no non-empty value the signed text is empty whatever the passphrase.
    assume(_has_value(fields) and other != passphrase)
    assert not verify(signed(fields, passphrase), other)


@given(fields=MESSAGES, passphrase=PASSPHRASES, name=NAMES, value=TEXT.filter(bool))
def test_property_adding_a_non_empty_field_breaks_verification(
    fields: dict[str, str], passphrase: str, name: str, value: str
) -> None:
    assume(name not in fields)
    message = signed(fields, passphrase)
    message[name] = value
    assert not verify(message, passphrase)


@given(fields=MESSAGES, passphrase=PASSPHRASES, name=NAMES)
def test_property_adding_an_empty_field_keeps_verification(fields: dict[str, str], passphrase: str, name: str) -> None:
    assume(name not in fields and _has_value(fields))
    message = signed(fields, passphrase)
    message[name] = ""
    assert verify(message, passphrase)
