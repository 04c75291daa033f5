"""Fixtures for driving the guide in a real Chromium: the site built once per session, a
sandbox serving it (guide and API on one origin, fresh in-memory database per test), and
a browser page that records console errors.

Chromium is Debian's (``apt-get install chromium``): Playwright cannot download browsers
here. Without it the tests are skipped, unless ``DS24_REQUIRE_BROWSER=1`` (CI), where a
missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT, free_port

BUILD_TIMEOUT = 180
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Material's language switcher fetches "sitemap.xml" next to the page when mkdocs.yml has
# no site_url; the 404 is the theme's, not the guide's or the panels'.
IGNORED_RESOURCES = ("sitemap.xml",)


def chromium_executable() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _no_browser(reason: str) -> None:
    if os.environ.get("DS24_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (DS24_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = chromium_executable()
    if path is None:
        _no_browser("Chromium is not installed: apt-get install chromium")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def guide_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide, built once per session with ``mkdocs build --strict`` into a temporary folder."""
    out = tmp_path_factory.mktemp("browser-site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return out


@dataclass
class GuideServer:
    """``python -m sandbox serve --site DIR --db :memory:`` on a free loopback port."""

    site: Path
    url: str = ""
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sandbox",
                "serve",
                "--port",
                str(port),
                "--db",
                ":memory:",
                "--site",
                str(self.site),
            ],
            cwd=ROOT,
            env={**os.environ, "DS24_LANG": "en"},
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

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def api(self, language: str = "en") -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Accept-Language": language}, timeout=30)


@pytest.fixture
def guide_server(guide_site: Path) -> Iterator[GuideServer]:
    """A sandbox serving the built guide, with an empty in-memory database for this test."""
    server = GuideServer(guide_site)
    server.start()
    yield server
    server.stop()


# Package scope, not session: Playwright's sync API keeps an event loop running in this
# thread while it is started, which would break later tests that call asyncio.run().
@pytest.fixture(scope="package")
def chromium_browser(chromium_path: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("Playwright for Python is not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@dataclass
class BrowserPage:
    """A page in a fresh browser context (empty localStorage) and the errors it logged."""

    page: Any
    errors: list[str] = field(default_factory=list)

    def record(self, message: Any) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if any(where.endswith(name) for name in IGNORED_RESOURCES):
            return
        self.errors.append(f"{message.text} ({where})")


@pytest.fixture
def guide_page(chromium_browser: Any) -> Iterator[BrowserPage]:
    context = chromium_browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    watched = BrowserPage(page)
    page.on("console", watched.record)
    page.on("pageerror", lambda error: watched.errors.append(f"page error: {error}"))
    yield watched
    context.close()
