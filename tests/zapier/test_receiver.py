"""One delivery through every Zap: signature, duplicates, state, filters, action."""

from __future__ import annotations

import json

from sandbox.i18n import t
from sandbox.ipn.signing import signed
from sandbox.zapier import receiver, triggers
from sandbox.zapier.zaps import Action
from tests.zapier.builders import PASSPHRASE, eticket, order, sheet_action, subscription_payment, zap

AT = "2025-03-01T12:00:00+00:00"


def receive(fields: dict[str, str], zap_list: list, seen: set[str] | None = None, at: str = AT):  # type: ignore[no-untyped-def]
    return receiver.receive(fields, PASSPHRASE, zap_list, seen or set(), at)


def test_a_matching_event_runs_the_action() -> None:
    fields = order()
    reception = receive(fields, [zap()])
    assert reception.accepted and reception.signature == "valid"
    assert reception.trigger == "order"
    (run,) = reception.runs
    assert run.status == "ran" and run.reason is None
    assert run.output == triggers.output(fields)
    assert run.result == {
        "kind": "sheets",
        "spreadsheet": "Commandes",
        "row": {"Commande": "SBX12345", "E-mail": "elodie.garnier@example.fr"},
    }
    assert reception.remember == "order|on_payment|90001"


def test_bad_signature_is_refused_for_every_zap() -> None:
    tampered = {**order(), "amount": "0.01"}
    reception = receive(tampered, [zap(zap_id="a"), zap(zap_id="b", state="off")])
    assert not reception.accepted
    assert reception.signature == "wrong_passphrase_or_changed"
    assert reception.record_id is None and reception.remember is None
    assert [(run.zap_id, run.status) for run in reception.runs] == [("a", "refused"), ("b", "refused")]
    assert reception.runs[0].reason is not None
    assert reception.runs[0].reason.key == "zapier.signature.wrong_passphrase_or_changed"
    assert "phrase secrète" in reception.runs[0].reason.text("fr")


def test_refusal_names_the_cause() -> None:
    unsigned = {name: value for name, value in order().items() if name != "sha_sign"}
    assert receive(unsigned, [zap()]).signature == "missing_signature"
    trimmed_at_source = signed({**order(), "buyer_last_name": " Garnier"}, PASSPHRASE)
    trimmed = {**trimmed_at_source, "buyer_last_name": "Garnier"}
    reception = receive(trimmed, [zap()])
    assert reception.signature == "trimmed"
    assert reception.reason is not None and reception.reason.params == {"field": "buyer_last_name"}
    assert "buyer_last_name" in reception.runs[0].reason.text("en")  # type: ignore[union-attr]
    empty_passphrase = receiver.receive(order(), "", [zap()], set(), AT)
    assert empty_passphrase.signature == "no_passphrase"
    assert empty_passphrase.runs[0].status == "refused"


def test_other_passphrase_is_refused() -> None:
    assert receiver.receive(order(), "autre-phrase", [zap()], set(), AT).runs[0].status == "refused"


def test_unselected_event_is_skipped_with_the_filter_reason() -> None:
    reception = receive(order("on_refund", transaction_id="90002"), [zap(options={"events": ["payment"]})])
    (run,) = reception.runs
    assert run.status == "skipped"
    assert run.reason is not None
    assert (run.reason.key, run.reason.params) == ("decision.event_not_selected", {"event": "refund"})
    assert run.reason.text("fr") == t("decision.event_not_selected", "fr", event="refund")
    assert run.output is None and run.result is None


def test_follow_ups_off_through_the_receiver() -> None:
    item = zap(options={"events": ["payment"], "follow_ups": False})
    statuses = [receive(subscription_payment(n), [item]).runs[0].status for n in (1, 2, 3)]
    assert statuses == ["ran", "skipped", "skipped"]


def test_incomplete_eticket_waits_then_runs_once() -> None:
    action = sheet_action(("Ticket", "{{eticket_id}}"), ("Titulaire", "{{address_last_name}}"))
    item = zap("eticket", {"incomplete": False}, action=action)
    seen: set[str] = set()
    outcomes = []
    for fields in (
        eticket("create", complete=False),
        eticket("update", eticket_modified_at="2025-03-01 10:05:00"),
        eticket("update", eticket_modified_at="2025-03-01 10:05:00"),  # retried delivery
    ):
        reception = receive(fields, [item], seen)
        if reception.remember:
            seen.add(reception.remember)
        outcomes.append(reception.runs[0])
    assert [run.status for run in outcomes] == ["skipped", "ran", "duplicate"]
    assert outcomes[0].reason.code == "eticket_incomplete"  # type: ignore[union-attr]
    assert outcomes[1].result["row"] == {"Ticket": "12345678901234567890", "Titulaire": "Garnier"}  # type: ignore[index]


def test_a_retried_delivery_is_a_duplicate() -> None:
    fields = order()
    first = receive(fields, [zap()])
    second = receive(fields, [zap()], {first.remember} if first.remember else set())
    assert second.duplicate and second.runs[0].status == "duplicate"
    assert second.runs[0].reason.params == {"record_id": "order|on_payment|90001"}  # type: ignore[union-attr]
    assert second.remember is None
    rebill = receive(subscription_payment(2), [zap()], {first.remember} if first.remember else set())
    assert rebill.runs[0].status == "ran"


