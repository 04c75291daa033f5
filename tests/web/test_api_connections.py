"""IPN connections over real HTTP: create, list, edit, test, report; the passphrase stays hidden."""

from __future__ import annotations

import httpx
import pytest

from sandbox import i18n
from sandbox.ipn import events, signing
from tests.conftest import product_of
from tests.services.harness import form_of

SECRET = "Tres-secrete-phrase-42"  # ASCII: found in the text however JSON escapes it
ACCENTED = "Phrase-accentuée-ü"


def test_create_list_and_edit_a_connection(module_api: httpx.Client, module_connect) -> None:
    single = product_of(module_api, "single_payment")
    connection, endpoint = module_connect(
        name="Mon CRM", product_ids=[single["id"]], transactions=["payment", "refund"], follow_ups=False
    )

    assert connection["name"] == "Mon CRM"
    assert connection["url"] == endpoint.url
    assert (connection["product_ids"], connection["transactions"]) == ([single["id"]], ["payment", "refund"])
    assert connection["follow_ups"] is False
    assert connection["active"] is True
    listed = module_api.get("/api/connections").json()["connections"]
    assert connection in listed

    edited = module_api.patch(f"/api/connections/{connection['id']}", json={"follow_ups": "yes", "name": "CRM"})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["follow_ups"], edited.json()["name"]) == (True, "CRM")
    assert edited.json()["transactions"] == ["payment", "refund"]  # unchanged
    replaced = module_api.put(f"/api/connections/{connection['id']}", json={"success": "ok_text"})
    assert replaced.json()["success"] == "ok_text"


def test_a_new_connection_gets_digistore24s_default_events(module_api: httpx.Client, module_connect) -> None:
    connection, _ = module_connect()

    assert connection["transactions"] == list(events.default_transactions())
    assert connection["product_ids"] == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"url": "ftp://example.com/ipn", "passphrase": "p"}, "invalid_url"),
        ({"url": "example.com/ipn", "passphrase": "p"}, "invalid_url"),
        ({"url": "http://[::1/ipn", "passphrase": "p"}, "invalid_url"),
        ({"url": "http://127.0.0.1:70000/ipn", "passphrase": "p"}, "invalid_url"),
        ({"url": "https://example.com/ipn"}, "passphrase_required"),
        ({"url": "https://example.com/ipn", "passphrase": ""}, "passphrase_required"),
        ({"url": "https://example.com/ipn", "passphrase": "p" * 64}, "passphrase_too_long"),
        ({"url": "https://example.com/ipn", "passphrase": "p", "product_ids": ["000000"]}, "unknown_product"),
        ({"url": "https://example.com/ipn", "passphrase": "p", "product_ids": 5}, "invalid_list"),
        ({"url": "https://example.com/ipn", "passphrase": "p", "transactions": ["sale"]}, "invalid_choice"),
        ({"url": "https://example.com/ipn", "passphrase": "p", "follow_ups": "maybe"}, "invalid_boolean"),
        ({"url": "https://example.com/ipn", "passphrase": "p", "secret": "x"}, "unknown_connection_field"),
    ],
)
def test_a_bad_connection_is_refused_and_not_stored(module_api: httpx.Client, body: dict, code: str) -> None:
    before = module_api.get("/api/connections").json()["connections"]

    answer = module_api.post("/api/connections", json=body, headers={"Accept-Language": "fr"})

    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["code"] == code
    assert error["language"] == "fr"
    assert error["message"] == i18n.t(f"error.{code}", "fr", **error["params"])
    assert module_api.get("/api/connections").json()["connections"] == before


def test_a_bad_edit_leaves_the_connection_as_it_was(module_api: httpx.Client, module_connect) -> None:
    connection, _ = module_connect()

    answer = module_api.patch(f"/api/connections/{connection['id']}", json={"url": "mailto:me@example.com"})

    assert answer.status_code == 400
    listed = {item["id"]: item for item in module_api.get("/api/connections").json()["connections"]}
    assert listed[connection["id"]] == connection


@pytest.mark.parametrize(
    ("method", "path"),
    [("patch", "/api/connections/{}"), ("post", "/api/connections/{}/test"), ("get", "/api/connections/{}/report")],
)
def test_an_unknown_connection_is_404(module_api: httpx.Client, method: str, path: str) -> None:
    kwargs = {"json": {"name": "x"}} if method == "patch" else {}
    answer = getattr(module_api, method)(path.format("000001"), **kwargs)

    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "unknown_connection"


