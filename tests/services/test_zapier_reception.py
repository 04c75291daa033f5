"""What a Zapier reception publishes on the stream, and what its hook call still returns."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from sandbox.services.account import Account
from sandbox.services.zapier import ZapierAccount
from sandbox.storage.database import MEMORY, Database

STREAM_LIMIT = 2048  # bytes of JSON; the whole reception is over 20 KB


@dataclass
class Setup:
    account: Account
    zapier: ZapierAccount
    product_id: str
    notices: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def paid_delivery(self) -> tuple[str, dict[str, Any]]:
        """(order id, the Zapier connection's delivery) of a new test payment."""
        paid = self.account.test_payment(self.product_id)
        connection_id = self.zapier.state()["connection_id"]
        deliveries = self.account.store.deliveries_of(paid["event_ids"])
        (delivery,) = [row for row in deliveries if row["connection_id"] == connection_id]
        return paid["order_id"], delivery

    def receptions(self) -> list[dict[str, Any]]:
        return [data for kind, data in self.notices if kind == "reception"]


@pytest.fixture
def setup() -> Iterator[Setup]:
    """A connected Zapier account with three order Zaps on, as in the pipeline benchmark."""
    database = Database(MEMORY)
    notices: list[tuple[str, dict[str, Any]]] = []
    account = Account.open(
        database, "default", seed="reception", notify=lambda _, kind, data: notices.append((kind, data))
    )
    zapier = ZapierAccount(account, "http://sandbox.test")
    zapier.connect()
    single = next(p.id for p in account.products() if p.billing_type == "single_payment" and not p.etickets)
    for kind in ("sheets", "gmail", "sheets"):
        created = zapier.create_zap({"trigger": "order", "product_ids": [single], "action": {"kind": kind}}, "en")
        zapier.turn_on(created.id)
    yield Setup(account, zapier, single, notices)
    database.close()


def test_the_streamed_reception_is_small_and_carries_every_runs_status(setup: Setup) -> None:
    order_id, delivery = setup.paid_delivery()

    status, reply, full = setup.zapier.receive(delivery["body"].encode("ascii"), delivery["id"])

    assert (status, reply) == (200, "OK")
    (message,) = setup.receptions()
    assert "fields" not in message
    assert all("output" not in run and "result" not in run for run in message["runs"])
    size = len(json.dumps(message, ensure_ascii=False).encode())
    assert size < STREAM_LIMIT, size
    assert message["delivery_id"] == delivery["id"] and isinstance(message["id"], int)
    assert (message["event"], message["accepted"], message["order_id"]) == ("on_payment", True, order_id)
    assert [run["status"] for run in message["runs"]] == ["ran", "ran", "ran"]
    # the hook's answer (the inspector shows it) keeps everything
    assert len(full["fields"]) > 100 and full["fields"]["order_id"] == order_id
    assert all(run["output"] and run["result"] for run in full["runs"])
    assert len(json.dumps(full, ensure_ascii=False).encode()) > 10 * size


def test_a_repeated_delivery_streams_its_duplicate_runs(setup: Setup) -> None:
    _, delivery = setup.paid_delivery()
    body = delivery["body"].encode("ascii")

    setup.zapier.receive(body, delivery["id"])
    setup.zapier.receive(body, delivery["id"])

    first, again = setup.receptions()
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    assert [run["status"] for run in again["runs"]] == ["duplicate"] * 3
    assert again["runs"][0]["reason"]["code"] == "duplicate"


def test_a_refused_delivery_streams_why(setup: Setup) -> None:
    _, delivery = setup.paid_delivery()
    tampered = delivery["body"].replace("amount=", "amount=1", 1).encode("ascii")

    status, _, _ = setup.zapier.receive(tampered, delivery["id"])

    assert status == 403
    (message,) = setup.receptions()
    assert (message["accepted"], message["reason"]["code"]) == (False, "wrong_passphrase_or_changed")
    assert [run["status"] for run in message["runs"]] == ["refused"] * 3
