"""Identifiers shaped like Digistore24's: short upper-case order ids, numeric ids, keys."""

from __future__ import annotations

import random

_ORDER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def order_id(chooser: random.Random) -> str:
    """Eight upper-case letters and digits, like ``A1B2C3D4``."""
    return "".join(chooser.choice(_ORDER_ALPHABET) for _ in range(8))


def key(chooser: random.Random, length: int = 8) -> str:
    return "".join(chooser.choice(_KEY_ALPHABET) for _ in range(length))


def eticket_id(chooser: random.Random) -> str:
    """E-ticket ids are 20-digit numbers in Digistore24's API."""
    return str(chooser.randint(10**19, 10**20 - 1))
