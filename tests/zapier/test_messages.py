"""Both zapier.json catalogs say the same things, and every code the domain emits has words."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest

from sandbox import zapier
from sandbox.i18n import LANGUAGES, placeholders, t
from sandbox.ipn.signing import diagnose


def zapier_catalog(language: str) -> dict[str, str]:
    text = resources.files("sandbox.i18n").joinpath("messages", language, "zapier.json").read_text("utf-8")
    return json.loads(text)


def source() -> str:
    folder = Path(zapier.__file__).parent
    return "\n".join(path.read_text("utf-8") for path in sorted(folder.glob("*.py")))


def test_same_keys_in_both_languages() -> None:
    french, english = zapier_catalog("fr"), zapier_catalog("en")
    assert sorted(french) == sorted(english)
    assert all(key.startswith("zapier.") for key in french)


@pytest.mark.parametrize("key", sorted(zapier_catalog("fr")))
def test_same_placeholders_and_no_empty_text(key: str) -> None:
    french, english = zapier_catalog("fr")[key], zapier_catalog("en")[key]
    assert placeholders(french) == placeholders(english)
    assert french.strip() and english.strip()


def test_every_error_code_in_the_code_has_words() -> None:
    codes = set(re.findall(r'problem\(\s*"(\w+)"', source()))
    assert {"no_product", "unknown_choice", "unknown_placeholder", "empty_recipient", "no_sample"} <= codes
    for code in codes:
        for language in LANGUAGES:
            assert t(f"zapier.error.{code}", language) != f"zapier.error.{code}", code


def test_every_run_and_sample_reason_has_words() -> None:
    text = source()
    keys = {f"zapier.run.{code}" for code in re.findall(r'_run_reason\(\s*"(\w+)"', text)}
    keys |= {f"zapier.run.zap_{state}" for state in ("draft", "tested", "off")}
    keys |= {f"zapier.sample.{code}" for code in ("found", "invalid", "none_order", "none_eticket", "none_affiliate")}
    for key in keys:
        for language in LANGUAGES:
            assert t(key, language) != key, key


def test_every_signature_cause_has_words() -> None:
    documented = re.findall(r"``(\w+)``", diagnose.__doc__ or "")
    causes = {cause for cause in documented if cause not in ("original",)} | {"no_passphrase"}
    assert "wrong_passphrase_or_changed" in causes
    for cause in causes:
        for language in LANGUAGES:
            assert t(f"zapier.signature.{cause}", language) != f"zapier.signature.{cause}", cause


def test_no_key_clashes_with_other_catalogs() -> None:
    folder = resources.files("sandbox.i18n").joinpath("messages", "fr")
    for entry in folder.iterdir():
        if entry.name.endswith(".json") and entry.name != "zapier.json":
            assert not set(json.loads(entry.read_text("utf-8"))) & set(zapier_catalog("fr")), entry.name
