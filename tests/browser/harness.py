"""What the browser tests and the screenshot script share, without pytest: Chromium's path and
flags, the guide built with ``mkdocs build --strict``, and the sandbox started as ``make run``
starts it (``python -m sandbox serve --site DIR``), on a free loopback port with a fresh
database file.

Chromium is Debian's (``apt-get install chromium``): Playwright cannot download browsers here.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 180
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
INSTALL_HINT = "Chromium is not installed: apt-get install chromium"
# Headless, and nothing that talks to the outside on its own (the tests check every request).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_executable() -> str | None:
    """Debian's Chromium, or the one ``DS24_CHROMIUM`` names (None if that one is missing)."""
    chosen = os.environ.get("DS24_CHROMIUM")
    if chosen:
        return chosen if os.path.isfile(chosen) and os.access(chosen, os.X_OK) else None
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_site(out: Path) -> Path:
    """``mkdocs build --strict`` of the guide into ``out``; raises with mkdocs' output on failure."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}")
    return out


@dataclass
class GuideServer:
    """``python -m sandbox serve --host 127.0.0.1 --port P --db FILE --site DIR``: the README's
    ``make run`` server, with its own fresh database file."""

    site: Path
    database: Path
    url: str = ""
    seed: str | None = None
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def netloc(self) -> str:
        return urlsplit(self.url).netloc

    def start(self) -> GuideServer:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.database.parent.mkdir(parents=True, exist_ok=True)
        for stale in self.database.parent.glob(self.database.name + "*"):
            stale.unlink()
        # stdout/stderr go to a file: a pipe nobody reads would block a chatty server.
        self._log = open(self.database.with_suffix(".log"), "wb")  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sandbox",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--db",
                str(self.database),
                "--site",
                str(self.site),
                *(["--seed", self.seed] if self.seed else []),
            ],
            cwd=ROOT,
            env={**os.environ, "DS24_LANG": "en"},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the sandbox stopped at start:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=0.5).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the sandbox did not start within 15 s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.database.with_suffix(".log").read_text("utf-8", "replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self._log:
            self._log.close()
            self._log = None

    def api(self, language: str = "en") -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Accept-Language": language}, timeout=30)
