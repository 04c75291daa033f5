"""Test payments, orders, affiliates, e-tickets, events and resends over real HTTP."""

from __future__ import annotations

import re

import httpx
import pytest

from sandbox.ipn import events, signing
from tests.conftest import product_of
from tests.services.harness import form_of


def pay(api: httpx.Client, product_id: str, **more: object) -> dict:
    answer = api.post("/api/test-payments", json={"product_id": product_id, **more})
    assert answer.status_code == 201, answer.text
    return answer.json()


def mine(event: dict, connection: dict) -> dict:
    return next(delivery for delivery in event["deliveries"] if delivery["connection_id"] == connection["id"])


def test_a_single_payment_is_delivered_and_shown(module_api: httpx.Client, module_connect) -> None:
    connection, endpoint = module_connect()
    single = product_of(module_api, "single_payment")

    data = pay(module_api, single["id"], buyer={"first_name": "Thérèse", "email": "therese@example.com"})

    assert re.fullmatch(r"[A-Z0-9]{8}", data["order_id"])
    (transaction,) = data["transactions"]
    assert (transaction["event"], transaction["pay_sequence_no"], transaction["amount"]) == ("on_payment", 0, "49.00")
    assert data["eticket_ids"] == []
    assert data["buyer"]["first_name"] == "Thérèse"
    (event,) = data["events"]
    delivery = mine(event, connection)
    assert delivery["state"] == "delivered"
    assert delivery["attempts"][0]["status"] == 200
    assert delivery["body"]["order_id"] == data["order_id"]
    assert delivery["sha_sign"] == delivery["body"]["sha_sign"]
    (received,) = endpoint.wait_for(1)
    message = form_of(received.body)
    assert message == delivery["body"]
    assert signing.verify(message, "mon-secret-ipn")
    assert (message["buyer_first_name"], message["email"]) == ("Thérèse", "therese@example.com")
    assert (message["api_mode"], message["pay_method"], message["pay_sequence_no"]) == ("test", "test", "0")


def test_a_plan_with_follow_ups_keeps_one_order_id(module_api: httpx.Client, module_connect) -> None:
    connection, endpoint = module_connect()
    plan = product_of(module_api, "installment")

    data = pay(module_api, plan["id"], follow_ups=2)

    assert [item["pay_sequence_no"] for item in data["transactions"]] == [1, 2, 3]
    assert len({item["id"] for item in data["transactions"]}) == 3
    messages = [form_of(post.body) for post in endpoint.wait_for(3)]
    assert [message["pay_sequence_no"] for message in messages] == ["1", "2", "3"]
    assert {message["order_id"] for message in messages} == {data["order_id"]}
    assert [message["transaction_id"] for message in messages] == [item["id"] for item in data["transactions"]]
    assert messages[-1]["billing_status"] == "completed"
    shown = module_api.get(f"/api/orders/{data['order_id']}").json()
    assert shown["order"]["pay_sequence_no"] == 3
    assert [event["fields"]["pay_sequence_no"] for event in shown["events"]] == ["3", "2", "1"]
    assert all(mine(event, connection)["state"] == "delivered" for event in shown["events"])


def test_wait_0_answers_before_delivery(module_api: httpx.Client, module_connect) -> None:
    connection, endpoint = module_connect()
    endpoint.delay = 0.5
    single = product_of(module_api, "single_payment")

    quick = module_api.post("/api/test-payments?wait=0", json={"product_id": single["id"]})

    assert quick.status_code == 201
    delivery = mine(quick.json()["events"][0], connection)
    assert (delivery["state"], delivery["attempt_count"]) == ("pending", 0)
    endpoint.wait_for(1)


@pytest.mark.parametrize(
    ("action", "event", "prepare"),
    [
        ("rebill", "on_payment", []),
        ("miss", "on_payment_missed", []),
        ("deny", "payment_denial", []),
        ("refund", "on_refund", []),
        ("chargeback", "on_chargeback", []),
        ("cancel", "on_rebill_cancelled", []),
        ("resume", "on_rebill_resumed", ["cancel"]),
        ("end", "last_paid_day", []),
        ("upsell", "on_payment", []),
    ],
)
def test_each_order_action_sends_its_event(
    module_api: httpx.Client, module_connect, action: str, event: str, prepare: list[str]
) -> None:
    connection, endpoint = module_connect(transactions=list(events.transactions()))
    plan = product_of(module_api, "subscription")
    paid = pay(module_api, plan["id"])
    seen = {paid["transactions"][0]["id"]}
    for step in prepare:
        answer = module_api.post(f"/api/orders/{paid['order_id']}/{step}")
        assert answer.status_code == 201, answer.text
        seen.add(answer.json()["transaction"]["id"])

    answer = module_api.post(f"/api/orders/{paid['order_id']}/{action}")

    assert answer.status_code == 201, answer.text
    data = answer.json()
    assert data["transaction"]["event"] == event
    assert data["transaction"]["order_id"] == paid["order_id"]
    assert data["transaction"]["id"] not in seen
    assert data["order"]["id"] == paid["order_id"]
    (shown,) = data["events"]
    assert shown["event"] == event
    assert mine(shown, connection)["state"] == "delivered"
    last = form_of(endpoint.wait_for(2 + len(prepare))[-1].body)
    assert (last["event"], last["order_id"], last["transaction_id"]) == (
        event,
        paid["order_id"],
        data["transaction"]["id"],
    )
    if action == "upsell":
        assert last["upsell_no"] == "1"


