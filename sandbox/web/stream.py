"""Server-Sent Events: every stored event, attempt and Zap run, pushed per workspace.

Each subscriber has a bounded queue; one that stalls is dropped instead of holding
memory or slowing the publisher, and its page reconnects on its own (EventSource).
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

QUEUE_SIZE = 500
HEARTBEAT_SECONDS = 15.0
_CLOSE = object()


class Broker:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[Any]]] = defaultdict(set)
        self.closed = False

    def publish(self, workspace: str, kind: str, data: dict[str, Any]) -> None:
        message = (kind, data)
        for queue in list(self._subscribers.get(workspace, ())):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                # A stalled reader: drop it and tell it to reconnect and reload.
                self._subscribers[workspace].discard(queue)
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
        """Yield SSE-formatted messages until the client leaves or the server closes."""
        queue: asyncio.Queue[Any] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers[workspace].add(queue)
        try:
            yield "retry: 2000\n\n"
            while not self.closed:
                try:
                    message = await asyncio.wait_for(queue.get(), timeout=HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if message is _CLOSE:
                    return
                kind, data = message
                yield f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
        finally:
            self._subscribers[workspace].discard(queue)
