"""Outbound IPN on an exposed sandbox: only allow-listed hosts with public addresses."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from sandbox.delivery.guard import Destinations, is_public
from tests.conftest import Server, free_port

EXPOSED = Destinations(
    exposed=True, allowed_hosts=("hooks.example.com", "*.partner.example"), own_origin="http://203.0.113.5:8024"
)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:10.0.0.1",
        "0.0.0.0",
        "224.0.0.1",
    ],
)
def test_private_loopback_link_local_and_metadata_addresses_are_not_public(address: str) -> None:
    assert not is_public(address)


def test_public_addresses_are_public() -> None:
    assert is_public("93.184.216.34") and is_public("2606:4700::1111")


@pytest.mark.parametrize(
    "url, refusal",
    [
        ("http://evil.example.org/ipn", "host_not_allowed"),
        ("http://10.0.0.5/ipn", "host_not_allowed"),
        ("http://hooks.example.com.evil.org/", "host_not_allowed"),
    ],
)
def test_hosts_outside_the_allow_list_are_refused_before_any_lookup(url: str, refusal: str) -> None:
    assert EXPOSED.precheck(url) == refusal


def test_an_allowed_name_that_resolves_to_a_private_address_is_refused() -> None:
    # "localhost" resolves to loopback without any network.
    guard = Destinations(exposed=True, allowed_hosts=("localhost",))
    assert asyncio.run(guard.check("http://localhost:8080/ipn")) == "private_address"


def test_the_sandbox_may_always_post_to_its_own_hooks_and_a_laptop_anywhere() -> None:
    assert asyncio.run(EXPOSED.check("http://203.0.113.5:8024/zapier/hooks/abc")) == ""
    assert asyncio.run(Destinations().check("http://192.168.1.20:9000/ipn")) == ""


@pytest.fixture
def exposed_server(tmp_path) -> Iterator[Server]:
    # Bound to every interface, reached here through loopback only.
    port = free_port()
    instance = Server(
        url=f"http://127.0.0.1:{port}",
        database=tmp_path / "exposed.sqlite3",
        extra=("--host", "0.0.0.0", "--allow-host", "localhost"),
    )
    instance.start()
    yield instance
    instance.stop()


def test_an_exposed_sandbox_refuses_private_destinations_and_records_why(exposed_server: Server, receiver) -> None:
    with httpx.Client(base_url=exposed_server.url, timeout=30) as api:
        refused = api.post(
            "/api/connections",
            json={"url": "http://10.0.0.7/ipn", "passphrase": "p"},
            headers={"Accept-Language": "fr"},
        )
        assert refused.status_code == 400
        assert "hôtes autorisés" in refused.json()["error"]["message"]
        # Allowed by name, but "localhost" is a loopback address: the attempt is refused, nothing is sent.
        url = receiver.url.replace("127.0.0.1", "localhost")
        assert api.post("/api/connections", json={"url": url, "passphrase": "p"}).status_code == 201
        product = api.get("/api/products").json()["products"][0]["id"]
        paid = api.post("/api/test-payments", json={"product_id": product}).json()
        attempt = paid["events"][0]["deliveries"][0]["attempts"][0]
        assert (attempt["error"], attempt["detail"]) == ("destination_refused", "private_address")
        assert receiver.requests == []
