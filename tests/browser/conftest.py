"""Fixtures for driving the guide in a real Chromium: the site built once per session, the
README's server (``python -m sandbox serve --site DIR``, fresh database) per test, and a
browser context that records every request and every console error.

Chromium is Debian's (``apt-get install chromium``): Playwright cannot download browsers
here. Without it the tests are skipped with that hint, unless ``DS24_REQUIRE_BROWSER=1``
(CI), where a missing browser is a failure.

A failed test leaves, in ``test-artifacts/``, a screenshot of each open tab, the Playwright
trace of the whole test (``playwright show-trace FILE.zip``; ``DS24_TRACE=full`` adds DOM
snapshots to it) and the list of its requests and console errors.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import (
    CHROMIUM_ARGS,
    INSTALL_HINT,
    ROOT,
    GuideServer,
    build_site,
    chromium_executable,
)

ARTIFACTS = ROOT / "test-artifacts"
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()

__all__ = ["BrowserPage", "GuideServer"]


def _no_browser(reason: str) -> None:
    if os.environ.get("DS24_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (DS24_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """Keep each phase's report on the test, so fixtures know at teardown whether it failed."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


def failed(item: pytest.Item) -> bool:
    return any(report.failed for report in item.stash.get(REPORTS, {}).values())


def find_chromium() -> str:
    """Chromium's path; skips the test (fails it under ``DS24_REQUIRE_BROWSER=1``) without it."""
    path = chromium_executable()
    if path is None:
        _no_browser(INSTALL_HINT)
    assert path is not None
    return path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return find_chromium()


@pytest.fixture(scope="session")
def guide_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide, built once per session with ``mkdocs build --strict`` into a temporary folder."""
    return build_site(tmp_path_factory.mktemp("browser-site"))


@pytest.fixture
def guide_server(guide_site: Path, tmp_path: Path) -> Iterator[GuideServer]:
    """The README's server on a free port, serving the built guide, with a fresh database."""
    server = GuideServer(guide_site, tmp_path / "sandbox.sqlite3").start()
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
        try:
            browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        except Exception as error:  # a broken install is "no browser" too, with what Chromium said
            _no_browser(f"Chromium at {chromium_path} does not start ({error}); {INSTALL_HINT}")
        yield browser
        browser.close()


@dataclass
class Session:
    """A fresh browser context (empty localStorage) on one server, and what it recorded."""

    context: Any
    server: GuideServer
    watch: Any

    def reader(self, language: str = "fr") -> Any:
        from tests.browser.reader import Reader

        return Reader(self.context.new_page(), self.server, self.watch, language)


@pytest.fixture
def browser_session(
    chromium_browser: Any, guide_server: GuideServer, request: pytest.FixtureRequest
) -> Iterator[Session]:
    from tests.browser.reader import Watch

    context = chromium_browser.new_context(viewport={"width": 1100, "height": 900})
    # The trace films what the reader sees (a screenshot per step); DS24_TRACE=full adds the
    # DOM snapshots (inspectable in the trace viewer, but the suite runs about 20% slower).
    context.tracing.start(screenshots=True, snapshots=os.environ.get("DS24_TRACE") == "full", title=request.node.nodeid)
    watch = Watch(guide_server.netloc)
    watch.attach(context)
    yield Session(context, guide_server, watch)
    if failed(request.node):
        keep_artifacts(request.node, context, watch)
    else:
        context.tracing.stop()
    context.close()


def keep_artifacts(item: pytest.Item, context: Any, watch: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", item.nodeid.split("/")[-1]).strip("-")
    for number, page in enumerate(context.pages, start=1):
        try:
            page.screenshot(path=ARTIFACTS / f"{slug}-tab{number}.png", full_page=True, timeout=10_000)
        except Exception as error:
            (ARTIFACTS / f"{slug}-tab{number}.txt").write_text(f"no screenshot: {error}\n", "utf-8")
    context.tracing.stop(path=ARTIFACTS / f"{slug}.trace.zip")
    (ARTIFACTS / f"{slug}.log").write_text(watch.log() + "\n", "utf-8")


@pytest.fixture
def reader(browser_session: Session) -> Any:
    """A reader on a French page to begin with (the guide's default language)."""
    return browser_session.reader("fr")


@dataclass
class BrowserPage:
    """A page in a fresh browser context and the errors it logged (console and page errors)."""

    page: Any
    watch: Any

    @property
    def errors(self) -> list[str]:
        return self.watch.problems()


@pytest.fixture
def guide_page(browser_session: Session) -> BrowserPage:
    page = browser_session.context.new_page()
    page.set_default_timeout(15_000)
    return BrowserPage(page, browser_session.watch)
