"""A minimal HTTP/1.1 keep-alive client and SSE reader for load generation.

Why not httpx here: on a 2-core machine the load generator shares the CPU with the server,
and a full-featured client spends more CPU per request than a bare Starlette endpoint
does, so the "ceiling" would measure the client. Requests are pre-built bytes; responses
are read by ``Content-Length`` or chunked encoding, nothing more.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

HEAD_END = b"\r\n\r\n"


def build_request(
    method: str,
    host: str,
    port: int,
    path: str,
    body: bytes | None = None,
    content_type: str = "application/json",
) -> bytes:
    """The exact bytes of one request, built once and sent many times."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "User-Agent: ds24-bench"]
    if body is not None:
        lines += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + (body or b"")


def json_request(method: str, host: str, port: int, path: str, data: Any = None) -> bytes:
    body = None if data is None else json.dumps(data).encode("utf-8")
    return build_request(method, host, port, path, body)


def _header(head: bytes, name: bytes) -> bytes | None:
    """The value of one header in a raw response head (name in lower case, with colon)."""
    lower = head.lower()
    start = lower.find(b"\r\n" + name)
    if start < 0:
        return None
    start += 2 + len(name)
    end = lower.find(b"\r\n", start)
    return lower[start:end].strip()


class Connection:
    """One keep-alive connection; requests on it are sequential (a closed-loop client)."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=2**22)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.reader = self.writer = None

    async def request(self, data: bytes) -> tuple[int, bytes]:
        """Send pre-built request bytes; return (status, body)."""
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        self.writer.write(data)
        head = await self.reader.readuntil(HEAD_END)
        status = int(head[9:12])
        length = _header(head, b"content-length:")
        if length is not None:
            body = await self.reader.readexactly(int(length))
        elif _header(head, b"transfer-encoding:") == b"chunked":
            body = await self._chunked()
        else:
            body = await self.reader.read()
            await self.close()
            return status, body
        if _header(head, b"connection:") == b"close":
            await self.close()
        return status, body

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await self.reader.readexactly(size + 2)
            if size == 0:
                return b"".join(parts)
            parts.append(chunk[:-2])


class EventStream:
    """Reads ``/api/stream`` and calls ``on_event(kind, data, arrived)`` for each SSE message.

    ``arrived`` is ``time.perf_counter()`` when the chunk holding the message was read,
    taken before its JSON is parsed, so parsing cost is not counted as server latency.
    """

    def __init__(self, host: str, port: int, on_event: Callable[[str, dict[str, Any], float], None]) -> None:
        self.host = host
        self.port = port
        self.on_event = on_event
        self.ready = asyncio.Event()
        self.messages = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await self._task

    async def _run(self) -> None:
        reader, writer = await asyncio.open_connection(self.host, self.port, limit=2**24)
        writer.write(build_request("GET", self.host, self.port, "/api/stream"))
        head = await reader.readuntil(HEAD_END)
        if int(head[9:12]) != 200 or _header(head, b"transfer-encoding:") != b"chunked":
            raise RuntimeError(f"unexpected stream answer: {head[:200]!r}")
        buffer = b""
        try:
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await reader.readexactly(size + 2)
                arrived = time.perf_counter()
                if size == 0:
                    return
                buffer += chunk[:-2]
                while b"\n\n" in buffer:
                    message, buffer = buffer.split(b"\n\n", 1)
                    self._dispatch(message, arrived)
        finally:
            writer.close()

    def _dispatch(self, message: bytes, arrived: float) -> None:
        kind = ""
        data = b""
        for line in message.split(b"\n"):
            if line.startswith(b"event:"):
                kind = line[6:].strip().decode()
            elif line.startswith(b"data:"):
                data += line[5:].strip()
            elif line.startswith(b"retry:"):
                self.ready.set()  # the first thing the server sends: we are subscribed
        if kind and data:
            self.messages += 1
            self.on_event(kind, json.loads(data), arrived)
