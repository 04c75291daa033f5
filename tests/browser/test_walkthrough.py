"""Follow the guide as a reader does, in a real browser, in both languages: from the home page
to a Zap that is on, through the panels only, page after page by the guide's "next" links;
and switch language in the middle, keeping the progress."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Session
from tests.browser.reader import STEP, Reader, words
from tests.browser.walk import GuideWalk

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("language", "action"), [("fr", "sheets"), ("en", "gmail")])
def test_a_reader_follows_the_guide_to_a_zap_that_is_on(browser_session: Session, language: str, action: str) -> None:
    reader = browser_session.reader(language)
    walk = GuideWalk(reader, action)
    walk.all()
    zap = reader.zap()
    assert zap["state"] == "on" and zap["name"] == walk.zap_name
    assert len(walk.orders) == 3
    walk.scenario()
    reader.assert_clean()


def test_switching_language_midway_keeps_the_progress(reader: Reader) -> None:
    walk = GuideWalk(reader)
    reader.open(STEP[2], "fr")
    walk.step2_trigger()
    walk.step3_connect()
    zap = reader.zap()
    products = reader.panel("products")
    reader.choice(products, reader.product("subscription")["name"]).locator("input").check()
    reader.expect_done(products, reader.t("products.done", count=1))
    stored = reader.storage()

    # Material's switcher, the real link: the same page, in English, with the same progress.
    reader.switch_language("en")
    assert reader.where == STEP[4] and reader.storage() == stored
    products = reader.panel("products")
    reader.expect_done(products, words("en", "products.done", count=1))
    expect(reader.choice(products, reader.product("subscription")["name"]).locator("input")).to_be_checked()
    expect(reader.button(products, "products.reload")).to_be_visible()

    # Back through the steps already done: each panel says so, in English.
    reader.previous_page()
    reader.expect_done(reader.panel("connect"), words("en", "connect.done"))
    reader.previous_page()
    trigger = reader.triggers()["order"]["label"]
    reader.expect_done(reader.panel("trigger"), words("en", "trigger.done", trigger=trigger, zap=zap["name"]))
    expect(reader.choice(reader.panel("trigger"), trigger).locator("input")).to_be_checked()

    # And back to French, on the page the reader is on.
    reader.switch_language("fr")
    assert reader.where == STEP[2]
    french = reader.triggers()["order"]["label"]
    reader.expect_done(reader.panel("trigger"), words("fr", "trigger.done", trigger=french, zap=zap["name"]))
    assert reader.zap()["id"] == zap["id"] and reader.storage()["zap"] == zap["id"]
    # The switcher went straight to the page: no redirect, no sitemap.xml fetched.
    assert not [line for line in reader.watch.requests if "sitemap.xml" in line]
    reader.assert_clean()
