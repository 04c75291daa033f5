"""Bad input never gives a 5xx: generated garbage against every endpoint that takes input.

The server is the real one; Hypothesis throws malformed JSON, wrong types, absurd lengths,
broken encodings and forged forms at it, and every answer must be a 4xx (or a success)
carrying a message that says what was wrong.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Server, free_port

JSON_ENDPOINTS = [
    ("POST", "/api/products"),
    ("PATCH", "/api/products/{product}"),
    ("POST", "/api/connections"),
    ("PATCH", "/api/connections/{connection}"),
    ("POST", "/api/test-payments"),
    ("POST", "/api/orders/{order}/refund"),
    ("POST", "/api/orders/{order}/upsell"),
    ("POST", "/api/affiliates"),
    ("POST", "/api/etickets/{ticket}/update"),
    ("POST", "/api/zaps"),
    ("PATCH", "/api/zaps/{zap}"),
    ("POST", "/api/scenarios/subscription_lifecycle/run"),
]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=300))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=20), inner, max_size=4)),
    max_leaves=12,
)
KEYS = st.sampled_from(
    [
        "product_id",
        "follow_ups",
        "buyer",
        "tickets",
        "incomplete",
        "name",
        "price",
        "billing_type",
        "url",
        "passphrase",
        "product_ids",
        "transactions",
        "follow_ups",
        "trigger",
        "options",
        "action",
        "holder_email",
        "with_zap",
        "installments",
        "etickets",
        "success",
    ]
)
BODIES = st.one_of(st.dictionaries(st.one_of(KEYS, st.text(max_size=30)), VALUES, max_size=6), VALUES)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
counted = {"requests": 0}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("fuzz")
    server = Server(url=f"http://127.0.0.1:{free_port()}", database=folder / "fuzz.sqlite3")
    server.start()
    with httpx.Client(base_url=server.url, timeout=30) as api:
        products = api.get("/api/products").json()["products"]
        ticket_product = next(p["id"] for p in products if p["etickets"])
        paid = api.post("/api/test-payments", json={"product_id": ticket_product}).json()
        ids = {
            "product": products[0]["id"],
            "connection": api.post("/api/connections", json={"url": "http://127.0.0.1:9/x", "passphrase": "p"}).json()[
                "id"
            ],
            "order": paid["order_id"],
            "ticket": paid["eticket_ids"][0],
            "zap": api.post("/api/zaps", json={"trigger": "order"}).json()["id"],
            "hook": api.post("/api/zapier/connect").json()["connection"]["url"],
        }
        yield api, ids
    server.stop()
    print(f"\nbad-input requests sent: {counted['requests']}")


def assert_clear_answer(response: httpx.Response) -> None:
    counted["requests"] += 1
    assert response.status_code < 500, response.text
    if response.status_code >= 400 and response.headers.get("content-type", "").startswith("application/json"):
        error = response.json()["error"]
        assert error["code"] and error["message"] and not error["message"].startswith("error.")


@pytest.mark.parametrize("method, path", JSON_ENDPOINTS)
@SETTINGS
@given(body=BODIES)
def test_generated_json_bodies_get_clear_answers(world, method: str, path: str, body: object) -> None:
    api, ids = world
    answer = api.request(
        method,
        path.format(**ids),
        content=json.dumps(body),
        params={"wait": "0"},
        headers={"Content-Type": "application/json", "Accept-Language": "fr"},
    )
    assert_clear_answer(answer)


@pytest.mark.parametrize("method, path", JSON_ENDPOINTS)
@SETTINGS
@given(raw=st.binary(max_size=400))
def test_bodies_that_are_not_json_or_not_utf8_get_a_400(world, method: str, path: str, raw: bytes) -> None:
    api, ids = world
    answer = api.request(method, path.format(**ids), content=raw, headers={"Content-Type": "application/json"})
    assert_clear_answer(answer)


@SETTINGS
@given(pairs=st.lists(st.tuples(st.text(max_size=30), st.text(max_size=60)), max_size=20), raw=st.binary(max_size=300))
def test_the_zapier_hook_refuses_forged_and_broken_forms_with_a_4xx(world, pairs, raw: bytes) -> None:
    _, ids = world
    for content in (httpx.QueryParams(pairs).__str__().encode(), raw):
        answer = httpx.post(ids["hook"], content=content, headers={"Content-Type": "application/x-www-form-urlencoded"})
        counted["requests"] += 1
        assert 400 <= answer.status_code < 500
        assert answer.text.strip()


@SETTINGS
@given(name=st.sampled_from(["limit", "after", "order_id", "lang"]), value=st.text(max_size=50))
def test_odd_query_parameters_get_clear_answers(world, name: str, value: str) -> None:
    api, _ = world
    assert_clear_answer(api.get("/api/events", params={name: value}))


def test_bodies_over_the_cap_are_refused_with_413_with_or_without_a_content_length(world) -> None:
    api, ids = world
    big = b'{"name": "' + b"x" * 200_000 + b'"}'
    declared = api.post("/api/products", content=big, headers={"Content-Type": "application/json"})
    assert declared.status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(50):
            yield b"x" * 10_000

    streamed = api.post("/api/products", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert (
        "octets" in api.post("/api/products", content=big, headers={"Accept-Language": "fr"}).json()["error"]["message"]
    )
    hook = httpx.post(ids["hook"], content=b"a=" + b"b" * 300_000)
    assert hook.status_code == 413


def test_a_form_with_too_many_fields_or_a_repeated_field_is_refused(world) -> None:
    _, ids = world
    many = "&".join(f"f{n}=1" for n in range(1500)).encode()
    assert httpx.post(ids["hook"], content=many).status_code == 400
    assert httpx.post(ids["hook"], content=b"event=on_payment&event=on_refund").status_code == 400
