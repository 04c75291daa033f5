"""Starting the servers under test as subprocesses, the way the README and tests start them.

Every process binds to 127.0.0.1 on a free port; every one is stopped by its own handle
(never by name). The benchmark's own process stays idle while a measurement runs: load
generation happens in a separate process too.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``), 0.0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_http_ok(url: str, process: subprocess.Popen[bytes], timeout: float = 20.0, poll: float = 0.005) -> float:
    """Poll ``url`` until it answers 200; return when that happened (``time.perf_counter``)."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=1.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{url}: the process exited ({process.returncode})")
            try:
                if client.get(url).status_code == 200:
                    return time.perf_counter()
            except httpx.TransportError:
                pass
            time.sleep(poll)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")


@dataclass
class Server:
    """A server subprocess on loopback; ``command`` gets ``--port`` appended."""

    command: list[str]
    ready_path: str = "/api/health"
    cwd: Path = ROOT  # ``python -m`` imports from here first: another tree can be measured
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0  # perf_counter just before the process was spawned
    ready_at: float = 0.0  # perf_counter when ready_path first answered 200
    last_stderr: str = ""
    _stderr: IO[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> Server:
        env = {**os.environ, "DS24_LANG": "en", "PYTHONUNBUFFERED": "1"}
        # stderr goes to a file, not a pipe: a full pipe would block the server under load.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(
            [*self.command, "--port", str(self.port)],
            cwd=self.cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
        )
        try:
            self.ready_at = wait_http_ok(self.url + self.ready_path, self.process)
        except RuntimeError as error:
            self.stop()
            raise RuntimeError(f"{error}\n{self.stderr_tail()}") from None
        return self

    def stderr_tail(self, limit: int = 3000) -> str:
        if self._stderr is None or self._stderr.closed:
            return self.last_stderr[-limit:]
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")[-limit:]

    @property
    def startup_seconds(self) -> float:
        return self.ready_at - self.started_at

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self._stderr is not None and not self._stderr.closed:
            self.last_stderr = self.stderr_tail()
            self._stderr.close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def sandbox_server(database: Path, site: Path, root: Path = ROOT) -> Server:
    """The sandbox as ``python -m sandbox serve`` with its own database file.

    ``root`` is the folder it is started from, so ``python -m benchmarks --sandbox-root DIR``
    measures a copy of the sandbox (a prototype) with everything else unchanged.
    """
    return Server(
        [sys.executable, "-m", "sandbox", "serve", "--db", str(database), "--site", str(site), "--seed", "bench"],
        cwd=root,
    )


def reference_server() -> Server:
    return Server([sys.executable, "-m", "benchmarks.reference"])


def floor_server(zaps: int) -> Server:
    """The plumbing floor (``benchmarks.floor``); each reception it streams reports ``zaps`` runs."""
    return Server([sys.executable, "-m", "benchmarks.floor", "--zaps", str(zaps)])


@dataclass
class Receiver:
    """The fast loopback receiver (``benchmarks.receiver``)."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/ipn"

    def start(self) -> Receiver:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.receiver", "--port", str(self.port)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("the receiver did not start")
        return self

    def stop(self) -> dict[str, float]:
        """Stop it and return what it counted: ``count``, ``first`` and ``last`` (epoch seconds)."""
        if not self.process:
            return {"count": 0, "first": 0.0, "last": 0.0}
        self.process.terminate()
        out, _ = self.process.communicate(timeout=10)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        return json.loads(lines[-1]) if lines else {"count": 0, "first": 0.0, "last": 0.0}

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.stop()


def run_module(module: str, spec: dict[str, Any], timeout: float = 300.0) -> dict[str, Any]:
    """Run ``python -m module SPEC_JSON`` and return the JSON object it prints last."""
    done = subprocess.run(
        [sys.executable, "-m", module, json.dumps(spec)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{module} failed ({done.returncode}): {done.stderr[-3000:]}")
    return json.loads(lines[-1])
