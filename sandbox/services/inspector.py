"""The inbound inspector: an IPN endpoint that checks and records whatever is posted to it.

``POST /ipn/{connection_id}`` takes a notification from anywhere — the sandbox's own
dispatcher, ``curl``, or a real Digistore24 connection through a tunnel — checks
``sha_sign`` with that connection's passphrase and records the request whole with a
verdict a developer can read:

``valid``
    signed correctly (original-case or upper-case names); answered ``OK``.
``connection_test``
    Digistore24's "Test connection" button; answered ``OK`` whatever the signature says
    (the button only reports reachability; the signature result is recorded beside it).
``unknown_event``
    signed correctly but the event name is not in the catalog; answered ``OK`` on
    purpose: Digistore24 retries every call not answered ``OK`` for about ten days, so
    refusing an event it added after this sandbox was written would only fill its
    retry queue and hide the real problem. The record says what to check.
``bad_signature``
    answered 403 with the likely cause (:func:`sandbox.ipn.signing.diagnose`); when the
    body carries the signature of a delivery the sandbox sent, that delivery is the
    "original" and the changed, added or missing field is named.
``rejected``
    not a UTF-8 form, a repeated field, no ``event``, or too large: answered 4xx.
``unknown_connection``
    no such connection, so no passphrase to check with: answered 404.

Each message with an ``event`` also becomes an event (``source = "inbound"``), unless it
is exactly a body the sandbox sent, which already is one; so it can be replayed and
exported like a simulated one. Nothing is fanned out to the connections.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sandbox import i18n
from sandbox.digistore24.connections import Connection, mask
from sandbox.errors import Conflict, NotFound
from sandbox.ipn import events, form, signing
from sandbox.services.account import Account
from sandbox.services.limits import QuotaExceeded
from sandbox.services.workbench import Answer, Workbench, field_diff, forced_answer, is_empty, unsigned
from sandbox.services.zapier import ZapierAccount

VALID = "valid"
CONNECTION_TEST = "connection_test"
UNKNOWN_EVENT = "unknown_event"
BAD_SIGNATURE = "bad_signature"
REJECTED = "rejected"
UNKNOWN_CONNECTION = "unknown_connection"
VERDICTS = (VALID, CONNECTION_TEST, UNKNOWN_EVENT, BAD_SIGNATURE, REJECTED, UNKNOWN_CONNECTION)
ANSWERED_OK = (VALID, CONNECTION_TEST, UNKNOWN_EVENT)
# Request headers that may carry credentials (a tunnel's basic auth, cookies): masked when recorded.
SECRET_HEADERS = ("authorization", "proxy-authorization", "cookie", "x-api-key", "x-auth-token")


@dataclass(frozen=True)
class Received:
    """One HTTP request as the web layer read it; ``problem`` is set when the body was refused."""

    method: str
    path: str
    query: str
    client: str
    headers: list[tuple[str, str]]
    body: bytes
    body_size: int
    delivery_header: str = ""
    problem: tuple[str, dict[str, str]] | None = None  # (cause code, params), e.g. body_too_large


@dataclass(frozen=True)
class Verdict:
    verdict: str
    cause: str
    status: int
    field: str = ""
    params: dict[str, str] = dataclasses.field(default_factory=dict)


def judge(
    fields: Mapping[str, str] | None,
    problem: tuple[str, dict[str, str]] | None,
    passphrase: str | None,
    original: Mapping[str, str] | None = None,
) -> Verdict:
    """The verdict on one request, from its decoded fields (or why there are none)."""
    if passphrase is None:
        return Verdict(UNKNOWN_CONNECTION, UNKNOWN_CONNECTION, 404)
    if problem is not None:
        code, params = problem
        return Verdict(REJECTED, code, 413 if code == "body_too_large" else 400, params=dict(params))
    assert fields is not None
    name = fields.get("event", "")
    if not name.strip():
        return Verdict(REJECTED, "missing_event", 400)
    diagnosis = signing.diagnose(fields, passphrase, original=original)
    if name == "connection_test":
        return Verdict(CONNECTION_TEST, diagnosis.cause, 200, diagnosis.field)
    if not diagnosis.valid:
        return Verdict(BAD_SIGNATURE, diagnosis.cause, 403, diagnosis.field)
    if not events.is_known(name):
        return Verdict(UNKNOWN_EVENT, diagnosis.cause, 200, params={"event": name[:100]})
    return Verdict(VALID, diagnosis.cause, 200)


def explain(record: Mapping[str, Any], language: str) -> str:
    """A record's verdict in words: what happened and, when something is wrong, what to do."""
    params = {
        **record["params"],
        "connection_id": record["connection_id"],
        "field": record["field"],
        "delivery_id": record.get("original_delivery_id") or "",
        "event": record["params"].get("event", record.get("event", "")),
    }
    verdict, cause = record["verdict"], record["cause"]
    if verdict == VALID:
        key = "workbench.verdict.valid_upper_keys" if cause == "valid_upper_keys" else "workbench.verdict.valid"
        return i18n.t(key, language, **params)
    if verdict == CONNECTION_TEST:
        signature = i18n.t(f"workbench.signature.{cause}", language, **params)
        return i18n.t("workbench.verdict.connection_test", language, signature=signature)
    if verdict == UNKNOWN_EVENT:
        return i18n.t("workbench.verdict.unknown_event", language, **params)
    if verdict == BAD_SIGNATURE:
        return i18n.t(f"workbench.signature.{cause}", language, **params)
    if verdict == REJECTED:
        return i18n.t(f"workbench.rejected.{cause}", language, **params)
    return i18n.t("workbench.verdict.unknown_connection", language, **params)


