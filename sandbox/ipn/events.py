"""The catalog of IPN events, read from ``catalog/events.json``.

The JSON file is the single source: the sandbox sends these events, the Zapier side
filters on them and the guide renders its event table from them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Event:
    name: str
    category: str  # system | orders | affiliations | etickets
    transaction: str | None  # ipnSetup transaction name, orders only
    label: str  # back-office label, English as Digistore24 shows it
    confidence: str
    description: dict[str, str]


@dataclass(frozen=True)
class EticketAction:
    action: str  # value of the ``action`` field
    zapier: str  # the choice in the Zapier trigger option
    confidence: str
    label: dict[str, str]


@cache
def _data() -> dict:
    text = resources.files("sandbox.ipn").joinpath("catalog/events.json").read_text("utf-8")
    return json.loads(text)


@cache
def events() -> tuple[Event, ...]:
    return tuple(Event(**item) for item in _data()["events"])


@cache
def eticket_actions() -> tuple[EticketAction, ...]:
    return tuple(EticketAction(**item) for item in _data()["eticket_actions"])


def event(name: str) -> Event:
    for candidate in events():
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def is_known(name: str) -> bool:
    return any(candidate.name == name for candidate in events())


def transactions() -> tuple[str, ...]:
    """Order event names as Digistore24's connection settings and Zapier call them."""
    return tuple(item.transaction for item in events() if item.transaction)


def default_transactions() -> tuple[str, ...]:
    """The transaction types a new connection gets when none are chosen."""
    return tuple(_data()["default_transactions"])


def event_for_transaction(transaction: str) -> Event:
    for candidate in events():
        if candidate.transaction == transaction:
            return candidate
    raise KeyError(transaction)


def eticket_action(value: str) -> EticketAction:
    """Look up by ``action`` field value or by Zapier choice name."""
    for candidate in eticket_actions():
        if value in (candidate.action, candidate.zapier):
            return candidate
    raise KeyError(value)
