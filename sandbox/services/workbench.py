"""The developer workbench: replay (as sent or edited), export, the delivery log as CSV and
the forced behaviour of the sandbox's own receivers.

Everything here works on stored events and deliveries; sending is the dispatcher's job and
HTTP the web layer's. A replay is stored as a delivery of its event like any other (so the
IPN report and the stream show it) and marked in the workbench's ``replays`` table.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sandbox import i18n
from sandbox.digistore24.connections import Connection
from sandbox.errors import InputError, NotFound
from sandbox.ipn import form, signing
from sandbox.services.account import Account
from sandbox.services.limits import QuotaExceeded
from sandbox.storage.inbound import WorkbenchStore
from sandbox.zapier.actions import to_csv

# --- forced receiver behaviour ---------------------------------------------------------------

MODES = ("normal", "error", "no_ok", "slow", "hang")
DEFAULT_ERROR_STATUS = 500
DEFAULT_SLOW_MS = 3000
HANG_MARGIN_MS = 2000  # "hang" holds this much past the dispatcher's timeout by default
MAX_DELAY_MS = 120_000


@dataclass(frozen=True)
class Behaviour:
    """How a built-in receiver answers: as usual, with an error, without OK, slowly or not at all."""

    mode: str = "normal"
    status: int = DEFAULT_ERROR_STATUS  # used by "error"
    delay_ms: int = 0  # used by "slow" and "hang"; 0 means the mode's default

    def hold_ms(self, timeout: float) -> int:
        if self.mode == "slow":
            return self.delay_ms or DEFAULT_SLOW_MS
        if self.mode == "hang":
            return self.delay_ms or int(timeout * 1000) + HANG_MARGIN_MS
        return 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """What a receiver sends back: ``status`` None means no answer was given in time (hang)."""

    status: int | None
    reply: str
    hold_ms: int = 0


def forced_answer(
    behaviour: Behaviour, status: int, reply: str, *, connection_id: str, timeout: float, language: str
) -> Answer:
    """The answer under ``behaviour``, given the one the receiver would have sent."""
    mode = behaviour.mode
    if mode == "error":
        text = i18n.t("workbench.forced.error", language, status=behaviour.status, connection_id=connection_id)
        return Answer(behaviour.status, text)
    if mode == "no_ok":
        return Answer(200, i18n.t("workbench.forced.no_ok", language, connection_id=connection_id))
    if mode == "slow":
        return Answer(status, reply, behaviour.hold_ms(timeout))
    if mode == "hang":
        return Answer(None, "", behaviour.hold_ms(timeout))
    return Answer(status, reply)


def _whole(value: Any, field: str, low: int, high: int, code: str) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not isinstance(value, int | str) or not (text.isascii() and text.isdigit()):
        raise InputError(code, field=field, value=str(value)[:40], low=low, max=high)
    number = int(text)
    if not low <= number <= high:
        raise InputError(code, field=field, value=str(number), low=low, max=high)
    return number


def parse_behaviour(data: Mapping[str, Any]) -> Behaviour:
    allowed = {"mode", "status", "delay_ms"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InputError("behaviour_unknown_key", field=unknown[0], allowed=", ".join(sorted(allowed)))
    mode = data.get("mode")
    if mode not in MODES:
        raise InputError("invalid_choice", field="mode", value=str(mode)[:50], allowed=", ".join(MODES))
    status = DEFAULT_ERROR_STATUS
    if data.get("status") is not None:
        status = _whole(data["status"], "status", 400, 599, "behaviour_status")
    delay_ms = 0
    if data.get("delay_ms") is not None:
        delay_ms = _whole(data["delay_ms"], "delay_ms", 0, MAX_DELAY_MS, "behaviour_delay")
    return Behaviour(str(mode), status, delay_ms)


def is_built_in(connection: Connection) -> bool:
    """Does the sandbox answer this connection's deliveries itself (Zapier hook or inspector)?"""
    return connection.kind == "zapier" or urlsplit(connection.url).path.rstrip("/") == f"/ipn/{connection.id}"


# --- field differences -------------------------------------------------------------------------


