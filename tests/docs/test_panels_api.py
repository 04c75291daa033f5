"""The live panels' contract with the sandbox: every API call in panels.js works with the
bodies the panels send, and the panels' words exist in both languages.

The calls are read from the ``API`` table at the top of ``docs/assets/panels.js``; a call
added there without a scripted call here fails ``test_every_call_of_the_panels_is_scripted``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from sandbox.digistore24.products import BILLING_TYPES
from sandbox.i18n import LANGUAGES, placeholders
from sandbox.zapier import actions, receiver
from sandbox.zapier import zaps as zap_rules
from tests.docs.conftest import DOCS, ROOT
from tests.docs.test_sources import PANELS

pytestmark = pytest.mark.docs

SCRIPT = DOCS / "assets" / "panels.js"
STYLES = DOCS / "assets" / "panels.css"
MESSAGES = ROOT / "sandbox" / "i18n" / "messages"
SIZE_LIMIT = 40_000  # JS + CSS, in bytes
EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}
# The families of message keys panels.js builds at run time ("run." + status), with every
# value the server can hand it.
DYNAMIC = {
    "title.": sorted(PANELS),
    "run.": list(receiver.STATUSES),
    "state.": list(zap_rules.STATES),
    "delivery.": ["skipped", "pending", "delivered", "failed"],
    "billing.": list(BILLING_TYPES),
    "action.": list(actions.KINDS) + [f"{kind}.help" for kind in actions.KINDS],
    "tpl.": ["to", "subject", "body"],
}


def script() -> str:
    return SCRIPT.read_text("utf-8")


def api_table() -> dict[str, tuple[str, str]]:
    """``name: "METHOD /path"`` entries of the ``const API = {…}`` table."""
    block = re.search(r"const API = \{(.*?)\n\s*\};", script(), re.S)
    assert block, "panels.js has no `const API = {…};` table"
    entries = re.findall(r'^\s*(\w+): "(GET|POST|PATCH|PUT|DELETE) (/[^"]*)",?\s*$', block.group(1), re.M)
    assert entries, "the API table is empty"
    return {name: (method, path) for name, method, path in entries}


def catalog(language: str) -> dict[str, str]:
    return json.loads((MESSAGES / language / "panels.json").read_text("utf-8"))


# --------------------------------------------------------------------------- API calls


class Panels:
    """Calls the API exactly as panels.js does: by table name, with its path parameters."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.table = api_table()
        self.called: set[str] = set()

    def __call__(self, name: str, params: dict[str, str] | None = None, body: object = None, headers=EN) -> dict:
        method, path = self.table[name]
        url = re.sub(r"\{(\w+)\}", lambda match: str((params or {})[match.group(1)]), path)
        answer = self.client.request(method, url, json=body, headers=headers)
        assert answer.status_code < 300, f"{name}: {method} {url} → {answer.status_code} {answer.text}"
        self.called.add(name)
        return answer.json() if answer.headers.get("content-type", "").startswith("application/json") else {}


SCRIPTED = {
    "health", "products", "addProduct", "connections", "zapier", "connect", "triggers", "createZap", "zap",
    "editZap", "testTrigger", "testAction", "on", "off", "runs", "sheet", "sheetCsv", "outbox", "pay",
    "orderAction", "eticketUpdate", "affiliate", "events", "scenarios", "runScenario", "stream",
}  # fmt: skip


def test_every_call_of_the_panels_is_scripted() -> None:
    assert set(api_table()) == SCRIPTED


