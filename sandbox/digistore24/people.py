"""Realistic fake buyers, holders and affiliates, deterministic under a seed.

Names carry accents on purpose: an IPN receiver that hashes Latin-1 instead of UTF-8
breaks on them, and the sandbox should show that.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import asdict, dataclass

FIRST_NAMES = (
    "Élodie",
    "Jérôme",
    "Zoé",
    "François",
    "Anaïs",
    "Loïc",
    "Hélène",
    "Noël",
    "Maëlle",
    "Thérèse",
    "Björn",
    "Jürgen",
    "Chloé",
    "Raphaël",
    "Inès",
    "Cédric",
)
LAST_NAMES = (
    "Lefèvre",
    "Müller",
    "Dubœuf",
    "Garçon",
    "Rousseau",
    "Fournier",
    "Béranger",
    "Schäfer",
    "Pérez",
    "Lemaître",
    "Chevalier",
    "Morin-Lété",
    "Durand",
    "Faure",
)
CITIES = (
    ("75011", "Paris", "FR"),
    ("69002", "Lyon", "FR"),
    ("13001", "Marseille", "FR"),
    ("1003", "Lausanne", "CH"),
    ("1000", "Bruxelles", "BE"),
    ("10115", "Berlin", "DE"),
)
STREETS = (
    "rue de la Paix",
    "avenue des Tilleuls",
    "chemin du Château",
    "boulevard Saint-Michel",
    "place de l'Église",
)
COUNTRY_NAMES = {"FR": "France", "CH": "Suisse", "BE": "Belgique", "DE": "Allemagne"}


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    email: str
    street_name: str
    street_number: str
    zipcode: str
    city: str
    country: str
    language: str = "fr"

    @property
    def country_name(self) -> str:
        return COUNTRY_NAMES.get(self.country, self.country)

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def ascii_name(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("œ", "oe"))
    return "".join(char for char in folded if char.isascii() and (char.isalnum() or char == "-")).lower()


def fake_person(seed: str) -> Person:
    """The same seed always gives the same person."""
    chooser = random.Random(seed)
    first = chooser.choice(FIRST_NAMES)
    last = chooser.choice(LAST_NAMES)
    zipcode, city, country = chooser.choice(CITIES)
    return Person(
        first_name=first,
        last_name=last,
        email=f"{ascii_name(first)}.{ascii_name(last)}{chooser.randint(1, 99)}@example.com",
        street_name=chooser.choice(STREETS),
        street_number=str(chooser.randint(1, 120)),
        zipcode=zipcode,
        city=city,
        country=country,
    )


def person_with(base: Person, overrides: dict[str, str]) -> Person:
    """A person with user-given fields; unknown keys are ignored by the caller's validation."""
    data = base.to_dict()
    data.update({key: value for key, value in overrides.items() if key in data and value is not None})
    return Person(**data)
