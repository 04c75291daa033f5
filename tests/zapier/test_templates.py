"""Templates fill fields and nothing else: no evaluation, no second expansion, no escaping."""

from __future__ import annotations

import pytest

from sandbox.zapier import templates
from sandbox.zapier.templates import TemplateError

RECORD = {"order_id": "SBX12345", "email": "elodie@example.fr", "voucher_code": "", "product_name": "Atelier"}


def test_placeholders_in_order_once_each_spaces_allowed() -> None:
    text = "{{order_id}} / {{ email }} / {{order_id}} / {{\tproduct_name }}"
    assert templates.placeholders(text) == ["order_id", "email", "product_name"]
    assert templates.placeholders("no field here, {single} braces") == []


def test_render_fills_fields() -> None:
    assert templates.render("Commande {{ order_id }} pour {{email}}", RECORD) == (
        "Commande SBX12345 pour elodie@example.fr"
    )


def test_empty_field_renders_empty() -> None:
    assert templates.render("[{{voucher_code}}]", RECORD) == "[]"


def test_unknown_placeholder_is_named() -> None:
    with pytest.raises(TemplateError) as caught:
        templates.render("{{order_id}} {{ emial }}", RECORD)
    assert caught.value.code == "unknown_placeholder"
    assert caught.value.name == "emial"
    assert "emial" in caught.value.reasons[0].text("fr")
    assert "emial" in caught.value.reasons[0].text("en")


def test_empty_placeholder_is_an_error() -> None:
    with pytest.raises(TemplateError) as caught:
        templates.render("Bonjour {{ }}", RECORD)
    assert caught.value.code == "empty_placeholder"


def test_values_are_not_expanded_again() -> None:
    record = {**RECORD, "buyer_first_name": "{{email}}", "custom": "{{ order_id }}{{sha_sign}}"}
    assert templates.render("{{buyer_first_name}}|{{custom}}", record) == "{{email}}|{{ order_id }}{{sha_sign}}"


def test_nothing_is_evaluated() -> None:
    record = {"custom": "{0.__class__} %(x)s ${HOME} __import__('os')"}
    assert templates.render("{{custom}}", record) == record["custom"]


def test_html_stays_text() -> None:
    record = {"buyer_last_name": "<b>Garnier</b> & <script>alert(1)</script>"}
    assert templates.render("<p>{{buyer_last_name}}</p>", record) == (
        "<p><b>Garnier</b> & <script>alert(1)</script></p>"
    )


def test_check_against_a_sample() -> None:
    assert templates.check("{{order_id}}", RECORD) == []
    assert [reason.params for reason in templates.check("{{a}} {{b}} {{a}}", RECORD)] == [{"name": "a"}, {"name": "b"}]
    assert templates.check("{{anything}}") == []
    assert [reason.code for reason in templates.check("{{ }}")] == ["empty_placeholder"]


def test_field_picker_is_sorted_and_hides_the_signature() -> None:
    sample = {"product_name": "Atelier", "Amount": "1", "email": "e@example.fr", "sha_sign": "ABC", "amount": "2"}
    assert templates.field_picker(sample) == [
        ("Amount", "1"),
        ("amount", "2"),
        ("email", "e@example.fr"),
        ("product_name", "Atelier"),
    ]
