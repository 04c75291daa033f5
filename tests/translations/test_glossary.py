"""The one glossary: its data, its tables, its labels for the interface, its forms to avoid."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sandbox import i18n
from sandbox.translations import glossary
from sandbox.zapier import triggers


@pytest.fixture(scope="module")
def data() -> Any:
    return json.loads(glossary.default_path().read_text("utf-8"))


def test_the_data_is_well_formed_and_holds_the_former_tables(data: Any) -> None:
    loaded, problems = glossary.parse(data)
    assert problems == []
    sizes = {section: sum(1 for entry in loaded.entries if entry.section == section) for section in loaded.sections}
    # The hand-written page had 10 Digistore24 labels, 22 Zapier labels and 18 terms; Zap was added.
    assert sizes == {"digistore24": 10, "zapier": 22, "terms": 19}


def test_untranslated_terms_are_kept(data: Any) -> None:
    kept = {entry.id for entry in glossary.default().entries if entry.keep}
    assert {"terms.zap", "terms.ipn", "terms.sha_sign", "terms.order_id", "digistore24.webhook"} <= kept
    for entry in glossary.default().entries:
        if entry.keep:
            assert entry.plain("fr") == entry.plain("en"), entry.id


def test_product_labels_as_each_product_shows_them() -> None:
    labels = {language: glossary.labels(language) for language in ("fr", "en")}
    assert labels["fr"]["zapier.trigger_order"] == "Nouvel Événement de Commande"
    assert labels["en"]["zapier.trigger_order"] == "New Order Event"
    assert labels["fr"]["digistore24.settings_ipn"] == "Paramètres › Intégrations (IPN)"  # italics gone
    assert labels["en"]["zapier.finish"] == "Finish"  # the note is not part of the label
    assert glossary.export()["terms.sha_sign"] == {"fr": "sha_sign", "en": "sha_sign"}


def test_the_sandbox_names_zapier_triggers_and_options_as_the_glossary_does() -> None:
    """The interface takes its Zapier words from the same agreement as the guide."""
    linked = {key: entry for entry in glossary.default().entries for key in entry.messages}
    label_keys = {item.label_key for item in triggers.triggers()}
    label_keys |= {option.label_key for item in triggers.triggers() for option in item.options}
    assert label_keys <= set(linked), sorted(label_keys - set(linked))
    for key, entry in linked.items():
        for language in ("fr", "en"):
            assert glossary.same_label(i18n.t(key, language), entry.plain(language)), (key, language)


def test_label_drift_names_the_message() -> None:
    catalogs = {"fr": {"zapier.trigger.order.label": "Nouvel événement de commande"}, "en": {}}
    found = {(item.key, item.language, item.shown) for item in glossary.label_drift(catalogs)}
    assert ("zapier.trigger.order.label", "fr", "Nouvel événement de commande") in found
    assert ("zapier.trigger.order.label", "en", None) in found


@pytest.mark.parametrize(
    ("language", "headers", "row"),
    [
        (
            "fr",
            ["En français", "En anglais", "Ce que c'est"],
            "| Terminer | *Finish* (aujourd'hui *Publish*) | Termine la configuration du Zap |",
        ),
        (
            "en",
            ["In English", "In French", "What it is"],
            "| *Finish* (now *Publish*) | Terminer | Ends the Zap's setup |",
        ),
    ],
)
def test_tables_in_the_page_language(language: str, headers: list[str], row: str) -> None:
    table = glossary.render("zapier", language, headers)
    assert table.splitlines()[0] == "| " + " | ".join(headers) + " |"
    assert row in table.splitlines()
    terms = glossary.render("terms", language, ["T", "M"])
    assert all(line.count(" | ") == 1 for line in terms.splitlines()[2:]), "terms have two columns"
    with pytest.raises(KeyError):
        glossary.render("nope", language, headers)


def test_a_french_page_using_a_variant_of_a_product_label_is_caught() -> None:
    page = (
        "# Titre { #t }\n\nChoisissez « Nouvel événement de commande ».\n\n"
        "Ou bien « Nouvel Événement de\ncommande » sur deux lignes.\n"
    )
    found = glossary.misuses(page, "fr")
    assert [(item.line, item.found, item.agreed, item.entry) for item in found] == [
        (3, "Nouvel événement de commande", "Nouvel Événement de Commande", "zapier.trigger_order"),
        (5, "Nouvel Événement de commande", "Nouvel Événement de Commande", "zapier.trigger_order"),
    ]


def test_an_english_page_using_an_avoided_form_is_caught() -> None:
    found = glossary.misuses("Set the **pass phrase**, then a Follow up payment arrives.\n", "en")
    assert {(item.found, item.entry) for item in found} == {
        ("pass phrase", "terms.passphrase"),
        ("Follow up payment", "terms.follow_up_payment"),
    }


@pytest.mark.parametrize(
    "text",
    [
        "La phrase secrète (*passphrase*) de la connexion.",  # a gloss after the agreed form
        "Lancez `ds24-sandbox serve --passphrase x`.",  # code
        "```bash\nds24-sandbox connect URL --passphrase P\n```",  # code block
        "Voir [la page](https://example.org/passphrase).",  # a link target
        "Le bac à sable ds24-sandbox.",  # part of a name
        "Un « Nouvel Événement de Commande » arrive.",  # the agreed form
        "PASSPHRASE en capitales.",  # only the first letter's case is forgiven
    ],
)
def test_no_false_alarm(text: str) -> None:
    assert glossary.misuses(text + "\n", "fr") == []


def test_a_lower_case_form_also_matches_at_the_start_of_a_sentence() -> None:
    assert [item.found for item in glossary.misuses("Passphrase : obligatoire.\n", "fr")] == ["Passphrase"]


def test_messages_are_checked_too_placeholders_skipped() -> None:
    messages = {"a": "Le sandbox répond.", "b": "Phrase secrète : {passphrase}", "c": "Sandbox prêt."}
    found = {(item.key, item.found) for item in glossary.catalog_misuses(messages, "fr")}
    assert found == {("a", "sandbox"), ("c", "Sandbox")}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"keep": True}, "keep is true but the labels differ"),
        ({"avoid": {"fr": ["Nouvel Événement de Commande"]}}, "avoids its own agreed form"),
        ({"section": "nope"}, "section 'nope'"),
        ({"en": ""}, "no en label"),
        ({"meaning": {"fr": "x"}}, "no en meaning"),
        ({"en": {"label": "x", "note": {"fr": "y"}}}, "needs fr and en"),
    ],
)
def test_malformed_data_is_explained(data: Any, change: dict[str, Any], problem: str) -> None:
    entries = [dict(entry) for entry in data["entries"]]
    index = next(i for i, entry in enumerate(entries) if entry["id"] == "zapier.trigger_order")
    entries[index].update(change)
    _, problems = glossary.parse({**data, "entries": entries})
    assert any(problem in item and "zapier.trigger_order" in item for item in problems), problems


def test_duplicate_ids_are_refused(data: Any) -> None:
    _, problems = glossary.parse({**data, "entries": [*data["entries"], data["entries"][0]]})
    assert any("id used twice" in item for item in problems)
