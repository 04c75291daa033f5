"""Localised text: message catalogs per language, and locale-aware formatting.

Every string a user can read comes from ``messages/<lang>/<area>.json`` — never from
code — so translators work in one place and a check can compare both languages.
"""

from __future__ import annotations

import json
import os
import string
from decimal import Decimal
from functools import cache
from importlib import resources

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "CHF": "CHF", "GBP": "£"}


@cache
def catalog(language: str) -> dict[str, str]:
    """All messages of one language, merged from its area files."""
    folder = resources.files("sandbox.i18n").joinpath("messages", language)
    merged: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            merged.update(json.loads(entry.read_text("utf-8")))
    return merged


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def negotiate(accept_language: str | None, requested: str | None = None) -> str:
    """Pick ``fr`` or ``en`` from an explicit choice, then an Accept-Language header."""
    if requested in LANGUAGES:
        return requested
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return DEFAULT_LANGUAGE


def from_environment() -> str:
    """The terminal's language (``DS24_LANG``, then the locale variables), English otherwise."""
    for name in ("DS24_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")[:2].lower()
        if value in LANGUAGES:
            return value
    return "en"


def t(key: str, language: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """Translate ``key``; an unknown key returns the key itself so it shows up in review."""
    text = catalog(language if language in LANGUAGES else DEFAULT_LANGUAGE).get(key, key)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def both(key: str, **params: object) -> dict[str, str]:
    """The message in every language, for records shown later in either one."""
    return {language: t(key, language, **params) for language in LANGUAGES}


def format_amount(amount: str | Decimal, currency: str, language: str) -> str:
    """``49,00 €`` in French, ``€49.00`` in English."""
    value = Decimal(amount).quantize(Decimal("0.01"))
    symbol = _CURRENCY_SYMBOLS.get(currency, currency)
    sign = "-" if value < 0 else ""
    units, cents = f"{abs(value):.2f}".split(".")
    if language == "fr":
        grouped = f"{int(units):,}".replace(",", "\u202f")
        return f"{sign}{grouped},{cents}\u00a0{symbol}"
    grouped = f"{int(units):,}"
    return f"{sign}{symbol}{grouped}.{cents}" if len(symbol) == 1 else f"{sign}{symbol}\u00a0{grouped}.{cents}"
