"""Server-Sent Events: every stored event, attempt and Zap run, pushed per workspace.

Each subscriber has a bounded queue; one that stalls is dropped instead of holding
memory or slowing the publisher, and its page reconnects on its own (EventSource).

A message is serialized once, in :meth:`Broker.publish`, and the same SSE text is queued
for every subscriber; a subscriber that falls behind gets its queued messages in one chunk.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any, Final

QUEUE_SIZE = 500
HEARTBEAT_SECONDS = 15.0
RETRY = "retry: 2000\n\n"
KEEP_ALIVE = ": keep-alive\n\n"
_CLOSE: Final = ""  # the end-of-stream marker; a published message is never empty


def sse(kind: str, data: dict[str, Any]) -> str:
    """One Server-Sent Event (``json.dumps`` never writes a raw line break)."""
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


class Broker:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[str]]] = defaultdict(set)
        self.closed = False

    def publish(self, workspace: str, kind: str, data: dict[str, Any]) -> None:
        queues = self._subscribers.get(workspace)
        if not queues:
            return  # nobody listens: nothing to serialize
        message = sse(kind, data)
        for queue in list(queues):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                # A stalled reader: drop it and tell it to reconnect and reload.
                queues.discard(queue)
                queue.get_nowait()
                queue.put_nowait(_CLOSE)

    def subscriber_count(self, workspace: str) -> int:
        return len(self._subscribers.get(workspace, ()))

    async def close(self) -> None:
        """End every open stream, so a shutdown does not wait on them."""
        self.close_now()

    def close_now(self) -> None:
        """The same, callable from the event loop without awaiting (a signal handler's callback)."""
        if self.closed:
            return
        self.closed = True
        for queues in self._subscribers.values():
            for queue in queues:
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(_CLOSE)

    async def subscribe(self, workspace: str) -> AsyncIterator[str]:
        """Yield SSE text until the client leaves or the server closes.

        Every message already queued is yielded with the first one, as one chunk.
        """
        queue: asyncio.Queue[str] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers[workspace].add(queue)
        try:
            yield RETRY
            while not self.closed:
                if queue.empty():
                    try:
                        async with asyncio.timeout(HEARTBEAT_SECONDS):
                            first = await queue.get()
                    except TimeoutError:
                        yield KEEP_ALIVE
                        continue
                else:
                    first = queue.get_nowait()
                batch = [first]
                while not queue.empty():
                    batch.append(queue.get_nowait())
                if _CLOSE in batch:
                    ready = batch[: batch.index(_CLOSE)]
                    if ready:
                        yield "".join(ready)
                    return
                yield "".join(batch)
        finally:
            queues = self._subscribers.get(workspace)
            if queues is not None:
                queues.discard(queue)
                if not queues:
                    del self._subscribers[workspace]