def field_diff(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, list[dict[str, str]]]:
    """Changed, added and removed fields (the signature fields are compared apart)."""
    changed, added, removed = [], [], []
    for name, value in after.items():
        if name in signing.SIGNATURE_FIELDS:
            continue
        if name not in before:
            added.append({"field": name, "new": value})
        elif before[name] != value:
            changed.append({"field": name, "old": before[name], "new": value})
    for name, value in before.items():
        if name not in signing.SIGNATURE_FIELDS and name not in after:
            removed.append({"field": name, "old": value})
    return {"changed": changed, "added": added, "removed": removed}


def is_empty(diff: Mapping[str, list[Any]]) -> bool:
    return not any(diff.values())


def unsigned(fields: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in fields.items() if name not in signing.SIGNATURE_FIELDS}


# --- export helpers --------------------------------------------------------------------------

FORMATS = ("json", "form", "curl")


def curl_command(url: str, body: str) -> str:
    """A ready ``curl`` command posting ``body`` as Digistore24 does; every part shell-quoted."""
    return (
        f"curl -X POST {shlex.quote(url)} \\\n"
        f"  -H {shlex.quote('Content-Type: ' + form.CONTENT_TYPE)} \\\n"
        f"  --data-raw {shlex.quote(body)}\n"
    )


def first_line(text: str, limit: int = 200) -> str:
    return text.splitlines()[0][:limit] if text else ""


def local_time(timestamp: float | None) -> str:
    return datetime.fromtimestamp(timestamp).astimezone().isoformat(timespec="seconds") if timestamp else ""


@dataclass(frozen=True)
class Message:
    """One event as one connection received it (or would have): fields, exact body, origin."""

    fields: dict[str, str]
    text: str  # the exact form body
    origin: str  # delivered | received | built
    connection: Connection | None
    url: str
    delivery_id: int | None = None  # the delivery that carried it, when origin is "delivered"


REPORT_COLUMNS = (
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
)


