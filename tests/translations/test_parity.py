"""Structural parity: each kind of drift is caught and placed; legitimate translation is not flagged."""

from __future__ import annotations

import pytest

from sandbox.translations import parity, status
from tests.translations.conftest import DOCS

FRENCH = """\
# Titre { #top }

Voir l'[étape 2](guide/2-trigger.md#step-2) et la
[référence des
événements](reference/events.md).

!!! note "Remarque"

    Texte.

<div class="ds24-panel" data-panel="trigger"></div>

## Section { #section }

![Schéma](assets/diagrams/flow.svg)

```bash
# Envoyer un paiement de test
ds24-sandbox pay ID_DU_PRODUIT --passphrase "ma-phrase" --out recu.txt  # commentaire
```

```text
Bonjour {{buyer_first_name}},
```

<!-- ds24:events -->

??? question "Pourquoi ?"

    Parce que.
"""

ENGLISH = """\
# Title { #top }

See the [event reference](reference/events.md) and [step
2](guide/2-trigger.md#step-2).

!!! note "Note"

    Text.

<div class="ds24-panel" data-panel="trigger"></div>

## Section { #section }

![Diagram](assets/diagrams/flow.svg)

```bash
# Send a test payment
ds24-sandbox pay PRODUCT_ID --passphrase "my-passphrase" --out received.txt  # a comment
```

```text
Hello {{buyer_first_name}},
```

<!-- ds24:events -->

??? question "Why?"

    Because.
"""


def test_a_faithful_translation_has_no_mismatch() -> None:
    """Words, comments, placeholders, strings, file names and link order may change."""
    assert parity.compare(FRENCH, ENGLISH) == []


def test_the_real_guide_has_no_mismatch() -> None:
    for name, files in status.page_files(DOCS).items():
        if {"fr", "en"} <= set(files):
            found = parity.compare(files["fr"].read_text("utf-8"), files["en"].read_text("utf-8"))
            assert found == [], (name, found)


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_a_dropped_heading_is_named_with_its_line_in_each_file() -> None:
    english = ENGLISH.replace("## Section { #section }\n\n", "")
    [mismatch] = parity.compare(FRENCH, english)
    assert (mismatch.kind, mismatch.form, mismatch.french, mismatch.english) == (
        "anchor",
        "missing",
        "h2 #section",
        None,
    )
    assert mismatch.french_line == line_of(FRENCH, "#section")
    assert mismatch.english_line is not None


def test_a_changed_anchor_or_level_differs() -> None:
    [mismatch] = parity.compare(FRENCH, ENGLISH.replace("{ #section }", "{ #part }"))
    assert (mismatch.form, mismatch.french, mismatch.english) == ("differs", "h2 #section", "h2 #part")
    assert (mismatch.french_line, mismatch.english_line) == (line_of(FRENCH, "#section"), line_of(ENGLISH, "#section"))
    [level] = parity.compare(FRENCH, ENGLISH.replace("## Section", "### Section"))
    assert (level.french, level.english) == ("h2 #section", "h3 #section")


def test_a_dropped_panel_is_named() -> None:
    english = ENGLISH.replace('<div class="ds24-panel" data-panel="trigger"></div>\n\n', "")
    [mismatch] = parity.compare(FRENCH, english)
    assert (mismatch.kind, mismatch.french, mismatch.french_line) == ("panel", "trigger", line_of(FRENCH, "data-panel"))


def test_admonition_types_in_order() -> None:
    [mismatch] = parity.compare(FRENCH, ENGLISH.replace('!!! note "Note"', '!!! warning "Note"'))
    assert (mismatch.kind, mismatch.french, mismatch.english) == ("admonition", "!!! note", "!!! warning")
    [collapsed] = parity.compare(FRENCH, ENGLISH.replace("??? question", "!!! question"))
    assert (collapsed.french, collapsed.english) == ("??? question", "!!! question")