def test_the_panels_api_calls_work(api: httpx.Client) -> None:
    call = Panels(api)
    assert call("health")["status"] == "ok"
    products = call("products")["products"]
    single = next(p for p in products if p["billing_type"] == "single_payment" and not p["etickets"])
    plan = next(p for p in products if p["billing_type"] == "subscription")
    ticketed = next(p for p in products if p["etickets"])

    # Step 2: choosing a trigger creates the Zap; choosing another one updates it.
    labels = {item["key"]: item["label"] for item in call("triggers")["triggers"]}
    assert labels["order"] == "New Order Event"
    zap = call("createZap", body={"trigger": "order"})
    ids = {"zap": zap["id"]}
    assert call("zap", ids)["trigger"] == "order"
    changed = call("editZap", ids, {"trigger": "eticket", "options": {}, "action": {"kind": zap["action"]["kind"]}})
    assert changed["trigger"] == "eticket"
    call("editZap", ids, {"trigger": "order", "options": {}, "action": {"kind": "sheets"}})

    # Step 3: connecting shows the "Zapier" connection among the IPN connections.
    assert call("zapier")["connected"] is False
    assert call("connect")["connected"] is True
    assert [c["name"] for c in call("connections")["connections"]] == ["Zapier"]

    # Step 4: products, and a new one that appears on "reload".
    call("editZap", ids, {"product_ids": [single["id"], plan["id"]]})
    added = call(
        "addProduct",
        body={"name": '<script>x</script>"><img onerror=y>', "price": "29.00", "billing_type": "subscription"},
    )
    assert added["id"] in {p["id"] for p in call("products")["products"]}

    # Step 5: options, saved on the Zap.
    saved = call("editZap", ids, {"options": {"events": ["payment", "refund"], "follow_ups": True}})
    assert saved["options"] == {"events": ["payment", "refund"], "follow_ups": True}

    # Step 6: a test payment; its IPN, signed, with each connection's and each Zap's verdict.
    paid = call("pay", body={"product_id": plan["id"], "follow_ups": 1, "incomplete": False})
    event = paid["events"][0]
    delivery = next(d for d in event["deliveries"] if d["connection_name"] == "Zapier")
    assert delivery["send"] and delivery["sha_sign"] and set(delivery["explanation"]) == set(LANGUAGES)
    assert delivery["zap_runs"][0]["status"] == "inactive" and delivery["zap_runs"][0]["reason"]["text"]["en"]
    refunded = call("orderAction", {"order": paid["order_id"], "action": "refund"}, {})
    assert refunded["events"][0]["event"] == "on_refund"
    tickets = call("pay", body={"product_id": ticketed["id"], "follow_ups": 0, "incomplete": True})
    holder = {
        "holder_first_name": "Camille",
        "holder_last_name": "Martin",
        "holder_email": "camille.martin@example.com",
    }
    updated = call("eticketUpdate", {"ticket": tickets["eticket_ids"][0]}, holder)
    assert updated["events"][0]["event"] == "eticket"
    assert call("affiliate", body={"product_id": single["id"]})["events"]

    # Steps 7 and 8: the action and its template.
    test = call("testTrigger", ids)
    assert 1 <= len(test["samples"]) <= 3 and test["picker"]
    config = {"spreadsheet": "Ventes", "columns": [{"header": "Commande", "template": "{{ order_id }}"}]}
    assert call("editZap", ids, {"action": {"kind": "sheets", "config": config}})["action"]["config"] == config

    # Step 9: test the action, name the Zap, turn it on, see what it did, turn it off.
    assert call("testAction", ids)["ok"] is True
    assert call("editZap", ids, {"name": "DS24 – Ventes"})["name"] == "DS24 – Ventes"
    assert call("on", ids)["state"] == "on"
    call("pay", body={"product_id": single["id"], "follow_ups": 0, "incomplete": False})
    sheet = call("sheet", ids)
    assert sheet["headers"] == ["Commande"] and len(sheet["rows"]) == 2
    assert call("runs", ids)["runs"][0]["status"] == "ran"
    csv = api.get(call.table["sheetCsv"][1].replace("{zap}", ids["zap"]))
    call.called.add("sheetCsv")
    assert csv.status_code == 200 and csv.text.startswith("Commande")
    call("editZap", ids, {"action": {"kind": "gmail"}})
    call("pay", body={"product_id": single["id"], "follow_ups": 0, "incomplete": False})
    assert call("outbox")["messages"][0]["zap_id"] == ids["zap"]
    assert call("off", ids)["state"] == "off"

    # The event log and the one-click scenarios.
    assert call("events")["events"]
    scenario = call("scenarios")["scenarios"][0]
    assert set(scenario["title"]) == set(LANGUAGES)
    ran = call("runScenario", {"scenario": scenario["id"]}, {"with_zap": True})
    assert ran["zap"]["state"] == "on" and ran["events"]
    assert all(d["zap_runs"] for e in ran["events"] for d in e["deliveries"] if d["send"])

    # The live stream answers with Server-Sent Events.
    with api.stream("GET", call.table["stream"][1], headers=EN) as stream:
        assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/event-stream")
        assert next(stream.iter_text()).startswith("retry:")
    call.called.add("stream")

    assert call.called == set(call.table)


def test_errors_come_back_in_the_page_language(api: httpx.Client) -> None:
    """The panels show the server's own message: it must follow Accept-Language."""
    zap = api.post("/api/zaps", json={"trigger": "order"}, headers=FR).json()
    path = api_table()["on"][1].replace("{zap}", zap["id"])
    french = api.post(path, headers=FR).json()["error"]
    english = api.post(path, headers=EN).json()["error"]
    assert french["code"] == english["code"] == "zapier_not_connected"
    assert french["language"] == "fr" and english["language"] == "en"
    assert french["message"] != english["message"]


