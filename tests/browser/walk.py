"""The guide, walked as a reader walks it: from the home page to a Zap that is on, through the
panels only, page after page by the footer's "next" link. Each step checks what the reader
sees, in the page's language. ``shoot`` is called at the key moments (the screenshot script
passes one that saves the panel as a picture; the tests pass none).

Both walks cover both actions: the French reader starts with Google Sheets and later moves
the Zap to Gmail, the English reader the other way round.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import Locator, Page, expect

from tests.browser.reader import STEP, Reader, path_of

Shoot = Callable[[str, "Locator | list[Locator]"], None]
OTHER = {"sheets": "gmail", "gmail": "sheets"}
# What the reader types, in each language.
NEW_PRODUCT = {"fr": "Masterclass Zapier en direct", "en": "Live Zapier masterclass"}
ZAP_NAME = {
    "fr": {"sheets": "DS24 – Ventes → Feuille", "gmail": "DS24 – Ventes → E-mail"},
    "en": {"sheets": "DS24 – Sales → Sheet", "gmail": "DS24 – Sales → E-mail"},
}
CUSTOMER = {"fr": "Client", "en": "Customer"}
TYPO = {"fr": "prenom", "en": "firstname"}
SUBJECT = {"fr": "Commande {} pour {}", "en": "Order {} for {}"}


def in_view(cell: Locator) -> None:
    """The cell is within the visible part of the scrolling boxes around it (not scrolled away)."""
    assert cell.evaluate(
        """(cell) => {
            const a = cell.getBoundingClientRect();
            return [cell.closest('table'), cell.closest('.ds24-scroll')].filter(Boolean).every((box) => {
                const b = box.getBoundingClientRect();
                return a.left >= b.left - 1 && a.right <= b.right + 1;
            });
        }"""
    ), "the preview cell of the column being typed is scrolled out of view"


def no_shot(name: str, target: Locator | list[Locator]) -> None:
    pass


@dataclass
class GuideWalk:
    reader: Reader
    action: str = "sheets"
    shoot: Shoot = no_shot
    zap_name: str = ""
    new_product: dict = field(default_factory=dict)
    orders: list[str] = field(default_factory=list)

    @property
    def page(self) -> Page:
        return self.reader.page

    @property
    def language(self) -> str:
        return self.reader.language

    def all(self) -> None:
        """Home page → step 9, a Zap that is on and whose results show, then the next page."""
        self.home()
        self.step1()
        self.step2_trigger()
        self.step3_connect()
        self.step4_products()
        self.step5_options()
        self.step6_test_payment()
        self.step7_action()
        self.step8_template()
        self.step9_test_and_turn_on()
        self.results_after_payments()
        self.reader.next_page()  # the guide goes on to troubleshooting, whose event log has it all
        log = self.reader.panel("events")
        for order in self.orders:
            expect(log).to_contain_text(self.reader.t("order", id=order))

    def scenario(self) -> None:
        """On the troubleshooting page the guide leads to: one scenario, run with its own Zap."""
        r = self.reader
        assert r.where == "troubleshooting/"
        panel = r.panel("scenario")
        first = r.get("/api/scenarios")["scenarios"][0]
        entry = panel.locator("ul.ds24-list > li").first
        expect(entry.locator("strong")).to_have_text(first["title"][self.language])
        r.button(entry, "scen.run").click()
        said = panel.get_by_role("status").filter(has_text=r.rx("scen.result", title=first["title"][self.language]))
        expect(said).to_have_count(1)
        steps = panel.locator("ol.ds24-timeline > li")
        expect(steps.first).to_be_visible()
        assert steps.count() >= 1
        expect(steps.locator("li.ds24-ok, li.ds24-no").first).to_be_visible()  # each IPN's verdict

    # --- home and step 1: text only
    def home(self) -> None:
        r = self.reader
        r.open("")
        assert self.page.locator(".ds24-panel").count() == 0
        r.next_page()

    def step1(self) -> None:
        assert self.reader.where == STEP[1]
        assert self.page.locator(".ds24-panel").count() == 0
        self.reader.next_page()

    # --- step 2: the trigger creates the reader's Zap
    def step2_trigger(self, key: str = "order") -> None:
        r = self.reader
        assert r.where == STEP[2]
        panel = r.panel("trigger")
        expect(panel.locator(":scope > .ds24-done")).to_have_text("")
        trigger = r.triggers()[key]
        r.choice(panel, trigger["label"]).click()
        r.expect_done(panel, r.rx("trigger.done", trigger=trigger["label"]))  # the Zap is created
        zap = r.zap()
        r.expect_done(panel, r.t("trigger.done", trigger=trigger["label"], zap=zap["name"]))
        assert zap["trigger"] == key and r.storage()["zap"] == zap["id"]
        for option in trigger["options"]:  # the options of step 5, in the page's language
            expect(panel).to_contain_text(option["label"])
        self.shoot("trigger", panel)
        r.next_page()

    # --- step 3: connect; the "Zapier" connection appears, passphrase masked
    def step3_connect(self) -> None:
        r = self.reader
        assert r.where == STEP[3]
        panel = r.panel("connect")
        expect(panel).to_contain_text(r.t("connect.none"))
        r.button(panel, "connect.button").click()
        r.expect_done(panel, r.t("connect.done"))
        expect(r.button(panel, "connect.button")).to_be_hidden()
        connection = r.get("/api/connections")["connections"][0]
        row = panel.locator("tbody tr")
        expect(row).to_have_count(1)
        expect(row.locator("td").nth(0)).to_have_text("Zapier")
        expect(row.locator("td").nth(2)).to_have_text(connection["passphrase"])
        assert "*" in connection["passphrase"] or "•" in connection["passphrase"], connection["passphrase"]
        r.next_page()

    # --- step 4: products, and a new one that shows only after "reload"
    def step4_products(self) -> None:
        r = self.reader
        assert r.where == STEP[4]
        panel = r.panel("products")
        course = r.product("single_payment")
        plan = r.product("subscription")
        for count, product in enumerate((course, plan), start=1):
            r.choice(panel, product["name"]).locator("input").check()
            r.expect_done(panel, r.t("products.done", count=count))

        name = NEW_PRODUCT[self.language]
        panel.locator("summary", has_text=r.t("products.add")).click()
        panel.get_by_label(r.t("products.name")).fill(name)
        panel.get_by_label(r.t("products.price")).fill("59.00")
        panel.get_by_label(r.t("products.billing")).select_option("single_payment")
        r.button(panel, "products.create").click()
        expect(panel.locator(":scope > .ds24-msg")).to_have_text(r.rx("products.added", name=name))
        added = next(p for p in r.products() if p["name"] == name)
        r.expect_said(panel, "products.added", name=name, id=added["id"])
        expect(r.choice(panel, name)).to_have_count(0)  # like Zapier: not before "reload"
        r.button(panel, "products.reload").click()
        box = r.choice(panel, name)
        expect(box).to_contain_text(r.t("products.id", id=added["id"]))
        box.locator("input").check()
        r.expect_done(panel, r.t("products.done", count=3))
        assert set(r.zap()["product_ids"]) == {course["id"], plan["id"], added["id"]}
        self.new_product = added
        r.next_page()

    # --- step 5: options saved on the Zap, and one example event through the filters
    def step5_options(self) -> None:
        r = self.reader
        assert r.where == STEP[5]
        panel = r.panel("options")
        options = {o["name"]: o for o in r.triggers()["order"]["options"]}
        chargeback = next(c for c in options["events"]["choices"] if c["value"] == "chargeback")
        events = r.fieldset(panel, options["events"]["label"])
        box = r.choice(events, chargeback["label"]).locator("input")
        expect(box).to_be_checked()  # the default: payment, refund, chargeback, missed payment
        box.uncheck()
        follow_ups = r.fieldset(panel, options["follow_ups"]["label"])
        expect(r.choice(follow_ups, r.t("yes")).locator("input")).to_be_checked()
        r.button(panel, "options.save").click()
        r.expect_said(panel, "options.saved")
        r.expect_done(panel, r.t("options.done"))
        assert r.zap()["options"] == {"events": ["payment", "refund", "payment_missed"], "follow_ups": True}

        r.button(panel, "options.try").click()
        expect(panel.get_by_role("status").filter(has_text=r.rx("options.tried", count=1))).to_have_count(1)
        verdict = panel.locator(".ds24-ev li.ds24-ok > strong").first
        expect(verdict).to_have_text("✓ " + r.t("ev.connection", name="Zapier"))
        r.next_page()

    # --- step 6: a test payment for the new product; its IPN, signature and verdicts
    def step6_test_payment(self) -> None:
        r = self.reader
        assert r.where == STEP[6]
        panel = r.panel("test-payment")
        panel.get_by_label(r.t("pay.product")).select_option(self.new_product["id"])
        expect(panel.get_by_label(r.t("pay.follow_ups"))).to_be_disabled()  # paid at once: no follow-ups
        r.button(panel, "pay.button").click()
        said = panel.get_by_role("status").filter(has_text=r.rx("pay.result", count=1))
        expect(said).to_have_count(1)
        order = r.rx("pay.result", count=1).search(said.inner_text())
        assert order, said.inner_text()
        self.orders.append(order.group(1))
        self.check_ipn(panel, order.group(1), self.new_product)
        r.expect_done(panel, r.rx("pay.done"))
        self.shoot("ipn", panel)
        # The live event log under it shows the same event, pushed by the server.
        log = r.panel("events")
        expect(log.locator(".ds24-help").first).to_have_text(r.t("events.live"))
        expect(log.locator(".ds24-ev").first).to_contain_text(r.t("order", id=order.group(1)))
        r.next_page()

    def check_ipn(self, panel: Locator, order: str, product: dict, index: int = 0) -> None:
        """One IPN, as the panel shows it: the connection's decision with its reason, the
        delivery, the sha_sign the server computed, the Zap's verdict and the signed fields."""
        r = self.reader
        event = r.event_of(order)
        delivery = event["deliveries"][0]
        block = panel.locator(".ds24-ev").nth(index)
        expect(block.locator(".ds24-ev-head code")).to_have_text("on_payment")
        expect(block.locator(".ds24-ev-head")).to_contain_text(r.t("order", id=order))
        line = block.locator("ul.ds24-list > li").first
        expect(line).to_have_class("ds24-ok")
        expect(line.locator(":scope > strong")).to_have_text("✓ " + r.t("ev.connection", name="Zapier"))
        expect(line).to_contain_text(delivery["explanation"][self.language])
        expect(line).to_contain_text(r.t("delivery." + delivery["state"]))
        assert delivery["sha_sign"] and re.fullmatch(r"[0-9A-F]{64,128}", delivery["sha_sign"])
        expect(line.locator(".ds24-sig code")).to_have_text(delivery["sha_sign"])
        run = delivery["zap_runs"][0]
        verdict = line.locator("ul > li").first
        expect(verdict.locator(":scope > strong")).to_have_text(
            r.t("run.line", zap=run["zap_name"], status=r.t("run." + run["status"]))
        )
        if run["reason"]:
            expect(verdict).to_contain_text(run["reason"]["text"][self.language])
        payload = block.locator("details")
        payload.locator("summary").click()
        expect(payload.locator("summary")).to_have_text(r.t("ev.payload", count=len(event["fields"])))
        for name in ("order_id", "product_id", "product_name", "sha_sign"):
            if name in event["fields"]:
                cell = payload.locator("tr", has=self.page.locator(f"td > code:text-is('{name}')")).locator("td").nth(1)
                expect(cell).to_have_text(event["fields"][name])
        assert event["fields"]["product_id"] == product["id"]
        payload.locator("summary").click()  # and closed again, as a reader tidies up
        expect(payload).not_to_have_attribute("open", "")

    # --- step 7: the action
    def step7_action(self, kind: str | None = None, go_on: bool = True) -> None:
        r = self.reader
        kind = kind or self.action
        assert r.where == STEP[7]
        panel = r.panel("action")
        r.choice(panel, r.t("action." + kind)).click()
        r.expect_done(panel, r.t("action.done", action=r.t("action." + kind)))
        assert r.zap()["action"]["kind"] == kind
        if go_on:
            r.next_page()

    # --- step 8: the template, typed, with its live preview
    def step8_template(self) -> None:
        r = self.reader
        assert r.where == STEP[8]
        panel = r.panel("template")
        sample = r.post(f"/api/zaps/{r.zap()['id']}/test")["samples"][0]["output"]
        assert sample["order_id"] == self.orders[-1]
        expect(panel).to_contain_text(r.t("tpl.for", action=r.t("action." + self.action)))
        preview = panel.locator(".ds24-preview")
        expect(preview).to_contain_text(r.t("tpl.preview"))
        if self.action == "sheets":
            field, cell = self.sheets_template(panel, sample)
        else:
            field, cell = self.gmail_template(panel, sample)

        # A field that is not in the sample: the preview names it; fixed, the error goes.
        typo = TYPO[self.language]
        correct = field.input_value()
        field.press("End")
        field.press_sequentially(" {{" + typo + "}}")
        expect(cell).to_have_text(r.t("tpl.unknown", name=typo))
        in_view(cell)
        problems = preview.locator(":scope > p.ds24-bad")
        expect(problems).to_have_text(r.t("tpl.problems", count=1))
        field.fill(correct)
        expect(problems).to_have_count(0)

        # The field picker inserts a field where the cursor is.
        field.press_sequentially(" · ")
        panel.get_by_label(r.t("tpl.pick")).select_option("transaction_id")
        r.button(panel, "tpl.insert").click()
        expect(field).to_have_value(re.compile(r"\{\{transaction_id\}\}$"))
        expect(cell).to_contain_text(" · " + sample["transaction_id"])
        # The column (or the e-mail) being written, down to its preview.
        editing = field.locator("xpath=ancestor::*[contains(@class, 'ds24-col') or contains(@class, 'ds24-editor')][1]")
        self.shoot("template", [editing, preview])
        r.button(panel, "tpl.save").click()
        r.expect_said(panel, "tpl.saved")
        r.expect_done(panel, r.t("tpl.done"))
        r.next_page()

    def sheets_template(self, panel: Locator, sample: dict) -> tuple[Locator, Locator]:
        """A new "Customer" column typed as ``{{buyer_first_name}} {{buyer_last_name}}``."""
        r = self.reader
        columns = panel.locator(".ds24-col")
        before = columns.count()
        assert before > 0, "the Sheets template starts with the default columns"
        r.button(panel, "tpl.add").click()
        expect(columns).to_have_count(before + 1)
        self.page.keyboard.type(CUSTOMER[self.language])  # the new column's title has the focus
        field = columns.last.get_by_label(r.t("tpl.value"))
        field.click()
        self.page.keyboard.insert_text("{{buyer_first_name}} ")
        field.press_sequentially("{{ buyer_last_name }}")
        table = panel.locator(".ds24-preview table")
        expect(table.locator("th").last).to_have_text(CUSTOMER[self.language])
        cell = table.locator("tbody td").last
        expect(cell).to_have_text(f"{sample['buyer_first_name']} {sample['buyer_last_name']}")
        # Seven columns are wider than the panel: the preview scrolls to the column being typed.
        assert table.evaluate("t => t.scrollWidth > t.clientWidth"), "expected a preview wider than the panel"
        in_view(cell)
        return field, cell

    def gmail_template(self, panel: Locator, sample: dict) -> tuple[Locator, Locator]:
        """The subject retyped with the order number and the buyer's first name."""
        r = self.reader
        field = panel.locator(".ds24-editor").get_by_label(r.t("tpl.subject"))
        field.click()
        field.press("Control+A")
        subject = SUBJECT[self.language]
        self.page.keyboard.insert_text(subject.format("{{order_id}}", ""))
        field.press_sequentially("{{ buyer_first_name }}")
        cell = panel.locator(".ds24-preview dd").nth(1)
        expect(cell).to_have_text(subject.format(sample["order_id"], sample["buyer_first_name"]))
        return field, cell

    # --- step 9: test, name, turn on
    def step9_test_and_turn_on(self) -> None:
        r = self.reader
        assert r.where == STEP[9]
        test = r.panel("zap-test")
        r.button(test, "ztest.trigger").click()
        sample = test.locator("details").first
        expect(sample.locator("summary")).to_have_text(r.rx("ztest.sample", n=1, event="on_payment"))
        r.button(test, "ztest.action").click()
        expect(test.get_by_role("status").filter(has_text=r.t("ztest.ok"))).to_have_count(1)
        result = test.get_by_role("status").filter(has_text=r.t("ztest.ok")).locator("xpath=following-sibling::div[1]")
        if self.action == "sheets":
            expect(result.locator("table")).to_contain_text(CUSTOMER[self.language])
        else:
            expect(result.locator("dl")).to_contain_text(self.orders[-1])
        r.expect_done(test, r.t("ztest.done"))

        on = r.panel("zap-on")
        self.zap_name = ZAP_NAME[self.language][self.action]
        on.get_by_label(r.t("zon.name")).fill(self.zap_name)
        r.button(on, "zon.rename").click()
        r.expect_said(on, "zon.named")
        state = on.get_by_role("status").filter(has_text=r.rx("zon.state"))
        expect(state).to_have_text(r.t("zon.state", name=self.zap_name, state=r.t("state.tested")))
        r.button(on, "zon.on").click()
        expect(state).to_have_text(r.t("zon.state", name=self.zap_name, state=r.t("state.on")))
        r.expect_done(on, r.t("zon.done", name=self.zap_name))
        expect(r.button(on, "zon.off")).to_be_visible()
        assert r.zap()["state"] == "on"

    # --- "check that it works": pay again, in a second tab; the results panel updates live
    def results_after_payments(self) -> None:
        r = self.reader
        results = r.panel("results")
        self.expect_results(results, self.action, count=1, test=True)  # the test action's own result
        # The page's own link to step 6, opened in a second tab (Ctrl+click) to keep this one in view.
        link = self.page.locator("article a[href$='6-test-payment/#try-it']")
        with self.page.context.expect_page() as opened:
            link.click(modifiers=["Control"])
        other = Reader(opened.value, r.server, r.watch, self.language)
        other.page.wait_for_url(r.server.url + path_of(STEP[6], self.language) + "#try-it")
        other.settle()
        paid = self.pay(other, r.product("subscription"), follow_ups=1)
        self.expect_results(results, self.action, count=3, order=paid, rows=2)
        self.shoot("results", results)

        # The same Zap, moved to the other action on step 7, then one more payment.
        other.next_page()
        GuideWalk(other, OTHER[self.action]).step7_action(go_on=False)
        other.previous_page()
        paid = self.pay(other, r.product("single_payment"))
        self.expect_results(results, OTHER[self.action], count=1, order=paid, rows=1)
        other.page.close()

    def pay(self, reader: Reader, product: dict, follow_ups: int = 0) -> str:
        panel = reader.panel("test-payment")
        panel.get_by_label(reader.t("pay.product")).select_option(product["id"])
        if follow_ups:
            panel.get_by_label(reader.t("pay.follow_ups")).fill(str(follow_ups))
        reader.button(panel, "pay.button").click()
        result = reader.rx("pay.result", count=1 + follow_ups)
        said = panel.get_by_role("status").filter(has_text=result)
        expect(said).to_have_count(1)
        order = result.search(said.inner_text())
        assert order
        self.orders.append(order.group(1))
        return order.group(1)

    def expect_results(
        self, results: Locator, kind: str, count: int, order: str = "", rows: int = 0, test: bool = False
    ) -> None:
        r = self.reader
        r.expect_done(results, r.t("res.done", count=count))
        runs = results.locator("ul.ds24-list > li")
        if test:
            expect(runs.first).to_contain_text(f"{r.t('run.ran')} ({r.t('res.test')})")
        if kind == "sheets":
            zap = r.zap()
            expect(results).to_contain_text(r.t("res.sheet", name=zap["action"]["config"]["spreadsheet"], count=count))
            if order:
                expect(results.locator("table tbody tr").filter(has_text=order)).to_have_count(rows)
        else:
            expect(results).to_contain_text(r.t("res.outbox", count=count))
            if order:
                mail = results.locator(".ds24-ev").first
                expect(mail).to_contain_text(order)
                expect(mail.locator("dd").first).to_have_text(r.event_of(order)["fields"]["email"])
        if order:
            expect(runs.first).to_contain_text(r.t("run.ran"))
            expect(runs.first).not_to_contain_text(r.t("res.test"))
