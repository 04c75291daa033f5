"""The inbound inspector, POST /ipn/{connection_id}, over real HTTP.

Messages come from the sandbox's own dispatcher and from hand-made posts signed with the
reference's algorithm; each must get the verdict, answer and record the issue describes.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest

from tests.conftest import product_of
from tests.workbench.conftest import (
    PASSPHRASE,
    inbound_of,
    inspector_connection,
    payment_fields,
    reference_sign,
    signed_body,
)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def target(client: httpx.Client) -> dict:
    return inspector_connection(client)


def post(client: httpx.Client, connection_id: str, body: bytes, **headers: str) -> httpx.Response:
    return client.post(f"/ipn/{connection_id}", content=body, headers={**FORM, **headers})


def test_the_sandbox_delivering_to_its_own_inspector_gets_ok_and_a_valid_record(
    client: httpx.Client, target: dict
) -> None:
    product = product_of(client, "single_payment")
    paid = client.post("/api/test-payments", json={"product_id": product["id"]}).json()

    delivery = next(d for d in paid["events"][0]["deliveries"] if d["connection_id"] == target["id"])
    assert delivery["state"] == "delivered"
    assert delivery["attempts"][-1]["reply"] == "OK"
    record = inbound_of(client, target["id"])[0]
    assert (record["verdict"], record["cause"], record["status"], record["reply"]) == ("valid", "valid", 200, "OK")
    assert record["event_id"] == paid["event_ids"][0]  # the sandbox's own event, not a copy
    assert record["original_delivery_id"] == delivery["id"]
    assert "sha_sign" in record["explanation"]["en"] and "phrase secrète" in record["explanation"]["fr"]
    detail = client.get(f"/api/inbound/{record['id']}").json()
    assert detail["method"] == "POST" and detail["path"] == f"/ipn/{target['id']}"
    assert dict(parse_qsl(detail["body"], keep_blank_values=True)) == detail["fields"]
    assert detail["fields"]["order_id"] == paid["order_id"]
    headers = {name.lower(): value for name, value in detail["headers"]}
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert headers["x-sandbox-delivery"] == str(delivery["id"])
    sources = [event["source"] for event in client.get("/api/events", params={"limit": 500}).json()["events"]]
    assert "inbound" not in sources


def test_the_test_connection_button_is_answered_ok(client: httpx.Client, target: dict) -> None:
    tested = client.post(f"/api/connections/{target['id']}/test").json()
    delivery = tested["events"][0]["deliveries"][0]
    assert delivery["state"] == "delivered" and delivery["attempts"][-1]["reply"] == "OK"
    record = inbound_of(client, target["id"])[0]
    assert (record["verdict"], record["cause"]) == ("connection_test", "valid")
    assert "Test connection" in record["explanation"]["en"]


def signature_cases() -> Iterator[tuple[str, bytes, int, str, str]]:
    fields = payment_fields()
    yield "original-case names", signed_body(fields, PASSPHRASE), 200, "valid", ""
    yield "upper-case names", signed_body(fields, PASSPHRASE, upper_keys=True), 200, "valid_upper_keys", ""
    yield "wrong passphrase", signed_body(fields, "not-the-passphrase"), 403, "wrong_passphrase_or_changed", ""
    encoded = payment_fields(product_name="Pain &amp; beurre")
    decoded = {**encoded, "product_name": "Pain & beurre", "sha_sign": reference_sign(encoded, PASSPHRASE)}
    yield "HTML-decoded value", urlencode(decoded).encode(), 403, "html_decoded", "product_name"
    padded = payment_fields(buyer_last_name=" Müller")
    trimmed = {**padded, "buyer_last_name": "Müller", "sha_sign": reference_sign(padded, PASSPHRASE)}
    yield "trimmed value", urlencode(trimmed).encode(), 403, "trimmed", "buyer_last_name"
    yield "no signature", urlencode(fields).encode(), 403, "missing_signature", ""


@pytest.mark.parametrize(("case", "body", "status", "cause", "field"), list(signature_cases()))
def test_each_signature_cause_gets_its_answer_and_record(
    client: httpx.Client, target: dict, case: str, body: bytes, status: int, cause: str, field: str
) -> None:
    answer = post(client, target["id"], body, **{"Accept-Language": "en"})

    assert answer.status_code == status, case
    assert answer.headers["content-type"].startswith("text/plain")
    record = inbound_of(client, target["id"])[0]
    assert (record["cause"], record["field"]) == (cause, field)
    if status == 200:
        assert answer.text == "OK" and record["verdict"] == "valid"
    else:
        assert record["verdict"] == "bad_signature"
        assert answer.text.startswith("ERROR: ") and answer.text == "ERROR: " + record["explanation"]["en"]
        assert field in answer.text and record["explanation"]["fr"] != record["explanation"]["en"]


def test_a_changed_field_of_a_body_the_sandbox_sent_is_named(client: httpx.Client, target: dict) -> None:
    product = product_of(client, "single_payment")
    paid = client.post("/api/test-payments", json={"product_id": product["id"]}).json()
    delivery = next(d for d in paid["events"][0]["deliveries"] if d["connection_id"] == target["id"])
    tampered = {**delivery["body"], "amount": "0.01"}  # the old sha_sign stays

    answer = post(client, target["id"], urlencode(tampered).encode())  # no sandbox header: found by sha_sign

    assert answer.status_code == 403
    record = inbound_of(client, target["id"])[0]
    assert (record["verdict"], record["cause"], record["field"]) == ("bad_signature", "field_changed", "amount")
    assert record["original_delivery_id"] == delivery["id"]
    assert record["diff"]["changed"] == [{"field": "amount", "old": delivery["body"]["amount"], "new": "0.01"}]
    assert "amount" in answer.text and str(delivery["id"]) in answer.text
    event = client.get(f"/api/events/{record['event_id']}").json()
    assert event["source"] == "inbound" and event["fields"]["amount"] == "0.01"


def test_an_unknown_event_is_recorded_and_still_answered_ok(client: httpx.Client, target: dict) -> None:
    body = signed_body(payment_fields(event="on_something_new"), PASSPHRASE)
    answer = post(client, target["id"], body)
    assert (answer.status_code, answer.text) == (200, "OK")
    record = inbound_of(client, target["id"])[0]
    assert (record["verdict"], record["params"]) == ("unknown_event", {"event": "on_something_new"})
    assert "on_something_new" in record["explanation"]["en"] and "retry" in record["explanation"]["en"]


def chunks() -> Iterator[bytes]:
    for _ in range(40):
        yield b"a" * 10_000


REFUSED = [
    ("not UTF-8", b"event=on_payment&buyer_last_name=M\xfcller", 400, "form_not_utf8"),
    ("JSON", b'{"event": "on_payment"}', 400, "form_not_a_form"),
    ("repeated field", b"event=on_payment&event=on_refund", 400, "form_repeated_field"),
    ("no event", b"order_id=A1B2C3D4&amount=49.00", 400, "missing_event"),
    ("empty body", b"", 400, "missing_event"),
    ("too large, with Content-Length", b"a=" + b"b" * 300_000, 413, "body_too_large"),
]


@pytest.mark.parametrize(("case", "body", "status", "cause"), REFUSED)
def test_what_is_not_an_ipn_is_recorded_and_refused_with_a_clear_4xx(
    client: httpx.Client, target: dict, case: str, body: bytes, status: int, cause: str
) -> None:
    answer = post(client, target["id"], body, **{"Accept-Language": "fr"})
    assert answer.status_code == status, case
    assert answer.text.startswith("ERREUR : ") and len(answer.text) > 40
    record = inbound_of(client, target["id"])[0]
    assert (record["verdict"], record["cause"], record["status"]) == ("rejected", cause, status)
    assert record["explanation"]["fr"] in answer.text


def test_a_streamed_body_over_the_cap_gets_413_without_content_length(client: httpx.Client, target: dict) -> None:
    answer = client.post(f"/ipn/{target['id']}", content=chunks(), headers=FORM)
    assert answer.status_code == 413
    record = inbound_of(client, target["id"])[0]
    assert (record["cause"], record["body_size"] > 256 * 1024) == ("body_too_large", True)
    assert "transfer-encoding" in {
        name.lower() for name, _ in client.get(f"/api/inbound/{record['id']}").json()["headers"]
    }


def test_an_unknown_connection_gets_a_404_that_says_what_to_do(client: httpx.Client) -> None:
    answer = post(client, "111", signed_body(payment_fields(), PASSPHRASE), **{"Accept-Language": "en"})
    assert answer.status_code == 404
    assert "No IPN connection 111" in answer.text and "ds24-sandbox connect" in answer.text
    assert client.get("/api/inbound", params={"connection_id": "111"}).json()["inbound"][0]["verdict"] == (
        "unknown_connection"
    )


def test_a_get_says_what_the_address_is_like_ipnsetup_expects(client: httpx.Client, target: dict) -> None:
    answer = client.get(f"/ipn/{target['id']}")
    assert answer.status_code == 200 and target["id"] in answer.text
    assert client.get("/ipn/111").status_code == 404


def test_records_list_newest_first_and_hide_credentials(client: httpx.Client, target: dict) -> None:
    post(client, target["id"], signed_body(payment_fields(), PASSPHRASE), Authorization="Basic dHVubmVsOnNlY3JldA==")
    listed = client.get("/api/inbound", params={"limit": 50}).json()["inbound"]
    ids = [item["id"] for item in listed]
    assert ids == sorted(ids, reverse=True)
    assert all(item["explanation"]["fr"] and item["explanation"]["en"] for item in listed)
    detail = client.get(f"/api/inbound/{listed[0]['id']}").json()
    headers = dict((name.lower(), value) for name, value in detail["headers"])
    assert headers["authorization"].count("•") == 6 and "dHVubmVsOnNlY3JldA==" not in str(detail)
    assert client.get("/api/inbound/999999").status_code == 404


def test_a_valid_record_runs_through_the_zapier_side(client: httpx.Client, target: dict) -> None:
    product = product_of(client, "single_payment")["id"]
    client.post("/api/test-payments", json={"product_id": product})  # before any Zap: Zapier gets nothing
    record = inbound_of(client, target["id"])[0]
    assert record["verdict"] == "valid"
    client.post("/api/zapier/connect")
    zap = client.post("/api/zaps", json={"trigger": "order", "product_ids": [product]}).json()
    assert client.post(f"/api/zaps/{zap['id']}/on").status_code == 200

    ran = client.post(f"/api/inbound/{record['id']}/run")

    assert ran.status_code == 200, ran.text
    result = ran.json()
    assert (result["status"], result["reply"], result["reception"]["accepted"]) == (200, "OK", True)
    statuses = [run["status"] for run in result["reception"]["runs"] if run["zap_id"] == zap["id"]]
    assert statuses == ["ran"], result["reception"]["runs"]
    assert len(client.get(f"/api/zaps/{zap['id']}/sheet").json()["rows"]) == 1
    again = client.post(f"/api/inbound/{record['id']}/run").json()
    assert [run["status"] for run in again["reception"]["runs"] if run["zap_id"] == zap["id"]] == ["duplicate"]

    post(client, target["id"], signed_body(payment_fields(), "wrong"))
    refused = client.post(f"/api/inbound/{inbound_of(client, target['id'])[0]['id']}/run")
    assert refused.status_code == 409 and "bad_signature" in refused.json()["error"]["message"]
