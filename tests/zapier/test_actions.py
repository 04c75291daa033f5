"""Google Sheets rows, Gmail messages, their validation, and a CSV that cannot run formulas."""

from __future__ import annotations

import csv
import io

import pytest

from sandbox.zapier import actions
from sandbox.zapier.reasons import ZapierError
from sandbox.zapier.templates import TemplateError

SAMPLE = {"order_id": "SBX12345", "email": "elodie@example.fr", "amount": "49.00", "voucher_code": ""}
SHEET = {
    "spreadsheet": "Commandes 2025",
    "columns": [
        {"header": "Commande", "template": "{{order_id}}"},
        {"header": "Montant", "template": "{{ amount }} EUR"},
        {"header": "Bon", "template": "{{voucher_code}}"},
    ],
}
MAIL = {"to": "{{email}}", "subject": "Merci pour la commande {{order_id}}", "body": "Bonjour,\n{{amount}} EUR."}


def test_create_row_keeps_the_column_order() -> None:
    row = actions.create_row(SHEET, SAMPLE)
    assert list(row.items()) == [("Commande", "SBX12345"), ("Montant", "49.00 EUR"), ("Bon", "")]
    assert actions.perform("sheets", SHEET, SAMPLE) == {"kind": "sheets", "spreadsheet": "Commandes 2025", "row": row}


def test_send_email_builds_a_message() -> None:
    message = actions.send_email(MAIL, SAMPLE)
    assert message == {
        "to": "elodie@example.fr",
        "subject": "Merci pour la commande SBX12345",
        "body": "Bonjour,\n49.00 EUR.",
        "format": "text",
    }
    assert actions.perform("gmail", MAIL, SAMPLE) == {"kind": "gmail", "message": message}


def test_email_html_stays_text_and_headers_stay_one_line() -> None:
    record = {**SAMPLE, "custom": "<a href='x'>clic</a>", "product_name": "Atelier\r\nBcc: x@example.fr"}
    message = actions.send_email({**MAIL, "subject": "{{product_name}}", "body": "{{custom}}"}, record)
    assert message["body"] == "<a href='x'>clic</a>"
    assert message["subject"] == "Atelier Bcc: x@example.fr"
    assert "\n" not in message["subject"]


def test_recipient_must_be_an_address() -> None:
    with pytest.raises(ZapierError) as caught:
        actions.send_email(MAIL, {**SAMPLE, "email": ""})
    assert caught.value.code == "empty_recipient"
    with pytest.raises(ZapierError) as caught:
        actions.send_email(MAIL, {**SAMPLE, "email": "pas-une-adresse"})
    assert caught.value.code == "bad_recipient"
    assert caught.value.params == {"to": "pas-une-adresse"}


def codes(kind: str, config: dict, sample: dict | None = None) -> list[str]:
    return [reason.code for reason in actions.validate(kind, config, sample)]


def test_valid_actions_have_no_problems() -> None:
    assert codes("sheets", SHEET, SAMPLE) == []
    assert codes("gmail", MAIL, SAMPLE) == []


def test_missing_templates() -> None:
    problems = actions.validate("gmail", {"to": "{{email}}", "subject": " ", "body": ""})
    assert [(reason.code, reason.labels) for reason in problems] == [
        ("missing_template", {"field": "zapier.action.gmail.subject"}),
        ("missing_template", {"field": "zapier.action.gmail.body"}),
    ]
    assert "« Objet »" in problems[0].text("fr")
    assert "“Subject”" in problems[0].text("en")
    sheet = {"spreadsheet": "", "columns": [{"header": "Commande", "template": ""}, {"header": "", "template": "x"}]}
    assert codes("sheets", sheet) == ["missing_spreadsheet", "missing_column_template", "blank_column_header"]
    assert codes("sheets", {"spreadsheet": "S"}) == ["no_columns"]
    assert codes("sheets", {"spreadsheet": "S", "columns": [{"header": "A", "template": "1"}] * 2}) == [
        "duplicate_column"
    ]


def test_unknown_placeholder_against_the_sample() -> None:
    problems = actions.validate("gmail", {**MAIL, "body": "{{ buyer_phone }}"}, SAMPLE)
    assert [(reason.code, reason.params) for reason in problems] == [("unknown_placeholder", {"name": "buyer_phone"})]


def test_unknown_action_kind() -> None:
    assert codes("slack", {}) == ["unknown_action"]
    with pytest.raises(ZapierError):
        actions.perform("slack", {}, SAMPLE)


def test_running_an_incomplete_or_mistyped_action_fails() -> None:
    with pytest.raises(ZapierError) as caught:
        actions.create_row({"spreadsheet": "S", "columns": []}, SAMPLE)
    assert caught.value.code == "no_columns"
    with pytest.raises(TemplateError) as template_error:
        actions.perform("sheets", {"spreadsheet": "S", "columns": [{"header": "A", "template": "{{nope}}"}]}, SAMPLE)
    assert template_error.value.name == "nope"


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"])
def test_csv_cells_that_look_like_formulas_become_text(value: str) -> None:
    assert actions.safe_cell(value) == "'" + value
    text = actions.to_csv(["Nom"], [{"Nom": value}])
    assert list(csv.reader(io.StringIO(text))) == [["Nom"], ["'" + value]]


def test_csv_keeps_ordinary_cells_and_quotes_properly() -> None:
    rows = [{"Commande": "SBX1", "Note": 'dit "bonjour", puis\npart'}, {"Commande": "SBX2"}]
    text = actions.to_csv(["Commande", "Note"], rows)
    assert list(csv.reader(io.StringIO(text))) == [
        ["Commande", "Note"],
        ["SBX1", 'dit "bonjour", puis\npart'],
        ["SBX2", ""],
    ]
    assert actions.to_csv(["=Titre"], []).startswith("'=Titre")
