"""The Zapier side over real HTTP: the vendor account's Zapier connection, the hook, the Zaps.

These are the Zapier issue's "done when" checks, through the same API the panels use.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import product_of


def runs_by_status(api: httpx.Client, zap_id: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for run in api.get(f"/api/zaps/{zap_id}/runs").json()["runs"]:
        if not run["test"]:
            found.setdefault(run["status"], []).append(run)
    return found


def make_zap(api: httpx.Client, **body: Any) -> dict[str, Any]:
    created = api.post("/api/zaps", json=body)
    assert created.status_code == 201, created.text
    switched = api.post(f"/api/zaps/{created.json()['id']}/on")
    assert switched.status_code == 200, switched.text
    return switched.json()


def test_connecting_adds_a_zapier_connection_to_the_ipn_list(api: httpx.Client) -> None:
    assert api.get("/api/zapier").json() == {"connected": False}
    connected = api.post("/api/zapier/connect").json()
    names = [connection["name"] for connection in api.get("/api/connections").json()["connections"]]
    assert names == ["Zapier"]
    assert connected["connection"]["passphrase"].count("•") == 6
    assert api.post("/api/zapier/connect").json()["connection"]["id"] == connected["connection"]["id"]


def test_two_order_zaps_with_different_options_run_once_and_four_times(api: httpx.Client) -> None:
    api.post("/api/zapier/connect")
    subscription = product_of(api, "subscription")["id"]
    first_only = make_zap(
        api, trigger="order", product_ids=[subscription], options={"events": ["payment"], "follow_ups": "no"}
    )
    everything = make_zap(
        api,
        trigger="order",
        product_ids=[subscription],
        options={"events": ["payment", "refund"], "follow_ups": "yes"},
        action={"kind": "gmail"},
    )

    paid = api.post("/api/test-payments", json={"product_id": subscription, "follow_ups": 2}).json()
    refunded = api.post(f"/api/orders/{paid['order_id']}/refund").json()

    first_runs = runs_by_status(api, first_only["id"])
    all_runs = runs_by_status(api, everything["id"])
    assert len(first_runs["ran"]) == 1
    assert len(all_runs["ran"]) == 4
    skipped = {run["reason"]["code"] for run in first_runs["skipped"]}
    assert skipped == {"follow_up_excluded", "event_not_selected"}
    assert all(run["reason"]["text"]["fr"] and run["reason"]["text"]["en"] for run in first_runs["skipped"])
    # The same verdicts are shown next to the payload of each event.
    delivery = refunded["events"][0]["deliveries"][0]
    assert delivery["sha_sign"] and delivery["body"]["event"] == "on_refund"
    verdicts = {run["zap_id"]: run["status"] for run in delivery["zap_runs"]}
    assert verdicts == {first_only["id"]: "skipped", everything["id"]: "ran"}
    assert len(api.get("/api/zapier/outbox").json()["messages"]) == 4
    assert len(api.get(f"/api/zaps/{first_only['id']}/sheet").json()["rows"]) == 1


def test_an_incomplete_eticket_waits_for_the_holder_data(api: httpx.Client) -> None:
    api.post("/api/zapier/connect")
    ticket_product = product_of(api, "single_payment", etickets=True)["id"]
    zap = make_zap(api, trigger="eticket", product_ids=[ticket_product], options={"incomplete": "no"})

    bought = api.post("/api/test-payments", json={"product_id": ticket_product, "incomplete": True}).json()
    created = next(event for event in bought["events"] if event["event"] == "eticket")
    decision = created["deliveries"][0]
    assert decision["state"] == "skipped" and decision["reason"] == "eticket_incomplete"
    assert "incomplet" in decision["explanation"]["fr"] and "incomplete" in decision["explanation"]["en"]
    assert "ran" not in runs_by_status(api, zap["id"])

    ticket_id = bought["eticket_ids"][0]
    api.post(
        f"/api/etickets/{ticket_id}/update",
        json={"holder_first_name": "Zoé", "holder_last_name": "Lefèvre", "holder_email": "zoe@example.com"},
    )
    ran = runs_by_status(api, zap["id"])["ran"]
    assert len(ran) == 1
    assert ran[0]["output"]["eticket_id"] == ticket_id and ran[0]["output"]["address_first_name"] == "Zoé"


def test_an_affiliate_zap_runs_when_an_affiliate_is_approved(api: httpx.Client) -> None:
    api.post("/api/zapier/connect")
    product = product_of(api, "single_payment")["id"]
    zap = make_zap(api, trigger="affiliate", product_ids=[product])
    approved = api.post("/api/affiliates", json={"product_id": product}).json()
    ran = runs_by_status(api, zap["id"])["ran"]
    assert [run["output"]["affiliate_name"] for run in ran] == [approved["affiliate"]["name"]]


def test_a_zap_sees_only_what_arrives_after_it_was_turned_on(api: httpx.Client) -> None:
    api.post("/api/zapier/connect")
    product = product_of(api, "single_payment")["id"]
    draft = api.post("/api/zaps", json={"trigger": "order", "product_ids": [product]}).json()
    api.post("/api/test-payments", json={"product_id": product})
    assert set(runs_by_status(api, draft["id"])) == {"inactive"}
    sample = api.post(f"/api/zaps/{draft['id']}/test").json()
    assert len(sample["samples"]) == 1 and any(item["name"] == "order_id" for item in sample["picker"])
    api.post(f"/api/zaps/{draft['id']}/on")
    api.post("/api/test-payments", json={"product_id": product})
    assert len(runs_by_status(api, draft["id"])["ran"]) == 1


def test_test_trigger_without_records_says_to_make_a_test_payment(api: httpx.Client) -> None:
    product = product_of(api, "single_payment")["id"]
    zap = api.post("/api/zaps", json={"trigger": "order", "product_ids": [product]}).json()
    answer = api.post(f"/api/zaps/{zap['id']}/test", headers={"Accept-Language": "fr"}).json()
    assert answer["samples"] == []
    assert "paiement de test" in answer["message"]["text"]["fr"]


def test_bad_zap_input_says_what_to_fix(api: httpx.Client) -> None:
    product = product_of(api, "single_payment")["id"]
    wrong_option = api.post(
        "/api/zaps",
        json={"trigger": "affiliate", "product_ids": [product], "options": {"follow_ups": "no"}},
        headers={"Accept-Language": "en"},
    )
    assert wrong_option.status_code == 400
    assert "follow_ups" in wrong_option.json()["error"]["message"]
    zap = api.post("/api/zaps", json={"trigger": "order"}).json()
    api.post("/api/zapier/connect")
    no_product = api.post(f"/api/zaps/{zap['id']}/on", headers={"Accept-Language": "fr"})
    assert no_product.status_code == 400
    assert "produit" in no_product.json()["error"]["message"]
    bad_template = api.patch(
        f"/api/zaps/{zap['id']}",
        json={
            "product_ids": [product],
            "action": {"kind": "gmail", "config": {"to": "{{email}}", "subject": "{{no_such_field}}", "body": "x"}},
        },
    )
    assert bad_template.status_code == 200
    api.post("/api/test-payments", json={"product_id": product})
    tested = api.post(f"/api/zaps/{zap['id']}/test-action").json()
    assert not tested["ok"]
    assert any(problem["params"].get("name") == "no_such_field" for problem in tested["problems"])


def test_the_hook_refuses_a_wrong_signature_and_says_so_in_the_history(api: httpx.Client) -> None:
    connection = api.post("/api/zapier/connect").json()["connection"]
    product = product_of(api, "single_payment")["id"]
    zap = make_zap(api, trigger="order", product_ids=[product])
    forged = httpx.post(
        connection["url"],
        data={"event": "on_payment", "product_id": product, "transaction_id": "1", "sha_sign": "0" * 128},
    )
    assert forged.status_code == 403
    assert forged.text.startswith("ERROR")
    refused = runs_by_status(api, zap["id"])["refused"]
    assert refused[0]["reason"]["code"] == "wrong_passphrase_or_changed"


def test_a_repeated_delivery_is_not_run_twice(api: httpx.Client) -> None:
    api.post("/api/zapier/connect")
    product = product_of(api, "single_payment")["id"]
    zap = make_zap(api, trigger="order", product_ids=[product])
    paid = api.post("/api/test-payments", json={"product_id": product}).json()
    delivery_id = paid["events"][0]["deliveries"][0]["id"]
    resent = api.post(f"/api/deliveries/{delivery_id}/resend").json()
    assert resent["ok"]
    statuses = runs_by_status(api, zap["id"])
    assert len(statuses["ran"]) == 1 and len(statuses["duplicate"]) == 1


def test_scenarios_show_a_timeline_with_every_zap_verdict(api: httpx.Client) -> None:
    listed = [item["id"] for item in api.get("/api/scenarios").json()["scenarios"]]
    assert len(listed) >= 4
    played = api.post("/api/scenarios/subscription_lifecycle/run", json={"with_zap": True})
    assert played.status_code == 201, played.text
    events = [event["event"] for event in played.json()["events"]]
    assert events == [
        "on_payment",
        "on_payment",
        "on_payment",
        "on_payment_missed",
        "on_rebill_cancelled",
        "last_paid_day",
    ]
    for event in played.json()["events"]:
        delivery = event["deliveries"][0]
        assert delivery["state"] == "delivered"
        assert [run["status"] for run in delivery["zap_runs"]] == ["ran"]