def test_an_upsell_of_a_chosen_product(module_api: httpx.Client) -> None:
    plan = product_of(module_api, "subscription")
    single = product_of(module_api, "single_payment")
    paid = pay(module_api, plan["id"])

    answer = module_api.post(f"/api/orders/{paid['order_id']}/upsell", json={"product_id": single["id"]})
    unknown = module_api.post(f"/api/orders/{paid['order_id']}/upsell", json={"product_id": "000000"})

    assert answer.status_code == 201
    fields = answer.json()["events"][0]["fields"]
    assert (fields["product_id"], fields["upsell_no"], fields["amount"]) == (single["id"], "1", single["price"])
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "unknown_product"


def test_orders_are_listed_newest_first_and_shown_with_their_events_only(module_api: httpx.Client) -> None:
    single = product_of(module_api, "single_payment")
    first = pay(module_api, single["id"])
    second = pay(module_api, single["id"])

    listed = module_api.get("/api/orders").json()["orders"]
    shown = module_api.get(f"/api/orders/{first['order_id'].lower()}").json()

    ids = [order["id"] for order in listed]
    assert ids.index(second["order_id"]) < ids.index(first["order_id"])
    assert shown["order"]["id"] == first["order_id"]
    assert {event["order_id"] for event in shown["events"]} == {first["order_id"]}
    assert [event["id"] for event in shown["events"]] == first["event_ids"]


def test_a_payment_on_a_cancelled_plan_is_409_and_writes_nothing(module_api: httpx.Client) -> None:
    plan = product_of(module_api, "subscription")
    paid = pay(module_api, plan["id"])
    module_api.post(f"/api/orders/{paid['order_id']}/cancel")
    before_order = module_api.get(f"/api/orders/{paid['order_id']}").json()
    before_events = module_api.get("/api/events?limit=1").json()["events"]

    answer = module_api.post(f"/api/orders/{paid['order_id']}/rebill", headers={"Accept-Language": "en"})

    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "plan_cancelled"
    assert paid["order_id"] in answer.json()["error"]["message"]
    assert module_api.get(f"/api/orders/{paid['order_id']}").json() == before_order
    assert module_api.get("/api/events?limit=1").json()["events"] == before_events


@pytest.mark.parametrize(
    ("kind", "actions", "last", "status", "code"),
    [
        ("installment", ["rebill", "rebill"], "rebill", 409, "plan_completed"),
        ("subscription", ["end"], "rebill", 409, "order_ended"),
        ("subscription", [], "resume", 409, "plan_not_cancelled"),
        ("single_payment", ["refund"], "refund", 409, "nothing_to_refund"),
        ("single_payment", [], "rebill", 409, "not_a_plan"),
        ("single_payment", [], "teleport", 400, "unknown_order_action"),
    ],
)
def test_refused_order_actions(
    module_api: httpx.Client, kind: str, actions: list[str], last: str, status: int, code: str
) -> None:
    paid = pay(module_api, product_of(module_api, kind)["id"])
    for action in actions:
        assert module_api.post(f"/api/orders/{paid['order_id']}/{action}").status_code == 201
    count = len(module_api.get(f"/api/orders/{paid['order_id']}").json()["events"])

    answer = module_api.post(f"/api/orders/{paid['order_id']}/{last}")

    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code
    assert len(module_api.get(f"/api/orders/{paid['order_id']}").json()["events"]) == count


def test_an_unknown_order_is_404(module_api: httpx.Client) -> None:
    assert module_api.get("/api/orders/ZZZZZZZZ").status_code == 404
    answer = module_api.post("/api/orders/ZZZZZZZZ/refund")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "unknown_order"


