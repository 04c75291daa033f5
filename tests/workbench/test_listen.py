"""``ds24-sandbox listen --forward-to URL``: run as a real process, it forwards the sandbox's
events to a loopback endpoint of ours and prints one line per delivery attempt."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable
from urllib.parse import parse_qsl

import httpx

from tests.conftest import Receiver, Server, product_of
from tests.workbench.conftest import Process, reference_sign


def listen(processes: Callable[[list[str]], Process], bench: Server, *args: str) -> Process:
    return processes([sys.executable, "-m", "sandbox", "--server", bench.url, "listen", *args])


def test_listen_forwards_signed_events_and_prints_each_attempt(
    processes, bench: Server, client: httpx.Client, receiver: Receiver
) -> None:
    process = listen(processes, bench, "--forward-to", receiver.url, "--passphrase", "listen-secret")
    process.wait_stderr("Created IPN connection")
    ready = process.wait_stderr("Ready")
    assert "li••••••et" in ready and "listen-secret" not in ready

    paid = client.post("/api/test-payments", json={"product_id": product_of(client, "subscription")["id"]}).json()
    client.post(f"/api/orders/{paid['order_id']}/rebill")

    lines = process.lines(2)
    assert len(lines) == 2, process.rest_of_stderr()
    for line in lines:
        assert "on_payment" in line and "HTTP 200" in line and " ms " in line and line.rstrip().endswith("OK")
    bodies = [dict(parse_qsl(item.body.decode(), keep_blank_values=True)) for item in receiver.wait_for(2)]
    assert [body["pay_sequence_no"] for body in bodies] == ["1", "2"]
    assert all(body["sha_sign"] == reference_sign(body, "listen-secret") for body in bodies)

    receiver.status, receiver.reply = 500, b"boom: database down\ntrace..."
    client.post(f"/api/orders/{paid['order_id']}/rebill")
    failed = process.lines(1)
    assert len(failed) == 1 and "HTTP 500" in failed[0] and failed[0].rstrip().endswith("boom: database down")

    process.popen.send_signal(signal.SIGINT)
    assert process.popen.wait(timeout=10) == 0
    rest = process.rest_of_stderr()
    assert "Stopped" in rest and "Traceback" not in rest


def test_listen_json_reuses_the_connection_and_keeps_to_the_chosen_events(
    processes, bench: Server, client: httpx.Client, receiver: Receiver
) -> None:
    first = listen(processes, bench, "--forward-to", receiver.url, "--passphrase", "p-json")
    first.wait_stderr("Ready")
    first.popen.send_signal(signal.SIGINT)
    first.popen.wait(timeout=10)

    process = listen(processes, bench, "--forward-to", receiver.url, "--event", "refund", "--json")
    process.wait_stderr("Reusing IPN connection")
    process.wait_stderr("Ready")
    paid = client.post("/api/test-payments", json={"product_id": product_of(client, "single_payment")["id"]}).json()
    client.post(f"/api/orders/{paid['order_id']}/refund")

    lines = process.lines(1)
    assert len(lines) == 1, process.rest_of_stderr()
    item = json.loads(lines[0])
    assert (item["event"], item["status"], item["reply"], item["ok"], item["state"]) == (
        "on_refund",
        200,
        "OK",
        True,
        "delivered",
    )
    assert isinstance(item["latency_ms"], float) and item["time"] and item["delivery_id"]
    assert process.lines(1, timeout=0.5) == []  # the payment was not selected
    connections = [c for c in client.get("/api/connections").json()["connections"] if c["url"] == receiver.url]
    assert len(connections) == 1 and connections[0]["transactions"] == ["refund"]
    process.popen.send_signal(signal.SIGINT)
    assert process.popen.wait(timeout=10) == 0


def test_listen_without_a_passphrase_or_with_an_unknown_event_says_what_to_do(
    processes, bench: Server, receiver: Receiver
) -> None:
    missing = listen(processes, bench, "--forward-to", receiver.url + "/new")
    assert missing.popen.wait(timeout=15) == 2
    assert "--passphrase" in missing.rest_of_stderr()
    unknown = listen(processes, bench, "--forward-to", receiver.url, "--event", "on_paymnt")
    assert unknown.popen.wait(timeout=15) == 2
    assert "on_paymnt" in unknown.rest_of_stderr() and "refund" in unknown.seen_stderr[-1]
