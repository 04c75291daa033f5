"""Form encoding: what Digistore24 posts must come back byte for byte, or be refused clearly.

A value that changes between encoding and decoding breaks ``sha_sign``, so the round
trip has to be exact for the characters real orders contain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl, quote_plus, urlencode

import pytest
from hypothesis import given, settings
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


# Differential tests: the fast encode/decode must do exactly what the urllib calls they replace did.


def reference_encode(fields: Mapping[str, object]) -> bytes:
    """The original encode: urllib's urlencode."""
    return urlencode(list(fields.items())).encode("ascii")


def reference_decode(body: bytes, *, max_fields: int = 1000) -> dict[str, str]:
    """The original decode: urllib's parse_qsl, strict, with errors mapped to the same FormError codes."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormError("not_utf8", f"byte {error.start}") from error
    try:
        pairs = parse_qsl(
            text, keep_blank_values=True, strict_parsing=bool(text), errors="strict", max_num_fields=max_fields
        )
    except UnicodeDecodeError as error:
        raise FormError("not_utf8", "percent-encoded bytes") from error
    except ValueError as error:
        if "Max number of fields" in str(error):
            raise FormError("too_many_fields", str(max_fields)) from error
        raise FormError("not_a_form", str(error)) from error
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            raise FormError("repeated_field", name)
        fields[name] = value
    return fields


def outcome(function: Callable[..., object], *args: object, **kwargs: object) -> object:
    """What a call gives: its result, or the kind and text of its error (the FormError code and detail)."""
    try:
        return function(*args, **kwargs)
    except FormError as error:
        return ("FormError", error.code, error.detail)
    except Exception as error:
        return (type(error).__name__, str(error))


ANY_TEXT = st.text(max_size=20)  # every code point, lone surrogates included (quote_plus refuses them)
SAFE_TEXT = st.text("Aaz09_.-~", max_size=8)
# Pieces that trip form parsers: separators, '+', broken and valid escapes, escaped separators,
# raw and escaped non-UTF-8, split multi-byte sequences, surrogates, and non-ASCII text.
PIECES = [
    b"&", b"=", b"+", b";", b"%", b"%z", b"%zz", b"%2", b"%20", b"%26", b"%3D", b"%3d", b"%2B", b"%25",
    b"a", b"b", b" ", b"\x00", b"%00", b"\xc3\xa9", b"%C3%A9", b"%c3%a9", b"%C3", b"%A9", b"\xc3", b"\xe9",
    b"%E9", b"%FF", b"\xff", b"%ED%A0%80", b"%F0%9F%98%80", "日本".encode(), b"%E6%97%A5",
]  # fmt: skip
BODIES = st.one_of(
    st.lists(st.one_of(st.sampled_from(PIECES), st.binary(max_size=3)), max_size=14).map(b"".join),
    st.binary(max_size=30),
    # Well-formed bodies, names from a small set so that some repeat.
    st.lists(st.tuples(st.sampled_from(["a", "b", "é", "a b", "&"]), ANY_TEXT.filter(str.isprintable)), max_size=6)
    .map(lambda pairs: "&".join(f"{quote_plus(name)}={quote_plus(value, safe='%')}" for name, value in pairs))
    .map(str.encode),
)


@given(st.dictionaries(st.one_of(ANY_TEXT, SAFE_TEXT), st.one_of(ANY_TEXT, SAFE_TEXT), max_size=12))
def test_property_encode_matches_urlencode(fields: dict[str, str]) -> None:
    assert outcome(encode, fields) == outcome(reference_encode, fields)


@given(
    st.dictionaries(st.one_of(SAFE_TEXT, st.integers()), st.one_of(ANY_TEXT, st.integers(), st.binary()), max_size=4)
)
def test_property_encode_converts_other_types_like_urlencode(fields: dict[object, object]) -> None:
    assert outcome(encode, fields) == outcome(reference_encode, fields)


@settings(max_examples=500)
@given(BODIES, st.one_of(st.none(), st.integers(-1, 8)))
def test_property_decode_matches_parse_qsl(body: bytes, max_fields: int | None) -> None:
    limit = {} if max_fields is None else {"max_fields": max_fields}
    assert outcome(decode, body, **limit) == outcome(reference_decode, body, **limit)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"&",
        b"a=1&",
        b"&a=1",
        b"a=1&&b=2",
        b"a",
        b"a+b",
        b"=",
        b"==",
        b"a==b",
        b"=value",
        b"a=1;b=2",
        b"a=%zz&b=%",
        b"a=%C3&b",
        b"b&a=%C3",
        b"a=1&a=2&b",
        b"a=1&a=2&b=%FF",
        b"a+b=1&a%20b=2",
        b"%61=1&a=2",
        b"a=%C3\xc3\xa9",
        b"a=\xff&b",
        b"%FF=1",
        b"a%C3=\xc3\xa9",
        b"%ED%A0%80=1",
    ],
)
@pytest.mark.parametrize("max_fields", [None, -1, 0, 1, 2, 1000])
def test_decode_matches_parse_qsl_on_edge_cases(body: bytes, max_fields: int | None) -> None:
    limit = {} if max_fields is None else {"max_fields": max_fields}
    assert outcome(decode, body, **limit) == outcome(reference_decode, body, **limit)
