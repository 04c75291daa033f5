"""Export (JSON, the exact signed form body, a ready curl command), the delivery log as CSV,
and the passphrase never shown in full by anything the workbench adds."""

from __future__ import annotations

import csv
import io
import shlex
import shutil
import subprocess
import threading
import time
from urllib.parse import parse_qsl

import httpx
import pytest

from tests.conftest import Receiver, product_of
from tests.workbench.conftest import PASSPHRASE, inspector_connection, payment_fields, signed_body


@pytest.fixture
def delivered(client: httpx.Client, receiver: Receiver) -> dict:
    """A payment delivered to a loopback endpoint of ours; the buyer's name is shell-hostile."""
    connection = client.post("/api/connections", json={"url": receiver.url, "passphrase": PASSPHRASE}).json()
    buyer = {"first_name": "Zoë 'Zed'", "last_name": "$(rm -rf ~) `x`"}
    paid = client.post(
        "/api/test-payments", json={"product_id": product_of(client, "single_payment")["id"], "buyer": buyer}
    ).json()
    client.patch(f"/api/connections/{connection['id']}", json={"active": False})  # keep the endpoint for this test
    body = receiver.wait_for(1)[0].body
    return {"connection": connection, "event_id": paid["event_ids"][0], "body": body, "order_id": paid["order_id"]}


def export(client: httpx.Client, event_id: int, fmt: str, connection_id: str | None = None) -> httpx.Response:
    params = {"format": fmt, **({"connection_id": connection_id} if connection_id else {})}
    return client.get(f"/api/events/{event_id}/export", params=params)


def test_the_form_export_is_the_exact_body_the_connection_received(client: httpx.Client, delivered: dict) -> None:
    answer = export(client, delivered["event_id"], "form", delivered["connection"]["id"])
    assert answer.status_code == 200
    assert answer.content == delivered["body"]
    assert export(client, delivered["event_id"], "form").content == delivered["body"]  # its only connection


def test_the_json_export_holds_the_fields_and_the_signed_body(client: httpx.Client, delivered: dict) -> None:
    data = export(client, delivered["event_id"], "json", delivered["connection"]["id"]).json()
    received = dict(parse_qsl(delivered["body"].decode(), keep_blank_values=True))
    assert data["body"] == received and data["form"] == delivered["body"].decode()
    assert (data["event"], data["order_id"], data["origin"]) == ("on_payment", delivered["order_id"], "delivered")
    assert data["fields"]["order_id"] == delivered["order_id"] and "sha_sign" not in data["fields"]
    assert data["connection"]["passphrase"].count("•") == 6


def test_the_curl_export_is_a_working_quoted_command(client: httpx.Client, delivered: dict, receiver: Receiver) -> None:
    command = export(client, delivered["event_id"], "curl", delivered["connection"]["id"]).text
    words = shlex.split(command.replace("\\\n", ""))  # a shell joins the continued lines
    assert words[:4] == ["curl", "-X", "POST", receiver.url]
    assert words[4:6] == ["-H", "Content-Type: application/x-www-form-urlencoded"]
    assert words[6:] == ["--data-raw", delivered["body"].decode()]
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed: the command was checked by parsing it only")
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, timeout=20)
    assert receiver.wait_for(2)[1].body == delivered["body"]


def test_an_event_never_sent_to_a_connection_is_signed_for_it_on_export(client: httpx.Client, delivered: dict) -> None:
    other = client.post("/api/connections", json={"url": "http://127.0.0.1:9/x", "passphrase": "p2", "active": False})
    data = export(client, delivered["event_id"], "json", other.json()["id"]).json()
    assert data["origin"] == "built" and data["body"]["ipn_config_id"] == other.json()["id"]


def test_export_errors_say_what_to_do(client: httpx.Client, delivered: dict) -> None:
    wrong = export(client, delivered["event_id"], "xml")
    assert wrong.status_code == 400 and "json, form, curl" in wrong.json()["error"]["message"]
    assert export(client, 987654, "json").status_code == 404
    assert export(client, delivered["event_id"], "json", "1").status_code == 404


def test_the_csv_log_neutralises_formulas(client: httpx.Client, receiver: Receiver) -> None:
    receiver.reply = b'=HYPERLINK("http://evil.example","click")\nsecond line'
    connection = client.post("/api/connections", json={"url": receiver.url, "passphrase": PASSPHRASE}).json()
    paid = client.post("/api/test-payments", json={"product_id": product_of(client, "subscription")["id"]}).json()
    client.patch(f"/api/connections/{connection['id']}", json={"active": False})

    answer = client.get(f"/api/connections/{connection['id']}/report.csv")

    assert answer.headers["content-type"].startswith("text/csv")
    assert f"ipn-report-{connection['id']}.csv" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert list(rows[0]) == [
        "delivery_id",
        "time",
        "event",
        "order_id",
        "transaction_id",
        "state",
        "attempts",
        "last_status",
        "latency_ms",
        "reply",
        "error",
        "replay",
    ]
    row = rows[0]
    assert (row["event"], row["order_id"], row["state"], row["attempts"], row["last_status"]) == (
        "on_payment",
        paid["order_id"],
        "pending",
        "1",
        "200",
    )
    assert row["transaction_id"] == paid["transactions"][0]["id"] and row["error"] == "not_ok"
    assert row["reply"] == '\'=HYPERLINK("http://evil.example","click")'  # first line, made inert
    assert float(row["latency_ms"]) >= 0 and row["time"][:4].isdigit()


def test_no_new_output_shows_the_passphrase(client: httpx.Client, delivered: dict) -> None:
    seen: list[str] = []
    stop = threading.Event()

    def follow() -> None:
        with httpx.Client(base_url=client.base_url, timeout=httpx.Timeout(5, read=None)) as http:  # noqa: SIM117
            with http.stream("GET", "/api/stream") as stream:
                for text in stream.iter_text():
                    seen.append(text)
                    if stop.is_set():
                        return

    threading.Thread(target=follow, daemon=True).start()
    time.sleep(0.3)
    target = inspector_connection(client)
    connection_id = delivered["connection"]["id"]
    event_id = delivered["event_id"]
    outputs = [
        client.put(f"/api/receivers/{target['id']}/behaviour", json={"mode": "slow", "delay_ms": 10}).text,
        client.get(f"/api/receivers/{target['id']}/behaviour").text,
        client.post(f"/ipn/{target['id']}", content=signed_body(payment_fields(), PASSPHRASE)).text,
        client.post(f"/ipn/{target['id']}", content=signed_body(payment_fields(), "oops")).text,
        client.get("/api/inbound").text,
        client.get(f"/api/inbound/{client.get('/api/inbound').json()['inbound'][0]['id']}").text,
        client.post(f"/api/events/{event_id}/replay", json={"connection_id": target["id"]}).text,
        client.post(f"/api/events/{event_id}/replay", json={"connection_id": target["id"], "resign": False}).text,
        export(client, event_id, "json", connection_id).text,
        export(client, event_id, "form", connection_id).text,
        export(client, event_id, "curl", target["id"]).text,
        client.get(f"/api/connections/{connection_id}/report.csv").text,
        client.get(f"/api/connections/{target['id']}/report.csv").text,
    ]
    client.post(f"/api/connections/{target['id']}/test")
    time.sleep(0.3)
    stop.set()
    client.post(f"/api/connections/{target['id']}/test")  # one more message ends the reader
    everything = "\n".join(outputs + seen)
    assert "inbound" in "".join(seen) and "attempt" in "".join(seen)
    assert PASSPHRASE not in everything and PASSPHRASE[3:-3] not in everything
