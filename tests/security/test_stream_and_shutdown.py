"""The event stream survives readers that leave or stall, and the server stops cleanly with streams open."""

from __future__ import annotations

import json
import signal
import socket
import threading
import time
from urllib.parse import urlsplit

import httpx

from tests.conftest import Server


def open_raw_stream(url: str) -> socket.socket:
    """A client that asks for the stream and then never reads it."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port))
    sock.sendall(f"GET /api/stream HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
    return sock


def read_events(url: str, seen: list[dict], stop: threading.Event) -> None:
    with httpx.Client(timeout=None) as client, client.stream("GET", f"{url}/api/stream") as response:
        kind = ""
        for line in response.iter_lines():
            if stop.is_set():
                return
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "event":
                seen.append(json.loads(line[6:]))


def test_stalled_and_vanished_readers_do_not_hold_up_payments_or_other_readers(server: Server, api) -> None:
    stalled = open_raw_stream(server.url)
    vanished = open_raw_stream(server.url)
    vanished.close()
    seen: list[dict] = []
    stop = threading.Event()
    reader = threading.Thread(target=read_events, args=(server.url, seen, stop), daemon=True)
    reader.start()
    time.sleep(0.3)
    product = api.get("/api/products").json()["products"][0]["id"]

    event_ids = []
    for _ in range(600):  # more messages than a stalled reader's queue holds
        answer = api.post("/api/test-payments", json={"product_id": product}, params={"wait": "0"})
        assert answer.status_code == 201
        event_ids.extend(answer.json()["event_ids"])

    deadline = time.monotonic() + 10
    while len(seen) < len(event_ids) and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    assert [item["id"] for item in seen] == event_ids
    assert api.get("/api/health").status_code == 200
    stalled.close()


def test_sigterm_with_open_streams_stops_the_server_cleanly(server: Server) -> None:
    streams = [open_raw_stream(server.url) for _ in range(3)]
    time.sleep(0.3)
    assert server.process is not None
    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    code = server.process.wait(timeout=15)
    # uvicorn shuts down gracefully, then re-raises the signal it caught, as a process should.
    assert code in (0, -signal.SIGTERM)
    assert time.monotonic() - started < 10
    errors = server.process.stderr.read().decode() if server.process.stderr else ""
    assert "Traceback" not in errors and "ERROR" not in errors
    for stream in streams:
        stream.close()
