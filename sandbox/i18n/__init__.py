"""Localised text: message catalogs per language, and locale-aware formatting.

Every string a user can read comes from ``messages/<lang>/<area>.json`` — never from
code — so translators work in one place and a check can compare both languages.
"""

from __future__ import annotations

import json
import os
import string
from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import cache
from importlib import resources

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "CHF": "CHF", "GBP": "£"}
# Locale data, like the currency formats below: no Babel needed for two languages.
_MONTHS = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


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
    """Pick ``fr`` or ``en`` from an explicit choice, then an Accept-Language header.

    The header's languages are taken by weight (``q``), the first listed first among
    equals; ``fr-CH`` counts as ``fr``; ``q=0`` means "not this one".
    """
    if requested in LANGUAGES:
        return requested
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        language = tag.strip().lower().split("-")[0]
        if language in LANGUAGES and weight > 0:
            weighted.append((-weight, index, language))
    return min(weighted)[2] if weighted else DEFAULT_LANGUAGE


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


def _as_datetime(value: date | datetime | str, timezone: tzinfo | None = None) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if timezone is not None and value.tzinfo is not None:
        return value.astimezone(timezone)
    return value


def format_date(value: date | datetime | str, language: str, timezone: tzinfo | None = None) -> str:
    """``2 mars 2026`` (``1er mars`` for the first) in French, ``March 2, 2026`` in English.

    ``value`` may be a date, a datetime or an ISO 8601 string (``…Z`` allowed); an aware
    datetime is first converted to ``timezone`` when one is given.
    """
    moment = _as_datetime(value, timezone)
    if language == "fr":
        day = "1er" if moment.day == 1 else str(moment.day)
        return f"{day} {_MONTHS['fr'][moment.month - 1]} {moment.year}"
    return f"{_MONTHS['en'][moment.month - 1]} {moment.day}, {moment.year}"


def format_time(value: datetime | str, language: str, timezone: tzinfo | None = None) -> str:
    """``09:41`` in French (24-hour clock), ``9:41 AM`` in English (12-hour clock)."""
    moment = _as_datetime(value, timezone)
    if language == "fr":
        return f"{moment.hour:02d}:{moment.minute:02d}"
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def format_datetime(value: datetime | str, language: str, timezone: tzinfo | None = None) -> str:
    """``2 mars 2026 à 09:41`` in French, ``March 2, 2026, 9:41 AM`` in English."""
    moment = _as_datetime(value, timezone)
    joiner = " à " if language == "fr" else ", "
    return format_date(moment, language) + joiner + format_time(moment, language)
