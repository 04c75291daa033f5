"""The event stream (SSE): what a page sees live, and clients that leave."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from tests.conftest import Server, product_of

SECRET = "stream-secret-passphrase"


@dataclass
class Listener:
    """Reads /api/stream in a thread until ``enough`` says so (or the read times out)."""

    url: str
    enough: Callable[[list[tuple[str, dict]]], bool]
    messages: list[tuple[str, dict]] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None

    def start(self) -> Listener:
        threading.Thread(target=self._run, daemon=True).start()
        assert self.ready.wait(10), "the stream did not open"
        return self

    def _run(self) -> None:
        try:
            timeout = httpx.Timeout(10.0, read=10.0)
            with httpx.Client(timeout=timeout) as client, client.stream("GET", f"{self.url}/api/stream") as response:
                assert response.headers["content-type"].startswith("text/event-stream")
                kind = ""
                for line in response.iter_lines():
                    self.raw.append(line)
                    if line.startswith("retry:"):
                        self.ready.set()
                    elif line.startswith("event: "):
                        kind = line[len("event: ") :]
                    elif line.startswith("data: "):
                        self.messages.append((kind, json.loads(line[len("data: ") :])))
                        if self.enough(self.messages):
                            return
        except BaseException as error:  # reported by wait()
            self.error = error
        finally:
            self.ready.set()
            self.done.set()

    def wait(self, timeout: float = 15) -> list[tuple[str, dict]]:
        assert self.done.wait(timeout), f"stream incomplete: {self.messages}"
        if self.error:
            raise self.error
        return self.messages


def delivered_to(wanted: dict) -> Callable[[list[tuple[str, dict]]], bool]:
    """Enough once an attempt to ``wanted["connection"]`` (set before the payment) delivered."""

    def check(messages: list[tuple[str, dict]]) -> bool:
        return any(
            kind == "attempt" and data["connection_id"] == wanted.get("connection") and data["state"] == "delivered"
            for kind, data in messages
        )

    return check


def test_a_payment_shows_up_as_event_and_attempt_messages(
    module_server: Server, module_api: httpx.Client, module_connect
) -> None:
    wanted: dict = {}
    listener = Listener(module_server.url, delivered_to(wanted)).start()
    connection, endpoint = module_connect(passphrase=SECRET)
    wanted["connection"] = connection["id"]
    paid = module_api.post("/api/test-payments", json={"product_id": product_of(module_api, "single_payment")["id"]})
    event_id = paid.json()["event_ids"][0]

    messages = listener.wait()

    kinds = [kind for kind, _ in messages]
    assert "connection" in kinds
    assert "event" in kinds and "attempt" in kinds
    shown_connection = next(data for kind, data in messages if kind == "connection" and data["id"] == connection["id"])
    assert shown_connection["passphrase"] != SECRET
    assert all(SECRET not in line for line in listener.raw)
    event = next(data for kind, data in messages if kind == "event" and data["id"] == event_id)
    assert (event["event"], event["order_id"]) == ("on_payment", paid.json()["order_id"])
    attempt = next(data for kind, data in messages if kind == "attempt" and data["connection_id"] == connection["id"])
    assert attempt["event_id"] == event_id
    assert (attempt["state"], attempt["status"], attempt["ok"], attempt["attempt"]) == ("delivered", 200, True, 1)
    assert kinds.index("event") < kinds.index("attempt")
    assert len(endpoint.requests) == 1


def test_a_failed_attempt_is_streamed_with_its_next_retry(
    module_server: Server, module_api: httpx.Client, module_connect
) -> None:
    connection, endpoint = module_connect()
    endpoint.status, endpoint.reply = 503, b"maintenance"

    def failed(messages: list[tuple[str, dict]]) -> bool:
        return any(kind == "attempt" and data["connection_id"] == connection["id"] for kind, data in messages)

    listener = Listener(module_server.url, failed).start()
    module_api.post("/api/test-payments", json={"product_id": product_of(module_api, "single_payment")["id"]})

    attempt = next(
        data for kind, data in listener.wait() if kind == "attempt" and data["connection_id"] == connection["id"]
    )

    assert (attempt["state"], attempt["status"], attempt["error"], attempt["reply"]) == (
        "pending",
        503,
        "http_status",
        "maintenance",
    )
    assert attempt["next_attempt_at"] is not None


def test_clients_that_leave_do_not_break_later_payments(
    module_server: Server, module_api: httpx.Client, module_connect
) -> None:
    for _ in range(5):  # open a stream, read its first line, hang up
        with httpx.Client(timeout=10) as client, client.stream("GET", f"{module_server.url}/api/stream") as response:
            assert next(response.iter_lines()).startswith("retry:")
    connection, endpoint = module_connect()
    single = product_of(module_api, "single_payment")["id"]

    for _ in range(3):
        answer = module_api.post("/api/test-payments", json={"product_id": single})
        assert answer.status_code == 201
        mine = next(d for d in answer.json()["events"][0]["deliveries"] if d["connection_id"] == connection["id"])
        assert mine["state"] == "delivered"
    assert len(endpoint.wait_for(3)) == 3

    listener = Listener(module_server.url, delivered_to({"connection": connection["id"]})).start()
    event_id = module_api.post("/api/test-payments", json={"product_id": single}).json()["event_ids"][0]
    assert any(kind == "event" and data["id"] == event_id for kind, data in listener.wait())
    assert module_api.get("/api/health").status_code == 200


def test_a_zapier_reception_is_streamed_slim_and_its_details_are_one_get_away(
    server: Server, api: httpx.Client
) -> None:
    api.post("/api/zapier/connect")
    single = product_of(api, "single_payment")["id"]
    zap_ids = []
    for kind in ("sheets", "gmail", "sheets"):
        created = api.post("/api/zaps", json={"trigger": "order", "product_ids": [single], "action": {"kind": kind}})
        assert created.status_code == 201, created.text
        assert api.post(f"/api/zaps/{created.json()['id']}/on").status_code == 200
        zap_ids.append(created.json()["id"])
    listener = Listener(server.url, lambda messages: any(kind == "reception" for kind, _ in messages)).start()

    paid = api.post("/api/test-payments", json={"product_id": single}).json()

    (reception,) = [data for kind, data in listener.wait() if kind == "reception"]
    (line,) = [line for line in listener.raw if line.startswith("data: ") and '"runs"' in line]
    assert len(line.encode()) < 2048, len(line.encode())
    assert "fields" not in reception
    assert (reception["event"], reception["accepted"], reception["order_id"]) == ("on_payment", True, paid["order_id"])
    assert [(run["zap_id"], run["status"]) for run in reception["runs"]] == [(zap_id, "ran") for zap_id in zap_ids]
    assert all("output" not in run and "result" not in run for run in reception["runs"])
    event = api.get(f"/api/events/{paid['event_ids'][0]}").json()
    (delivery,) = [item for item in event["deliveries"] if item["id"] == reception["delivery_id"]]
    assert delivery["body"]["order_id"] == paid["order_id"]
    assert [run["status"] for run in delivery["zap_runs"]] == ["ran"] * 3
    assert all(run["output"] and run["result"] for run in delivery["zap_runs"])
