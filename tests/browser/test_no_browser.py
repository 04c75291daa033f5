"""Without Chromium the browser tests are skipped with the command that installs it; with
``DS24_REQUIRE_BROWSER=1`` (what CI sets) they fail instead. No browser is started here."""

from __future__ import annotations

import pytest

from tests.browser.conftest import find_chromium
from tests.browser.harness import INSTALL_HINT


@pytest.fixture
def no_chromium(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("DS24_CHROMIUM", str(tmp_path / "no-such-chromium"))


def test_without_chromium_the_tests_are_skipped_with_the_install_command(
    no_chromium: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DS24_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        find_chromium()
    assert str(skipped.value) == INSTALL_HINT
    assert "apt-get install chromium" in INSTALL_HINT


def test_ci_fails_instead_of_skipping(no_chromium: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DS24_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception) as failed:
        find_chromium()
    assert "apt-get install chromium" in str(failed.value) and "DS24_REQUIRE_BROWSER=1" in str(failed.value)


def test_ci_requires_the_browser() -> None:
    from tests.browser.harness import ROOT

    script = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "apt-get install" in script and "chromium" in script
    assert "export DS24_REQUIRE_BROWSER=1" in script
