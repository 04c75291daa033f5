"""Zapier's "test trigger": the recent records a Zap's trigger would have produced.

Zapier shows up to three recent records to build the action from; with none, the user
must cause an event first (for orders and e-tickets: a test payment). Matching uses the
Zap's verdict, so samples never disagree with what the live Zap would do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sandbox.zapier import triggers
from sandbox.zapier import zaps as zap_rules
from sandbox.zapier.reasons import Reason, ZapierError
from sandbox.zapier.zaps import Zap

LIMIT = 3


@dataclass(frozen=True)
class Sample:
    record_id: str
    received_at: str
    output: dict[str, str]

    def to_dict(self) -> dict[str, object]:
        return {"record_id": self.record_id, "received_at": self.received_at, "output": dict(self.output)}


@dataclass(frozen=True)
class TriggerTest:
    """Samples newest first, a message saying what was found or what to do, and problems."""

    samples: tuple[Sample, ...]
    message: Reason
    problems: tuple[Reason, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.samples) and not self.problems

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "samples": [sample.to_dict() for sample in self.samples],
            "message": self.message.to_dict(),
            "problems": [reason.to_dict() for reason in self.problems],
        }


def find(zap: Zap, records: Iterable[tuple[str, Mapping[str, str]]], limit: int = LIMIT) -> TriggerTest:
    """Up to ``limit`` distinct matching records, newest first.

    ``records`` are accepted deliveries as ``(received_at, fields)``; for equal times the
    later one in the sequence counts as newer. Unlike a live run, the Zap's state and
    ``turned_on_at`` do not matter: testing happens before turning on.
    """
    try:
        zap_rules.settings(zap)
    except ZapierError as error:
        return TriggerTest((), Reason("invalid", namespace="zapier.sample"), error.reasons)
    indexed = list(enumerate(records))
    indexed.sort(key=lambda item: (zap_rules.parse_time(item[1][0]), item[0]), reverse=True)
    found: list[Sample] = []
    for _, (received_at, fields) in indexed:
        if fields.get("event") == "connection_test" or not zap_rules.verdict(zap, fields).send:
            continue
        record_id = triggers.record_id(fields)
        if any(sample.record_id == record_id for sample in found):
            continue
        found.append(Sample(record_id, received_at, triggers.output(fields)))
        if len(found) == limit:
            break
    if not found:
        return TriggerTest((), Reason(f"none_{zap.trigger}", namespace="zapier.sample"))
    return TriggerTest(tuple(found), Reason("found", {"count": str(len(found))}, namespace="zapier.sample"))