def explain_both(record: Mapping[str, Any]) -> dict[str, str]:
    return {language: explain(record, language) for language in i18n.LANGUAGES}


def reply_text(record: Mapping[str, Any], language: str) -> str:
    if record["verdict"] in ANSWERED_OK:
        return "OK"
    return i18n.t("workbench.reply.refused", language, reason=explain(record, language))


def masked_headers(headers: list[tuple[str, str]]) -> list[list[str]]:
    return [[name, mask(value) if name.lower() in SECRET_HEADERS else value] for name, value in headers]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Inspector:
    def __init__(self, account: Account) -> None:
        self.account = account
        self.workbench = Workbench(account)
        self.store = self.workbench.store

    def _connection(self, connection_id: str) -> Connection | None:
        try:
            return self.account.connection(connection_id)
        except NotFound:
            return None

    def _original(
        self, fields: Mapping[str, str], delivery_header: str
    ) -> tuple[dict[str, Any] | None, dict[str, str] | None]:
        """The sandbox delivery this body came from, and the body as it was signed.

        Found by the sandbox's delivery header, else by the ``sha_sign`` it carries. For a
        replay the "original" is the body the replay started from, so a field edited while
        keeping the old signature is named.
        """
        delivery = None
        if delivery_header.isdigit():
            delivery = self.account.store.delivery(int(delivery_header))
        if delivery is None or not delivery["send"] or not delivery["body"]:
            delivery = self.store.delivery_with_signature(signing.received_signature(fields))
        if delivery is None:
            return None, None
        replay = self.store.replay(delivery["id"])
        text = replay["original_body"] if replay else delivery["body"]
        if replay and replay["data"].get("source_delivery_id"):
            # Name the delivery whose signature the replay kept, not the replay itself.
            delivery = self.account.store.delivery(int(replay["data"]["source_delivery_id"])) or delivery
        try:
            return delivery, form.decode(text.encode("utf-8"))
        except form.FormError:
            return None, None

    def receive(
        self, connection_id: str, request: Received, *, language: str, timeout: float
    ) -> tuple[dict[str, Any], Answer]:
        """Judge, record and answer one request to ``/ipn/{connection_id}``."""
        connection = self._connection(connection_id)
        problem = request.problem
        fields: dict[str, str] | None = None
        if problem is None:
            try:
                fields = form.decode(request.body)
            except form.FormError as error:
                problem = (f"form_{error.code}", {"detail": error.detail[:200]})
        delivery, original = (None, None)
        if fields is not None and connection is not None:
            delivery, original = self._original(fields, request.delivery_header)
        verdict = judge(fields, problem, connection.passphrase if connection else None, original)
        diff = None
        if original is not None and fields is not None:
            diff = field_diff(original, fields)
            diff = None if is_empty(diff) else diff
        behaviour = self.workbench.behaviour(connection.id) if connection else None
        record: dict[str, Any] = {
            "received_at": now_iso(),
            "connection_id": connection_id[:64],
            "method": request.method,
            "path": request.path[:500],
            "query": request.query[:2000],
            "client": request.client,
            "headers": masked_headers(request.headers),
            "body": request.body,
            "body_size": request.body_size,
            "fields": fields,
            "event": (fields or {}).get("event", "")[:100],
            "verdict": verdict.verdict,
            "cause": verdict.cause,
            "field": verdict.field,
            "params": verdict.params,
            "event_id": None,
            "original_delivery_id": delivery["id"] if delivery else None,
            "diff": diff,
            "forced": behaviour.to_dict() if behaviour and behaviour.mode != "normal" else None,
        }
        answer = Answer(verdict.status, reply_text(record, language))
        if behaviour is not None:
            answer = forced_answer(
                behaviour, verdict.status, answer.reply, connection_id=connection_id, timeout=timeout, language=language
            )
        record["status"], record["reply"] = answer.status, answer.reply
        with self.account.store.transaction():
            if connection is not None and fields is not None and verdict.verdict != REJECTED:
                record["event_id"] = self._event_row(fields, delivery, original)
            record["id"] = self.store.add_inbound(record)
        self.account.notify(
            "inbound",
            {
                key: record[key]
                for key in ("id", "connection_id", "event", "verdict", "cause", "field", "status", "event_id")
            },
        )
        return record, answer

    def _event_row(
        self, fields: dict[str, str], delivery: dict[str, Any] | None, original: dict[str, str] | None
    ) -> int | None:
        """The event this message is: the sandbox's own when it is exactly what was sent."""
        if delivery is not None and original == fields and not self.store.replay(delivery["id"]):
            return int(delivery["event_id"])
        try:
            self.account.limits.check(self.account.store, "event")
        except QuotaExceeded:
            return None  # the request is still recorded (those are capped); it just is no event
        return self.account.store.add_event(fields["event"][:100], "inbound", fields, fields.get("order_id", "")[:40])

    # reading the records -----------------------------------------------------------------------
    def record(self, inbound_id: int) -> dict[str, Any]:
        record = self.store.inbound(inbound_id)
        if record is None:
            raise NotFound("inbound_unknown", inbound_id=inbound_id)
        return record

    def records(self, limit: int, connection_id: str = "") -> list[dict[str, Any]]:
        return self.store.inbound_list(limit, connection_id)

    # the Zapier side -----------------------------------------------------------------------------
    def run_through_zapier(self, inbound_id: int, zapier: ZapierAccount) -> dict[str, Any]:
        """Feed a recorded valid request to the simulated Zapier hook, as if Digistore24 sent it there.

        The Zapier connection has its own passphrase, so the fields are re-signed with it and
        handed to :meth:`ZapierAccount.receive` — the same code the hook runs — which checks the
        signature, de-duplicates and runs every Zap. Nothing in the Zapier side had to change.
        """
        record = self.record(inbound_id)
        if record["verdict"] != VALID or record["fields"] is None:
            raise Conflict("inbound_not_runnable", inbound_id=inbound_id, verdict=record["verdict"])
        state = zapier.state()
        if not state.get("connected"):
            raise Conflict("zapier_not_connected")
        body = form.encode(signing.signed(unsigned(record["fields"]), state["passphrase"]))
        status, reply, reception = zapier.receive(body, None)
        return {"inbound_id": inbound_id, "status": status, "reply": reply, "reception": reception}
