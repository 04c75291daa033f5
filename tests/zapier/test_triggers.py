"""The three triggers: their options as on the help page, validation, settings, record ids."""

from __future__ import annotations

import pytest

from sandbox.i18n import t
from sandbox.ipn import events
from sandbox.ipn.filters import Decision, Settings, decide
from sandbox.zapier import triggers
from sandbox.zapier.reasons import ZapierError
from tests.zapier.builders import PRODUCT, affiliation, eticket, order, subscription_payment


def decision(trigger: str, options: dict[str, object], fields: dict[str, str]) -> Decision:
    return decide(triggers.settings(trigger, [PRODUCT], options), fields)


def test_three_triggers_with_the_help_page_options() -> None:
    shape = {item.key: [option.name for option in item.options] for item in triggers.triggers()}
    assert shape == {"order": ["events", "follow_ups"], "eticket": ["eticket_events", "incomplete"], "affiliate": []}
    assert triggers.trigger("order").option("events").choices == events.transactions()  # type: ignore[union-attr]
    assert triggers.trigger("order").option("events").choices == (  # type: ignore[union-attr]
        "payment",
        "refund",
        "chargeback",
        "payment_missed",
        "payment_denial",
        "rebill_cancelled",
        "rebill_resumed",
        "last_paid_day",
    )
    eticket_choices = triggers.trigger("eticket").option("eticket_events").choices  # type: ignore[union-attr]
    assert eticket_choices[:3] == ("created", "updated", "used")
    assert eticket_choices == tuple(action.zapier for action in events.eticket_actions())


def test_labels_use_the_help_page_wording() -> None:
    assert t("zapier.trigger.order.label", "fr") == "Nouvel Événement de Commande"
    assert t("zapier.trigger.eticket.label", "fr") == "Nouvel Événement Eticket"
    assert t("zapier.trigger.affiliate.label", "fr") == "Nouvel Affilié Approuvé"
    assert t("zapier.trigger.order.label", "en") == "New Order Event"
    assert t("zapier.trigger.eticket.label", "en") == "New Eticket Event"
    assert t("zapier.trigger.affiliate.label", "en") == "New Approved Affiliate"
    assert t("zapier.option.incomplete.label", "fr") == "Envoyer des Etickets Incomplets"
    assert t("zapier.option.follow_ups.label", "fr") == "Envoyer pour paiements de suivi"
    assert "Vérifiez digistore24 & recharger" in t("zapier.option.product_ids.help", "fr")


def test_every_trigger_option_and_choice_has_words_in_both_languages() -> None:
    for language in ("fr", "en"):
        for key in (triggers.PRODUCT_LABEL_KEY, triggers.PRODUCT_HELP_KEY, triggers.NO_OPTIONS_KEY):
            assert t(key, language) != key
        for item in triggers.triggers():
            for key in (item.label_key, item.help_key):
                assert t(key, language) != key
            for option in item.options:
                assert t(option.label_key, language) != option.label_key
                assert t(option.help_key, language) != option.help_key
                for choice in option.choices or (True, False):
                    assert t(option.choice_key(choice), language) != option.choice_key(choice)


def test_settings_per_trigger() -> None:
    assert triggers.settings("order", [PRODUCT], {"events": ["payment", "refund"], "follow_ups": False}) == Settings(
        product_ids=(PRODUCT,), categories=("orders",), transactions=("payment", "refund"), follow_ups=False
    )
    assert triggers.settings("eticket", PRODUCT, {"eticket_events": ["used"], "incomplete": "no"}) == Settings(
        product_ids=(PRODUCT,), categories=("etickets",), eticket_actions=("used",), incomplete_etickets=False
    )
    assert triggers.settings("affiliate", [PRODUCT, "999"], {}) == Settings(
        product_ids=(PRODUCT, "999"), categories=("affiliations",)
    )


def test_left_out_options_take_defaults() -> None:
    order_settings = triggers.settings("order", [PRODUCT], None)
    assert order_settings.transactions == events.default_transactions()
    assert order_settings.follow_ups is True
    eticket_settings = triggers.settings("eticket", [PRODUCT], {})
    assert set(eticket_settings.eticket_actions) == {action.zapier for action in events.eticket_actions()}
    assert eticket_settings.incomplete_etickets is True


