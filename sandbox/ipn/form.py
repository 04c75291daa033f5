"""Form encoding of IPN bodies: ``application/x-www-form-urlencoded``, UTF-8 only.

Both sides run on every payment (~175 fields), so they skip urllib's per-field work where a
field needs none, yet give exactly what ``urlencode`` / ``parse_qsl`` gave: same bytes, same
results, same errors (``tests/ipn/test_form.py`` checks them against urllib itself).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote_to_bytes, urlencode

CONTENT_TYPE = "application/x-www-form-urlencoded"

# The characters quote_plus never escapes: a string made only of them is its own encoding.
_SAFE = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"
_plain = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch
# quote_plus as one str.translate over the UTF-8 bytes (seen as Latin-1): safe, '+' for space, else %XX.
_ESCAPES = {byte: chr(byte) if byte in _SAFE else "+" if byte == 0x20 else f"%{byte:02X}" for byte in range(256)}


class FormError(ValueError):
    """The body is not a UTF-8 form; ``code`` names the problem for a translated message."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def _quote(text: str) -> str:
    """``quote_plus(text)``, byte for byte, including its UnicodeEncodeError on lone surrogates."""
    return text.encode("utf-8").decode("latin-1").translate(_ESCAPES)


def encode(fields: Mapping[str, str]) -> bytes:
    """Encode flat fields in their given order, as Digistore24 posts them (``urlencode``, byte for byte)."""
    try:
        text = "&".join(
            [
                f"{name if _plain(name) else _quote(name)}={value if _plain(value) else _quote(value)}"
                for name, value in fields.items()
            ]
        )
    except TypeError:  # a name or value that is not a str: let urlencode convert it, as it always did
        text = urlencode(list(fields.items()))
    return text.encode("ascii")


def decode(body: bytes, *, max_fields: int = 1000) -> dict[str, str]:
    """Decode a form body strictly: UTF-8, no repeated names, at most ``max_fields`` fields.

    Same results and errors, in the same order, as ``parse_qsl(strict_parsing=True,
    keep_blank_values=True, errors="strict")``: the count first, then each pair, then repeats.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormError("not_utf8", f"byte {error.start}") from error
    if max_fields < (text.count("&") + 1 if text else 0):  # parse_qsl counts separators before parsing
        raise FormError("too_many_fields", str(max_fields))
    if not text:
        return {}
    pairs: list[tuple[str, str]] = []
    try:
        # '+' is never '&' or '=', so it turns into a space once for the whole body.
        for item in text.replace("+", " ").split("&"):
            name, equals, value = item.partition("=")
            if not equals:
                raise FormError("not_a_form", f"bad query field: {text.split('&')[len(pairs)]!r}")
            # Decoding all the escaped bytes at once is unquote(errors="strict"): the text between
            # escapes is valid UTF-8, so the whole is valid exactly when each run of escapes is.
            if "%" in name:
                name = unquote_to_bytes(name).decode("utf-8")
            if "%" in value:
                value = unquote_to_bytes(value).decode("utf-8")
            pairs.append((name, value))
    except UnicodeDecodeError as error:
        raise FormError("not_utf8", "percent-encoded bytes") from error
    fields = dict(pairs)
    if len(fields) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                raise FormError("repeated_field", name)
            seen.add(name)
    return fields