class Workbench:
    def __init__(self, account: Account) -> None:
        self.account = account
        self.store = WorkbenchStore(account.store.db, account.store.workspace)

    # behaviour -------------------------------------------------------------------------------
    def behaviour(self, connection_id: str | None) -> Behaviour:
        row = self.store.behaviour(connection_id) if connection_id else None
        return Behaviour(**row) if row else Behaviour()

    def set_behaviour(self, connection_id: str, data: Mapping[str, Any]) -> tuple[Connection, Behaviour]:
        connection = self.account.connection(connection_id)
        behaviour = parse_behaviour(data)
        with self.account.store.transaction():
            self.store.set_behaviour(connection.id, behaviour.mode, behaviour.status, behaviour.delay_ms)
        self.account.notify("receiver_behaviour", {"connection_id": connection.id, **behaviour.to_dict()})
        return connection, behaviour

    # the message an event is for a connection -------------------------------------------------
    def event(self, event_id: int) -> dict[str, Any]:
        row = self.account.store.event(event_id)
        if row is None:
            raise NotFound("unknown_event_id", event_id=event_id)
        return row

    def body_for(self, fields: Mapping[str, str], connection: Connection) -> dict[str, str]:
        """The signed body a simulated event gets for ``connection``, built as the account does."""
        return self.account.signed_body(dict(fields), connection)

    def message(self, event: Mapping[str, Any], connection: Connection, base_url: str) -> Message:
        """The event as ``connection`` received it: its delivery's body, the request the inspector
        recorded, or — never sent there — the body signed for it now."""
        store = self.account.store
        deliveries = [
            item
            for item in store.deliveries_of([event["id"]])
            if item["connection_id"] == connection.id and item["send"] and item["body"]
        ]
        replays = self.store.replay_ids([item["id"] for item in deliveries])
        for item in deliveries:
            if item["id"] not in replays:
                text = item["body"]
                fields = form.decode(text.encode("ascii"))
                return Message(fields, text, "delivered", connection, connection.url, item["id"])
        if event["source"] == "inbound":
            inbound = self.store.inbound_of_event(event["id"])
            if inbound and inbound["connection_id"] == connection.id:
                text = inbound["body"].decode("utf-8")
                url = f"{base_url}/ipn/{connection.id}"
                return Message(form.decode(inbound["body"]), text, "received", connection, url)
            body = signing.signed(unsigned(event["fields"]), connection.passphrase)
        else:
            body = self.body_for(event["fields"], connection)
        return Message(body, form.encode(body).decode("ascii"), "built", connection, connection.url)

    def default_message(self, event: Mapping[str, Any], base_url: str) -> Message | None:
        """Without a chosen connection: the first connection it was sent to, or where it came in."""
        for item in self.account.store.deliveries_of([event["id"]]):
            if item["send"] and item["body"] and not self.store.replay_ids([item["id"]]):
                return self.message(event, self.account.connection(item["connection_id"]), base_url)
        if event["source"] == "inbound":
            inbound = self.store.inbound_of_event(event["id"])
            if inbound:
                try:
                    connection = self.account.connection(inbound["connection_id"])
                except NotFound:
                    connection = None
                url = f"{base_url}/ipn/{inbound['connection_id']}"
                return Message(
                    form.decode(inbound["body"]), inbound["body"].decode("utf-8"), "received", connection, url
                )
        return None

    # replay ----------------------------------------------------------------------------------
    def prepare_replay(self, event_id: int, data: Mapping[str, Any], base_url: str) -> dict[str, Any]:
        """Validate a replay, build its body, store it as a delivery marked replay.

        Returns the stored delivery (for the dispatcher) and what the answer shows. The body
        starts from the event as the connection received it (or would have); ``changes`` and
        ``remove`` apply to it; then it is re-signed with the connection's passphrase, or —
        ``resign`` false — keeps the signature it had, so the receiver's check can be tested.
        """
        allowed = {"connection_id", "changes", "remove", "resign"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise InputError("replay_unknown_key", field=unknown[0], allowed=", ".join(sorted(allowed)))
        connection_id = data.get("connection_id")
        if connection_id is None or isinstance(connection_id, bool) or str(connection_id).strip() == "":
            raise InputError("replay_connection_required")
        resign = data.get("resign", True)
        if not isinstance(resign, bool):
            raise InputError("invalid_boolean", field="resign", value=str(resign))
        changes = _changes(data.get("changes"))
        remove = _removals(data.get("remove"))
        for name in remove:
            if name in changes:
                raise InputError("replay_both", field=name)
        for name in (*changes, *remove):
            if resign and name in signing.SIGNATURE_FIELDS:
                raise InputError("replay_signature_field", field=name)
        event = self.event(event_id)
        connection = self.account.connection(str(connection_id).strip())
        limit = self.account.limits.event  # a public sandbox caps replays like events
        if limit is not None and self.store.count_replays() >= limit:
            raise QuotaExceeded("quota_exceeded", kind="replay", limit=limit)
        original = self.message(event, connection, base_url)
        for name in remove:
            if name not in original.fields:
                raise InputError("replay_remove_missing", field=name)

        body = {name: value for name, value in original.fields.items() if name not in signing.SIGNATURE_FIELDS}
        body = {name: changes.get(name, value) for name, value in body.items() if name not in remove}
        body.update({name: value for name, value in changes.items() if name not in signing.SIGNATURE_FIELDS})
        if resign:
            body = signing.signed(body, connection.passphrase)
        else:
            for name in signing.SIGNATURE_FIELDS:
                if name in changes:
                    body[name] = changes[name]
                elif name in original.fields and name not in remove:
                    body[name] = original.fields[name]
        text = form.encode(body).decode("ascii")
        diff = field_diff(original.fields, body)
        signature = {
            "original": signing.received_signature(original.fields),
            "sent": signing.received_signature(body),
            "resigned": resign,
            "valid_for_connection": signing.verify(body, connection.passphrase),
        }
        decision = connection.decide(dict(event["fields"]))
        details = {
            "origin": original.origin,
            "source_delivery_id": original.delivery_id,
            "changes": changes,
            "removed": remove,
            "diff": diff,
            "signature": signature,
            "normally": {
                "send": decision.send,
                "reason": decision.reason,
                "explanation": i18n.both(f"decision.{decision.reason}", **decision.params),
            },
        }
        store = self.account.store
        with store.transaction():
            delivery_id = store.add_delivery(
                event["id"],
                connection.id,
                send=True,
                reason="matches",
                params={},
                url=connection.url,
                success=connection.success,
                body=text,
                due_at=None,  # never picked by the retry loop: the replay is attempted once, now
            )
            self.store.add_replay(delivery_id, event["id"], resigned=resign, data=details, original_body=original.text)
        delivery = store.delivery(delivery_id)
        assert delivery is not None
        return {"delivery": delivery, "event": event, "connection": connection, "body": text, **details}

    # export and report ---------------------------------------------------------------------------
    def export(self, event_id: int, fmt: str, connection_id: str | None, base_url: str) -> tuple[str, Any]:
        """``(media type, content)`` of an event as JSON, as its exact form body, or as curl."""
        if fmt not in FORMATS:
            raise InputError("export_format", value=fmt, allowed=", ".join(FORMATS))
        event = self.event(event_id)
        if connection_id:
            message: Message | None = self.message(event, self.account.connection(connection_id), base_url)
        else:
            message = self.default_message(event, base_url)
        if message is None and fmt != "json":
            raise InputError("export_connection_needed", event_id=event_id)
        if fmt == "form":
            assert message is not None
            return "text/plain; charset=utf-8", message.text
        if fmt == "curl":
            assert message is not None
            return "text/plain; charset=utf-8", curl_command(message.url, message.text)
        data: dict[str, Any] = {
            "event_id": event["id"],
            "event": event["name"],
            "source": event["source"],
            "order_id": event["order_id"],
            "created_at": local_time(event["created_at"]),
            "fields": event["fields"],
            "connection": None,
            "origin": None,
            "url": None,
            "body": None,
            "form": None,
        }
        if message is not None:
            data.update(
                {
                    "connection": message.connection.masked() if message.connection else None,
                    "origin": message.origin,
                    "url": message.url,
                    "body": message.fields,
                    "form": message.text,
                }
            )
        return "application/json", data

    def report_rows(self, connection_id: str, limit: int = 10_000) -> list[dict[str, Any]]:
        connection = self.account.connection(connection_id)
        store = self.account.store
        deliveries = store.deliveries_for_connection(connection.id, limit)
        ids = [item["id"] for item in deliveries]
        last: dict[int, dict[str, Any]] = {}
        for tried in store.attempts_of(ids):
            last[tried["delivery_id"]] = tried
        replays = self.store.replay_ids(ids)
        events: dict[int, dict[str, Any]] = {}
        rows = []
        for item in deliveries:
            if item["event_id"] not in events:
                events[item["event_id"]] = store.event(item["event_id"]) or {"name": "", "order_id": "", "fields": {}}
            event = events[item["event_id"]]
            found = last.get(item["id"])
            attempt: dict[str, Any] = found or {}
            rows.append(
                {
                    "delivery_id": item["id"],
                    "time": local_time(attempt["at"] if attempt else item["created_at"]),
                    "event": event["name"],
                    "order_id": event["order_id"],
                    "transaction_id": event["fields"].get("transaction_id", ""),
                    "state": item["state"],
                    "attempts": item["attempts"],
                    "last_status": "" if not attempt or attempt["status"] is None else attempt["status"],
                    "latency_ms": "" if not attempt else f"{attempt['latency_ms']:.0f}",
                    "reply": first_line(attempt["reply"]) if attempt else "",
                    "error": attempt["error"] if attempt else "",
                    "replay": "yes" if item["id"] in replays else "",
                }
            )
        return rows

    def report_csv(self, connection_id: str) -> str:
        """The connection's delivery log as CSV, newest first, safe to open in a spreadsheet
        (cells are neutralised by :func:`sandbox.zapier.actions.to_csv`)."""
        return to_csv(REPORT_COLUMNS, self.report_rows(connection_id))


MAX_NAME = 100
MAX_VALUE = 2000


def _changes(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError("replay_changes_object")
    changes: dict[str, str] = {}
    for name, new in value.items():
        if not name or len(name) > MAX_NAME:
            raise InputError("replay_field_name", field=str(name)[:40], max=MAX_NAME)
        if isinstance(new, bool) or not isinstance(new, str | int | float) or len(str(new)) > MAX_VALUE:
            raise InputError("replay_value", field=name, max=MAX_VALUE)
        changes[name] = str(new)
    return changes


def _removals(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise InputError("replay_remove_list")
    return list(dict.fromkeys(value))
