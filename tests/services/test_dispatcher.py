"""Delivery in-process: retries on the back-off, isolation between connections, resends."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path

import pytest

from sandbox.delivery import schedule
from sandbox.ipn import signing
from sandbox.services.account import Account
from sandbox.services.dispatcher import PER_CONNECTION, Dispatcher
from sandbox.storage.database import Database
from tests.services.harness import form_of, rig, until

SPEED = 10_000


def test_a_failing_receiver_gets_retries_on_the_back_off_until_it_recovers(endpoints) -> None:
    endpoint = endpoints(script=[(500, b"database down"), (503, b""), (200, b"Thanks")])

    async def scenario() -> None:
        async with rig(speed=SPEED) as sandbox:
            connection = sandbox.account.save_connection({"url": endpoint.url, "passphrase": "pw"})
            result = sandbox.account.test_payment(sandbox.product("single_payment"))
            delivery_id = sandbox.deliveries(result["event_ids"][0])[connection.id]["id"]

            await until(lambda: sandbox.delivery(delivery_id)["state"] == "delivered", 10)

            delivery = sandbox.delivery(delivery_id)
            assert (delivery["attempts"], delivery["next_attempt_at"]) == (4, None)
            attempts = sandbox.attempts(delivery_id)
            assert [row["status"] for row in attempts] == [500, 503, 200, 200]
            assert [row["ok"] for row in attempts] == [0, 0, 0, 1]
            assert [row["error"] for row in attempts] == ["http_status", "http_status", "not_ok", ""]
            assert [row["reply"] for row in attempts] == ["database down", "", "Thanks", "OK"]
            assert all(row["latency_ms"] > 0 and row["manual"] == 0 for row in attempts)
            for number, (before, after) in enumerate(itertools.pairwise(attempts), start=1):
                assert after["at"] - before["at"] >= 0.8 * schedule.next_delay(number, SPEED), number
            bodies = {post.body for post in endpoint.requests}
            assert len(endpoint.requests) == 4 and len(bodies) == 1  # the same signed body each time
            assert signing.verify(form_of(endpoint.requests[0].body), "pw")

            told = [data for _, kind, data in sandbox.notices if kind == "attempt"]
            assert [data["state"] for data in told] == ["pending", "pending", "pending", "delivered"]
            assert [data["attempt"] for data in told] == [1, 2, 3, 4]
            assert all(data["next_attempt_at"] is not None for data in told[:3])

    asyncio.run(scenario())


def test_while_failing_the_delivery_waits_for_its_next_attempt(endpoints) -> None:
    endpoint = endpoints(status=500)

    async def scenario() -> None:
        async with rig(speed=1) as sandbox:  # real schedule: the first retry is 3 minutes away
            connection = sandbox.account.save_connection({"url": endpoint.url, "passphrase": "pw"})
            result = sandbox.account.test_payment(sandbox.product("single_payment"))
            delivery_id = sandbox.deliveries(result["event_ids"][0])[connection.id]["id"]

            await until(lambda: sandbox.delivery(delivery_id)["attempts"] == 1)
            delivery = sandbox.delivery(delivery_id)
            assert delivery["state"] == "pending"
            assert delivery["next_attempt_at"] - time.time() == pytest.approx(180, abs=5)
            await asyncio.sleep(0.3)
            assert len(endpoint.requests) == 1

    asyncio.run(scenario())


def test_after_twenty_retries_the_delivery_is_given_up(endpoints) -> None:
    endpoint = endpoints(status=500, reply=b"no")

    async def scenario() -> None:
        async with rig(speed=2_000_000) as sandbox:
            connection = sandbox.account.save_connection({"url": endpoint.url, "passphrase": "pw"})
            result = sandbox.account.test_payment(sandbox.product("single_payment"))
            delivery_id = sandbox.deliveries(result["event_ids"][0])[connection.id]["id"]

            await until(lambda: sandbox.delivery(delivery_id)["state"] == "failed", 15)

            delivery = sandbox.delivery(delivery_id)
            assert delivery["attempts"] == 21  # the first try and 20 retries
            assert delivery["next_attempt_at"] is None
            await asyncio.sleep(0.2)
            assert len(endpoint.requests) == 21

    asyncio.run(scenario())


def test_a_hanging_receiver_does_not_delay_another_connection(endpoints) -> None:
    hanging, quick = endpoints(delay=3.0), endpoints()

    async def scenario() -> None:
        async with rig(timeout=5.0) as sandbox:
            slow = sandbox.account.save_connection({"url": hanging.url, "passphrase": "pw"})
            fast = sandbox.account.save_connection({"url": quick.url, "passphrase": "pw"})
            started = time.monotonic()
            first = sandbox.account.test_payment(sandbox.product("single_payment"))
            second = sandbox.account.test_payment(sandbox.product("single_payment"))

            def quick_delivered() -> bool:
                return all(
                    sandbox.deliveries(result["event_ids"][0])[fast.id]["state"] == "delivered"
                    for result in (first, second)
                )

            await until(quick_delivered, 2.5)
            assert time.monotonic() - started < 1.5
            assert len(quick.requests) == 2
            for result in (first, second):
                deliveries = sandbox.deliveries(result["event_ids"][0])
                assert deliveries[fast.id]["state"] == "delivered"
                assert deliveries[slow.id]["state"] == "pending"
                assert deliveries[slow.id]["attempts"] == 0
            assert len(hanging.requests) == 2  # two orders: they go out side by side

    asyncio.run(scenario())


def test_an_orders_events_reach_a_connection_one_after_the_other_in_order(endpoints) -> None:
    slow = endpoints(delay=0.3)

    async def scenario() -> None:
        async with rig(timeout=5.0) as sandbox:
            sandbox.account.save_connection({"url": slow.url, "passphrase": "pw"})
            sandbox.account.test_payment(sandbox.product("subscription"), follow_ups=2)

            await until(lambda: len(slow.requests) == 1, 2)
            await asyncio.sleep(0.2)
            assert len(slow.requests) == 1  # the rebills wait for the first payment's answer
            await until(lambda: len(slow.requests) == 3, 3)
            sent = [form_of(post.body) for post in slow.requests]
            assert [fields["pay_sequence_no"] for fields in sent] == ["1", "2", "3"]
            assert len({fields["order_id"] for fields in sent}) == 1

    asyncio.run(scenario())


def test_at_most_eight_posts_are_in_flight_to_one_connection(endpoints) -> None:
    hanging, quick = endpoints(delay=3.0), endpoints()

    async def scenario() -> None:
        async with rig(timeout=5.0) as sandbox:
            sandbox.account.save_connection({"url": hanging.url, "passphrase": "pw"})
            single = sandbox.product("single_payment")
            for _ in range(12):  # twelve orders
                sandbox.account.test_payment(single)

            await until(lambda: len(hanging.requests) >= PER_CONNECTION, 2.5)
            await asyncio.sleep(0.3)
            assert len(hanging.requests) == PER_CONNECTION  # the other four wait for a free slot
            fast = sandbox.account.save_connection({"url": quick.url, "passphrase": "pw"})
            result = sandbox.account.test_payment(single)  # another connection is not held up
            delivery_id = sandbox.deliveries(result["event_ids"][0])[fast.id]["id"]
            await until(lambda: sandbox.delivery(delivery_id)["state"] == "delivered", 2)
            assert len(hanging.requests) == PER_CONNECTION
            await until(lambda: len(hanging.requests) == 13, 8)

    asyncio.run(scenario())


def test_a_timed_out_attempt_is_recorded_as_timeout(endpoints) -> None:
    endpoint = endpoints(delay=2.0)

    async def scenario() -> None:
        async with rig(speed=1, timeout=0.3) as sandbox:
            connection = sandbox.account.save_connection({"url": endpoint.url, "passphrase": "pw"})
            result = sandbox.account.test_payment(sandbox.product("single_payment"))
            delivery_id = sandbox.deliveries(result["event_ids"][0])[connection.id]["id"]

            await until(lambda: sandbox.delivery(delivery_id)["attempts"] == 1, 5)

            (attempt,) = sandbox.attempts(delivery_id)
            assert (attempt["error"], attempt["status"], attempt["ok"]) == ("timeout", None, 0)
            assert attempt["latency_ms"] >= 250
            assert sandbox.delivery(delivery_id)["state"] == "pending"

    asyncio.run(scenario())


def test_a_manual_resend_posts_the_same_body_and_is_logged(endpoints) -> None:
    endpoint = endpoints()

    async def scenario() -> None:
        async with rig() as sandbox:
            connection = sandbox.account.save_connection({"url": endpoint.url, "passphrase": "pw"})
            result = sandbox.account.test_payment(sandbox.product("single_payment"))
            delivery_id = sandbox.deliveries(result["event_ids"][0])[connection.id]["id"]
            await until(lambda: sandbox.delivery(delivery_id)["state"] == "delivered")

            endpoint.status, endpoint.reply = 500, b"broken now"
            failed = await sandbox.dispatcher.resend(sandbox.delivery(delivery_id))
            endpoint.status, endpoint.reply = 200, b"OK again"
            again = await sandbox.dispatcher.resend(sandbox.delivery(delivery_id))

            assert (failed.ok, failed.status, failed.error) == (False, 500, "http_status")
            assert (again.ok, again.reply) == (True, "OK again")
            delivery = sandbox.delivery(delivery_id)
            assert (delivery["state"], delivery["attempts"]) == ("delivered", 3)  # a manual failure does not undo it
            attempts = sandbox.attempts(delivery_id)
            assert [row["manual"] for row in attempts] == [0, 1, 1]
            assert [row["status"] for row in attempts] == [200, 500, 200]
            assert len({post.body for post in endpoint.requests}) == 1
            assert len(endpoint.requests) == 3

    asyncio.run(scenario())


def test_a_manual_resend_can_deliver_a_given_up_delivery(endpoints) -> None:
    endpoint = endpoints(status=500)

    async def scenario() -> None:
        async with rig(speed=2_000_000) as sandbox:
            connection = sandbox.account.save_connection({"url": endpoint.url, "passphrase": "pw"})
            result = sandbox.account.test_payment(sandbox.product("single_payment"))
            delivery_id = sandbox.deliveries(result["event_ids"][0])[connection.id]["id"]
            await until(lambda: sandbox.delivery(delivery_id)["state"] == "failed", 15)

            endpoint.status = 200
            outcome = await sandbox.dispatcher.resend(sandbox.delivery(delivery_id))

            assert outcome.ok
            assert sandbox.delivery(delivery_id)["state"] == "delivered"
            assert sandbox.attempts(delivery_id)[-1]["manual"] == 1

    asyncio.run(scenario())


def test_pending_deliveries_in_the_database_are_picked_up_by_a_new_dispatcher(endpoints, tmp_path: Path) -> None:
    endpoint = endpoints(status=500)
    path = str(tmp_path / "restart.sqlite3")

    async def first_run() -> int:
        async with rig(path, speed=SPEED) as sandbox:
            connection = sandbox.account.save_connection({"url": endpoint.url, "passphrase": "pw"})
            result = sandbox.account.test_payment(sandbox.product("single_payment"))
            delivery_id = sandbox.deliveries(result["event_ids"][0])[connection.id]["id"]
            await until(lambda: sandbox.delivery(delivery_id)["attempts"] >= 1)
            return delivery_id

    delivery_id = asyncio.run(first_run())
    endpoint.status = 200

    async def second_run() -> None:
        database = Database(path)
        dispatcher = Dispatcher(database, speed=SPEED)
        dispatcher.start()
        try:

            def state() -> str:
                row = database.connection.execute(
                    "SELECT state FROM deliveries WHERE id = ?", (delivery_id,)
                ).fetchone()
                return row[0] == "delivered"

            await until(state, 10)
        finally:
            await dispatcher.stop()
            database.close()

    asyncio.run(second_run())
    assert endpoint.requests[-1].body == endpoint.requests[0].body


def test_settled_waits_for_first_attempts_only(endpoints) -> None:
    endpoint = endpoints(status=500)

    async def scenario() -> None:
        async with rig(speed=1) as sandbox:
            sandbox.account.save_connection({"url": endpoint.url, "passphrase": "pw"})
            result = sandbox.account.test_payment(sandbox.product("single_payment"))

            started = time.monotonic()
            assert await sandbox.dispatcher.settled(result["event_ids"], 5)
            assert time.monotonic() - started < 2
            assert await sandbox.dispatcher.settled([], 0)

    asyncio.run(scenario())


def test_settled_wakes_each_caller_when_its_own_events_are_attempted(endpoints) -> None:
    slow, hanging = endpoints(delay=0.4), endpoints(delay=3.0)

    async def scenario() -> None:
        async with rig(timeout=5.0) as sandbox:
            account = sandbox.account
            account.save_connection({"url": slow.url, "passphrase": "pw"})
            subscription = account.test_payment(sandbox.product("subscription"), follow_ups=1)  # one order
            single = account.test_payment(sandbox.product("single_payment"))
            started = time.monotonic()

            both, alone = await asyncio.gather(
                sandbox.dispatcher.settled(subscription["event_ids"], 5),
                sandbox.dispatcher.settled(single["event_ids"], 5),
            )

            assert (both, alone) == (True, True)
            assert len(slow.requests) == 3
            assert 0.7 <= time.monotonic() - started < 2.5  # the rebill waited for the first payment
            account.save_connection({"url": hanging.url, "passphrase": "pw"})
            stuck = account.test_payment(sandbox.product("single_payment"))
            assert not await sandbox.dispatcher.settled(stuck["event_ids"], 0.3)
            assert sandbox.dispatcher._waiters == {}  # a caller that gave up leaves nothing behind

    asyncio.run(scenario())


def test_a_delivery_to_an_unusable_url_is_logged_and_does_not_stop_the_others(endpoints) -> None:
    healthy = endpoints()

    async def scenario() -> None:
        async with rig(speed=1) as sandbox:
            broken = sandbox.account.save_connection({"url": healthy.url, "passphrase": "pw"})
            working = sandbox.account.save_connection({"url": healthy.url, "passphrase": "pw2"})
            # A URL stored before it was checked as strictly as now (or edited in the file).
            stored = sandbox.account.store.get("connection", broken.id)
            sandbox.account.store.put("connection", broken.id, {**stored, "url": "http://127.0.0.1:99999/ipn"})
            result = sandbox.account.test_payment(sandbox.product("single_payment"))
            deliveries = sandbox.deliveries(result["event_ids"][0])

            await until(lambda: sandbox.delivery(deliveries[broken.id]["id"])["attempts"] == 1, 5)
            (attempt,) = sandbox.attempts(deliveries[broken.id]["id"])
            assert (attempt["ok"], attempt["status"], attempt["error"]) == (0, None, "connection_failed")
            assert sandbox.delivery(deliveries[broken.id]["id"])["state"] == "pending"
            await until(lambda: sandbox.delivery(deliveries[working.id]["id"])["state"] == "delivered", 5)
            later = sandbox.account.test_payment(sandbox.product("single_payment"))
            later_delivery = sandbox.deliveries(later["event_ids"][0])[working.id]["id"]
            await until(lambda: sandbox.delivery(later_delivery)["state"] == "delivered", 5)

    asyncio.run(scenario())


def test_a_long_queue_behind_a_hanging_receiver_does_not_starve_another_connection(endpoints) -> None:
    hanging, quick = endpoints(delay=2.0), endpoints()

    async def scenario() -> None:
        async with rig(timeout=5.0) as sandbox:
            account = sandbox.account
            account.save_connection({"url": hanging.url, "passphrase": "pw"})
            single = sandbox.product("single_payment")
            for _ in range(210):  # more than the dispatcher fetches at once
                account.test_payment(single)
            await until(lambda: len(hanging.requests) == PER_CONNECTION, 5)  # its slots all hang
            fast = account.save_connection({"url": quick.url, "passphrase": "pw"})

            started = time.monotonic()
            result = account.test_payment(single)
            delivery_id = sandbox.deliveries(result["event_ids"][0])[fast.id]["id"]

            await until(lambda: sandbox.delivery(delivery_id)["state"] == "delivered", 3.0)
            assert time.monotonic() - started < 1.5

    asyncio.run(scenario())


def test_stop_ends_every_worker_even_with_work_queued(endpoints) -> None:
    hanging = endpoints(delay=2.0)

    async def scenario() -> None:
        database = Database()
        account = Account.open(database, "default", seed="stop")
        dispatcher = Dispatcher(database, timeout=5.0)
        account.on_event_stored.append(dispatcher.wake)
        account.save_connection({"url": hanging.url, "passphrase": "pw"})
        single = next(p.id for p in account.products() if p.billing_type == "single_payment")
        dispatcher.start()
        for _ in range(PER_CONNECTION + 3):  # more orders than posts in flight: three wait
            account.test_payment(single)
        await until(lambda: len(hanging.requests) == PER_CONNECTION, 5)

        await dispatcher.stop()
        await asyncio.sleep(0.05)

        workers = [task for task in asyncio.all_tasks() if "Dispatcher._work" in repr(task.get_coro())]
        assert workers == [], "stop() left delivery workers running"
        await asyncio.sleep(2.5)  # past the hanging calls' answers, when queued work would go out
        assert len(hanging.requests) == PER_CONNECTION, "a stopped dispatcher went on posting"
        database.close()

    asyncio.run(scenario())
