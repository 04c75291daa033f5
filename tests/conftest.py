"""Shared fixtures: a real sandbox server and real HTTP receivers on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An IPN endpoint of "your own": records every POST and answers as told."""

    url: str
    requests: list[Received] = field(default_factory=list)
    status: int = 200
    reply: bytes = b"OK"
    delay: float = 0.0

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(self.requests)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    port = free_port()
    state = Receiver(url=f"http://127.0.0.1:{port}/ipn")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.requests.append(Received(self.path, dict(self.headers), body))
            if state.delay:
                time.sleep(state.delay)
            self.send_response(state.status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(state.reply)))
            self.end_headers()
            self.wfile.write(state.reply)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@dataclass
class Server:
    """A sandbox started as the README starts it, on a free port with its own database."""

    url: str
    database: Path
    process: subprocess.Popen[bytes] | None = None
    extra: tuple[str, ...] = ()

    def start(self) -> None:
        port = self.url.rsplit(":", 1)[1]
        env = {**os.environ, "DS24_LANG": "en"}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sandbox",
                "serve",
                "--port",
                port,
                "--db",
                str(self.database),
                "--seed",
                "tests",
                "--site",
                str(self.database.parent / "no-site"),
                *self.extra,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.process.stderr.read().decode() if self.process.stderr else "server died")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=0.5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("the sandbox did not start within 15 s")

    def stop(self, *, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    instance = Server(url=f"http://127.0.0.1:{free_port()}", database=tmp_path / "sandbox.sqlite3")
    instance.start()
    yield instance
    instance.stop()


@pytest.fixture
def api(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def product_of(client: httpx.Client, billing_type: str, etickets: bool = False) -> dict:
    products = client.get("/api/products").json()["products"]
    return next(p for p in products if p["billing_type"] == billing_type and p["etickets"] == etickets)


# --- Added for the sandbox-core suite: several receivers at once, scripted answers, and one
# --- server shared by a whole module. The fixtures above are unchanged.


@dataclass
class Endpoint(Receiver):
    """A :class:`Receiver` that can also play a script of answers and send extra headers.

    ``script`` holds ``(status, reply)`` pairs used one per request before falling back to
    ``status``/``reply``; ``headers_out`` is added to every answer (e.g. a ``Location``).
    """

    script: list[tuple[int, bytes]] = field(default_factory=list)
    headers_out: dict[str, str] = field(default_factory=dict)

    def reset(self) -> None:
        self.requests.clear()
        self.script.clear()
        self.headers_out.clear()
        self.status, self.reply, self.delay = 200, b"OK", 0.0


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that timed out and hung up is expected here


def _start_endpoint(**settings: object) -> tuple[Endpoint, _QuietServer]:
    port = free_port()
    state = Endpoint(url=f"http://127.0.0.1:{port}/ipn", **settings)  # type: ignore[arg-type]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.requests.append(Received(self.path, dict(self.headers), body))
            status, reply = state.script.pop(0) if state.script else (state.status, state.reply)
            if state.delay:
                time.sleep(state.delay)
            self.send_response(status)
            headers = {"Content-Type": "text/plain", "Content-Length": str(len(reply)), **state.headers_out}
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = _QuietServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return state, server


def _endpoint_factory() -> Iterator:
    servers: list[_QuietServer] = []

    def make(**settings: object) -> Endpoint:
        state, server = _start_endpoint(**settings)
        servers.append(server)
        return state

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def endpoints() -> Iterator:
    """A factory of independent loopback receivers: ``make(status=500)`` → :class:`Endpoint`."""
    yield from _endpoint_factory()


@pytest.fixture(scope="module")
def module_endpoints() -> Iterator:
    """Like ``endpoints``, alive for the whole module (for a module-scoped server)."""
    yield from _endpoint_factory()


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real sandbox for a whole test module (tests there must not rely on global counts)."""
    folder = tmp_path_factory.mktemp("sandbox")
    instance = Server(url=f"http://127.0.0.1:{free_port()}", database=folder / "sandbox.sqlite3")
    instance.start()
    yield instance
    instance.stop()


@pytest.fixture(scope="module")
def module_api(module_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=module_server.url, timeout=30) as client:
        yield client


@pytest.fixture
def module_connect(module_api: httpx.Client, module_endpoints) -> Iterator:
    """``connect(**settings) -> (connection, endpoint)`` on the module's server, each with a
    fresh receiver; the connections are switched off afterwards so later tests see only theirs."""
    created: list[str] = []

    def connect(endpoint: Endpoint | None = None, **settings: object) -> tuple[dict, Endpoint]:
        endpoint = endpoint or module_endpoints()
        body = {"url": endpoint.url, "passphrase": "mon-secret-ipn", **settings}
        answer = module_api.post("/api/connections", json=body)
        assert answer.status_code == 201, answer.text
        created.append(answer.json()["id"])
        return answer.json(), endpoint

    yield connect
    for connection_id in created:
        module_api.patch(f"/api/connections/{connection_id}", json={"active": False})
