"""What happens when one IPN delivery reaches the simulated Zapier side.

:func:`receive` checks the signature, spots a repeated delivery, then tells for every Zap
whether it ran, was skipped (and why, in the words of :func:`filters.decide`), was
inactive, or failed. It only returns data; storing the reception, remembering its record
id and answering the HTTP call are the application layer's job.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from sandbox.ipn.signing import EmptyPassphraseError, diagnose
from sandbox.zapier import actions, triggers
from sandbox.zapier import zaps as zap_rules
from sandbox.zapier.reasons import Reason, ZapierError
from sandbox.zapier.zaps import Zap

RAN = "ran"
SKIPPED = "skipped"  # the trigger's options filter the event out
INACTIVE = "inactive"  # the Zap is not on, or was turned on after the event arrived
DUPLICATE = "duplicate"
ERROR = "error"
REFUSED = "refused"  # bad signature: nothing may run
STATUSES = (RAN, SKIPPED, INACTIVE, DUPLICATE, ERROR, REFUSED)


def status_key(status: str) -> str:
    return f"zapier.status.{status}"


def _run_reason(code: str, **params: str) -> Reason:
    return Reason(code, dict(params), namespace="zapier.run")


@dataclass(frozen=True)
class ZapRun:
    """One Zap's outcome for one delivery; ``reason`` explains anything but a clean run."""

    zap_id: str
    zap_name: str
    status: str
    reason: Reason | None = None
    output: dict[str, str] | None = None  # the trigger output, when the Zap ran
    result: dict[str, object] | None = None  # what the action produced

    def to_dict(self) -> dict[str, object]:
        return {**self.summary(), "output": self.output, "result": self.result}

    def summary(self) -> dict[str, object]:
        """The run without its trigger output and action result, for the live stream."""
        return {
            "zap_id": self.zap_id,
            "zap_name": self.zap_name,
            "status": self.status,
            "reason": self.reason.to_dict() if self.reason else None,
        }


@dataclass(frozen=True)
class Reception:
    """One delivery as received: its signature check, record id and every Zap's run."""

    received_at: str
    event: str
    trigger: str | None
    accepted: bool
    signature: str  # a signing.diagnose cause, or "no_passphrase"
    record_id: str | None
    duplicate: bool
    fields: dict[str, str]
    runs: tuple[ZapRun, ...]
    reason: Reason | None = None  # why the delivery was refused

    @property
    def remember(self) -> str | None:
        """The record id to add to the seen ids, so a later retry counts as a duplicate."""
        return self.record_id if self.accepted and not self.duplicate else None

    def _verdict(self) -> dict[str, object]:
        return {
            "received_at": self.received_at,
            "event": self.event,
            "trigger": self.trigger,
            "accepted": self.accepted,
            "signature": self.signature,
            "record_id": self.record_id,
            "duplicate": self.duplicate,
        }

    def to_dict(self) -> dict[str, object]:
        return {
            **self._verdict(),
            "fields": dict(self.fields),
            "runs": [run.to_dict() for run in self.runs],
            "reason": self.reason.to_dict() if self.reason else None,
        }

    def summary(self) -> dict[str, object]:
        """The slim form published on ``/api/stream``: no IPN fields, no run output or result.

        :meth:`to_dict` is about 22 KB for an order with three Zaps, this well under 2 KB.
        The details stay one GET away: ``GET /api/events/{event_id}`` gives each delivery's
        posted fields (``body``) and its ``zap_runs`` with output and result, and
        ``GET /api/zaps/{zap_id}/runs`` one Zap's runs.
        """
        return {
            **self._verdict(),
            "order_id": self.fields.get("order_id", ""),
            "runs": [run.summary() for run in self.runs],
            "reason": self.reason.to_dict() if self.reason else None,
        }


def _signature(fields: Mapping[str, str], passphrase: str) -> tuple[bool, Reason]:
    try:
        diagnosis = diagnose(fields, passphrase)  # its verdict is verify()'s, without hashing twice
    except EmptyPassphraseError:
        return False, Reason("no_passphrase", namespace="zapier.signature")
    return diagnosis.valid, Reason(diagnosis.cause, {"field": diagnosis.field}, namespace="zapier.signature")


def _run(zap: Zap, fields: Mapping[str, str], duplicate: bool, record_id: str, received_at: str) -> ZapRun:
    if zap.state != zap_rules.ON:
        return ZapRun(zap.id, zap.name, INACTIVE, _run_reason(f"zap_{zap.state}"))
    try:
        if not zap_rules.sees(zap, received_at):
            reason = _run_reason("before_turned_on", turned_on_at=zap.turned_on_at or "")
            return ZapRun(zap.id, zap.name, INACTIVE, reason)
        if fields.get("event") == "connection_test":
            return ZapRun(zap.id, zap.name, SKIPPED, _run_reason("connection_test"))
        decision = zap_rules.verdict(zap, fields)
        if not decision.send:
            reason = Reason(decision.reason, dict(decision.params), namespace="decision")
            return ZapRun(zap.id, zap.name, SKIPPED, reason)
        if duplicate:
            return ZapRun(zap.id, zap.name, DUPLICATE, _run_reason("duplicate", record_id=record_id))
        output = triggers.output(fields)
        result = actions.perform(zap.action.kind, zap.action.config, output)
    except ZapierError as error:
        return ZapRun(zap.id, zap.name, ERROR, error.reasons[0])
    return ZapRun(zap.id, zap.name, RAN, output=output, result=result)


def receive(
    fields: Mapping[str, str],
    passphrase: str,
    zaps: Iterable[Zap],
    seen_record_ids: Collection[str],
    received_at: str,
) -> Reception:
    """Handle one delivery for every Zap; a bad signature refuses it for all of them."""
    zap_list = list(zaps)
    event = fields.get("event", "")
    trigger = triggers.trigger_for(event)
    valid, signature = _signature(fields, passphrase)
    record_id = triggers.record_id(fields) if valid else None
    duplicate = valid and record_id in seen_record_ids
    if valid:
        runs = tuple(_run(zap, fields, duplicate, str(record_id), received_at) for zap in zap_list)
    else:
        runs = tuple(ZapRun(zap.id, zap.name, REFUSED, signature) for zap in zap_list)
    return Reception(
        received_at=received_at,
        event=event,
        trigger=trigger,
        accepted=valid,
        signature=signature.code,
        record_id=record_id,
        duplicate=duplicate,
        fields=dict(fields),
        runs=runs,
        reason=None if valid else signature,
    )
