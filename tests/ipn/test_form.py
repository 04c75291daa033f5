"""Form encoding: what Digistore24 posts must come back byte for byte, or be refused clearly.

A value that changes between encoding and decoding breaks ``sha_sign``, so the round
trip has to be exact for the characters real orders contain.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.ipn.form import CONTENT_TYPE, FormError, decode, encode


def test_content_type() -> None:
    assert CONTENT_TYPE == "application/x-www-form-urlencoded"


def test_round_trip_keeps_accents_umlauts_and_reserved_characters() -> None:
    fields = {
        "buyer_first_name": "Élodie",
        "buyer_last_name": "Müller-Straße",
        "address_city": "Saint-Étienne",
        "custom": "m:abc+def/ghi=jkl&x=1;y",
        "buyer_email": "a+b@example.fr",
        "product_name": "Peinture & dessin 100 %",
        "voucher_code": "",
        "pay_sequence_no": "0",
    }
    body = encode(fields)
    assert body.isascii()
    decoded = decode(body)
    assert decoded == fields
    assert list(decoded) == list(fields)


def test_encode_escapes_plus_equals_and_ampersand() -> None:
    body = encode({"a": "1+1=2&3"})
    assert body == b"a=1%2B1%3D2%263"


def test_decode_reads_plus_as_space() -> None:
    assert decode(b"product_name=Cours+d%27aquarelle") == {"product_name": "Cours d'aquarelle"}


def test_decode_empty_body() -> None:
    assert decode(b"") == {}


def test_decode_keeps_blank_values() -> None:
    assert decode(b"voucher_code=&order_id=K7M2Q9XR") == {"voucher_code": "", "order_id": "K7M2Q9XR"}


@pytest.mark.parametrize(
    "body",
    [
        "buyer_last_name=Müller".encode("latin-1"),  # raw Latin-1 byte
        b"buyer_last_name=M%FCller",  # percent-encoded Latin-1 byte
    ],
)
def test_decode_rejects_non_utf8(body: bytes) -> None:
    with pytest.raises(FormError) as error:
        decode(body)
    assert error.value.code == "not_utf8"


def test_decode_rejects_repeated_names() -> None:
    with pytest.raises(FormError) as error:
        decode(b"order_id=A&amount=1&order_id=B")
    assert error.value.code == "repeated_field"
    assert error.value.detail == "order_id"


def test_decode_rejects_too_many_fields() -> None:
    body = encode({f"f{number}": "x" for number in range(11)})
    assert len(decode(body, max_fields=11)) == 11
    with pytest.raises(FormError) as error:
        decode(body, max_fields=10)
    assert error.value.code == "too_many_fields"


def test_decode_rejects_a_body_that_is_not_a_form() -> None:
    with pytest.raises(FormError) as error:
        decode(b"just some text")
    assert error.value.code == "not_a_form"


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(st.dictionaries(TEXT, TEXT, max_size=12))
def test_property_round_trip(fields: dict[str, str]) -> None:
    decoded = decode(encode(fields))
    assert decoded == fields
    assert list(decoded) == list(fields)