def test_markers_must_match() -> None:
    [mismatch] = parity.compare(FRENCH, ENGLISH.replace("<!-- ds24:events -->", "<!-- ds24:events category=orders -->"))
    assert (mismatch.kind, mismatch.french, mismatch.english) == (
        "marker",
        "ds24:events",
        "ds24:events category=orders",
    )


def test_a_changed_command_in_code_is_caught_on_its_line() -> None:
    english = ENGLISH.replace("ds24-sandbox pay PRODUCT_ID", "ds24-sandbox buy PRODUCT_ID")
    [mismatch] = parity.compare(FRENCH, english)
    assert mismatch.kind == "code" and mismatch.form == "differs"
    assert mismatch.french_line == line_of(FRENCH, "ds24-sandbox pay")
    assert mismatch.english_line == line_of(english, "ds24-sandbox buy")
    assert mismatch.block_lines == (line_of(FRENCH, "```bash"), line_of(english, "```bash"))
    assert "buy" in (mismatch.english or "")


def test_code_language_and_extra_lines() -> None:
    [language] = parity.compare(FRENCH, ENGLISH.replace("```bash", "```sh"))
    assert (language.kind, language.french, language.english) == ("code", "bash", "sh")
    extra = ENGLISH.replace("--out received.txt  # a comment\n", "--out received.txt\nrm -rf build/x\n")
    [added] = parity.compare(FRENCH, extra)
    assert (added.form, added.english) == ("extra", "rm -rf build/x")


def test_a_translated_option_is_not_a_placeholder() -> None:
    """Only strings, ALL_CAPS_PLACEHOLDERS and file names may differ, token for token."""
    english = ENGLISH.replace("--passphrase", "--phrase")
    assert [mismatch.kind for mismatch in parity.compare(FRENCH, english)] == ["code"]


def test_text_blocks_are_prose_only_their_language_counts() -> None:
    english = ENGLISH.replace("Hello {{buyer_first_name}},", "Hi there,\nand more lines")
    assert parity.compare(FRENCH, english) == []


def test_links_and_images_compare_targets_not_order() -> None:
    """The English sentences put the two links the other way round: fine. A changed target is not."""
    english = ENGLISH.replace("reference/events.md)", "reference/fields.md)")
    found = {(item.kind, item.form, item.french, item.english) for item in parity.compare(FRENCH, english)}
    assert found == {
        ("link", "missing", "reference/events.md", None),
        ("link", "extra", None, "reference/fields.md"),
    }
    images = parity.compare(FRENCH, ENGLISH.replace("flow.svg", "flow-en.svg"))
    assert {(item.kind, item.form, item.french_line, item.english_line) for item in images} == {
        ("image", "missing", line_of(FRENCH, "flow.svg"), line_of(ENGLISH, "flow.svg")),
        ("image", "extra", line_of(FRENCH, "flow.svg"), line_of(ENGLISH, "flow.svg")),
    }


def test_a_multi_line_link_is_found_on_its_line() -> None:
    links = parity.links(FRENCH)
    reference = next(item for item in links if item.value == "reference/events.md")
    assert reference.line == line_of(FRENCH, "](reference/events.md)")


def test_links_inside_code_do_not_count() -> None:
    french = FRENCH + "\n`[x](nowhere.md)`\n"
    assert parity.compare(french, ENGLISH) == []


@pytest.mark.parametrize(
    ("html", "kind", "target"),
    [
        ('<a href="https://www.digistore24.com/">x</a>', "link", "https://www.digistore24.com/"),
        ('<img src="assets/x.svg" alt="">', "image", "assets/x.svg"),
        ("<https://zapier.com/>", "link", "https://zapier.com/"),
        ("[ref]: https://example.org/ref", "link", "https://example.org/ref"),
    ],
)
def test_html_autolinks_and_references_count(html: str, kind: str, target: str) -> None:
    [mismatch] = parity.compare(FRENCH + "\n" + html + "\n", ENGLISH)
    assert (mismatch.kind, mismatch.form, mismatch.french) == (kind, "missing", target)
