"""Each trigger option changes what happens, and the reader sees it in the page: the options
are set in the step 5 panel, the payments made in the step 6 panel, and each IPN shows, for
the "Zapier" connection, sent or not and why, and for the Zap, whether it ran."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, expect

from tests.browser.reader import STEP, Reader

pytestmark = pytest.mark.browser


def events_of(reader: Reader, order: str) -> list[dict]:
    found = [e for e in reader.get("/api/events?limit=50")["events"] if e["order_id"] == order]
    return sorted(found, key=lambda e: e["id"])


def zapier(event: dict) -> dict:
    return next(d for d in event["deliveries"] if d["connection_name"] == "Zapier")


def save_options(reader: Reader, panel: Locator) -> None:
    reader.button(panel, "options.save").click()
    reader.expect_said(panel, "options.saved")
    reader.expect_done(panel, reader.t("options.done"))


def pay(reader: Reader, product: dict, *, follow_ups: int = 0, incomplete: bool = False) -> tuple[str, Locator]:
    panel = reader.panel("test-payment")
    panel.get_by_label(reader.t("pay.product")).select_option(product["id"])
    if follow_ups:
        panel.get_by_label(reader.t("pay.follow_ups")).fill(str(follow_ups))
    if incomplete:
        panel.get_by_label(reader.t("pay.incomplete")).check()
    reader.button(panel, "pay.button").click()
    said = panel.get_by_role("status").filter(has_text=reader.rx("pay.result"))
    expect(said).to_have_count(1)
    found = reader.rx("pay.result").search(said.inner_text())
    assert found
    return found.group(1), panel


def expect_sent_and_ran(reader: Reader, block: Locator, event: dict, zap_name: str) -> None:
    delivery = zapier(event)
    assert delivery["send"], delivery
    line = block.locator("ul.ds24-list > li").first
    expect(line).to_have_class("ds24-ok")
    expect(line.locator(":scope > strong")).to_have_text("✓ " + reader.t("ev.connection", name="Zapier"))
    expect(line).to_contain_text(delivery["explanation"][reader.language])
    expect(line.locator(".ds24-sig code")).to_have_text(delivery["sha_sign"])
    run = line.locator("ul > li")
    expect(run).to_have_count(1)
    expect(run).to_have_class("ds24-run-ran")
    expect(run.locator("strong")).to_have_text(reader.t("run.line", zap=zap_name, status=reader.t("run.ran")))


def expect_not_sent(reader: Reader, block: Locator, event: dict, reason: str) -> str:
    """The event is shown as not sent to Zapier, with the reason the filter gave; no Zap ran."""
    delivery = zapier(event)
    assert not delivery["send"] and delivery["reason"] == reason, delivery
    line = block.locator("ul.ds24-list > li").first
    expect(line).to_have_class("ds24-no")
    expect(line.locator(":scope > strong")).to_have_text("✗ " + reader.t("ev.connection", name="Zapier"))
    text = delivery["explanation"][reader.language]
    expect(line).to_contain_text(text)
    expect(line.locator(".ds24-sig")).to_have_count(0)
    expect(line.locator("ul > li")).to_have_count(0)  # not sent: no Zap could run
    return text


def test_follow_up_payments_off_leaves_the_rebills_out(reader: Reader) -> None:
    plan = reader.product("subscription")
    zap = reader.prepare_zap("order", [plan["id"]])
    reader.start_with(zap["id"], STEP[5])
    option = {o["name"]: o for o in reader.triggers()["order"]["options"]}["follow_ups"]
    panel = reader.panel("options")
    group = reader.fieldset(panel, option["label"])
    expect(reader.choice(group, reader.t("yes")).locator("input")).to_be_checked()
    reader.choice(group, reader.t("no")).click()
    save_options(reader, panel)
    assert reader.zap()["options"]["follow_ups"] is False

    # The panel's own example: a subscription payment and one follow-up payment.
    reader.button(panel, "options.try").click()
    expect(panel.get_by_role("status").filter(has_text=reader.rx("options.tried", count=2))).to_have_count(1)
    tried = panel.locator(".ds24-ev")
    expect(tried).to_have_count(2)
    expect(tried.nth(0).locator("li.ds24-ok")).to_have_count(1)
    expect(tried.nth(1).locator("li.ds24-no")).to_contain_text(option["label"])

    # The Zap on, a payment with two follow-ups: only the first payment reaches it.
    reader.post(f"/api/zaps/{zap['id']}/on")
    reader.next_page()
    order, panel = pay(reader, plan, follow_ups=2)
    events = events_of(reader, order)
    assert [e["fields"]["pay_sequence_no"] for e in events] == ["1", "2", "3"]
    blocks = panel.locator(".ds24-ev")
    expect(blocks).to_have_count(3)
    expect_sent_and_ran(reader, blocks.nth(0), events[0], zap["name"])
    for number in (1, 2):
        said = expect_not_sent(reader, blocks.nth(number), events[number], "follow_up_excluded")
        assert str(number + 1) in said and option["label"] in said

    # Back to step 5, "yes": the next rebills are sent and run the Zap.
    reader.previous_page()
    panel = reader.panel("options")
    reader.choice(reader.fieldset(panel, option["label"]), reader.t("yes")).click()
    save_options(reader, panel)
    reader.next_page()
    order, panel = pay(reader, plan, follow_ups=1)
    events = events_of(reader, order)
    blocks = panel.locator(".ds24-ev")
    expect(blocks).to_have_count(2)
    for number in (0, 1):
        expect_sent_and_ran(reader, blocks.nth(number), events[number], zap["name"])
    reader.assert_clean()


def test_incomplete_etickets_off_holds_the_ticket_until_it_is_filled_in(reader: Reader) -> None:
    workshop = reader.product("single_payment", etickets=True)
    zap = reader.prepare_zap("eticket", [workshop["id"]])
    reader.start_with(zap["id"], STEP[5])
    option = {o["name"]: o for o in reader.triggers()["eticket"]["options"]}["incomplete"]
    panel = reader.panel("options")
    reader.choice(reader.fieldset(panel, option["label"]), reader.t("no")).click()
    save_options(reader, panel)
    assert reader.zap()["options"]["incomplete"] is False
    reader.post(f"/api/zaps/{zap['id']}/on")

    reader.next_page()
    order, panel = pay(reader, workshop, incomplete=True)
    events = events_of(reader, order)
    ticket = next(e for e in events if e["event"] == "eticket")
    blocks = panel.locator(".ds24-ev")
    held = blocks.nth(events.index(ticket))
    expect(held.locator(".ds24-ev-head code")).to_have_text("eticket")
    said = expect_not_sent(reader, held, ticket, "eticket_incomplete")
    assert option["label"] in said

    # "Fill in the attendee's name": the ticket, now complete, reaches the Zap, which runs.
    ticket_id = ticket["fields"]["eticket_id"]
    reader.button(panel, "pay.complete").click()
    expect(panel.get_by_role("status").filter(has_text=reader.t("pay.completed", ticket=ticket_id))).to_have_count(1)
    updated = [e for e in events_of(reader, order) if e["event"] == "eticket" and e["id"] != ticket["id"]]
    assert len(updated) == 1 and updated[0]["fields"]["eticket_id"] == ticket_id
    block = panel.locator(".ds24-ev")
    expect(block).to_have_count(1)
    expect(block.locator(".ds24-ev-head code")).to_have_text("eticket")
    expect_sent_and_ran(reader, block, updated[0], zap["name"])
    runs = reader.get(f"/api/zaps/{zap['id']}/runs")["runs"]
    assert [run["status"] for run in runs] == ["ran"]
    reader.assert_clean()


def test_an_unselected_event_or_product_is_not_sent_and_says_why(reader: Reader) -> None:
    course = reader.product("single_payment")
    zap = reader.prepare_zap("order", [course["id"]])
    reader.start_with(zap["id"], STEP[5])
    option = {o["name"]: o for o in reader.triggers()["order"]["options"]}["events"]
    panel = reader.panel("options")
    group = reader.fieldset(panel, option["label"])
    for choice in option["choices"]:
        box = reader.choice(group, choice["label"]).locator("input")
        if choice["value"] == "payment":
            expect(box).to_be_checked()
        else:
            box.uncheck()
    save_options(reader, panel)
    assert reader.zap()["options"]["events"] == ["payment"]
    reader.post(f"/api/zaps/{zap['id']}/on")

    reader.next_page()
    order, panel = pay(reader, course)
    expect_sent_and_ran(reader, panel.locator(".ds24-ev"), events_of(reader, order)[0], zap["name"])

    # A refund: the event is not ticked, so it is not sent, and the panel says so.
    reader.button(panel, "pay.refund").click()
    expect(panel.get_by_role("status").filter(has_text=reader.t("pay.refunded", order=order))).to_have_count(1)
    refund = next(e for e in events_of(reader, order) if e["event"] == "on_refund")
    block = panel.locator(".ds24-ev")
    expect(block.locator(".ds24-ev-head code")).to_have_text("on_refund")
    said = expect_not_sent(reader, block, refund, "event_not_selected")
    refund_label = next(c["label"] for c in option["choices"] if c["value"] == "refund")
    assert re.search(re.escape("refund") + "|" + re.escape(refund_label), said, re.I), said

    # A product that is not in the Zap's list (step 4's filter): not sent either.
    other = reader.product("subscription")
    order, panel = pay(reader, other)
    said = expect_not_sent(reader, panel.locator(".ds24-ev"), events_of(reader, order)[0], "product_not_selected")
    assert other["id"] in said
    assert [run["status"] for run in reader.get(f"/api/zaps/{zap['id']}/runs")["runs"]] == ["ran"]
    reader.assert_clean()
