"""A recorded run: one seed, one fixed clock, the same clicks, everything the API answered.

The architecture may move code between folders, but a reader must see no change: the same
answers and the same signed IPN bytes. ``python -m tests.golden.run --write`` records
``recorded-run.json``; ``test_recorded_run.py`` replays the clicks and compares. Re-record
only in a commit that means to change what users see, and say so in that commit.

The server runs in this process, under uvicorn on a free port, so the built-in Zapier hook
receives its IPN over real HTTP and the clock can be fixed for the whole run.
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from sandbox.web.app import create_app
from sandbox.web.context import Config

RECORDING = Path(__file__).with_name("recorded-run.json")
SEED = "recorded-run"
FROZEN = datetime(2026, 11, 30, 9, 15, 0)
# Values that depend on the machine or the moment, not on the code's behaviour.
VOLATILE = {"at", "created_at", "latency_ms", "next_attempt_at", "version", "received_at", "ran_at"}


class SeededSecrets:
    """Stands in for ``secrets`` in the run: the Zapier hook's token and passphrase repeat."""

    def __init__(self) -> None:
        self.count = 0

    def token_urlsafe(self, size: int) -> str:
        self.count += 1
        return f"recorded{self.count}".ljust(size, "x")


class FrozenDatetime(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> FrozenDatetime:
        frozen = cls.fromtimestamp(FROZEN.timestamp())
        return frozen if tz is None else cls.fromtimestamp(FROZEN.timestamp(), tz)


def stable(value: Any) -> Any:
    """The value with machine- and moment-dependent keys dropped, recursively."""
    if isinstance(value, dict):
        return {key: stable(item) for key, item in value.items() if key not in VOLATILE}
    if isinstance(value, list):
        return [stable(item) for item in value]
    return value


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_server() -> Iterator[str]:
    port = _free_port()
    app = create_app(Config(port=port, seed=SEED))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the recorded run's server did not start")
        time.sleep(0.02)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(10)


def clicks(api: httpx.Client) -> list[dict[str, Any]]:
    """Every kind of call a reader makes, in the order of the guide, with their answers."""
    steps: list[dict[str, Any]] = []

    def call(method: str, path: str, body: Any = None, lang: str = "en") -> Any:
        answer = api.request(method, path, json=body, headers={"Accept-Language": lang})
        steps.append({"call": f"{method} {path}", "lang": lang, "status": answer.status_code, "answer": answer.json()})
        return answer.json()

    for lang in ("fr", "en"):
        call("GET", "/api/catalog", lang=lang)
        call("GET", "/api/products", lang=lang)
        call("GET", "/api/zapier/triggers", lang=lang)
        call("GET", "/api/scenarios", lang=lang)
    products = {
        product["billing_type"] + ("+etickets" if product["etickets"] else ""): product["id"]
        for product in call("GET", "/api/products")["products"]
    }
    single, plan, instalments, tickets = (
        products["single_payment"],
        products["subscription"],
        products["installment"],
        products["single_payment+etickets"],
    )
    own = call(
        "POST",
        "/api/connections",
        {"name": "Own endpoint", "url": "http://127.0.0.1:9/ipn", "passphrase": "recorded-secret"},
    )
    call(
        "POST",
        "/api/connections",
        {
            "name": "Plans only",
            "url": "http://127.0.0.1:9/plans",
            "passphrase": "plans-secret",
            "product_ids": [plan, instalments],
            "transactions": ["payment", "refund"],
            "follow_ups": False,
        },
    )
    call("POST", "/api/zapier/connect")
    sheets = call(
        "POST",
        "/api/zaps",
        {
            "trigger": "order",
            "product_ids": [plan, single],
            "options": {"events": ["payment", "refund"], "follow_ups": "yes"},
            "action": {"kind": "sheets"},
            "name": "Orders to a sheet",
        },
    )
    call("POST", f"/api/zaps/{sheets['id']}/on")
    gmail = call(
        "POST",
        "/api/zaps",
        {
            "trigger": "order",
            "product_ids": [single],
            "options": {"events": ["payment"], "follow_ups": "no"},
            "action": {"kind": "gmail"},
            "name": "Thank-you e-mail",
        },
    )
    call("POST", f"/api/zaps/{gmail['id']}/on")
    ticket_zap = call(
        "POST", "/api/zaps", {"trigger": "eticket", "product_ids": [tickets], "options": {"incomplete": "no"}}
    )
    call("POST", f"/api/zaps/{ticket_zap['id']}/on")
    affiliate_zap = call("POST", "/api/zaps", {"trigger": "affiliate", "product_ids": [single]})
    call("POST", f"/api/zaps/{affiliate_zap['id']}/on")

    call("POST", f"/api/connections/{own['id']}/test")
    paid = call("POST", "/api/test-payments", {"product_id": single})
    call("POST", f"/api/orders/{paid['order_id']}/upsell", {"product_id": tickets})
    call("POST", f"/api/orders/{paid['order_id']}/refund", lang="fr")
    subscribed = call(
        "POST",
        "/api/test-payments",
        {"product_id": plan, "follow_ups": 2, "buyer": {"first_name": "Zoé", "email": "zoe@example.com"}},
    )
    for action in ("rebill", "miss", "cancel", "resume", "chargeback", "end"):
        call("POST", f"/api/orders/{subscribed['order_id']}/{action}")
    instalment = call("POST", "/api/test-payments", {"product_id": instalments, "follow_ups": 1})
    call("POST", f"/api/orders/{instalment['order_id']}/deny")
    ticket_order = call("POST", "/api/test-payments", {"product_id": tickets, "incomplete": True, "tickets": 2})
    for ticket in call("GET", "/api/etickets")["etickets"]:
        call(
            "POST",
            f"/api/etickets/{ticket['id']}/update",
            {"holder_first_name": "Inès", "holder_last_name": "Roux", "holder_email": "ines@example.com"},
        )
        call("POST", f"/api/etickets/{ticket['id']}/use")
    call("POST", "/api/affiliates", {"product_id": single, "name": "PartnerOne"})
    call("POST", "/api/test-payments", {"product_id": "999"}, lang="fr")
    call("POST", "/api/test-payments", {"product_id": single, "follow_ups": "many"})
    call("GET", f"/api/orders/{ticket_order['order_id']}")
    for zap in (sheets, gmail, ticket_zap, affiliate_zap):
        call("POST", f"/api/zaps/{zap['id']}/test")
        call("POST", f"/api/zaps/{zap['id']}/test-action")
        call("GET", f"/api/zaps/{zap['id']}/runs")
    call("GET", f"/api/zaps/{sheets['id']}/sheet")
    call("GET", "/api/zapier/outbox")
    call("GET", "/api/zaps")
    call("GET", "/api/orders")
    call("GET", f"/api/connections/{own['id']}/report")
    for scenario in call("GET", "/api/scenarios")["scenarios"]:
        call("POST", f"/api/scenarios/{scenario['id']}/run", {"with_zap": True})
    call("GET", "/api/events?limit=500")
    return steps


def record() -> list[dict[str, Any]]:
    import sandbox.services.account as account_module
    import sandbox.services.zapier as zapier_module

    saved = account_module.datetime, zapier_module.datetime, zapier_module.secrets
    account_module.datetime = zapier_module.datetime = FrozenDatetime  # type: ignore[misc]
    zapier_module.secrets = SeededSecrets()  # type: ignore[assignment]
    try:
        with running_server() as url, httpx.Client(base_url=url, timeout=30) as api:
            steps = clicks(api)
    finally:
        account_module.datetime, zapier_module.datetime, zapier_module.secrets = saved
    # The server's port is chosen per run; everything else must repeat.
    text = json.dumps(stable(steps), ensure_ascii=False).replace(url.removeprefix("http://"), "127.0.0.1:PORT")
    result: list[dict[str, Any]] = json.loads(text)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="record the run into recorded-run.json")
    arguments = parser.parse_args()
    steps = record()
    text = json.dumps(steps, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if arguments.write:
        RECORDING.write_text(text, "utf-8")
    print(f"{len(steps)} calls, {len(text)} characters")


if __name__ == "__main__":
    main()
