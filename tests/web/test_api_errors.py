"""Bad input over real HTTP: a 4xx, a JSON error in the reader's language, nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from sandbox import i18n
from tests.conftest import product_of


@dataclass(frozen=True)
class Case:
    name: str
    path: str  # may name ids of the module's world: "{single}", "{cancelled_order}", ...
    status: int
    code: str
    body: object = None  # sent as JSON, with "{...}" strings filled in
    raw: bytes | None = None  # sent as is
    chunked: int = 0  # send a JSON body of about this many bytes without Content-Length
    method: str = "POST"


CASES = [
    Case("unknown product", "/api/test-payments", 404, "unknown_product", {"product_id": "000000"}),
    Case("unknown order", "/api/orders/ZZZZZZZZ/refund", 404, "unknown_order", {}),
    Case("unknown action", "/api/orders/{cancelled_order}/teleport", 400, "unknown_order_action", {}),
    Case("cancelled plan", "/api/orders/{cancelled_order}/rebill", 409, "plan_cancelled", {}),
    Case("unknown e-ticket action", "/api/etickets/{eticket}/print", 400, "unknown_eticket_action", {}),
    Case("not http", "/api/connections", 400, "invalid_url", {"url": "ftp://x.example/ipn", "passphrase": "p"}),
    Case("no passphrase", "/api/connections", 400, "passphrase_required", {"url": "https://x.example/ipn"}),
    Case("edit to not http", "/api/connections/{connection}", 400, "invalid_url", {"url": "file:///x"}, method="PATCH"),
    Case("malformed JSON", "/api/products", 400, "invalid_json", raw=b'{"name": "x",'),
    Case("not UTF-8", "/api/products", 400, "invalid_json", raw=b'{"name": "\xff"}'),
    Case("JSON nested too deep", "/api/products", 400, "invalid_json", raw=b"[" * 50_000),
    Case("JSON array", "/api/test-payments", 400, "json_object_required", raw=b"[1, 2]"),
    Case("JSON string", "/api/connections", 400, "json_object_required", raw=b'"https://x.example"'),
    Case("oversized", "/api/products", 413, "body_too_large", raw=b'{"name": "' + b"x" * 70_000 + b'"}'),
    Case("oversized, chunked", "/api/products", 413, "body_too_large", chunked=70_000),
    Case(
        "follow-ups on a single payment",
        "/api/test-payments",
        400,
        "follow_ups_need_plan",
        {"product_id": "{single}", "follow_ups": 2},
    ),
    Case(
        "too many follow-ups",
        "/api/test-payments",
        400,
        "too_many_follow_ups",
        {"product_id": "{installment}", "follow_ups": 5},
    ),
    Case(
        "follow-ups not a number",
        "/api/test-payments",
        400,
        "invalid_parameter",
        {"product_id": "{installment}", "follow_ups": "two"},
    ),
    Case(
        "buyer not an object",
        "/api/test-payments",
        400,
        "json_object_required",
        {"product_id": "{single}", "buyer": ["Zoé"]},
    ),
    Case(
        "bad buyer e-mail",
        "/api/test-payments",
        400,
        "invalid_email",
        {"product_id": "{single}", "buyer": {"email": "z"}},
    ),
    Case("bad VAT rate", "/api/products", 400, "invalid_amount", {"name": "x", "price": "1", "vat_rate": "abc"}),
    Case(
        "product ids not a list",
        "/api/connections",
        400,
        "invalid_list",
        {"url": "https://x.example/ipn", "passphrase": "p", "product_ids": 5},
    ),
]


@pytest.fixture(scope="module")
def world(module_api: httpx.Client) -> dict[str, str]:
    """A cancelled subscription order, an e-ticket and a connection to aim bad requests at."""
    plan = product_of(module_api, "subscription")
    ticketed = product_of(module_api, "single_payment", etickets=True)
    order = module_api.post("/api/test-payments", json={"product_id": plan["id"]}).json()["order_id"]
    assert module_api.post(f"/api/orders/{order}/cancel").status_code == 201
    ticket = module_api.post("/api/test-payments", json={"product_id": ticketed["id"]}).json()["eticket_ids"][0]
    connection = module_api.post(
        "/api/connections", json={"url": "http://127.0.0.1:9/ipn", "passphrase": "p", "active": False}
    ).json()["id"]
    return {
        "single": product_of(module_api, "single_payment")["id"],
        "installment": product_of(module_api, "installment")["id"],
        "cancelled_order": order,
        "eticket": ticket,
        "connection": connection,
    }


def fill(value: object, world: dict[str, str]) -> object:
    if isinstance(value, str):
        return value.format(**world)
    if isinstance(value, dict):
        return {key: fill(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, world) for item in value]
    return value


def send(
    api: httpx.Client, case: Case, world: dict[str, str], headers: dict[str, str], query: str = ""
) -> httpx.Response:
    # A fresh connection each time: should a case answer 500, the next one must not inherit its fate.
    with httpx.Client(base_url=api.base_url, timeout=30) as fresh:
        return _send(fresh, case, world, headers, query)


def _send(api: httpx.Client, case: Case, world: dict[str, str], headers: dict[str, str], query: str) -> httpx.Response:
    url = case.path.format(**world) + query
    if case.raw is not None or case.chunked:

        def pieces() -> Iterator[bytes]:
            yield b'{"name": "'
            for _ in range(case.chunked // 1000):
                yield b"x" * 1000
            yield b'"}'

        content = case.raw if case.raw is not None else pieces()
        return api.request(case.method, url, content=content, headers={**headers, "Content-Type": "application/json"})
    return api.request(case.method, url, json=fill(case.body, world), headers=headers)


def snapshot(api: httpx.Client) -> dict:
    """Everything a bad request could have written, as the API shows it."""
    events = api.get("/api/events?limit=500").json()["events"]
    return {
        "events": [(event["id"], [d["attempt_count"] for d in event["deliveries"]]) for event in events],
        "orders": api.get("/api/orders").json()["orders"],
        "products": api.get("/api/products").json()["products"],
        "connections": api.get("/api/connections").json()["connections"],
        "etickets": api.get("/api/etickets").json()["etickets"],
    }


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_answers_in_french_and_writes_nothing(module_api: httpx.Client, world: dict, case: Case) -> None:
    before = snapshot(module_api)

    answer = send(module_api, case, world, {"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.5"})

    assert answer.status_code == case.status, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    error = answer.json()["error"]
    assert (error["code"], error["language"]) == (case.code, "fr")
    assert error["message"] == i18n.t(f"error.{case.code}", "fr", **error["params"])
    assert error["message"] != i18n.t(f"error.{case.code}", "en", **error["params"])
    assert snapshot(module_api) == before


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_answers_in_english_when_asked(module_api: httpx.Client, world: dict, case: Case) -> None:
    by_header = send(module_api, case, world, {"Accept-Language": "en-GB,en;q=0.8"})
    by_query = send(module_api, case, world, {"Accept-Language": "fr"}, "?lang=en")

    for answer in (by_header, by_query):
        assert answer.status_code == case.status
        error = answer.json()["error"]
        assert (error["code"], error["language"]) == (case.code, "en")
        assert error["message"] == i18n.t(f"error.{case.code}", "en", **error["params"])


def test_without_a_known_language_the_default_is_french(module_api: httpx.Client) -> None:
    answer = module_api.post("/api/orders/ZZZZZZZZ/refund", headers={"Accept-Language": "de-DE"})

    assert answer.json()["error"]["language"] == "fr"
