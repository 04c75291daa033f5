"""Forced receiver behaviour: the sandbox's own receivers (the inspector and the Zapier hook)
answer an error, 200 without OK, slowly, or not at all, and Digistore24's side records it."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Server
from tests.workbench.conftest import TIMEOUT, inbound_of, inspector_connection


def test_connection(client: httpx.Client, connection_id: str) -> dict:
    """Press "Test connection" and return the delivery with its last attempt."""
    answer = client.post(f"/api/connections/{connection_id}/test")
    assert answer.status_code == 200, answer.text
    return answer.json()["events"][0]["deliveries"][0]


test_connection.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def force(client: httpx.Client, connection_id: str, **body: object) -> dict:
    answer = client.put(f"/api/receivers/{connection_id}/behaviour", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.parametrize(
    ("setting", "status", "error", "state"),
    [
        ({"mode": "error"}, 500, "http_status", "pending"),
        ({"mode": "error", "status": 503}, 503, "http_status", "pending"),
        ({"mode": "no_ok"}, 200, "not_ok", "pending"),
        ({"mode": "normal"}, 200, "", "delivered"),
    ],
)
def test_a_forced_answer_is_what_the_sender_records(
    client: httpx.Client, setting: dict, status: int, error: str, state: str
) -> None:
    connection = inspector_connection(client)
    shown = force(client, connection["id"], **setting)
    assert shown["built_in"] is True and shown["note"] is None
    assert shown["explanation"]["fr"] and shown["explanation"]["en"]

    delivery = test_connection(client, connection["id"])

    attempt = delivery["attempts"][-1]
    assert (attempt["status"], attempt["error"], delivery["state"]) == (status, error, state)
    if state == "pending":  # Digistore24 tries again later
        assert delivery["next_attempt_at"] is not None
        assert not attempt["reply"].startswith("OK") and f"receiver {connection['id']} normal" in attempt["reply"]
    record = inbound_of(client, connection["id"])[0]
    assert record["verdict"] == "connection_test" and record["status"] == status
    forced = {key: shown[key] for key in ("mode", "status", "delay_ms")}
    assert record["forced"] == (None if setting["mode"] == "normal" else forced)


def test_slow_answers_late_but_in_time(client: httpx.Client) -> None:
    connection = inspector_connection(client)
    force(client, connection["id"], mode="slow", delay_ms=400)
    delivery = test_connection(client, connection["id"])
    attempt = delivery["attempts"][-1]
    assert delivery["state"] == "delivered" and attempt["reply"] == "OK"
    assert 400 <= attempt["latency_ms"] < TIMEOUT * 1000


def test_hang_holds_past_the_timeout_so_the_sender_records_a_timeout(client: httpx.Client) -> None:
    connection = inspector_connection(client)
    shown = force(client, connection["id"], mode="hang")
    assert shown["effective_delay_ms"] > TIMEOUT * 1000

    delivery = test_connection(client, connection["id"])

    attempt = delivery["attempts"][-1]
    assert (attempt["status"], attempt["error"], delivery["state"]) == (None, "timeout", "pending")
    assert attempt["latency_ms"] >= TIMEOUT * 1000 * 0.9
    assert inbound_of(client, connection["id"])[0]["status"] is None


def test_the_zapier_hook_can_be_forced_too(client: httpx.Client) -> None:
    zapier = client.post("/api/zapier/connect").json()["connection"]
    force(client, zapier["id"], mode="error", status=502)
    delivery = test_connection(client, zapier["id"])
    assert (delivery["attempts"][-1]["status"], delivery["state"]) == (502, "pending")
    force(client, zapier["id"], mode="normal")
    delivery = test_connection(client, zapier["id"])
    assert (delivery["attempts"][-1]["status"], delivery["state"]) == (200, "delivered")


def test_a_connection_to_an_outside_url_is_told_it_is_not_affected(client: httpx.Client) -> None:
    outside = client.post("/api/connections", json={"url": "http://127.0.0.1:9/ipn", "passphrase": "p"}).json()
    shown = force(client, outside["id"], mode="error")
    assert shown["built_in"] is False
    assert "http://127.0.0.1:9/ipn" in shown["note"]["en"] and f"/ipn/{outside['id']}" in shown["note"]["fr"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"mode": "sleepy"}, "normal, error, no_ok, slow, hang"),
        ({"mode": "error", "status": 200}, "400"),
        ({"mode": "slow", "delay_ms": -5}, "delay_ms"),
        ({"mode": "slow", "delay_ms": 10**9}, "120000"),
        ({"mode": "slow", "wait": 1}, "wait"),
    ],
)
def test_a_wrong_setting_says_what_to_fix(client: httpx.Client, body: dict, words: str) -> None:
    connection = inspector_connection(client)
    answer = client.put(f"/api/receivers/{connection['id']}/behaviour", json=body)
    assert answer.status_code == 400 and words in answer.json()["error"]["message"]
    assert client.put("/api/receivers/1/behaviour", json={"mode": "error"}).status_code == 404


def test_the_setting_is_kept_in_sqlite_across_a_restart(bench: Server, client: httpx.Client) -> None:
    connection = inspector_connection(client)
    force(client, connection["id"], mode="slow", delay_ms=250)
    bench.stop()
    bench.start()
    kept = client.get(f"/api/receivers/{connection['id']}/behaviour").json()
    assert (kept["mode"], kept["delay_ms"]) == ("slow", 250)
