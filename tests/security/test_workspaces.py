"""A sandbox serving many readers: one workspace per browser, isolated, with quotas and expiry."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from sandbox.services.account import Account
from sandbox.storage.database import Database
from sandbox.web.workspaces import COOKIE, expire
from tests.conftest import Server, free_port


@pytest.fixture
def public_server(tmp_path) -> Iterator[Server]:
    instance = Server(
        url=f"http://127.0.0.1:{free_port()}",
        database=tmp_path / "shared.sqlite3",
        extra=("--per-reader", "--idle-minutes", "60"),
    )
    instance.start()
    yield instance
    instance.stop()


def reader(server: Server) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=30)


def test_each_browser_gets_its_own_workspace_and_sees_only_its_own_data(public_server: Server, receiver) -> None:
    with reader(public_server) as alice, reader(public_server) as bob:
        alice_products = alice.get("/api/products")
        cookie = alice_products.cookies.get(COOKIE)
        assert cookie and len(cookie) == 32
        assert "HttpOnly" in alice_products.headers["set-cookie"]
        bob.get("/api/products")
        assert bob.cookies.get(COOKIE) != cookie

        product = alice.post("/api/products", json={"name": "Cours d'Alice", "price": "12.00"}).json()
        alice.post("/api/connections", json={"url": receiver.url, "passphrase": "alice-secret"})
        paid = alice.post("/api/test-payments", json={"product_id": product["id"]})
        assert paid.status_code == 201

        assert product["id"] not in {item["id"] for item in bob.get("/api/products").json()["products"]}
        assert bob.get("/api/connections").json()["connections"] == []
        assert bob.get("/api/events").json()["events"] == []
        assert bob.get(f"/api/orders/{paid.json()['order_id']}").status_code == 404
        assert bob.post(f"/api/orders/{paid.json()['order_id']}/refund").status_code == 404
        assert len(alice.get("/api/events").json()["events"]) == 1
        assert "alice-secret" not in alice.get("/api/connections").text


def test_a_forged_or_unknown_workspace_id_gets_a_fresh_workspace(public_server: Server) -> None:
    with reader(public_server) as alice:
        alice.post("/api/products", json={"name": "Secret", "price": "1.00"})
        forged = httpx.get(f"{public_server.url}/api/products", cookies={COOKIE: "x" * 32})
        assert "Secret" not in forged.text
        assert forged.cookies.get(COOKIE) not in (None, "x" * 32)


def test_quotas_refuse_more_than_a_workspace_may_hold(public_server: Server) -> None:
    with reader(public_server) as alice:
        answers = [
            alice.post("/api/connections", json={"url": f"http://127.0.0.1:9/{n}", "passphrase": "p"})
            for n in range(11)
        ]
        assert [answer.status_code for answer in answers[:10]] == [201] * 10
        assert answers[10].status_code == 429
        assert answers[10].json()["error"]["code"] == "quota_exceeded"
        assert len(alice.get("/api/connections").json()["connections"]) == 10


def test_idle_workspaces_are_deleted_with_everything_they_hold(tmp_path) -> None:
    database = Database(str(tmp_path / "expire.sqlite3"))
    old = Account.open(database, "A" * 32, seed="old")
    old.test_payment(old.products()[0].id)
    Account.open(database, "B" * 32, seed="new")
    database.connection.execute("UPDATE workspaces SET last_seen_at = ? WHERE id = ?", (time.time() - 7200, "A" * 32))

    assert expire(database, idle_seconds=3600) == ["A" * 32]

    left = {row[0] for row in database.connection.execute("SELECT DISTINCT workspace FROM objects")}
    assert left == {"B" * 32}
    assert database.connection.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0
    assert database.connection.execute("SELECT COUNT(*) FROM workspaces").fetchone()[0] == 1