@pytest.mark.parametrize("billing_type", ["subscription", "installment"])
def test_follow_ups_off_skips_later_payments(billing_type: str) -> None:
    options = {"events": ["payment"], "follow_ups": False}
    first = order(billing_type=billing_type, pay_sequence_no="1")
    assert decision("order", options, first).send
    for sequence in ("2", "3"):
        later = order(billing_type=billing_type, pay_sequence_no=sequence)
        assert decision("order", options, later) == Decision(False, "follow_up_excluded", {"pay_sequence_no": sequence})
        assert decision("order", {"events": ["payment"], "follow_ups": True}, later).send


def test_follow_ups_off_keeps_single_payments_and_refunds() -> None:
    options = {"events": ["payment", "refund"], "follow_ups": "no"}
    assert decision("order", options, order()).send
    assert decision("order", options, order("on_refund", billing_type="subscription", pay_sequence_no="2")).send
    assert not decision("order", options, subscription_payment(3)).send


def test_incomplete_off_waits_for_the_holder_data() -> None:
    options = {"eticket_events": ["created", "updated"], "incomplete": False}
    bought = eticket("create", complete=False)
    skipped = decision("eticket", options, bought)
    assert skipped.reason == "eticket_incomplete"
    assert skipped.params == {"missing": "address_first_name, address_last_name, email"}
    completed = eticket("update", eticket_modified_at="2025-03-01 10:05:00")
    assert decision("eticket", options, completed).send
    assert decision("eticket", {"incomplete": True}, bought).send


def test_incomplete_off_names_each_missing_holder_field() -> None:
    partial = eticket("create", address_first_name="Élodie", address_last_name="", email="")
    skipped = decision("eticket", {"incomplete": "no"}, partial)
    assert skipped.params == {"missing": "address_last_name, email"}


def test_unselected_events_are_skipped_with_the_reason() -> None:
    assert decision("order", {"events": ["payment"]}, order("on_refund")) == Decision(
        False, "event_not_selected", {"event": "refund"}
    )
    assert decision("eticket", {"eticket_events": ["used"]}, eticket("create")) == Decision(
        False, "eticket_action_not_selected", {"action": "created"}
    )
    assert decision("eticket", {"eticket_events": ["used"]}, eticket("use")).send


def test_each_trigger_sees_only_its_category() -> None:
    assert decision("affiliate", {}, affiliation()).send
    assert decision("affiliate", {}, order()).reason == "category_not_selected"
    assert decision("order", {}, affiliation()).reason == "category_not_selected"
    assert decision("eticket", {}, order()).reason == "category_not_selected"


def test_other_products_are_skipped() -> None:
    assert decision("order", {}, order(product_id="111")) == Decision(
        False, "product_not_selected", {"product_id": "111"}
    )


def codes(trigger: str, product_ids: object, options: dict[str, object] | None) -> list[str]:
    return [reason.code for reason in triggers.validate(trigger, product_ids, options)]  # type: ignore[arg-type]


def test_valid_input_has_no_problems() -> None:
    assert codes("order", [PRODUCT], {"events": ["payment"], "follow_ups": True}) == []
    assert codes("eticket", [PRODUCT], {"eticket_events": "used", "incomplete": "yes"}) == []
    assert codes("affiliate", [PRODUCT], None) == []


def test_no_product_says_to_pick_one() -> None:
    for product_ids in ([], None, ()):
        assert codes("order", product_ids, {}) == ["no_product"]
    (reason,) = triggers.validate("affiliate", [], {})
    assert "Nouvel Affilié Approuvé" in reason.text("fr")
    assert "New Approved Affiliate" in reason.text("en")
    assert codes("order", [PRODUCT, "  "], {}) == ["blank_product"]


def test_option_of_another_trigger_is_named() -> None:
    (reason,) = triggers.validate("order", [PRODUCT], {"incomplete": False})
    assert reason.code == "unknown_option"
    assert reason.params == {"option": "incomplete", "allowed": "events, follow_ups"}
    assert "incomplete" in reason.text("fr") and "Nouvel Événement de Commande" in reason.text("fr")


def test_affiliate_takes_no_option() -> None:
    (reason,) = triggers.validate("affiliate", [PRODUCT], {"follow_ups": True})
    assert (reason.code, reason.params) == ("no_options", {"option": "follow_ups"})
    assert "Retirez" in reason.text("fr")