# --------------------------------------------------------------------------- words


def test_panel_catalogs_have_the_same_keys_and_placeholders() -> None:
    french, english = catalog("fr"), catalog("en")
    assert sorted(french) == sorted(english)
    assert all(key.startswith("panel.") for key in french)
    for key in french:
        assert french[key].strip() and english[key].strip(), key
        assert placeholders(french[key]) == placeholders(english[key]), key


def test_panel_keys_clash_with_no_other_catalog() -> None:
    for language in LANGUAGES:
        ours = set(catalog(language))
        for path in (MESSAGES / language).glob("*.json"):
            if path.name != "panels.json":
                assert not ours & set(json.loads(path.read_text("utf-8"))), path.name


def used_keys() -> tuple[set[str], set[str]]:
    """Literal keys ``t("x")`` and dynamic prefixes ``t("x." + …)`` used in panels.js."""
    text = script()
    literal = set(re.findall(r'\bt\(\s*"([\w.-]+)"\s*[,)]', text))
    prefixes = set(re.findall(r'\bt\(\s*"([\w.-]+\.)"\s*\+', text))
    return literal, prefixes


def test_every_key_the_script_uses_exists_and_every_key_is_used() -> None:
    literal, prefixes = used_keys()
    assert prefixes <= set(DYNAMIC), f"dynamic keys without a known list of values: {prefixes - set(DYNAMIC)}"
    expected = literal | {prefix + value for prefix in prefixes for value in DYNAMIC[prefix]}
    for language in LANGUAGES:
        known = {key.removeprefix("panel.") for key in catalog(language)}
        assert not expected - known, f"{language}: missing {sorted(expected - known)}"
        assert not known - expected, f"{language}: never used {sorted(known - expected)}"


def test_the_script_defines_every_panel_of_the_guide() -> None:
    names = set(re.findall(r'^\s*P(?:\.([\w]+)|\["([\w-]+)"\]) = ', script(), re.M))
    assert {a or b for a, b in names} == PANELS


def test_server_data_never_becomes_html_and_nothing_loads_from_outside() -> None:
    text = script()
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert risky not in text, risky
    urls = set(re.findall(r"https?://[^\s\"'`)]+", text + STYLES.read_text("utf-8")))
    assert urls <= {"http://127.0.0.1:8024"}, urls


def test_script_and_styles_stay_small() -> None:
    size = SCRIPT.stat().st_size + STYLES.stat().st_size
    assert size < SIZE_LIMIT, f"panels.js + panels.css = {size} bytes"


# --------------------------------------------------------------------------- the built pages


def embedded(html: str) -> dict:
    found = re.findall(r'<script type="application/json" id="ds24-panel-messages">(.*?)</script>', html, re.S)
    assert len(found) == 1, "one ds24-panel-messages block per page"
    return json.loads(found[0])


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_page_embeds_the_panel_words_of_its_language(site: Path, language: str) -> None:
    prefix = "" if language == "fr" else f"{language}/"
    for name in ("guide/2-trigger", "guide/9-test-and-turn-on", "troubleshooting"):
        data = embedded((site / prefix / name / "index.html").read_text("utf-8"))
        assert data["lang"] == language
        assert data["messages"] == catalog(language)
        assert data["api"] == "" and data["fallback"] == "http://127.0.0.1:8024"
        assert set(data["examples"]) == {"order", "eticket", "affiliate"}
        step6 = (site / prefix / name / data["links"]["6"] / "index.html").resolve()
        assert step6 == (site / prefix / "guide" / "6-test-payment" / "index.html").resolve()


def test_the_embedded_json_cannot_close_its_script_element() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("ds24_panel_messages", DOCS / "hooks" / "panel_messages.py")
    assert spec and spec.loader
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)

    class File:
        locale = "en"

    class Page:
        file = File()
        url = "en/guide/2-trigger/"

    hook.messages.cache_clear()
    original = hook.messages
    hook.messages = lambda language: {"panel.x": "</script><script>alert(1)</script><!--"}
    try:
        text = hook.payload(Page(), {"extra": {}})
    finally:
        hook.messages = original
    assert "<" not in text and ">" not in text
    assert json.loads(text)["messages"]["panel.x"] == "</script><script>alert(1)</script><!--"
