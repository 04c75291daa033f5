"""The sandbox core's promise, end to end over real HTTP.

A receiver of our own, registered like ``ds24-sandbox connect`` does, gets three signed
``on_payment`` posts for a subscription paid with two follow-ups. The check below is
written from the reference's description of ``sha_sign``, not with the sandbox's code.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl

import httpx

from tests.conftest import Receiver, product_of


def verify_from_reference(fields: dict[str, str], passphrase: str) -> bool:
    names = sorted((name for name in fields if name not in ("sha_sign", "SHASIGN")), key=lambda n: n.encode())
    text = "".join(f"{name}={fields[name]}{passphrase}" for name in names if fields[name] != "")
    return hashlib.sha512(text.encode("utf-8")).hexdigest().upper() == fields["sha_sign"]


def test_subscription_with_two_follow_ups_reaches_my_receiver(api: httpx.Client, receiver: Receiver) -> None:
    created = api.post("/api/connections", json={"url": receiver.url, "passphrase": "mon-secret-ipn"})
    assert created.status_code == 201, created.text
    subscription = product_of(api, "subscription")

    answer = api.post("/api/test-payments", json={"product_id": subscription["id"], "follow_ups": 2})

    assert answer.status_code == 201, answer.text
    posts = receiver.wait_for(3)
    assert len(posts) == 3
    messages = [dict(parse_qsl(post.body.decode("utf-8"), keep_blank_values=True)) for post in posts]
    assert all(post.headers["Content-Type"] == "application/x-www-form-urlencoded" for post in posts)
    assert all(verify_from_reference(message, "mon-secret-ipn") for message in messages)
    assert [message["pay_sequence_no"] for message in messages] == ["1", "2", "3"]
    assert len({message["order_id"] for message in messages}) == 1
    assert messages[0]["order_id"] == answer.json()["order_id"]
    assert len({message["transaction_id"] for message in messages}) == 3
    assert {message["event"] for message in messages} == {"on_payment"}
    assert {message["api_mode"] for message in messages} == {"test"}
    assert {message["pay_method"] for message in messages} == {"test"}
    assert all(not verify_from_reference(message, "another-secret") for message in messages)
