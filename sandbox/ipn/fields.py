"""The catalog of IPN fields, read from ``catalog/fields.json``.

The JSON file is the single source the guide renders its field tables from and the
simulator builds messages from: name, group, type, allowed values, an example, the
events that carry the field, whether the captured real ``on_payment`` had it, how sure
the reference is, and a one-line description in French and English.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Field:
    name: str
    group: str  # meta | order | money | billing | transaction | buyer | address | affiliate | links | ...
    type: str  # string | integer | decimal | date | time | datetime | yes_no | enum | url | email | hex
    values: tuple[str, ...]  # allowed values for enums (may be incomplete), Y/N for yes_no
    example: str
    events: tuple[str, ...]  # event names that carry the field
    captured: bool  # present in the captured real on_payment message
    confidence: str  # "2+" | "1" | "inf", as marked in the reference
    description: dict[str, str]  # one line per language: "fr", "en"


@cache
def _data() -> dict:
    text = resources.files("sandbox.ipn").joinpath("catalog/fields.json").read_text("utf-8")
    return json.loads(text)


@cache
def fields() -> tuple[Field, ...]:
    """Every field, in catalog order (grouped as the guide shows them)."""
    return tuple(
        Field(
            name=item["name"],
            group=item["group"],
            type=item["type"],
            values=tuple(item["values"]),
            example=item["example"],
            events=tuple(item["events"]),
            captured=item["captured"],
            confidence=item["confidence"],
            description=dict(item["description"]),
        )
        for item in _data()["fields"]
    )


@cache
def _by_name() -> dict[str, Field]:
    return {item.name: item for item in fields()}


def field(name: str) -> Field:
    """Look a field up by its exact IPN name; unknown names raise ``KeyError``."""
    return _by_name()[name]


@cache
def fields_for_event(event_name: str) -> tuple[Field, ...]:
    """The fields an event carries, in catalog order; empty for an unknown event."""
    return tuple(item for item in fields() if event_name in item.events)


@cache
def groups() -> tuple[str, ...]:
    """Group names in the order they first appear in the catalog."""
    return tuple(dict.fromkeys(item.group for item in fields()))


@cache
def captured_on_payment_keys() -> tuple[str, ...]:
    """The keys of the captured real ``on_payment`` (IPN 1.6), in the order they were posted.

    The capture sent its keys sorted by name, with ``event`` and ``sha_sign`` at the end;
    that order is kept so a simulated message can be laid out like the real one.
    """
    return tuple(_data()["captured_on_payment"])
