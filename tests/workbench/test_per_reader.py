"""On a public sandbox (--per-reader) a post from Digistore24 carries no cookie: the
inspector finds the reader's workspace by the connection id alone, and nobody else sees it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import Server, free_port
from tests.workbench.conftest import PASSPHRASE, payment_fields, signed_body


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder: Path = tmp_path_factory.mktemp("public")
    server = Server(url=f"http://127.0.0.1:{free_port()}", database=folder / "s.sqlite3", extra=("--per-reader",))
    server.start()
    yield server
    server.stop()


def test_a_post_without_cookie_lands_in_the_workspace_that_owns_the_connection(public: Server) -> None:
    with httpx.Client(base_url=public.url) as reader, httpx.Client(base_url=public.url) as stranger:
        connection = reader.post("/api/connections", json={"url": "http://127.0.0.1:9/x", "passphrase": PASSPHRASE})
        connection_id = connection.json()["id"]

        answer = httpx.post(f"{public.url}/ipn/{connection_id}", content=signed_body(payment_fields(), PASSPHRASE))

        assert (answer.status_code, answer.text) == (200, "OK")
        mine = reader.get("/api/inbound").json()["inbound"]
        assert [(item["connection_id"], item["verdict"]) for item in mine] == [(connection_id, "valid")]
        assert stranger.get("/api/inbound").json()["inbound"] == []
        assert stranger.get(f"/api/inbound/{mine[0]['id']}").status_code == 404
        assert stranger.put(f"/api/receivers/{connection_id}/behaviour", json={"mode": "error"}).status_code == 404

        unknown = httpx.post(f"{public.url}/ipn/999999", content=signed_body(payment_fields(), PASSPHRASE))
        assert unknown.status_code == 404 and unknown.text.strip()
