"""Fixtures of the workbench suite: one real sandbox per module (short IPN timeout, so the
"hang" behaviour is quick to watch), connections that post to the sandbox's own inspector,
and helpers to run commands and processes and read their output line by line."""

from __future__ import annotations

import hashlib
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx
import pytest

from tests.conftest import ROOT, Server, free_port

TIMEOUT = 1.0  # the dispatcher's IPN timeout in these servers, in seconds
PASSPHRASE = "workbench-secret-42"


def reference_sign(fields: dict[str, str], passphrase: str, *, upper_keys: bool = False) -> str:
    """sha_sign written from the reference (section 2), independently of the sandbox's code."""
    names = [name for name in fields if name not in ("sha_sign", "SHASIGN")]
    names.sort(key=lambda name: (name.upper() if upper_keys else name).encode())
    text = "".join(
        f"{name.upper() if upper_keys else name}={fields[name]}{passphrase}" for name in names if fields[name] != ""
    )
    return hashlib.sha512(text.encode("utf-8")).hexdigest().upper()


def signed_body(fields: dict[str, str], passphrase: str, *, upper_keys: bool = False) -> bytes:
    return urlencode({**fields, "sha_sign": reference_sign(fields, passphrase, upper_keys=upper_keys)}).encode()


def payment_fields(**changes: str) -> dict[str, str]:
    """A small on_payment message, as a real endpoint would receive it."""
    fields = {
        "event": "on_payment",
        "order_id": "SBXTEST1",
        "product_id": "123456",
        "transaction_id": "4100001",
        "amount": "49.00",
        "currency": "EUR",
        "api_mode": "test",
        "pay_method": "test",
        "billing_type": "single_payment",
        "pay_sequence_no": "0",
        "voucher_code": "",
        "buyer_last_name": "Müller",
    }
    fields.update(changes)
    return fields


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("workbench")
    server = Server(
        url=f"http://127.0.0.1:{free_port()}",
        database=folder / "sandbox.sqlite3",
        extra=("--timeout", str(TIMEOUT)),
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(bench: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=bench.url, timeout=30, headers={"Accept-Language": "en"}) as http:
        yield http


def inspector_connection(client: httpx.Client, passphrase: str = PASSPHRASE, **settings: object) -> dict:
    """A connection whose URL is the sandbox's own inspector, /ipn/{its id}."""
    created = client.post(
        "/api/connections", json={"url": "http://127.0.0.1:9/x", "passphrase": passphrase, **settings}
    )
    assert created.status_code == 201, created.text
    connection_id = created.json()["id"]
    moved = client.patch(
        f"/api/connections/{connection_id}", json={"url": f"{str(client.base_url).rstrip('/')}/ipn/{connection_id}"}
    )
    assert moved.status_code == 200, moved.text
    return moved.json()


def inbound_of(client: httpx.Client, connection_id: str) -> list[dict]:
    """What the inspector recorded for one connection, newest first."""
    return client.get("/api/inbound", params={"connection_id": connection_id, "limit": 500}).json()["inbound"]


def cli(server: Server, *args: str, language: str = "en", timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run ``ds24-sandbox`` as a reader would."""
    return subprocess.run(
        [sys.executable, "-m", "sandbox", "--server", server.url, *args],
        cwd=ROOT,
        env={**os.environ, "DS24_LANG": language},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@dataclass
class Process:
    """A long-running process whose output lines are read as they come."""

    popen: subprocess.Popen[str]
    stdout: queue.Queue[str] = field(default_factory=queue.Queue)
    stderr: queue.Queue[str] = field(default_factory=queue.Queue)
    seen_stderr: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for stream, lines in ((self.popen.stdout, self.stdout), (self.popen.stderr, self.stderr)):
            threading.Thread(target=_pump, args=(stream, lines), daemon=True).start()

    def lines(self, count: int, timeout: float = 10.0) -> list[str]:
        """The next ``count`` stdout lines (fewer if time runs out)."""
        found: list[str] = []
        deadline = time.monotonic() + timeout
        while len(found) < count and (remaining := deadline - time.monotonic()) > 0:
            try:
                found.append(self.stdout.get(timeout=remaining))
            except queue.Empty:
                break
        return found

    def wait_stderr(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self.stderr.get(timeout=remaining)
            except queue.Empty:
                break
            self.seen_stderr.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} not on stderr; saw: {self.seen_stderr}")

    def rest_of_stderr(self) -> str:
        while True:
            try:
                self.seen_stderr.append(self.stderr.get(timeout=0.2))
            except queue.Empty:
                return "".join(self.seen_stderr)


def _pump(stream: object, lines: queue.Queue[str]) -> None:
    for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
        lines.put(line)


@pytest.fixture
def processes() -> Iterator:
    """Start processes (``start(args, env=...)``); each is stopped after the test."""
    started: list[Process] = []

    def start(args: list[str], language: str = "en") -> Process:
        popen = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**os.environ, "DS24_LANG": language, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        process = Process(popen)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.popen.poll() is None:
            process.popen.kill()
            process.popen.wait(timeout=10)


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=0.5)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")
