"""The database: all-or-nothing transactions, counters, WAL on a file, reopening."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.storage import store
from sandbox.storage.database import Database
from sandbox.storage.store import Store


class Boom(Exception):
    pass


def counts(database: Database) -> dict[str, int]:
    return {
        table: database.connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("workspaces", "counters", "objects", "events", "deliveries", "attempts")
    }


def write_a_bit_of_everything(shop: Store) -> None:
    shop.next_number("transaction", 3999000)
    shop.put("order", "SBX2345A", {"id": "SBX2345A"})
    event_id = shop.add_event("on_payment", "simulated", {"event": "on_payment"}, "SBX2345A")
    shop.add_delivery(event_id, "654300", send=True, reason="matches", params={}, url="http://x/", due_at=0.0)


def test_a_failing_transaction_leaves_nothing_half_written() -> None:
    database = Database()
    shop = Store(database, "w1")
    before = counts(database)

    with pytest.raises(Boom), shop.transaction():
        write_a_bit_of_everything(shop)
        raise Boom

    assert counts(database) == before
    assert shop.get("order", "SBX2345A") is None
    assert shop.next_number("transaction", 3999000) == 3999000  # the counter was rolled back too


def test_a_failure_in_a_nested_transaction_rolls_back_the_outer_one() -> None:
    database = Database()
    shop = Store(database, "w1")

    with pytest.raises(Boom), shop.transaction():
        shop.put("product", "111111", {"name": "kept?"})
        with shop.transaction():
            write_a_bit_of_everything(shop)
            raise Boom

    assert shop.get("product", "111111") is None
    assert counts(database)["events"] == 0


def test_after_a_rollback_the_next_transaction_commits() -> None:
    database = Database()
    shop = Store(database, "w1")
    with pytest.raises(Boom), shop.transaction():
        shop.put("product", "111111", {"name": "lost"})
        raise Boom

    with shop.transaction():
        write_a_bit_of_everything(shop)

    assert counts(database)["events"] == 1
    assert shop.get("order", "SBX2345A") == {"id": "SBX2345A"}
    assert not database.connection.in_transaction


def test_counters_start_at_the_given_value_and_are_per_workspace_and_name() -> None:
    database = Database()
    one, two = Store(database, "w1"), Store(database, "w2")

    assert [one.next_number("order_item", 33299000) for _ in range(3)] == [33299000, 33299001, 33299002]
    assert one.next_number("transaction", 3999000) == 3999000
    assert two.next_number("order_item", 33299000) == 33299000
    assert one.next_number("order_item", 1) == 33299003  # start only matters the first time


def test_documents_are_per_workspace_and_replaced_on_put() -> None:
    database = Database()
    one, two = Store(database, "w1"), Store(database, "w2")
    one.put("product", "111111", {"name": "Café"})
    one.put("product", "111111", {"name": "Thé"})
    two.put("product", "111111", {"name": "autre"})

    assert one.get("product", "111111") == {"name": "Thé"}
    assert one.count("product") == 1
    assert one.all("product") == [{"name": "Thé"}]
    assert two.get("product", "111111") == {"name": "autre"}
    assert one.get("product", "999999") is None


def test_events_deliveries_and_attempts_are_queried_back() -> None:
    database = Database()
    shop = Store(database, "w1")
    with shop.transaction():
        first = shop.add_event("on_payment", "simulated", {"buyer_first_name": "Zoé"}, "SBX2345A")
        second = shop.add_event("on_refund", "simulated", {}, "SBX2345A")
        other = shop.add_event("on_payment", "simulated", {}, "OTHER123")
        sent = shop.add_delivery(first, "654300", send=True, reason="matches", params={}, url="http://x/", due_at=5.0)
        skipped = shop.add_delivery(
            first, "654301", send=False, reason="product_not_selected", params={"product_id": "1"}
        )

    assert [row["id"] for row in shop.events()] == [other, second, first]  # newest first
    assert [row["id"] for row in shop.events(order_id="SBX2345A")] == [second, first]
    assert [row["id"] for row in shop.events(after_id=first)] == [other, second]
    assert shop.event(first)["fields"] == {"buyer_first_name": "Zoé"}
    assert shop.delivery(skipped)["state"] == "skipped"
    assert shop.delivery(skipped)["params"] == {"product_id": "1"}
    assert shop.delivery(sent)["state"] == "pending"
    assert Store(database, "w2").event(first) is None

    assert [row["id"] for row in store.due_deliveries(database, now=4.0)] == []
    assert [row["id"] for row in store.due_deliveries(database, now=5.0)] == [sent]
    assert store.next_due_time(database) == 5.0

    result = {"ok": False, "status": 500, "latency_ms": 3.5, "reply": "boom", "error": "http_status", "detail": ""}
    store.record_attempt(database, sent, result, state="pending", next_attempt_at=185.0)
    store.record_attempt(database, sent, {**result, "ok": True, "status": 200}, state="delivered", next_attempt_at=None)

    delivery = shop.delivery(sent)
    assert (delivery["attempts"], delivery["state"], delivery["next_attempt_at"]) == (2, "delivered", None)
    attempts = shop.attempts_of([sent])
    assert [(row["ok"], row["status"], row["reply"]) for row in attempts] == [(0, 500, "boom"), (1, 200, "boom")]
    assert store.due_deliveries(database, now=1e12) == []
    assert store.next_due_time(database) is None


def test_a_file_database_uses_wal_and_keeps_data_after_reopening(tmp_path: Path) -> None:
    path = str(tmp_path / "sandbox.sqlite3")
    database = Database(path)
    assert database.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    shop = Store(database, "w1")
    with shop.transaction():
        write_a_bit_of_everything(shop)
    database.close()

    reopened = Database(path)

    assert counts(reopened)["events"] == 1
    assert Store(reopened, "w1").get("order", "SBX2345A") == {"id": "SBX2345A"}
    assert Store(reopened, "w1").next_number("transaction", 3999000) == 3999001


def test_a_memory_database_is_not_wal() -> None:
    assert Database().connection.execute("PRAGMA journal_mode").fetchone()[0] == "memory"
