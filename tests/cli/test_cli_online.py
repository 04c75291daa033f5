"""``python -m sandbox`` against a real running sandbox, as a terminal user runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import httpx
import pytest

from sandbox import i18n
from tests.conftest import ROOT, Server, free_port, product_of
from tests.services.harness import form_of


def run(*args: str, server: str | None, lang: str = "en", via_env: bool = False) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DS24_")}
    env["DS24_LANG"] = lang
    options: list[str] = []
    if server and via_env:
        env["DS24_SANDBOX_URL"] = server
    elif server:
        options = ["--server", server]
    return subprocess.run(
        [sys.executable, "-m", "sandbox", *options, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_json(*args: str, server: str) -> Any:
    done = run("--json", *args, server=server)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def url(module_server: Server) -> str:
    return module_server.url


def test_products_as_json_and_as_text(url: str, module_api: httpx.Client) -> None:
    data = run_json("products", server=url)
    text = run("products", server=url, via_env=True)

    api_ids = [product["id"] for product in module_api.get("/api/products").json()["products"]]
    assert [product["id"] for product in data["products"]] == api_ids
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    for product in data["products"]:
        line = next(line for line in lines if line.startswith(product["id"]))
        assert product["name"] in line and product["billing_type"] in line
        assert i18n.format_amount(product["price"], product["currency"], "en") in line
    ticketed = next(product for product in data["products"] if product["etickets"])
    assert "(e-tickets)" in next(line for line in lines if line.startswith(ticketed["id"]))


def test_connect_with_filters(url: str, module_api: httpx.Client, module_endpoints) -> None:
    endpoint = module_endpoints()
    plan = product_of(module_api, "subscription")

    data = run_json(
        "connect",
        endpoint.url,
        "--passphrase",
        "cli-secret",
        "--name",
        "Mon terminal",
        "--product",
        plan["id"],
        "--event",
        "payment",
        "--event",
        "refund",
        "--follow-ups",
        "no",
        server=url,
    )

    assert (data["url"], data["name"]) == (endpoint.url, "Mon terminal")
    assert (data["product_ids"], data["transactions"], data["follow_ups"]) == (
        [plan["id"]],
        ["payment", "refund"],
        False,
    )
    assert data["passphrase"] != "cli-secret"
    listed = run_json("connections", server=url)["connections"]
    assert data in listed
    text = run("connections", server=url)
    assert f'IPN connection {data["id"]} "Mon terminal" → {endpoint.url}' in text.stdout
    module_api.patch(f"/api/connections/{data['id']}", json={"active": False})


def test_pay_a_plan_with_follow_ups(url: str, module_api: httpx.Client, module_connect) -> None:
    _connection, endpoint = module_connect(name="cli-receiver")
    plan = product_of(module_api, "subscription")

    text = run("pay", plan["id"], "--follow-ups", "2", "--buyer-first-name", "Anaïs", server=url)
    data = run_json("pay", plan["id"], "--follow-ups", "2", server=url)

    assert text.returncode == 0, text.stderr
    order_id = re.search(r"Order (\w{8}) created \(3 transaction\(s\)\)", text.stdout).group(1)
    transaction_lines = re.findall(r"transaction (\d+): on_payment no\. (\d)", text.stdout)
    assert [sequence for _, sequence in transaction_lines] == ["1", "2", "3"]
    assert "cli-receiver: delivered (HTTP 200" in text.stdout
    shown = module_api.get(f"/api/orders/{order_id}").json()
    assert sorted(tid for tid, _ in transaction_lines) == sorted(e["fields"]["transaction_id"] for e in shown["events"])
    assert shown["order"]["buyer"]["first_name"] == "Anaïs"
    assert len(data["transactions"]) == 3
    assert [item["pay_sequence_no"] for item in data["transactions"]] == [1, 2, 3]
    assert len(endpoint.wait_for(6)) == 6


def test_pay_an_eticket_product_prints_the_tickets(url: str, module_api: httpx.Client) -> None:
    ticketed = product_of(module_api, "single_payment", etickets=True)

    text = run("pay", ticketed["id"], "--tickets", "2", "--incomplete", server=url)

    assert text.returncode == 0, text.stderr
    ticket_ids = re.findall(r"e-ticket (\d{20})", text.stdout)
    assert len(ticket_ids) == 2
    stored = {ticket["id"]: ticket for ticket in module_api.get("/api/etickets").json()["etickets"]}
    assert all(stored[ticket]["holder_email"] == "" for ticket in ticket_ids)


def test_order_actions_affiliates_and_etickets(url: str, module_api: httpx.Client, module_connect) -> None:
    _connection, endpoint = module_connect(
        transactions=["payment", "refund", "rebill_cancelled"], categories=["orders", "etickets", "affiliations"]
    )
    plan = product_of(module_api, "subscription")
    single = product_of(module_api, "single_payment")
    ticketed = product_of(module_api, "single_payment", etickets=True)
    order_id = run_json("pay", plan["id"], server=url)["order_id"]

    rebill = run_json("order", order_id, "rebill", server=url)
    upsell = run_json("order", order_id, "upsell", "--product", single["id"], server=url)
    cancel = run("order", order_id, "cancel", server=url)
    refused = run("order", order_id, "rebill", server=url)

    assert (rebill["transaction"]["event"], rebill["transaction"]["pay_sequence_no"]) == ("on_payment", 2)
    assert (upsell["transaction"]["product_id"], upsell["transaction"]["upsell_no"]) == (single["id"], 1)
    assert cancel.returncode == 0 and "on_rebill_cancelled" in cancel.stdout
    assert refused.returncode == 2
    assert refused.stderr.strip() == i18n.t("error.plan_cancelled", "en", order_id=order_id)

    affiliate = run_json("affiliate", "approve", single["id"], "--name", "cli_partner", server=url)
    assert affiliate["affiliate"]["name"] == "cli_partner"
    assert affiliate["events"][0]["event"] == "on_affiliation"

    ticket = run_json("pay", ticketed["id"], "--incomplete", server=url)["eticket_ids"][0]
    updated = run_json(
        "eticket", "update", ticket, "--holder-first-name", "Cédric", "--holder-last-name", "Faure",
        "--holder-email", "cedric@example.com", server=url,
    )  # fmt: skip
    used = run("eticket", "use", ticket, server=url)

    assert updated["eticket"]["holder_first_name"] == "Cédric"
    assert used.returncode == 0
    assert f"E-ticket {ticket}: used, complete: True." in used.stdout
    events = [form_of(post.body)["event"] for post in endpoint.wait_for(8)]
    assert events.count("on_payment") == 4  # plan, rebill, upsell, ticket purchase
    assert {"on_rebill_cancelled", "on_affiliation", "eticket"} <= set(events)


def test_events_report_and_resend(url: str, module_api: httpx.Client, module_connect) -> None:
    connection, endpoint = module_connect(name="report-me")
    single = product_of(module_api, "single_payment")
    paid = run_json("pay", single["id"], server=url)

    events = run_json("events", "--limit", "1", server=url)["events"]
    text = run("events", "--limit", "1", server=url)
    report = run_json("report", connection["id"], server=url)
    report_text = run("report", connection["id"], server=url)
    delivery_id = str(report["deliveries"][0]["id"])
    resent = run_json("resend", delivery_id, server=url)
    resent_text = run("resend", delivery_id, server=url)
    tested = run("test-connection", connection["id"], server=url)

    assert [event["id"] for event in events] == paid["event_ids"]
    assert re.search(rf"#{paid['event_ids'][0]}\s+on_payment\s+{paid['order_id']}", text.stdout)
    assert report["counts"]["delivered"] == 1
    assert "Delivered: 1, pending: 0, given up: 0, not sent: 0" in report_text.stdout
    assert (resent["delivery_id"], resent["ok"], resent["status"]) == (int(delivery_id), True, 200)
    assert f"Resend {delivery_id}: OK (HTTP 200" in resent_text.stdout
    assert tested.returncode == 0 and "report-me: delivered" in tested.stdout
    bodies = [post.body for post in endpoint.wait_for(4)]
    assert bodies[0] == bodies[1] == bodies[2]  # the resends repeat the signed message
    assert form_of(bodies[3])["event"] == "connection_test"


def test_errors_from_the_server_are_translated(url: str) -> None:
    english = run("pay", "000000", server=url)
    french = run("pay", "000000", server=url, lang="fr")

    assert english.returncode == french.returncode == 2
    assert english.stderr.strip() == i18n.t("error.unknown_product", "en", product_id="000000")
    assert french.stderr.strip() == i18n.t("error.unknown_product", "fr", product_id="000000")


def test_french_output(url: str, module_api: httpx.Client, module_connect) -> None:
    module_connect(name="récepteur")
    plan = product_of(module_api, "subscription")

    paid = run("pay", plan["id"], server=url, lang="fr")
    order_id = re.search(r"Commande (\w{8}) créée \(1 transaction\(s\)\)", paid.stdout).group(1)
    rebill = run("order", order_id, "rebill", server=url, lang="fr")
    products = run("products", server=url, lang="fr")

    assert paid.returncode == rebill.returncode == 0
    assert "transaction" in paid.stdout and "n° 1 — 19,90\u00a0€" in paid.stdout
    assert "récepteur : livré" in paid.stdout
    assert "19,90\u00a0€" in products.stdout
    # The order command shows the amount like pay does, in the reader's format.
    assert "n° 2 — 19,90\u00a0€" in rebill.stdout, rebill.stdout


@pytest.mark.parametrize(("lang", "start"), [("en", "No sandbox answers at"), ("fr", "Aucun bac à sable ne répond")])
def test_no_server_running_exits_3(lang: str, start: str) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"

    done = run("products", server=nobody, lang=lang, via_env=True)

    assert done.returncode == 3
    assert done.stderr.strip() == i18n.t("error.no_server", lang, server=nobody)
    assert done.stderr.startswith(start)
    assert done.stdout == ""