def test_unknown_event_name_lists_the_valid_ones() -> None:
    (reason,) = triggers.validate("order", [PRODUCT], {"events": ["payment", "on_refund"]})
    assert reason.code == "unknown_choice"
    assert reason.params["value"] == "on_refund"
    assert reason.params["allowed"] == ", ".join(events.transactions())
    assert "« Événement »" in reason.text("fr")
    (reason,) = triggers.validate("eticket", [PRODUCT], {"eticket_events": ["create"]})
    assert reason.params["value"] == "create"
    assert "created" in reason.params["allowed"]


def test_other_option_problems() -> None:
    assert codes("order", [PRODUCT], {"events": []}) == ["no_choice"]
    assert codes("order", [PRODUCT], {"events": 3}) == ["not_a_list"]
    assert codes("order", [PRODUCT], {"follow_ups": "peut-être"}) == ["not_yes_no"]
    assert codes("nouvelle_vente", [PRODUCT], {}) == ["unknown_trigger"]
    assert codes("order", [], {"events": ["nope"], "extra": 1}) == ["no_product", "unknown_choice", "unknown_option"]


def test_settings_refuses_invalid_input_with_codes() -> None:
    with pytest.raises(ZapierError) as caught:
        triggers.settings("order", [], {"events": ["on_payment"]})
    assert [reason.code for reason in caught.value.reasons] == ["no_product", "unknown_choice"]
    assert caught.value.code == "no_product"


def test_problems_say_what_to_fix_in_both_languages() -> None:
    reasons = triggers.validate("eticket", [], {"eticket_events": [], "incomplete": "maybe", "x": 1})
    for reason in reasons:
        for language in ("fr", "en"):
            text = reason.text(language)
            assert text != reason.key and "{" not in text, text
    data = reasons[0].to_dict()
    assert data["key"] == "zapier.error.no_product"
    assert set(data["text"]) == {"fr", "en"}  # type: ignore[arg-type]


def test_record_id_of_orders_is_event_and_transaction() -> None:
    payment = order(transaction_id="90001")
    assert triggers.record_id(payment) == "order|on_payment|90001"
    assert triggers.record_id(order("on_refund", transaction_id="90001")) != triggers.record_id(payment)
    assert triggers.record_id(subscription_payment(2)) != triggers.record_id(subscription_payment(3))
    # Same transaction, delivered again (even with other values): the same record.
    assert triggers.record_id(order(transaction_id="90001", amount="50.00")) == triggers.record_id(payment)


def test_record_id_of_etickets_tells_retries_from_updates() -> None:
    created = eticket("create")
    assert triggers.record_id(eticket("create")) == triggers.record_id(created)
    later = eticket("update", eticket_modified_at="2025-03-01 11:00:00")
    again = eticket("update", eticket_modified_at="2025-03-02 08:00:00")
    used = eticket("use", eticket_modified_at="2025-03-02 08:00:00")
    assert len({triggers.record_id(item) for item in (created, later, again, used)}) == 4


def test_record_id_of_affiliations_is_product_and_affiliate() -> None:
    assert triggers.record_id(affiliation()) == f"affiliate|{PRODUCT}|lucasmartin"
    assert triggers.record_id(affiliation(affiliate_name="autre")) != triggers.record_id(affiliation())


def test_record_id_cannot_be_forged_with_the_separator() -> None:
    one = eticket("create", eticket_id="1|create", eticket_modified_at="x")
    two = eticket("create|create", eticket_id="1", eticket_modified_at="x")
    assert triggers.record_id(one) != triggers.record_id(two)


def test_output_is_the_ipn_fields_without_the_signature() -> None:
    fields = order()
    result = triggers.output(fields)
    assert "sha_sign" not in result
    assert result == {name: value for name, value in fields.items() if name != "sha_sign"}
    assert list(result) == [name for name in fields if name != "sha_sign"]
    assert "SHASIGN" not in triggers.output({**fields, "SHASIGN": "ABC"})


def test_trigger_for_each_event() -> None:
    assert triggers.trigger_for("on_payment") == "order"
    assert triggers.trigger_for("last_paid_day") == "order"
    assert triggers.trigger_for("eticket") == "eticket"
    assert triggers.trigger_for("on_affiliation") == "affiliate"
    assert triggers.trigger_for("connection_test") is None
    assert triggers.trigger_for("custom_form") is None
