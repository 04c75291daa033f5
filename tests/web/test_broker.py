"""The stream's broker in-process: one serialization per message, batching, drops, close."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from sandbox.web import stream
from sandbox.web.stream import Broker


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 10))


async def opened(broker: Broker, workspace: str = "w") -> AsyncIterator[str]:
    """A subscription past its ``retry:`` line, so it is registered and listening."""
    subscription = broker.subscribe(workspace)
    assert await anext(subscription) == "retry: 2000\n\n"
    return subscription


def parse(chunk: str) -> list[tuple[str, dict[str, Any]]]:
    messages = []
    for block in chunk.split("\n\n"):
        if not block:
            continue
        kind_line, data_line = block.split("\n")
        assert kind_line.startswith("event: ") and data_line.startswith("data: "), block
        messages.append((kind_line[len("event: ") :], json.loads(data_line[len("data: ") :])))
    return messages


async def ended(subscription: AsyncIterator[str]) -> bool:
    try:
        await anext(subscription)
    except StopAsyncIteration:
        return True
    return False


def test_a_message_is_serialized_once_for_every_subscriber(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = stream.sse

    def counted(kind: str, data: dict[str, Any]) -> str:
        calls.append(kind)
        return real(kind, data)

    monkeypatch.setattr(stream, "sse", counted)

    async def scenario() -> None:
        broker = Broker()
        readers = [await opened(broker) for _ in range(3)]
        other = await opened(broker, "another workspace")

        broker.publish("w", "reception", {"id": 7, "runs": [{"status": "ran"}], "text": "Björn"})

        chunks = [await anext(reader) for reader in readers]
        assert calls == ["reception"]
        assert chunks[0] == chunks[1] == chunks[2]
        assert chunks[0] == 'event: reception\ndata: {"id": 7, "runs": [{"status": "ran"}], "text": "Björn"}\n\n'
        broker.close_now()
        assert await ended(other)  # it got nothing but the end

    run(scenario)


def test_nothing_is_serialized_when_nobody_listens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "sse", lambda kind, data: pytest.fail("serialized for nobody"))
    broker = Broker()
    broker.publish("w", "event", {"id": 1})
    assert broker.subscriber_count("w") == 0


def test_queued_messages_come_as_one_chunk_in_order() -> None:
    async def scenario() -> None:
        broker = Broker()
        reader = await opened(broker)

        for number in range(5):
            broker.publish("w", "event", {"id": number})
        chunk = await anext(reader)

        assert parse(chunk) == [("event", {"id": number}) for number in range(5)]
        broker.publish("w", "attempt", {"id": 5})
        assert parse(await anext(reader)) == [("attempt", {"id": 5})]
        broker.close_now()
        assert await ended(reader)

    run(scenario)


def test_a_stalled_reader_is_dropped_and_its_stream_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "QUEUE_SIZE", 3)

    async def scenario() -> None:
        broker = Broker()
        stalled = await opened(broker)
        healthy = await opened(broker)
        seen: list[int] = []

        for number in range(4):
            broker.publish("w", "event", {"id": number})
            seen.extend(data["id"] for _, data in parse(await anext(healthy)))

        assert broker.subscriber_count("w") == 1
        # what was queued before the drop, then the end: the page reconnects and reloads
        assert [data["id"] for _, data in parse(await anext(stalled))] == [1, 2]
        assert await ended(stalled)
        assert seen == [0, 1, 2, 3]
        broker.publish("w", "event", {"id": 4})
        assert parse(await anext(healthy)) == [("event", {"id": 4})]

    run(scenario)


def test_close_ends_every_stream_without_sending_what_was_queued() -> None:
    async def scenario() -> None:
        broker = Broker()
        waiting = await opened(broker)
        behind = await opened(broker, "other")
        broker.publish("other", "event", {"id": 1})
        pending = asyncio.ensure_future(anext(waiting))
        await asyncio.sleep(0)

        await broker.close()

        with pytest.raises(StopAsyncIteration):
            await pending
        assert await ended(behind)
        assert (broker.subscriber_count("w"), broker.subscriber_count("other")) == (0, 0)
        late = broker.subscribe("w")
        assert await anext(late) == "retry: 2000\n\n"
        assert await ended(late)

    run(scenario)


def test_a_quiet_stream_sends_a_keep_alive_comment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "HEARTBEAT_SECONDS", 0.01)

    async def scenario() -> None:
        broker = Broker()
        reader = await opened(broker)
        assert await anext(reader) == ": keep-alive\n\n"
        broker.publish("w", "zap", {"id": "1"})
        assert parse(await anext(reader)) == [("zap", {"id": "1"})]
        broker.close_now()
        assert await ended(reader)

    run(scenario)


def test_a_reader_that_leaves_is_forgotten() -> None:
    async def scenario() -> None:
        broker = Broker()
        first = await opened(broker)
        second = await opened(broker)
        assert broker.subscriber_count("w") == 2
        await first.aclose()  # type: ignore[attr-defined]
        assert broker.subscriber_count("w") == 1
        await second.aclose()  # type: ignore[attr-defined]
        assert broker.subscriber_count("w") == 0
        broker.publish("w", "event", {"id": 1})  # nobody left: nothing queued, nothing raised

    run(scenario)
