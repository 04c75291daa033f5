"""Form encoding of IPN bodies: ``application/x-www-form-urlencoded``, UTF-8 only."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

CONTENT_TYPE = "application/x-www-form-urlencoded"


class FormError(ValueError):
    """The body is not a UTF-8 form; ``code`` names the problem for a translated message."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def encode(fields: Mapping[str, str]) -> bytes:
    """Encode flat fields in their given order, as Digistore24 posts them."""
    return urlencode(list(fields.items())).encode("ascii")


def decode(body: bytes, *, max_fields: int = 1000) -> dict[str, str]:
    """Decode a form body strictly: UTF-8, no repeated names, at most ``max_fields`` fields."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormError("not_utf8", f"byte {error.start}") from error
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=bool(text),
            errors="strict",
            max_num_fields=max_fields,
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
