"""The options and test-payment panels driven with the keyboard alone (Tab, Shift+Tab, Space,
Enter, arrow keys; no mouse, no click): every control the reader lands on shows where the focus
is, and every result is written into a live region that was there before, so a screen reader
announces it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.reader import STEP, Reader

pytestmark = pytest.mark.browser
MAX_TABS = 200

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const label = el.closest('label');
  const panel = el.closest('.ds24-panel');
  return {
    tag: el.tagName.toLowerCase(),
    type: el.type || '',
    text: ((label ? label.textContent : el.textContent) || '').trim(),
    value: el.value == null ? '' : String(el.value),
    checked: !!el.checked,
    panel: panel ? panel.dataset.panel : null,
    visible: el.matches(':focus-visible'),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    skip: el.classList.contains('md-skip'),
  };
}"""


class Keyboard:
    """Keys only; after each one, the focus must be visible."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.page = reader.page

    def focused(self) -> dict[str, Any]:
        found = self.page.evaluate(FOCUSED)
        assert found, "nothing has the focus"
        return found

    def press(self, key: str) -> dict[str, Any]:
        self.page.keyboard.press(key)
        found = self.focused()
        assert found["visible"] and found["outline"], f"after {key}, the focus is not visible: {found}"
        return found

    def into(self, panel: str) -> dict[str, Any]:
        """From the top of the page: the skip link, then Tab until the focus is in the panel."""
        self.page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
        first = self.press("Tab")
        assert first["skip"], f"the first Tab should reach Material's skip link, not {first}"
        self.page.keyboard.press("Enter")
        for _ in range(MAX_TABS):
            found = self.press("Tab")
            if found["panel"] == panel:
                return found
        raise AssertionError(f"{MAX_TABS} Tabs did not reach the {panel} panel")

    def tab_to(self, predicate: Any, what: str, key: str = "Tab", limit: int = 20) -> dict[str, Any]:
        for _ in range(limit):
            found = self.press(key)
            if predicate(found):
                return found
        raise AssertionError(f"{key} did not reach {what}")


def live_regions(reader: Reader, panel: str) -> Any:
    """A panel's live regions: ``role=status`` (polite) or ``aria-live`` elements."""
    inside = f'.ds24-panel[data-panel="{panel}"]'
    return reader.page.locator(f'{inside} [role="status"], {inside} [aria-live]')


def announced(reader: Reader, regions: Any, before: list[str], pattern: re.Pattern[str]) -> None:
    """One of the live regions, all there before the action (a region added with its text is
    not announced), now says ``pattern``."""
    expect(regions.filter(has_text=pattern)).to_have_count(1)
    after = regions.evaluate_all("els => els.map(el => el.dataset.ds24Id || '')")
    assert after == before, "the live regions were replaced: a screen reader would not announce the new text"


def tag_regions(regions: Any) -> list[str]:
    """Marks the live regions now in the page, to tell later whether they are still the same."""
    return regions.evaluate_all("els => els.map((el, i) => (el.dataset.ds24Id = 'live' + i))")


def test_options_and_test_payment_with_the_keyboard_alone(reader: Reader) -> None:
    course, plan = reader.product("single_payment"), reader.product("subscription")
    zap = reader.prepare_zap("order", [course["id"], plan["id"]])
    reader.start_with(zap["id"], STEP[5])
    keys = Keyboard(reader)
    options = {o["name"]: o for o in reader.triggers()["order"]["options"]}
    labels = {c["value"]: c["label"] for c in options["events"]["choices"]}

    # Step 5: into the options panel; untick "refund" with Space; "no" with an arrow key.
    regions = live_regions(reader, "options")
    before = tag_regions(regions)
    found = keys.into("options")
    assert found["type"] == "checkbox" and found["text"] == labels["payment"], found
    found = keys.press("Tab")
    assert found["text"] == labels["refund"] and found["checked"]
    assert not keys.press("Space")["checked"]
    found = keys.tab_to(lambda f: f["type"] == "radio", "the yes/no choice")
    assert found["checked"] and found["text"] == reader.t("yes")
    found = keys.press("ArrowRight")
    assert found["type"] == "radio" and found["checked"] and found["text"] == reader.t("no")
    found = keys.press("Tab")
    assert found["tag"] == "button" and found["text"] == reader.t("options.save")
    keys.press("Enter")
    announced(reader, regions, before, re.compile(re.escape(reader.t("options.saved"))))
    saved = reader.zap()["options"]
    assert saved["follow_ups"] is False and "refund" not in saved["events"] and "payment" in saved["events"]
    found = keys.press("Shift+Tab")
    assert found["type"] == "radio" and found["text"] == reader.t("no")
    keys.press("Tab")
    found = keys.press("Tab")
    assert found["text"] == reader.t("options.try")
    keys.press("Space")
    announced(reader, regions, before, reader.rx("options.tried", count=1))

    # Step 6: choose the subscription with the arrow keys, two follow-ups, pay with Enter.
    reader.open(STEP[6])
    regions = live_regions(reader, "test-payment")
    before = tag_regions(regions)
    found = keys.into("test-payment")
    assert found["tag"] == "select" and found["value"] == course["id"], found
    found = keys.press("ArrowDown")
    assert found["value"] == plan["id"], found
    found = keys.press("Tab")
    assert found["type"] == "number" and found["value"] == "0"
    keys.press("ArrowUp")
    assert keys.press("ArrowUp")["value"] == "2"
    found = keys.press("Tab")  # the e-ticket box is disabled for this product: skipped
    assert found["tag"] == "button" and found["text"] == reader.t("pay.button"), found
    keys.press("Enter")
    paid = reader.rx("pay.result", count=3)
    announced(reader, regions, before, paid)
    order = paid.search(reader.panel("test-payment").inner_text())
    assert order

    # What follows the payment is reachable with Tab; Enter refunds the order.
    found = keys.press("Tab")
    assert found["tag"] == "button" and found["text"] == reader.t("pay.refund"), found
    keys.press("Enter")
    announced(reader, regions, before, re.compile(re.escape(reader.t("pay.refunded", order=order.group(1)))))
    # And the refund's message content opens with the keyboard too.
    found = keys.tab_to(lambda f: f["tag"] == "summary", "the message content")
    assert found["text"].startswith(reader.t("ev.payload", count=0).split("(")[0].strip())
    keys.press("Enter")
    expect(reader.panel("test-payment").locator("details[open] table")).to_be_visible()
    assert reader.event_of(order.group(1), "on_refund")
    reader.assert_clean()
