"""One delivery attempt: the success rules, and real posts to loopback endpoints."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qsl

import pytest

from sandbox.delivery import client
from sandbox.ipn import form
from tests.conftest import free_port

BODY = form.encode({"event": "on_payment", "buyer_first_name": "Zoé", "sha_sign": "ABC"})


@pytest.mark.parametrize(
    ("status", "reply", "rule", "error"),
    [
        (200, "OK", "ok_and_2xx", ""),
        (200, "OK\nthankyou_url: https://example.com", "ok_and_2xx", ""),
        (204, "OK", "ok_and_2xx", ""),
        (200, "\ufeffOK", "ok_and_2xx", ""),
        (200, "ok", "ok_and_2xx", "not_ok"),
        (200, "", "ok_and_2xx", "not_ok"),
        (200, "Bad signature", "ok_and_2xx", "not_ok"),
        (500, "OK", "ok_and_2xx", "http_status"),
        (404, "", "ok_and_2xx", "http_status"),
        (500, "OK", "ok_text", ""),
        (200, "NOT OK", "ok_text", "not_ok"),
        (503, "error", "ok_text", "not_ok"),
        (200, "anything", "http_2xx", ""),
        (299, "", "http_2xx", ""),
        (500, "OK", "http_2xx", "http_status"),
        (199, "OK", "http_2xx", "http_status"),
        (301, "OK", "ok_and_2xx", "redirect"),
        (302, "OK", "ok_text", "redirect"),
        (307, "", "http_2xx", "redirect"),
    ],
)
def test_judge(status: int, reply: str, rule: str, error: str) -> None:
    assert client.judge(status, reply, rule) == error


def attempt(url: str, *, rule: str = "ok_and_2xx", timeout: float = 5.0) -> client.AttemptResult:
    async def run() -> client.AttemptResult:
        async with client.open_session() as session:
            return await client.post(session, url, BODY, rule=rule, timeout=timeout)

    return asyncio.run(run())


def test_a_post_that_gets_ok_is_delivered_as_a_form(endpoints) -> None:
    endpoint = endpoints(reply=b"OK\nusername: zoe")

    result = attempt(endpoint.url)

    assert result.ok
    assert (result.status, result.error) == (200, "")
    assert result.reply == "OK\nusername: zoe"
    assert result.latency_ms > 0
    (received,) = endpoint.requests
    assert received.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert dict(parse_qsl(received.body.decode("utf-8"))) == form.decode(BODY)


def test_http_500_is_a_failed_attempt_with_the_reply_kept(endpoints) -> None:
    endpoint = endpoints(status=500, reply=b"Internal error: database down")

    result = attempt(endpoint.url)

    assert not result.ok
    assert (result.status, result.error) == (500, "http_status")
    assert result.reply == "Internal error: database down"


def test_200_without_ok_is_a_failed_attempt(endpoints) -> None:
    endpoint = endpoints(reply=b"<html>Thanks!</html>")

    result = attempt(endpoint.url)

    assert not result.ok
    assert (result.status, result.error) == (200, "not_ok")


def test_a_long_reply_is_cut(endpoints) -> None:
    endpoint = endpoints(reply=b"OK" + b"x" * 10_000)

    result = attempt(endpoint.url)

    assert result.ok
    assert len(result.reply) == client.REPLY_LIMIT


def test_a_reply_is_read_in_its_own_charset(endpoints) -> None:
    endpoint = endpoints(reply="OK reçu".encode("latin-1"), headers_out={"Content-Type": "text/plain; charset=latin-1"})

    assert attempt(endpoint.url).reply == "OK reçu"


def test_a_reply_in_an_unknown_charset_is_read_as_utf8(endpoints) -> None:
    endpoint = endpoints(reply="OK reçu".encode(), headers_out={"Content-Type": "text/plain; charset=klingon"})

    assert attempt(endpoint.url).reply == "OK reçu"


def test_a_redirect_is_not_followed(endpoints) -> None:
    target = endpoints()
    redirecting = endpoints(status=302, reply=b"OK", headers_out={"Location": target.url})

    result = attempt(redirecting.url)

    assert not result.ok
    assert (result.status, result.error) == (302, "redirect")
    time.sleep(0.2)
    assert len(redirecting.requests) == 1
    assert target.requests == []


def test_a_closed_port_is_a_connection_failure() -> None:
    result = attempt(f"http://127.0.0.1:{free_port()}/ipn")

    assert not result.ok
    assert result.status is None
    assert result.error == "connection_failed"
    assert result.detail


def test_a_receiver_slower_than_the_timeout_is_a_timeout(endpoints) -> None:
    endpoint = endpoints(delay=2.0)

    started = time.monotonic()
    result = attempt(endpoint.url, timeout=0.3)
    elapsed = time.monotonic() - started

    assert not result.ok
    assert result.status is None
    assert result.error == "timeout"
    assert 0.25 <= elapsed < 1.5
    assert 250 <= result.latency_ms < 1500


def test_the_rule_decides_for_the_same_reply(endpoints) -> None:
    endpoint = endpoints(status=500, reply=b"OK")

    assert attempt(endpoint.url, rule="ok_text").ok
    assert not attempt(endpoint.url, rule="http_2xx").ok
    assert not attempt(endpoint.url, rule="ok_and_2xx").ok


@pytest.mark.parametrize("url", ["http://127.0.0.1:abc/ipn", "http://127.0.0.1:99999/ipn"])
def test_an_unusable_url_is_a_failed_attempt_not_an_exception(url: str) -> None:
    result = attempt(url, timeout=2.0)

    assert not result.ok
    assert result.status is None
    assert result.error == "connection_failed"
    assert result.detail
