"""The worked example, examples/receiver/receiver.py, run as a real process: the sandbox's
genuine events are accepted once each, a tampered copy is refused."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from tests.conftest import ROOT, free_port, product_of
from tests.workbench.conftest import Process, payment_fields, reference_sign, wait_for_port

EXAMPLE = ROOT / "examples" / "receiver" / "receiver.py"
SECRET = "example-endpoint-secret"


@pytest.fixture
def endpoint(processes: Callable[[list[str]], Process], tmp_path: Path) -> tuple[str, Process]:
    port = free_port()
    process = processes(
        [sys.executable, str(EXAMPLE), "--port", str(port), "--passphrase", SECRET, "--db", str(tmp_path / "l.db")]
    )
    wait_for_port(port)
    return f"http://127.0.0.1:{port}/ipn", process


def results(process: Process, count: int) -> list[dict[str, str]]:
    return [json.loads(line) for line in process.lines(count)]


def test_the_example_accepts_genuine_events_once_and_refuses_a_tampered_copy(
    client: httpx.Client, endpoint: tuple[str, Process]
) -> None:
    url, process = endpoint
    connection = client.post("/api/connections", json={"url": url, "passphrase": SECRET}).json()
    single = product_of(client, "single_payment")["id"]  # pay_sequence_no=0 must be signed, not skipped
    paid = client.post("/api/test-payments", json={"product_id": single}).json()
    subscription = client.post(
        "/api/test-payments", json={"product_id": product_of(client, "subscription")["id"], "follow_ups": 1}
    ).json()

    delivered = [
        delivery
        for event in paid["events"] + subscription["events"]
        for delivery in event["deliveries"]
        if delivery["connection_id"] == connection["id"]
    ]
    assert [(d["state"], d["attempts"][-1]["reply"]) for d in delivered] == [("delivered", "OK")] * 3
    assert [item["result"] for item in results(process, 3)] == ["processed"] * 3

    again = client.post(f"/api/deliveries/{delivered[0]['id']}/resend").json()
    assert (again["status"], again["reply"]) == (200, "OK")
    assert results(process, 1)[0]["result"] == "duplicate"

    tampered = client.post(
        f"/api/events/{paid['event_ids'][0]}/replay",
        json={"connection_id": connection["id"], "changes": {"amount": "0.01"}, "resign": False},
    ).json()
    assert (tampered["attempt"]["status"], tampered["attempt"]["ok"]) == (403, False)
    assert "sha_sign" in tampered["attempt"]["reply"]
    assert results(process, 1)[0]["result"] == "refused"

    resigned = client.post(
        f"/api/events/{paid['event_ids'][0]}/replay",
        json={"connection_id": connection["id"], "changes": {"amount": "0.01"}},
    ).json()
    assert (resigned["attempt"]["status"], resigned["attempt"]["reply"]) == (200, "OK")
    assert results(process, 1)[0]["result"] == "duplicate"  # same transaction_id: nothing granted twice
    client.patch(f"/api/connections/{connection['id']}", json={"active": False})


def test_the_example_keeps_the_latest_state_of_an_eticket(client: httpx.Client, endpoint: tuple[str, Process]) -> None:
    url, process = endpoint
    connection = client.post("/api/connections", json={"url": url, "passphrase": SECRET}).json()
    bought = client.post("/api/test-payments", json={"product_id": product_of(client, "single_payment", True)["id"]})
    ticket = bought.json()["eticket_ids"][0]
    assert [item["result"] for item in results(process, 2)] == ["processed", "processed"]  # payment, ticket

    client.post(f"/api/etickets/{ticket}/use")
    assert results(process, 1)[0] == {
        "result": "updated",
        "event": "eticket",
        "order_id": bought.json()["order_id"],
        "reference": ticket,
    }
    client.patch(f"/api/connections/{connection['id']}", json={"active": False})


def test_the_example_checks_both_key_case_modes_and_refuses_what_is_not_signed(
    endpoint: tuple[str, Process],
) -> None:
    url, _ = endpoint
    fields = payment_fields(transaction_id="4200001")
    upper = {**fields, "sha_sign": reference_sign(fields, SECRET, upper_keys=True)}
    assert httpx.post(url, content=urlencode(upper)).text == "OK"
    lower_hex = {**fields, "transaction_id": "4200002"}
    lower_hex["sha_sign"] = reference_sign(lower_hex, SECRET).lower()
    assert httpx.post(url, content=urlencode(lower_hex)).text == "OK"
    assert httpx.post(url, content=urlencode(fields)).status_code == 403  # no signature
    zero_skipped = {**fields, "sha_sign": reference_sign({**fields, "pay_sequence_no": ""}, SECRET)}
    assert httpx.post(url, content=urlencode(zero_skipped)).status_code == 403  # "0" must be signed
    assert httpx.post(url, content=b"event=on_payment&event=on_refund").status_code == 400
    assert httpx.post(url, content=b"\xff\xfe").status_code == 400