def test_approving_an_affiliate(module_api: httpx.Client, module_connect) -> None:
    connection, endpoint = module_connect(categories=["affiliations"])
    single = product_of(module_api, "single_payment")

    answer = module_api.post("/api/affiliates", json={"product_id": single["id"], "name": "lucie_promo"})

    assert answer.status_code == 201, answer.text
    assert answer.json()["affiliate"]["name"] == "lucie_promo"
    assert mine(answer.json()["events"][0], connection)["state"] == "delivered"
    message = form_of(endpoint.wait_for(1)[0].body)
    assert (message["event"], message["affiliate_name"], message["product_id"]) == (
        "on_affiliation",
        "lucie_promo",
        single["id"],
    )
    bad = module_api.post("/api/affiliates", json={"product_id": single["id"], "name": "lucie promo!"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_affiliate_name")
    unknown = module_api.post("/api/affiliates", json={"product_id": "000000"})
    assert unknown.status_code == 404


def test_etickets_over_http(module_api: httpx.Client, module_connect) -> None:
    connection, endpoint = module_connect(categories=["etickets"], incomplete_etickets=False)
    ticketed = product_of(module_api, "single_payment", etickets=True)

    data = pay(module_api, ticketed["id"], tickets=2, incomplete=True)

    assert len(data["eticket_ids"]) == 2
    listed = {ticket["id"]: ticket for ticket in module_api.get("/api/etickets").json()["etickets"]}
    assert all(listed[ticket]["holder_email"] == "" for ticket in data["eticket_ids"])
    creations = [event for event in data["events"] if event["event"] == "eticket"]
    assert [mine(event, connection)["reason"] for event in creations] == ["eticket_incomplete"] * 2
    ticket_id = data["eticket_ids"][0]

    updated = module_api.post(
        f"/api/etickets/{ticket_id}/update",
        json={"holder_first_name": "Raphaël", "holder_last_name": "Pérez", "holder_email": "r@example.com"},
    )
    used = module_api.post(f"/api/etickets/{ticket_id}/use")
    again = module_api.post(f"/api/etickets/{ticket_id}/use")
    bogus = module_api.post(f"/api/etickets/{ticket_id}/print")
    unknown = module_api.post("/api/etickets/00000000000000000000/use")

    assert updated.status_code == used.status_code == 201
    assert used.json()["eticket"]["state"] == "used"
    assert (again.status_code, again.json()["error"]["code"]) == (409, "eticket_wrong_state")
    assert (bogus.status_code, bogus.json()["error"]["code"]) == (400, "unknown_eticket_action")
    assert unknown.status_code == 404
    messages = [form_of(post.body) for post in endpoint.wait_for(2)]
    assert [(message["action"], message["eticket_id"]) for message in messages] == [
        ("update", ticket_id),
        ("use", ticket_id),
    ]
    assert messages[0]["address_first_name"] == "Raphaël"


def test_incomplete_false_as_text_does_not_make_incomplete_tickets(module_api: httpx.Client) -> None:
    ticketed = product_of(module_api, "single_payment", etickets=True)

    answer = module_api.post("/api/test-payments", json={"product_id": ticketed["id"], "incomplete": "false"})

    if answer.status_code == 201:
        tickets = {ticket["id"]: ticket for ticket in module_api.get("/api/etickets").json()["etickets"]}
        (ticket_id,) = answer.json()["eticket_ids"]
        assert tickets[ticket_id]["holder_email"] != "", '"incomplete": "false" was read as true'
    else:
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] in ("invalid_boolean", "invalid_parameter")


def test_events_are_listed_filtered_and_shown(module_api: httpx.Client) -> None:
    single = product_of(module_api, "single_payment")
    first = pay(module_api, single["id"])
    second = pay(module_api, single["id"])
    (first_id,), (second_id,) = first["event_ids"], second["event_ids"]

    newest = module_api.get("/api/events?limit=1").json()["events"]
    after = module_api.get(f"/api/events?after={first_id}").json()["events"]
    by_order = module_api.get(f"/api/events?order_id={first['order_id']}").json()["events"]
    shown = module_api.get(f"/api/events/{first_id}")

    assert [event["id"] for event in newest] == [second_id]
    assert [event["id"] for event in after] == [second_id]
    assert [event["id"] for event in by_order] == [first_id]
    assert shown.status_code == 200
    assert shown.json()["fields"]["order_id"] == first["order_id"]
    assert module_api.get("/api/events/999999999").status_code == 404
    for query in ("limit=0", "limit=501", "limit=abc", "after=-1"):
        bad = module_api.get(f"/api/events?{query}")
        assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_parameter"), query
    assert module_api.get("/api/events/abc").status_code == 400


def test_resend_posts_the_same_signed_body_again(module_api: httpx.Client, module_connect) -> None:
    connection, endpoint = module_connect()
    other, _ = module_connect(product_ids=[product_of(module_api, "subscription")["id"]])
    single = product_of(module_api, "single_payment")
    data = pay(module_api, single["id"])
    delivery = mine(data["events"][0], connection)
    skipped = mine(data["events"][0], other)
    endpoint.wait_for(1)
    endpoint.reply = b"OK resent"

    answer = module_api.post(f"/api/deliveries/{delivery['id']}/resend")

    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert (result["delivery_id"], result["ok"], result["status"], result["reply"]) == (
        delivery["id"],
        True,
        200,
        "OK resent",
    )
    posts = endpoint.wait_for(2)
    assert len(posts) == 2 and posts[0].body == posts[1].body
    shown = mine(module_api.get(f"/api/events/{data['event_ids'][0]}").json(), connection)
    assert [attempt["manual"] for attempt in shown["attempts"]] == [0, 1]
    assert skipped["send"] is False
    refused = module_api.post(f"/api/deliveries/{skipped['id']}/resend")
    assert (refused.status_code, refused.json()["error"]["code"]) == (404, "unknown_delivery")
    assert module_api.post("/api/deliveries/999999999/resend").status_code == 404
    assert module_api.post("/api/deliveries/abc/resend").status_code == 400
