"""Delivery of stored IPN: first attempts at once, retries on the back-off, resends by hand.

Deliveries live in the database, so a restart picks up whatever was pending. Each order
has its own queue per connection, worked in the order its events happened, so a receiver
sees an order's first payment before its rebills and its refund; different orders go out
side by side, at most ``PER_CONNECTION`` posts in flight to one connection, so a slow
receiver holds only its own slots. Events without an order (affiliates) share one queue per
connection. Retries come back on their schedule, after newer events, as Digistore24 does
not promise order either.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from sandbox.delivery import client, schedule
from sandbox.delivery.guard import ANYWHERE, Destinations
from sandbox.services.notifier import Notify, silent
from sandbox.storage import store
from sandbox.storage.database import Database

# Sandbox-only header: lets the built-in receivers link what they got to the delivery that sent it.
DELIVERY_HEADER = "X-Sandbox-Delivery"
PER_CONNECTION = 8  # posts in flight to one connection at once

QueueKey = tuple[str, str, str]  # workspace, connection id, order id ("" for events of no order)


class ConnectionSlots:
    """At most ``size`` posts in flight per connection; an entry lives only while it is used."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: dict[tuple[str, str], tuple[asyncio.Semaphore, int]] = {}

    @contextlib.asynccontextmanager
    async def take(self, connection: tuple[str, str]) -> AsyncIterator[None]:
        entry = self._entries.get(connection)
        semaphore, users = entry if entry else (asyncio.Semaphore(self.size), 0)
        self._entries[connection] = (semaphore, users + 1)
        try:
            async with semaphore:
                yield
        finally:
            semaphore, users = self._entries[connection]
            if users == 1:
                del self._entries[connection]
            else:
                self._entries[connection] = (semaphore, users - 1)


class Dispatcher:
    def __init__(
        self,
        database: Database,
        *,
        speed: float = 1.0,
        timeout: float = 10.0,
        concurrency: int = 32,
        per_connection: int = PER_CONNECTION,
        notify: Notify = silent,
        destinations: Destinations = ANYWHERE,
    ) -> None:
        self.db = database
        self.destinations = destinations
        self.speed = speed
        self.timeout = timeout
        self.notify = notify
        self._concurrency = concurrency
        self._limit = asyncio.Semaphore(concurrency)
        self._slots = ConnectionSlots(per_connection)
        self._wake = asyncio.Event()
        self._in_flight: set[int] = set()
        self._queues: dict[QueueKey, deque[dict[str, Any]]] = {}
        self._tasks: dict[QueueKey, asyncio.Task[None]] = {}
        # settled() callers by event id: each waits on a set of events and its future.
        self._waiters: dict[int, list[tuple[set[int], asyncio.Future[None]]]] = {}
        self._session: aiohttp.ClientSession | None = None
        self._runner: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        self._runner = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        self._stopping = True
        if self._runner:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        if self._session:
            await self._session.close()

    def wake(self, _event_ids: list[int] | None = None) -> None:
        self._wake.set()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            for delivery in store.due_deliveries(self.db, time.time(), skip=self._in_flight):
                self._in_flight.add(delivery["id"])
                key = (delivery["workspace"], delivery["connection_id"], delivery["order_id"])
                self._queues.setdefault(key, deque()).append(delivery)
                if key not in self._tasks:
                    self._tasks[key] = asyncio.create_task(self._work(key))
            due = store.next_due_time(self.db)
            wait = 60.0 if due is None else max(0.0, min(60.0, due - time.time()))
            if due is not None and wait == 0.0:
                wait = 0.05  # in-flight deliveries are still due; look again shortly
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _work(self, key: QueueKey) -> None:
        """Deliver one queue in order, then end; a new task starts with new work."""
        queue = self._queues[key]
        try:
            while queue:
                await self._attempt(queue.popleft())
        finally:
            del self._tasks[key]
            if not queue:
                del self._queues[key]
            elif not self._stopping:  # work arrived while we were finishing
                self._tasks[key] = asyncio.create_task(self._work(key))

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:  # made on first use: it must belong to the running loop
            self._session = client.open_session(self._concurrency)
        return self._session

    async def _attempt(
        self, delivery: dict[str, Any], *, manual: bool = False, retry: bool = True
    ) -> client.AttemptResult:
        try:
            refused = await self.destinations.check(delivery["url"])
            if refused:
                result = client.AttemptResult(False, None, 0.0, "", "destination_refused", refused)
            else:
                async with self._slots.take((delivery["workspace"], delivery["connection_id"])), self._limit:
                    result = await client.post(
                        self._http(),
                        delivery["url"],
                        delivery["body"].encode("ascii"),
                        rule=delivery["success"],
                        timeout=self.timeout,
                        headers={DELIVERY_HEADER: str(delivery["id"])},
                    )
            attempts = delivery["attempts"] + 1
            if result.ok:
                state, next_at = "delivered", None
            elif manual and delivery["state"] != "pending":
                state, next_at = delivery["state"], delivery["next_attempt_at"]
            elif not retry:
                state, next_at = "failed", None
            else:
                delay = schedule.next_delay(attempts, self.speed)
                state, next_at = ("failed", None) if delay is None else ("pending", time.time() + delay)
            store.record_attempt(
                self.db, delivery["id"], result.to_dict(), state=state, next_attempt_at=next_at, manual=manual
            )
            self.notify(
                delivery["workspace"],
                "attempt",
                {
                    "delivery_id": delivery["id"],
                    "event_id": delivery["event_id"],
                    "connection_id": delivery["connection_id"],
                    "state": state,
                    "attempt": attempts,
                    "next_attempt_at": next_at,
                    **result.to_dict(),
                },
            )
            return result
        finally:
            self._in_flight.discard(delivery["id"])
            self._tell_waiters(delivery["event_id"])

    async def resend(self, delivery: dict[str, Any]) -> client.AttemptResult:
        """Send a delivery again now, by hand, whatever its state."""
        return await self._attempt(delivery, manual=True)

    async def replay(self, delivery: dict[str, Any]) -> client.AttemptResult:
        """Send a replayed (possibly edited) delivery once, now: delivered or failed, no retries."""
        return await self._attempt(delivery, manual=True, retry=False)

    def _unsettled(self, event_ids: list[int]) -> set[int]:
        """The events among these with a delivery still waiting for its first attempt."""
        marks = ",".join("?" * len(event_ids))
        rows = self.db.connection.execute(
            f"SELECT DISTINCT event_id FROM deliveries WHERE event_id IN ({marks}) AND state = 'pending'"
            " AND attempts = 0",
            event_ids,
        ).fetchall()
        return {row[0] for row in rows}

    def _tell_waiters(self, event_id: int) -> None:
        """After an attempt: wake the callers of settled() whose last event this was, only them."""
        waiting = self._waiters.get(event_id)
        if not waiting or self._unsettled([event_id]):
            return
        del self._waiters[event_id]
        for events, future in waiting:
            events.discard(event_id)
            if not events and not future.done():
                future.set_result(None)

    async def settled(self, event_ids: list[int], timeout: float) -> bool:
        """Wait until every delivery of these events had its first attempt (or time runs out)."""
        if not event_ids:
            return True
        self.wake()
        events = self._unsettled(event_ids)
        if not events:
            return True
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiter = (events, future)
        for event_id in events:
            self._waiters.setdefault(event_id, []).append(waiter)
        try:
            await asyncio.wait_for(future, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            for event_id in list(events):
                waiting = self._waiters.get(event_id, [])
                if waiter in waiting:
                    waiting.remove(waiter)
                    if not waiting:
                        del self._waiters[event_id]
