"""Fake people and identifiers: deterministic under a seed, shaped like Digistore24's."""

from __future__ import annotations

import random
import re

from sandbox.digistore24 import identifiers, people


def test_the_same_seed_gives_the_same_person_and_another_seed_another() -> None:
    assert people.fake_person("seed-1") == people.fake_person("seed-1")
    persons = {people.fake_person(f"seed-{index}") for index in range(40)}
    assert len(persons) > 30


def test_names_carry_accents_but_e_mails_are_ascii() -> None:
    persons = [people.fake_person(f"accents-{index}") for index in range(60)]

    accented = [person for person in persons if not (person.first_name + person.last_name).isascii()]
    assert len(accented) > len(persons) // 2
    for person in persons:
        assert person.email.isascii()
        assert re.fullmatch(r"[a-z0-9.-]+@example\.com", person.email), person.email


def test_ascii_name_folds_accents_and_ligatures() -> None:
    assert people.ascii_name("Élodie") == "elodie"
    assert people.ascii_name("Dubœuf") == "duboeuf"
    assert people.ascii_name("Morin-Lété") == "morin-lete"


def test_person_with_overrides_known_fields_only() -> None:
    base = people.fake_person("override")

    changed = people.person_with(base, {"first_name": "Anaïs", "unknown": "x", "city": None})  # type: ignore[dict-item]

    assert changed.first_name == "Anaïs"
    assert changed.city == base.city
    assert not hasattr(changed, "unknown")


def test_country_names_are_spelled_out() -> None:
    person = people.person_with(people.fake_person("country"), {"country": "CH"})
    assert person.country_name == "Suisse"


def test_identifiers_have_digistore24_shapes_and_follow_the_seed() -> None:
    first = random.Random("ids")
    again = random.Random("ids")

    order_ids = [identifiers.order_id(first) for _ in range(50)]
    assert order_ids == [identifiers.order_id(again) for _ in range(50)]
    assert all(re.fullmatch(r"[A-Z2-9]{8}", value) for value in order_ids)
    assert not any(set(value) & set("IO01") for value in order_ids)  # no look-alike characters
    assert all(re.fullmatch(r"\d{20}", identifiers.eticket_id(first)) for _ in range(50))
    assert re.fullmatch(r"[A-Z0-9]{10}", identifiers.key(first, 10))
