"""An in-process sandbox for service tests: an account, a running dispatcher, one loop."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from sandbox.services.account import Account
from sandbox.services.dispatcher import Dispatcher
from sandbox.storage.database import MEMORY, Database


@dataclass
class Rig:
    database: Database
    account: Account
    dispatcher: Dispatcher
    notices: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def product(self, billing_type: str, etickets: bool = False) -> str:
        return next(p.id for p in self.account.products() if p.billing_type == billing_type and p.etickets == etickets)

    def deliveries(self, event_id: int) -> dict[str, dict[str, Any]]:
        """The event's deliveries by connection id."""
        return {row["connection_id"]: row for row in self.account.store.deliveries_of([event_id])}

    def delivery(self, delivery_id: int) -> dict[str, Any]:
        row = self.account.store.delivery(delivery_id)
        assert row is not None
        return row

    def attempts(self, delivery_id: int) -> list[dict[str, Any]]:
        return self.account.store.attempts_of([delivery_id])

    def table_counts(self) -> dict[str, int]:
        sql = self.database.connection
        return {
            table: sql.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("objects", "events", "deliveries", "attempts")
        }


@asynccontextmanager
async def rig(
    path: str = MEMORY, *, speed: float = 10_000, timeout: float = 5.0, seed: str = "svc"
) -> AsyncIterator[Rig]:
    database = Database(path)
    notices: list[tuple[str, str, dict[str, Any]]] = []

    def notify(workspace: str, kind: str, data: dict[str, Any]) -> None:
        notices.append((workspace, kind, data))

    account = Account.open(database, "default", seed=seed, notify=notify)
    dispatcher = Dispatcher(database, speed=speed, timeout=timeout, notify=notify)
    account.on_event_stored.append(dispatcher.wake)
    dispatcher.start()
    try:
        yield Rig(database, account, dispatcher, notices)
    finally:
        await dispatcher.stop()
        database.close()


async def until(check: Callable[[], Any], timeout: float = 10.0, message: str = "") -> Any:
    """Poll ``check`` without blocking the loop; return its first truthy value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting: {message or check}")
        await asyncio.sleep(0.01)


def form_of(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
