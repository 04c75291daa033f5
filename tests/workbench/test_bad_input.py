"""Garbage against the workbench's endpoints: always a 4xx (or a success) with words, never a 5xx."""

from __future__ import annotations

import json
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import product_of
from tests.workbench.conftest import inspector_connection

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=80))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=12), inner, max_size=3)),
    max_leaves=8,
)
KEYS = st.sampled_from(["connection_id", "changes", "remove", "resign", "mode", "status", "delay_ms"])
BODIES = st.one_of(st.dictionaries(st.one_of(KEYS, st.text(max_size=12)), VALUES, max_size=5), VALUES)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def ids(client: httpx.Client) -> dict[str, str]:
    connection = inspector_connection(client)
    paid = client.post("/api/test-payments", json={"product_id": product_of(client, "single_payment")["id"]})
    return {"connection": connection["id"], "event": str(paid.json()["event_ids"][0])}


def clear(answer: httpx.Response) -> None:
    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400 and answer.headers["content-type"].startswith("application/json"):
        message = answer.json()["error"]["message"]
        assert message and not message.startswith("error.")


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/events/{event}/replay"), ("PUT", "/api/receivers/{connection}/behaviour")],
)
@SETTINGS
@given(body=BODIES)
def test_generated_json_bodies_get_clear_answers(client: httpx.Client, ids: dict, method: str, path: str, body) -> None:
    answer = client.request(method, path.format(**ids), content=json.dumps(body), headers={"Accept-Language": "fr"})
    clear(answer)
    client.put(f"/api/receivers/{ids['connection']}/behaviour", json={"mode": "normal"})


@SETTINGS
@given(raw=st.binary(max_size=300), pairs=st.lists(st.tuples(st.text(max_size=20), st.text(max_size=40)), max_size=8))
def test_the_inspector_answers_any_body_without_a_5xx(client: httpx.Client, ids: dict, raw: bytes, pairs) -> None:
    for content in (raw, str(httpx.QueryParams(pairs)).encode()):
        answer = client.post(f"/ipn/{ids['connection']}", content=content)
        assert answer.status_code in (200, 400, 403), answer.text
        assert answer.text.strip()


@SETTINGS
@given(
    name=st.sampled_from(["format", "connection_id", "limit"]),
    value=st.text(max_size=80),
    where=st.sampled_from(["/api/events/{event}/export", "/api/inbound", "/api/inbound/{{x}}"]),
)
def test_odd_query_parameters_and_ids_get_clear_answers(client: httpx.Client, ids: dict, name, value, where) -> None:
    path = where.format(**ids).replace("{x}", quote(value[:20], safe="") or "x")
    clear(client.get(path, params={name: value}))
