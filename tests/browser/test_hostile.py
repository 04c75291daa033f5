"""Hostile data stays data ("Reliability and security", point 4), in a real browser: a product
named like a script, a buyer whose name closes an attribute and adds an image with an
``onerror``, placeholders inside values and a Zap named like markup go through every panel that
shows them and through the event payload. Nothing runs, nothing is fetched, and the reader
sees each text exactly as it was typed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, expect

from tests.browser.reader import STEP, Reader
from tests.browser.walk import GuideWalk

pytestmark = pytest.mark.browser

PRODUCT = "<script>window.__pwned=1</script>"
FIRST_NAME = '"><img src=x onerror="window.__pwned=2">'
LAST_NAME = "{{email}} {{order_id}}"  # placeholders inside a value stay text: one pass only
ZAP_NAME = "<img src=x onerror=window.__pwned=3>{{order_id}}"
BUYER = {"first_name": FIRST_NAME, "last_name": LAST_NAME}


def harmless(reader: Reader) -> None:
    """Nothing the data carried ran or was built into the page."""
    state = reader.page.evaluate(
        """() => ({
            pwned: typeof window.__pwned,
            images: document.querySelectorAll('img[src="x"], img[onerror]').length,
            scripts: [...document.scripts].filter((s) => s.textContent.includes('__pwned')).length,
            handlers: [...document.querySelectorAll('*')].filter((el) => el.hasAttribute('onerror')).length,
        })"""
    )
    assert state == {"pwned": "undefined", "images": 0, "scripts": 0, "handlers": 0}, state


def shows(where: Locator, *texts: str) -> None:
    for text in texts:
        expect(where).to_contain_text(text)


def cell(table: Locator, name: str) -> Locator:
    return table.locator("tr", has=table.page.locator(f"td > code:text-is('{name}')")).locator("td").nth(1)


def pay_hostile_buyer(reader: Reader, product_id: str) -> str:
    """A payment whose buyer typed those names in Digistore24's order form (the panel always
    uses the sandbox's made-up buyers, so this one comes through the API)."""
    return reader.post("/api/test-payments", {"product_id": product_id, "buyer": BUYER})["order_id"]


def test_hostile_names_stay_text_in_every_panel(reader: Reader) -> None:
    walk = GuideWalk(reader)
    reader.open(STEP[2])
    walk.step2_trigger()
    walk.step3_connect()

    # Step 4: the product is created with the panel's own form, then appears after "reload".
    panel = reader.panel("products")
    panel.locator("summary", has_text=reader.t("products.add")).click()
    panel.get_by_label(reader.t("products.name")).fill(PRODUCT)
    panel.get_by_label(reader.t("products.price")).fill("10.00")
    reader.button(panel, "products.create").click()
    expect(panel.locator(":scope > .ds24-msg")).to_have_text(reader.rx("products.added", name=PRODUCT))
    product = next(p for p in reader.products() if p["name"] == PRODUCT)
    reader.expect_said(panel, "products.added", name=PRODUCT, id=product["id"])
    reader.button(panel, "products.reload").click()
    box = reader.choice(panel, PRODUCT)
    expect(box).to_contain_text(PRODUCT)
    box.locator("input").check()
    reader.expect_done(panel, reader.t("products.done", count=1))
    harmless(reader)

    # Step 6: paid with the panel, then once by the hostile buyer; both show in the event log.
    reader.open(STEP[6])
    panel = reader.panel("test-payment")
    option = panel.locator("option", has_text=PRODUCT)
    expect(option).to_have_count(1)
    panel.get_by_label(reader.t("pay.product")).select_option(product["id"])
    reader.button(panel, "pay.button").click()
    expect(panel.get_by_role("status").filter(has_text=reader.rx("pay.result", count=1))).to_have_count(1)
    payload = panel.locator(".ds24-ev details")
    payload.locator("summary").click()
    expect(cell(payload, "product_name")).to_have_text(PRODUCT)
    order = pay_hostile_buyer(reader, product["id"])
    log = reader.panel("events")
    event = log.locator(".ds24-ev").filter(has_text=reader.t("order", id=order))
    expect(event).to_have_count(1)
    event.locator("details summary").click()
    table = event.locator("details")
    expect(cell(table, "buyer_first_name")).to_have_text(FIRST_NAME)
    expect(cell(table, "buyer_last_name")).to_have_text(LAST_NAME)
    expect(cell(table, "product_name")).to_have_text(PRODUCT)
    harmless(reader)

    # Step 8: the hostile buyer is the newest sample; the preview shows the values as they are.
    reader.open(STEP[8])
    panel = reader.panel("template")
    picker = panel.get_by_label(reader.t("tpl.pick"))
    expect(picker.locator("option[value='buyer_first_name']")).to_contain_text(FIRST_NAME[:39])
    reader.button(panel, "tpl.add").click()
    reader.page.keyboard.type("Client")
    field = panel.locator(".ds24-col").last.get_by_label(reader.t("tpl.value"))
    field.click()
    field.press_sequentially("{{buyer_first_name}} {{buyer_last_name}} / {{product_name}}")
    preview = panel.locator(".ds24-preview tbody td").last
    expect(preview).to_have_text(f"{FIRST_NAME} {LAST_NAME} / {PRODUCT}")
    reader.button(panel, "tpl.save").click()
    reader.expect_said(panel, "tpl.saved")
    harmless(reader)

    # Step 9: samples, the action's result, a Zap named like markup, turned on, and its results.
    reader.open(STEP[9])
    test = reader.panel("zap-test")
    reader.button(test, "ztest.trigger").click()
    sample = test.locator("details").first
    sample.locator("summary").click()
    expect(cell(sample, "buyer_first_name")).to_have_text(FIRST_NAME)
    reader.button(test, "ztest.action").click()
    expect(test.get_by_role("status").filter(has_text=reader.t("ztest.ok"))).to_have_count(1)
    row = f"{FIRST_NAME} {LAST_NAME} / {PRODUCT}"
    expect(test.locator("table").last.locator("td").last).to_have_text(row)
    on = reader.panel("zap-on")
    on.get_by_label(reader.t("zon.name")).fill(ZAP_NAME)
    reader.button(on, "zon.rename").click()
    reader.expect_said(on, "zon.named")
    reader.button(on, "zon.on").click()
    reader.expect_done(on, reader.t("zon.done", name=ZAP_NAME))
    order = pay_hostile_buyer(reader, product["id"])
    results = reader.panel("results")
    reader.expect_done(results, reader.t("res.done", count=2))
    expect(results.locator("tbody tr").last.locator("td").last).to_have_text(row)
    assert reader.get(f"/api/zaps/{reader.zap()['id']}/sheet")["rows"][-1]["Client"] == row
    harmless(reader)

    # The Zap's name in step 2's "done" line and in each IPN's verdict of the event log.
    reader.open(STEP[2])
    shows(reader.panel("trigger").locator(".ds24-done"), ZAP_NAME)
    reader.open("troubleshooting/")
    log = reader.panel("events")
    event = log.locator(".ds24-ev").filter(has_text=reader.t("order", id=order))
    expect(event.locator(".ds24-run-ran strong")).to_have_text(
        reader.t("run.line", zap=ZAP_NAME, status=reader.t("run.ran"))
    )
    harmless(reader)

    # The image the data described was never requested.
    assert not [line for line in reader.watch.requests if line.split()[-1].endswith("/x")]
    reader.assert_clean()
