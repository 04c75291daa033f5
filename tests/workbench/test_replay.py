"""Replay and edit: any recorded event to any connection, as it was or changed, re-signed or
with its old signature kept; the answer shows the diff and the attempt, the log the replay."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qsl

import httpx
import pytest

from tests.conftest import Receiver, product_of
from tests.workbench.conftest import (
    PASSPHRASE,
    inbound_of,
    inspector_connection,
    payment_fields,
    reference_sign,
    signed_body,
)


@pytest.fixture(scope="module")
def target(client: httpx.Client) -> dict:
    return inspector_connection(client)


@pytest.fixture(scope="module")
def paid(client: httpx.Client, target: dict) -> dict:
    answer = client.post("/api/test-payments", json={"product_id": product_of(client, "single_payment")["id"]})
    assert answer.status_code == 201
    return answer.json()


def replay(client: httpx.Client, event_id: int, **body: object) -> httpx.Response:
    return client.post(f"/api/events/{event_id}/replay", json=body)


def test_an_edited_copy_with_the_old_signature_is_refused_and_the_field_named(
    client: httpx.Client, target: dict, paid: dict
) -> None:
    event_id = paid["event_ids"][0]
    original = next(d for d in paid["events"][0]["deliveries"] if d["connection_id"] == target["id"])

    answer = replay(client, event_id, connection_id=target["id"], changes={"amount": "0.01"}, resign=False)

    assert answer.status_code == 201, answer.text
    result = answer.json()
    assert result["replay"] is True and result["origin"] == "delivered"
    assert result["diff"] == {
        "changed": [{"field": "amount", "old": original["body"]["amount"], "new": "0.01"}],
        "added": [],
        "removed": [],
    }
    assert result["signature"]["sent"] == result["signature"]["original"] == original["sha_sign"]
    assert result["signature"]["valid_for_connection"] is False
    assert (result["attempt"]["status"], result["attempt"]["ok"], result["state"]) == (403, False, "failed")
    record = inbound_of(client, target["id"])[0]
    assert (record["cause"], record["field"], record["original_delivery_id"]) == (
        "field_changed",
        "amount",
        original["id"],
    )
    assert "amount" in result["attempt"]["reply"]
    # The replay is a delivery of its own, listed with the event and marked in the CSV log.
    event = client.get(f"/api/events/{event_id}").json()
    assert result["delivery_id"] in [delivery["id"] for delivery in event["deliveries"]]
    rows = list(csv.DictReader(io.StringIO(client.get(f"/api/connections/{target['id']}/report.csv").text)))
    row = next(row for row in rows if row["delivery_id"] == str(result["delivery_id"]))
    assert (row["replay"], row["state"], row["last_status"]) == ("yes", "failed", "403")


def test_a_re_signed_edit_is_accepted_and_becomes_an_inbound_event(
    client: httpx.Client, target: dict, paid: dict
) -> None:
    result = replay(client, paid["event_ids"][0], connection_id=target["id"], changes={"amount": "0.01"}).json()

    assert (result["attempt"]["status"], result["attempt"]["reply"], result["state"]) == (200, "OK", "delivered")
    assert result["signature"]["resigned"] and result["signature"]["valid_for_connection"]
    assert result["signature"]["sent"] != result["signature"]["original"]
    record = inbound_of(client, target["id"])[0]
    assert record["verdict"] == "valid"
    copy = client.get(f"/api/events/{record['event_id']}").json()
    assert (copy["source"], copy["fields"]["amount"]) == ("inbound", "0.01")


def test_an_unchanged_replay_is_the_same_event_again(client: httpx.Client, target: dict, paid: dict) -> None:
    result = replay(client, paid["event_ids"][0], connection_id=target["id"]).json()
    assert result["diff"] == {"changed": [], "added": [], "removed": []}
    assert result["signature"]["sent"] == result["signature"]["original"]
    assert inbound_of(client, target["id"])[0]["event_id"] == paid["event_ids"][0]


def test_a_replay_to_another_endpoint_is_signed_with_that_connections_passphrase(
    client: httpx.Client, paid: dict, receiver: Receiver
) -> None:
    other = client.post("/api/connections", json={"url": receiver.url, "passphrase": "other-secret", "active": False})
    other_id = other.json()["id"]

    result = replay(
        client, paid["event_ids"][0], connection_id=other_id, changes={"custom": "note"}, remove=["voucher_code"]
    ).json()

    assert result["origin"] == "built" and result["attempt"]["ok"]
    assert result["normally"]["send"] is False and result["normally"]["explanation"]["en"]
    fields = dict(parse_qsl(receiver.wait_for(1)[0].body.decode(), keep_blank_values=True))
    assert fields["sha_sign"] == reference_sign(fields, "other-secret")
    assert (fields["ipn_config_id"], fields["custom"], "voucher_code" in fields) == (other_id, "note", False)
    assert result["diff"]["removed"] == [{"field": "voucher_code", "old": ""}]
    assert {"field": "custom", "old": f"sandbox:{paid['order_id']}", "new": "note"} in result["diff"]["changed"]


def test_an_inbound_event_can_be_replayed_and_its_signature_removed(client: httpx.Client, target: dict) -> None:
    client.post(f"/ipn/{target['id']}", content=signed_body(payment_fields(transaction_id="4100900"), PASSPHRASE))
    event_id = inbound_of(client, target["id"])[0]["event_id"]

    result = replay(client, event_id, connection_id=target["id"], remove=["sha_sign"], resign=False).json()

    assert result["origin"] == "received" and result["attempt"]["status"] == 403
    assert inbound_of(client, target["id"])[0]["cause"] == "missing_signature"


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({}, 400, "--to"),
        ({"connection_id": "1"}, 404, "1"),
        ({"connection_id": "{target}", "changes": ["amount"]}, 400, "changes"),
        ({"connection_id": "{target}", "changes": {"amount": {"x": 1}}}, 400, "amount"),
        ({"connection_id": "{target}", "changes": {"sha_sign": "00"}}, 400, "--keep-signature"),
        ({"connection_id": "{target}", "remove": ["no_such_field"]}, 400, "no_such_field"),
        ({"connection_id": "{target}", "changes": {"tag": "x"}, "remove": ["tag"]}, 400, "tag"),
        ({"connection_id": "{target}", "resign": "yes"}, 400, "resign"),
        ({"connection_id": "{target}", "sign": True}, 400, "sign"),
    ],
)
def test_a_wrong_replay_request_says_what_to_fix(
    client: httpx.Client, target: dict, paid: dict, body: dict, status: int, words: str
) -> None:
    body = {key: target["id"] if value == "{target}" else value for key, value in body.items()}
    answer = replay(client, paid["event_ids"][0], **body)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert words in error["message"] and not error["message"].startswith("error.")


def test_an_unknown_event_cannot_be_replayed(client: httpx.Client, target: dict) -> None:
    answer = client.post(
        "/api/events/987654/replay", json={"connection_id": target["id"]}, headers={"Accept-Language": "fr"}
    )
    assert answer.status_code == 404 and "987654" in answer.json()["error"]["message"]