def test_events_before_turned_on_are_ignored() -> None:
    item = zap(turned_on_at="2025-03-01T12:00:00+00:00")
    early = receive(order(), [item], at="2025-03-01T11:59:00+00:00").runs[0]
    assert early.status == "inactive"
    assert early.reason is not None and early.reason.key == "zapier.run.before_turned_on"
    assert "2025-03-01T12:00:00+00:00" in early.reason.text("fr")
    assert receive(order(), [item], at="2025-03-01T12:00:00+00:00").runs[0].status == "ran"


def test_draft_tested_and_off_zaps_do_not_run() -> None:
    zap_list = [zap(zap_id=state, state=state) for state in ("draft", "tested", "off")]
    runs = receive(order(), zap_list).runs
    assert [(run.status, run.reason.key) for run in runs] == [  # type: ignore[union-attr]
        ("inactive", "zapier.run.zap_draft"),
        ("inactive", "zapier.run.zap_tested"),
        ("inactive", "zapier.run.zap_off"),
    ]


def test_a_template_that_cannot_be_filled_is_an_error() -> None:
    item = zap(options={"events": ["payment", "refund"]}, action=sheet_action(("Bon", "{{voucher_code}}")))
    refund = {name: value for name, value in order("on_refund").items() if name not in ("voucher_code", "sha_sign")}
    run = receive(signed(refund, PASSPHRASE), [item]).runs[0]
    assert run.status == "error"
    assert run.reason is not None and (run.reason.code, run.reason.params) == (
        "unknown_placeholder",
        {"name": "voucher_code"},
    )


def test_an_email_without_recipient_is_an_error() -> None:
    mail = Action("gmail", {"to": "{{email}}", "subject": "Merci", "body": "Bonjour"})
    run = receive(order(email=""), [zap(action=mail)]).runs[0]
    assert (run.status, run.reason.code) == ("error", "empty_recipient")  # type: ignore[union-attr]


def test_connection_test_runs_no_zap() -> None:
    fields = signed({"event": "connection_test"}, PASSPHRASE)
    reception = receive(fields, [zap()])
    assert reception.accepted and reception.trigger is None
    assert (reception.runs[0].status, reception.runs[0].reason.key) == (  # type: ignore[union-attr]
        "skipped",
        "zapier.run.connection_test",
    )


def test_each_zap_gets_its_own_outcome() -> None:
    zap_list = [
        zap(zap_id="payments", options={"events": ["payment"]}),
        zap(zap_id="refunds", options={"events": ["refund"]}),
        zap(zap_id="tickets", trigger="eticket"),
        zap(zap_id="other-product", product_ids=("999",)),
    ]
    runs = receive(order(), zap_list).runs
    assert [(run.zap_id, run.status, run.reason.code if run.reason else None) for run in runs] == [
        ("payments", "ran", None),
        ("refunds", "skipped", "event_not_selected"),
        ("tickets", "skipped", "category_not_selected"),
        ("other-product", "skipped", "product_not_selected"),
    ]


def test_reception_is_plain_json() -> None:
    reception = receive(order(), [zap(), zap(zap_id="b", options={"events": ["refund"]})])
    data = json.loads(json.dumps(reception.to_dict()))
    assert data["runs"][0]["status"] == "ran"
    assert data["runs"][1]["reason"]["key"] == "decision.event_not_selected"
    assert set(data["runs"][1]["reason"]["text"]) == {"fr", "en"}
    refused = receive({**order(), "amount": "1"}, [zap()])
    assert json.loads(json.dumps(refused.to_dict()))["reason"]["code"] == "wrong_passphrase_or_changed"


def test_the_summary_leaves_out_the_fields_and_each_runs_output_and_result() -> None:
    reception = receive(order(), [zap(zap_id="a"), zap(zap_id="b", options={"events": ["refund"]})])
    summary = json.loads(json.dumps(reception.summary()))
    assert set(summary) == {
        "received_at",
        "event",
        "trigger",
        "accepted",
        "signature",
        "record_id",
        "duplicate",
        "order_id",
        "runs",
        "reason",
    }
    assert (summary["event"], summary["accepted"], summary["order_id"]) == ("on_payment", True, "SBX12345")
    assert summary["record_id"] == "order|on_payment|90001"
    assert [(run["zap_id"], run["status"]) for run in summary["runs"]] == [("a", "ran"), ("b", "skipped")]
    assert all(set(run) == {"zap_id", "zap_name", "status", "reason"} for run in summary["runs"])
    assert summary["runs"][1]["reason"]["key"] == "decision.event_not_selected"
    # everything else is the full form's
    full = reception.to_dict()
    assert {key: full[key] for key in summary if key not in ("order_id", "runs")} == {
        key: value for key, value in summary.items() if key not in ("order_id", "runs")
    }


def test_a_summary_without_an_order_id_says_so_with_an_empty_string() -> None:
    summary = receive(eticket(), [zap(trigger="eticket")]).summary()
    assert summary["order_id"] == ""
    refused = json.loads(json.dumps(receive({**order(), "amount": "1"}, [zap()]).summary()))
    assert (refused["accepted"], refused["order_id"]) == (False, "SBX12345")
    assert refused["reason"]["code"] == "wrong_passphrase_or_changed"
    assert [run["status"] for run in refused["runs"]] == ["refused"]


def test_every_status_has_a_label() -> None:
    for status in receiver.STATUSES:
        for language in ("fr", "en"):
            assert t(receiver.status_key(status), language) != receiver.status_key(status)