def test_the_test_button_sends_connection_test_without_api_key_id(module_api: httpx.Client, module_connect) -> None:
    connection, endpoint = module_connect(passphrase=ACCENTED)
    _, other_endpoint = module_connect()

    answer = module_api.post(f"/api/connections/{connection['id']}/test")

    assert answer.status_code == 200, answer.text
    (event,) = answer.json()["events"]
    assert event["event"] == "connection_test"
    (delivery,) = event["deliveries"]
    assert (delivery["connection_id"], delivery["state"]) == (connection["id"], "delivered")
    (received,) = endpoint.wait_for(1)
    message = form_of(received.body)
    assert message["event"] == "connection_test"
    assert "ipn_config_api_key_id" not in message
    assert message["ipn_config_id"] == connection["id"]
    assert signing.verify(message, ACCENTED)
    assert other_endpoint.requests == []


def test_the_report_counts_each_outcome(module_api: httpx.Client, module_connect) -> None:
    single = product_of(module_api, "single_payment")
    plan = product_of(module_api, "subscription")
    connection, endpoint = module_connect(product_ids=[single["id"]])

    delivered = module_api.post("/api/test-payments", json={"product_id": single["id"]}).json()
    skipped = module_api.post("/api/test-payments", json={"product_id": plan["id"]}).json()
    endpoint.status, endpoint.reply = 500, b"crash"
    pending = module_api.post("/api/test-payments", json={"product_id": single["id"]}).json()

    report = module_api.get(f"/api/connections/{connection['id']}/report")

    assert report.status_code == 200
    data = report.json()
    assert data["counts"] == {"delivered": 1, "pending": 1, "failed": 0, "skipped": 1}
    rows = {row["order_id"]: row for row in data["deliveries"]}
    assert rows[delivered["order_id"]]["state"] == "delivered"
    assert rows[delivered["order_id"]]["transaction_id"] == delivered["transactions"][0]["id"]
    assert rows[skipped["order_id"]]["reason"] == "product_not_selected"
    assert rows[skipped["order_id"]]["explanation"]["en"] != rows[skipped["order_id"]]["explanation"]["fr"]
    assert rows[pending["order_id"]]["state"] == "pending"
    assert rows[pending["order_id"]]["attempts"][0]["status"] == 500
    assert rows[pending["order_id"]]["attempts"][0]["reply"] == "crash"
    assert [row["event"] for row in data["deliveries"]] == ["on_payment"] * 3
    assert data["connection"]["id"] == connection["id"]
    limited = module_api.get(f"/api/connections/{connection['id']}/report?limit=1").json()
    assert len(limited["deliveries"]) == 1


def test_no_endpoint_returns_the_passphrase(module_api: httpx.Client, module_server, module_connect) -> None:
    plan = product_of(module_api, "subscription")
    connection, endpoint = module_connect(passphrase=SECRET, name="Secret keeper")
    texts = [module_api.get("/api/connections").text]
    texts.append(module_api.patch(f"/api/connections/{connection['id']}", json={"name": "Still secret"}).text)
    paid = module_api.post("/api/test-payments", json={"product_id": plan["id"], "follow_ups": 1})
    texts.append(paid.text)
    order_id = paid.json()["order_id"]
    texts.append(module_api.post(f"/api/orders/{order_id}/cancel").text)
    texts.append(module_api.get(f"/api/orders/{order_id}").text)
    texts.append(module_api.get("/api/orders").text)
    texts.append(module_api.get("/api/events?limit=50").text)
    texts.append(module_api.post(f"/api/connections/{connection['id']}/test").text)
    report = module_api.get(f"/api/connections/{connection['id']}/report")
    texts.append(report.text)
    delivery_id = report.json()["deliveries"][0]["id"]
    texts.append(module_api.post(f"/api/deliveries/{delivery_id}/resend").text)
    texts.append(module_api.get(f"/api/events/{paid.json()['event_ids'][0]}").text)

    assert all(SECRET not in text for text in texts)
    shown = {item["id"]: item for item in module_api.get("/api/connections").json()["connections"]}
    assert shown[connection["id"]]["passphrase"] not in ("", SECRET)
    assert len(endpoint.wait_for(4)) == 4  # first payment, rebill, connection test, resend
    assert all(signing.verify(form_of(post.body), SECRET) for post in endpoint.requests)
