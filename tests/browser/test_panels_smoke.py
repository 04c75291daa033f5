"""Smoke test of the live panels in Chromium: the trigger panel, in both languages, with the
keyboard only. The full walkthrough of the guide lives in its own module."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import BrowserPage, GuideServer
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

MESSAGES = ROOT / "sandbox" / "i18n" / "messages"
PAGES = {"fr": "/guide/2-trigger/", "en": "/en/guide/2-trigger/"}


def words(language: str) -> dict[str, str]:
    return json.loads(Path(MESSAGES / language / "panels.json").read_text("utf-8"))


def triggers(server: GuideServer, language: str) -> list[dict]:
    with server.api(language) as api:
        return api.get("/api/zapier/triggers").json()["triggers"]


def the_zap(server: GuideServer) -> dict:
    with server.api() as api:
        zaps = api.get("/api/zaps").json()["zaps"]
    assert len(zaps) == 1, zaps
    return zaps[0]


def test_trigger_panel_with_the_keyboard_in_both_languages(guide_page: BrowserPage, guide_server: GuideServer) -> None:
    page = guide_page.page
    for language, choice in (("fr", 0), ("en", 1)):
        catalog, other = words(language), words("en" if language == "fr" else "fr")
        page.goto(guide_server.url + PAGES[language])
        panel = page.locator('.ds24-panel[data-panel="trigger"]')
        radios = panel.locator('input[type="radio"]')
        radios.first.wait_for()
        assert catalog["panel.title.trigger"] in panel.inner_text()
        assert other["panel.title.trigger"] not in panel.inner_text()
        if language == "en":  # progress carried over from the French page, now in English
            first = triggers(guide_server, "en")[0]["label"]
            carried = "✓ " + catalog["panel.trigger.done"].format(trigger=first, zap=the_zap(guide_server)["name"])
            panel.locator(".ds24-done", has_text=carried).wait_for()

        # Keyboard only: from the panel, Tab into the radio group, then choose.
        panel.focus()
        page.keyboard.press("Tab")
        assert radios.nth(0).evaluate("el => el === document.activeElement")
        page.keyboard.press("Space" if choice == 0 else "ArrowDown")

        label = triggers(guide_server, language)[choice]["label"]
        chosen = "✓ " + catalog["panel.trigger.done"].split("{trigger}")[0] + label
        panel.locator(".ds24-done", has_text=chosen).wait_for()  # the Zap is saved: now ask the API
        zap = the_zap(guide_server)  # the first choice creates the Zap, the second updates it
        expected = "✓ " + catalog["panel.trigger.done"].format(trigger=label, zap=zap["name"])
        done = panel.locator(".ds24-done")
        done.wait_for(state="visible")
        page.wait_for_function(
            "([el, text]) => el.textContent === text", arg=[done.element_handle(), expected], timeout=10_000
        )
        assert the_zap(guide_server)["trigger"] == triggers(guide_server, language)[choice]["key"]
        assert radios.nth(choice).is_checked()
        assert panel.evaluate("el => el.contains(document.activeElement)"), "focus left the panel"
        # The option labels come from the API in the page's language.
        options = triggers(guide_server, language)[choice]["options"]
        assert options and options[0]["label"] in panel.inner_text()
        assert page.evaluate("document.documentElement.lang") == language

    assert guide_page.errors == []
