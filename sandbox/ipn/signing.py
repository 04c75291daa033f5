"""The ``sha_sign`` signature of Digistore24 IPN.

Digistore24 signs every notification with an upper-case hex SHA-512 over the posted
fields: names in byte order, empty values skipped (but ``"0"`` kept), and for each
field ``name=value`` followed by the connection's passphrase. This module holds that
algorithm and nothing else, so it can be read against the reference line by line.
"""

from __future__ import annotations

import hashlib
import hmac
import html
from collections.abc import Mapping
from dataclasses import dataclass

SIGNATURE_FIELDS = ("sha_sign", "SHASIGN")


class EmptyPassphraseError(ValueError):
    """Raised when signing or verifying without a passphrase: Digistore24 refuses it too."""


def signing_text(fields: Mapping[str, str], passphrase: str, *, upper_keys: bool = False) -> str:
    """Return the exact text that is hashed, useful to show a developer what went wrong."""
    if passphrase == "":
        raise EmptyPassphraseError("the passphrase is empty")
    names = [name for name in fields if name not in SIGNATURE_FIELDS]
    if upper_keys:
        names.sort(key=lambda name: name.upper().encode("utf-8"))
    else:
        names.sort(key=lambda name: name.encode("utf-8"))
    parts = []
    for name in names:
        value = fields[name]
        if value is None or value == "":
            continue
        written_name = name.upper() if upper_keys else name
        parts.append(f"{written_name}={value}{passphrase}")
    return "".join(parts)


def sign(fields: Mapping[str, str], passphrase: str, *, upper_keys: bool = False) -> str:
    """Compute ``sha_sign`` for ``fields`` (128 upper-case hex characters)."""
    text = signing_text(fields, passphrase, upper_keys=upper_keys)
    return hashlib.sha512(text.encode("utf-8")).hexdigest().upper()


def signed(fields: Mapping[str, str], passphrase: str) -> dict[str, str]:
    """Return a copy of ``fields`` with a fresh ``sha_sign`` appended last, as DS24 posts it."""
    body = {name: value for name, value in fields.items() if name not in SIGNATURE_FIELDS}
    body["sha_sign"] = sign(body, passphrase)
    return body


def received_signature(fields: Mapping[str, str]) -> str:
    """The signature a message carries, from ``sha_sign`` or the legacy ``SHASIGN``."""
    for name in SIGNATURE_FIELDS:
        if fields.get(name):
            return fields[name]
    return ""


def _same(expected: str, given: str) -> bool:
    # Constant-time, and lower-case hex is accepted as Digistore24's own guidance advises.
    return hmac.compare_digest(expected.encode("ascii"), given.strip().upper().encode("ascii", "replace"))


def _has_signed_value(fields: Mapping[str, str]) -> bool:
    # With no value to sign the hash is that of an empty text, which any passphrase "matches".
    return any(value for name, value in fields.items() if name not in SIGNATURE_FIELDS)


def verify(fields: Mapping[str, str], passphrase: str) -> bool:
    """True when the carried signature matches, in original-case or upper-case-names mode."""
    given = received_signature(fields)
    if not given or not _has_signed_value(fields):
        return False
    return _same(sign(fields, passphrase), given) or _same(sign(fields, passphrase, upper_keys=True), given)


@dataclass(frozen=True)
class Diagnosis:
    """Why a signature does not match, as a message code and the field involved if known."""

    valid: bool
    cause: str
    field: str = ""


def diagnose(
    fields: Mapping[str, str],
    passphrase: str,
    *,
    original: Mapping[str, str] | None = None,
) -> Diagnosis:
    """Explain a verification result.

    Causes are stable codes (translated by the caller): ``valid``, ``valid_upper_keys``,
    ``missing_signature``, ``nothing_signed``, ``html_decoded``, ``trimmed``, ``field_changed``,
    ``field_added``, ``field_missing``, ``wrong_passphrase_or_changed``. With ``original``
    (the message as it was sent) the changed field can be named.
    """
    given = received_signature(fields)
    if not given:
        return Diagnosis(False, "missing_signature")
    if not _has_signed_value(fields):
        return Diagnosis(False, "nothing_signed")
    if _same(sign(fields, passphrase), given):
        return Diagnosis(True, "valid")
    if _same(sign(fields, passphrase, upper_keys=True), given):
        return Diagnosis(True, "valid_upper_keys")
    if original is not None:
        for name in sorted(set(original) | set(fields)):
            if name in SIGNATURE_FIELDS:
                continue
            if name not in fields and original.get(name, "") != "":
                return Diagnosis(False, "field_missing", name)
            if name not in original and fields.get(name, "") != "":
                return Diagnosis(False, "field_added", name)
            if name in fields and name in original and fields[name] != original[name]:
                return Diagnosis(False, "field_changed", name)
    # The sender may have signed values that differ from what arrived in a known way.
    for name, value in fields.items():
        if name in SIGNATURE_FIELDS:
            continue
        candidates = (
            ("html_decoded", html.escape(value, quote=True)),
            ("trimmed", f" {value}"),
            ("trimmed", f"{value} "),
        )
        for cause, candidate in candidates:
            if candidate != value and _same(sign({**fields, name: candidate}, passphrase), given):
                return Diagnosis(False, cause, name)
    return Diagnosis(False, "wrong_passphrase_or_changed")
