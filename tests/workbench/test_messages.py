"""Both workbench catalogs say the same things, and every verdict and cause has words."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from sandbox.i18n import LANGUAGES, placeholders, t
from sandbox.ipn.signing import diagnose


def catalog(language: str) -> dict[str, str]:
    text = resources.files("sandbox.i18n").joinpath("messages", language, "workbench.json").read_text("utf-8")
    return json.loads(text)


def test_same_keys_in_both_languages_and_no_clash_with_other_catalogs() -> None:
    french, english = catalog("fr"), catalog("en")
    assert sorted(french) == sorted(english)
    folder = resources.files("sandbox.i18n").joinpath("messages", "fr")
    for entry in folder.iterdir():
        if entry.name.endswith(".json") and entry.name != "workbench.json":
            assert not set(json.loads(entry.read_text("utf-8"))) & set(french), entry.name


@pytest.mark.parametrize("key", sorted(catalog("en")))
def test_same_placeholders_and_no_empty_text(key: str) -> None:
    french, english = catalog("fr")[key], catalog("en")[key]
    assert placeholders(french) == placeholders(english)
    assert french.strip() and english.strip()


def test_every_signature_cause_and_rejection_has_words() -> None:
    causes = set(re.findall(r"``(\w+)``", diagnose.__doc__ or "")) - {"original"}
    assert "wrong_passphrase_or_changed" in causes
    rejections = {f"form_{code}" for code in ("not_utf8", "not_a_form", "repeated_field", "too_many_fields")}
    rejections |= {"body_too_large", "unreadable_body", "missing_event"}
    keys = {f"workbench.signature.{cause}" for cause in causes} | {f"workbench.rejected.{r}" for r in rejections}
    keys |= {f"workbench.behaviour.{mode}" for mode in ("normal", "error", "no_ok", "slow", "hang")}
    for key in keys:
        for language in LANGUAGES:
            assert t(key, language) != key, key


def test_a_forced_no_ok_reply_never_starts_with_ok() -> None:
    for language in LANGUAGES:
        assert not t("workbench.forced.no_ok", language, connection_id="1").startswith("OK")
