"""A reader of the guide in Chromium: opens pages, follows the guide's own links, reads the
live panels in the page's language, and keeps a record of every request and console error.

The panels' words are read from ``sandbox/i18n/messages/<lang>/panels.json`` (what the page
embeds), so the tests check the very sentences a reader sees, in French and in English.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.harness import ROOT, GuideServer

MESSAGES = ROOT / "sandbox" / "i18n" / "messages"
LANGUAGES = ("fr", "en")
WAIT_MS = 15_000
expect.set_options(timeout=WAIT_MS)

# The guide in reading order, as the footer's "next" links chain it (names without language).
GUIDE = [
    "",
    "guide/1-zap/",
    "guide/2-trigger/",
    "guide/3-connect/",
    "guide/4-products/",
    "guide/5-options/",
    "guide/6-test-payment/",
    "guide/7-action/",
    "guide/8-template/",
    "guide/9-test-and-turn-on/",
    "troubleshooting/",
]
STEP = {n: GUIDE[n] for n in range(1, 10)}  # STEP[6] == "guide/6-test-payment/"
# Schemes that never leave the page (inline images in Material's CSS, downloads built in JS).
LOCAL_SCHEMES = ("data", "blob", "about")


@cache
def catalog(language: str) -> dict[str, str]:
    return json.loads((MESSAGES / language / "panels.json").read_text("utf-8"))


def words(language: str, key: str, **params: object) -> str:
    """``t()`` of panels.js: the message ``panel.<key>`` with its ``{placeholders}`` filled."""
    text = catalog(language)["panel." + key]
    return re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]) if m.group(1) in params else m.group(0), text)


def pattern(language: str, key: str, **params: object) -> re.Pattern[str]:
    """The message as a regular expression: given placeholders literal, the others ``(.+?)``,
    any run of spaces (French no-break spaces included) matching any other."""
    parts = re.split(r"\{(\w+)\}", catalog(language)["panel." + key])
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(re.escape(str(params[part])) if part in params else "(.+?)")
        else:
            out.append(re.escape(part))
    return re.compile(re.sub(r"(\\ |\s)+", r"\\s+", "".join(out)))


def path_of(name: str, language: str) -> str:
    return ("/" if language == "fr" else f"/{language}/") + name


def name_of(path: str) -> tuple[str, str]:
    """``/en/guide/2-trigger/`` → (``guide/2-trigger/``, ``en``)."""
    for language in LANGUAGES:
        if language != "fr" and path.startswith(f"/{language}/"):
            return path[len(language) + 2 :], language
    return path.lstrip("/"), "fr"


@dataclass
class Watch:
    """Everything the browser asked for and every error it logged, for a whole context."""

    netloc: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.on("request", self._request)
        context.on("response", self._response)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.errors.append(f"page error: {error.error}"))

    def _request(self, request: Any) -> None:
        url = request.url
        self.requests.append(f"{request.method} {url}")
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES:
            return
        if parts.scheme not in ("http", "https") or parts.netloc != self.netloc:
            self.foreign.append(url)

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.bad_responses.append(f"{response.status} {response.request.method} {response.url}")

    def _console(self, message: Any) -> None:
        if message.type == "error":
            where = (message.location or {}).get("url", "")
            self.errors.append(f"{message.text} ({where})")

    def problems(self) -> list[str]:
        return (
            [f"console: {error}" for error in self.errors]
            + [f"request to another host: {url}" for url in self.foreign]
            + [f"HTTP error: {line}" for line in self.bad_responses]
        )

    def log(self) -> str:
        return "\n".join(["# problems", *self.problems(), "", "# requests", *self.requests])


class Reader:
    """One tab of the guide; ``language`` follows the page the reader is on."""

    def __init__(self, page: Page, server: GuideServer, watch: Watch, language: str = "fr") -> None:
        self.page = page
        self.server = server
        self.watch = watch
        self.language = language
        page.set_default_timeout(WAIT_MS)

    # --- words and the API (to know what to expect, never to act in place of the reader)
    def t(self, key: str, **params: object) -> str:
        return words(self.language, key, **params)

    def rx(self, key: str, **params: object) -> re.Pattern[str]:
        return pattern(self.language, key, **params)

    def get(self, path: str) -> Any:
        with self.server.api(self.language) as api:
            answer = api.get(path)
            answer.raise_for_status()
            return answer.json()

    def post(self, path: str, body: object = None) -> Any:
        with self.server.api(self.language) as api:
            answer = api.post(path, json=body)
            answer.raise_for_status()
            return answer.json()

    def zap(self) -> dict:
        zaps = self.get("/api/zaps")["zaps"]
        assert len(zaps) == 1, zaps
        return zaps[0]

    def triggers(self) -> dict[str, dict]:
        return {trigger["key"]: trigger for trigger in self.get("/api/zapier/triggers")["triggers"]}

    def products(self) -> list[dict]:
        return self.get("/api/products")["products"]

    def product(self, billing_type: str, etickets: bool = False) -> dict:
        return next(p for p in self.products() if p["billing_type"] == billing_type and p["etickets"] == etickets)

    def event_of(self, order_id: str, event: str = "on_payment") -> dict:
        events = self.get("/api/events?limit=50")["events"]
        found = [e for e in events if e["order_id"] == order_id and e["event"] == event]
        assert found, f"no {event} event for order {order_id}"
        return found[0]

    def storage(self) -> dict:
        return json.loads(self.page.evaluate("localStorage.getItem('ds24-panels') || '{}'"))

    def adopt(self, zap_id: str) -> None:
        """Make ``zap_id`` the reader's Zap, as choosing a trigger in step 2 does."""
        self.page.evaluate("(id) => localStorage.setItem('ds24-panels', JSON.stringify({zap: id}))", zap_id)

    def prepare_zap(self, trigger: str, product_ids: list[str]) -> dict:
        """Steps 2 to 4 done beforehand, through the API (for tests whose subject comes later):
        the account connected, a Zap with this trigger and these products."""
        self.post("/api/zapier/connect")
        return self.post("/api/zaps", {"trigger": trigger, "product_ids": product_ids})

    def start_with(self, zap_id: str, name: str) -> None:
        """Open ``name`` as a reader whose Zap is ``zap_id`` (what step 2 leaves in the browser)."""
        self.open(name)
        self.adopt(zap_id)
        self.open(name)

    # --- pages
    @property
    def where(self) -> str:
        return name_of(urlsplit(self.page.url).path)[0]

    def open(self, name: str, language: str | None = None) -> None:
        self.language = language or self.language
        answer = self.page.goto(self.server.url + path_of(name, self.language))
        assert answer is not None and answer.status == 200, f"{name}: {answer and answer.status}"
        self.settle()

    def settle(self) -> None:
        """The page is the one expected, in its language, every panel finished loading, and
        none says the sandbox is unreachable or shows an error."""
        _, language = name_of(urlsplit(self.page.url).path)
        assert language == self.language, f"on {self.page.url}, expected a page in {self.language}"
        problem = self.page.wait_for_function(
            """([lang, busy]) => {
                if (document.readyState !== 'complete' || document.documentElement.lang !== lang) return false;
                const panels = [...document.querySelectorAll('.ds24-panel[data-panel]')];
                const loaded = panels.every((el) => {
                    const msg = el.querySelector(':scope > .ds24-msg');
                    const body = el.querySelector(':scope > .ds24-body');
                    return msg && body && !busy.includes(msg.textContent)
                        && (body.childElementCount > 0 || msg.textContent);
                });
                if (!loaded) return false;
                const off = document.querySelector('.ds24-panel .ds24-off');
                const bad = document.querySelector('.ds24-panel > .ds24-msg.ds24-bad');
                if (off) return 'a panel says the sandbox does not answer';
                return bad ? 'a panel shows: ' + bad.textContent : 'ok';
            }""",
            arg=[self.language, [self.t("loading"), self.t("working")]],
        ).json_value()
        assert problem == "ok", f"{self.page.url}: {problem}"

    def follow(self, link: Locator, name: str) -> None:
        link.click(no_wait_after=True)  # wait_for_url does the waiting, once
        self.page.wait_for_url(self.server.url + path_of(name, self.language))
        self.settle()

    def next_page(self) -> None:
        """The footer's "next" link (Material's navigation.footer), like a reader at the bottom."""
        expected = GUIDE[GUIDE.index(self.where) + 1]
        link = self.page.locator("a.md-footer__link--next")
        expect(link).to_have_count(1)
        self.follow(link, expected)

    def previous_page(self) -> None:
        expected = GUIDE[GUIDE.index(self.where) - 1]
        self.follow(self.page.locator("a.md-footer__link--prev"), expected)

    def switch_language(self, language: str) -> None:
        """Material's language switcher in the header: open it, click the language."""
        name = self.where
        self.page.locator(".md-header .md-select > button").click()
        link = self.page.locator(f'.md-header a.md-select__link[hreflang="{language}"]')
        expect(link).to_be_visible()
        self.language = language
        self.follow(link, name)

    # --- panels
    def panel(self, name: str) -> Locator:
        panel = self.page.locator(f'.ds24-panel[data-panel="{name}"]')
        expect(panel).to_have_count(1)
        expect(panel.locator(".ds24-title strong")).to_have_text(self.t("title." + name))
        return panel

    def button(self, panel: Locator, key: str, **params: object) -> Locator:
        return panel.get_by_role("button", name=self.t(key, **params), exact=True)

    def choice(self, panel: Locator, label: str) -> Locator:
        """A radio or checkbox of a panel, by its visible label (a ``label.ds24-choice``)."""
        span = self.page.locator(f"xpath=./span[1][normalize-space(.)={xpath_literal(label)}]")
        return panel.locator("label.ds24-choice").filter(has=span)

    def fieldset(self, panel: Locator, legend: str) -> Locator:
        """A group of choices, by its legend (an option's label)."""
        title = self.page.locator(f"xpath=./legend[normalize-space(.)={xpath_literal(legend)}]")
        return panel.locator("fieldset").filter(has=title)

    def expect_done(self, panel: Locator, text: str | re.Pattern[str]) -> None:
        done = panel.locator(":scope > .ds24-done")
        if isinstance(text, str):
            expect(done).to_have_text("✓ " + text)
        else:
            expect(done).to_have_text(re.compile("✓ " + text.pattern))
        expect(panel).to_have_class(re.compile(r"\bds24-is-done\b"))

    def expect_said(self, panel: Locator, key: str, **params: object) -> None:
        """The panel's message line (``role=status``) says ``key``."""
        expect(panel.locator(":scope > .ds24-msg")).to_have_text(self.t(key, **params))

    def assert_clean(self) -> None:
        problems = self.watch.problems()
        assert not problems, "\n".join(problems)


def xpath_literal(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in text.split("'")) + ")"
