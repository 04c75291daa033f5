"""The file database across restarts: a clean stop, and a kill while a delivery waits to retry."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.conftest import Server, free_port, product_of
from tests.services.harness import form_of


def everything(api: httpx.Client) -> dict:
    """What the account holds, as the API shows it (attempts included, timings dropped)."""
    events = api.get("/api/events?limit=500").json()["events"]
    connections = api.get("/api/connections").json()["connections"]
    return {
        "products": api.get("/api/products").json()["products"],
        "connections": connections,
        "orders": api.get("/api/orders").json()["orders"],
        "etickets": api.get("/api/etickets").json()["etickets"],
        "events": events,
        "reports": [api.get(f"/api/connections/{c['id']}/report").json() for c in connections],
    }


def wait_until(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_stopped_server_comes_back_with_everything(tmp_path: Path, endpoints) -> None:
    endpoint = endpoints()
    server = Server(url=f"http://127.0.0.1:{free_port()}", database=tmp_path / "sandbox.sqlite3")
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as api:
            product = api.post("/api/products", json={"name": "Après redémarrage", "price": "12.50"}).json()
            connection = api.post("/api/connections", json={"url": endpoint.url, "passphrase": "persist"}).json()
            plan = product_of(api, "subscription")
            paid = api.post("/api/test-payments", json={"product_id": plan["id"], "follow_ups": 1}).json()
            api.post(f"/api/orders/{paid['order_id']}/refund")
            api.post("/api/test-payments", json={"product_id": product_of(api, "single_payment", True)["id"]})
            before = everything(api)
        assert server.process is not None
        server.stop()  # SIGTERM
        # uvicorn shuts down cleanly, then re-raises the signal it caught.
        assert server.process.returncode in (0, -15)
        assert server.process.stderr is not None
        assert b"Traceback" not in server.process.stderr.read()

        server.start()
        with httpx.Client(base_url=server.url, timeout=30) as api:
            after = everything(api)
            again = api.post(f"/api/orders/{paid['order_id']}/chargeback")
    finally:
        server.stop()

    assert after == before
    assert product["id"] in {item["id"] for item in after["products"]}
    assert connection["id"] in {item["id"] for item in after["connections"]}
    assert paid["order_id"] in {item["id"] for item in after["orders"]}
    assert len(after["events"]) == 5  # 2 payments, 1 refund, 1 payment and 1 e-ticket
    deliveries = [d for event in after["events"] for d in event["deliveries"]]
    assert len(deliveries) == 5 and all(d["state"] == "delivered" and len(d["attempts"]) == 1 for d in deliveries)
    assert len(after["etickets"]) == 1
    # The restarted server goes on where it stopped: the order and its counters are intact.
    assert again.status_code == 201, again.text
    known = [int(event["fields"]["transaction_id"]) for event in after["events"] if "transaction_id" in event["fields"]]
    assert int(again.json()["transaction"]["id"]) > max(known)


def test_a_killed_server_resumes_a_pending_retry_after_restart(tmp_path: Path, endpoints) -> None:
    endpoint = endpoints(status=500, reply=b"down")
    server = Server(
        url=f"http://127.0.0.1:{free_port()}", database=tmp_path / "sandbox.sqlite3", extra=("--speed", "1000")
    )
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as api:
            connection = api.post("/api/connections", json={"url": endpoint.url, "passphrase": "persist"}).json()
            single = product_of(api, "single_payment")
            paid = api.post("/api/test-payments", json={"product_id": single["id"]}).json()
            report = f"/api/connections/{connection['id']}/report"
            wait_until(lambda: api.get(report).json()["deliveries"][0]["attempt_count"] >= 1)
            pending = api.get(report).json()["deliveries"][0]
            assert pending["state"] == "pending"
            assert pending["attempts"][0]["status"] == 500
        server.stop(kill=True)  # SIGKILL: no clean shutdown
        assert server.process is not None and server.process.returncode == -9
        failed_posts = len(endpoint.requests)
        endpoint.status, endpoint.reply = 200, b"OK"

        server.start()
        with httpx.Client(base_url=server.url, timeout=30) as api:
            delivered = wait_until(
                lambda: (row := api.get(report).json()["deliveries"][0])["state"] == "delivered" and row
            )
    finally:
        server.stop()

    assert delivered["id"] == pending["id"]
    assert delivered["order_id"] == paid["order_id"]
    statuses = [attempt["status"] for attempt in delivered["attempts"]]
    assert statuses[-1] == 200
    assert set(statuses[:-1]) == {500}
    assert len(statuses) >= failed_posts
    assert len({post.body for post in endpoint.requests}) == 1  # the same signed message every time
    assert form_of(endpoint.requests[-1].body)["order_id"] == paid["order_id"]
