"""A minimal, fast IPN receiver on loopback: answers every POST ``200 OK`` with body ``OK``.

It stands for "your own endpoint" in the delivery figure and for the far end in the HTTP
client comparison. It must cost far less than the sender, so it is a bare asyncio protocol
(no framework, no parsing beyond ``Content-Length``). On SIGTERM it prints what it counted
as one JSON line and exits.

Run: ``python -m benchmarks.receiver --port P``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import time

REPLY = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK"


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.first = 0.0
        self.last = 0.0

    def hit(self) -> None:
        now = time.time()
        if not self.count:
            self.first = now
        self.count += 1
        self.last = now


class ReceiverProtocol(asyncio.Protocol):
    def __init__(self, counter: Counter) -> None:
        self.counter = counter
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            length = 0
            start = head.find(b"\r\ncontent-length:")
            if start >= 0:
                stop = head.find(b"\r\n", start + 2)
                length = int(head[start + 17 : stop if stop >= 0 else None])
            total = end + 4 + length
            if len(self.buffer) < total:
                return
            self.buffer = self.buffer[total:]
            self.counter.hit()
            assert self.transport is not None
            self.transport.write(REPLY)


async def serve(port: int) -> None:
    counter = Counter()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: ReceiverProtocol(counter), "127.0.0.1", port, backlog=1024)
    done = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, done.set)
    loop.add_signal_handler(signal.SIGINT, done.set)
    print("ready", flush=True)
    await done.wait()
    server.close()
    sys.stdout.write(json.dumps({"count": counter.count, "first": counter.first, "last": counter.last}) + "\n")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(args.port))
    else:
        uvloop.run(serve(args.port))


if __name__ == "__main__":
    main()
