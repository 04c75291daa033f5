"""A Zap: one trigger, one action, and its life cycle draft → tested → on ⇄ off.

Zaps are immutable values; every transition returns a new Zap, so the application layer
stores whatever it gets back and nothing changes behind its back. Whether an event
reaches a Zap is decided by :func:`filters.decide` on the trigger's settings, never here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sandbox.ipn.filters import Decision, Settings, decide
from sandbox.zapier import actions, triggers
from sandbox.zapier.reasons import Reason, ZapierError, problem

DRAFT = "draft"
TESTED = "tested"
ON = "on"
OFF = "off"
STATES = (DRAFT, TESTED, ON, OFF)


@dataclass(frozen=True)
class Action:
    """What the Zap does: ``kind`` is ``sheets`` or ``gmail``; ``config`` holds its templates."""

    kind: str
    config: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Zap:
    id: str
    name: str
    trigger: str
    product_ids: tuple[str, ...]
    options: dict[str, object]
    action: Action
    state: str = DRAFT
    turned_on_at: str | None = None  # ISO 8601; a Zap only sees events from this moment on

    def __post_init__(self) -> None:
        if isinstance(self.product_ids, str):
            object.__setattr__(self, "product_ids", (self.product_ids,))
        else:
            object.__setattr__(self, "product_ids", tuple(self.product_ids))
        if self.state not in STATES:
            raise ZapierError([problem("unknown_state", state=self.state, allowed=", ".join(STATES))])

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "trigger": self.trigger,
            "product_ids": list(self.product_ids),
            "options": triggers.plain_options(self.options),
            "action": {"kind": self.action.kind, "config": self.action.config},
            "state": self.state,
            "turned_on_at": self.turned_on_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Zap:
        action = data.get("action")
        if not isinstance(action, Mapping):
            action = {}  # an incomplete stored Zap loads as a draft whose action needs fixing
        return cls(
            id=str(data["id"]),
            name=str(data.get("name", "")),
            trigger=str(data["trigger"]),
            product_ids=tuple(data.get("product_ids") or ()),  # type: ignore[arg-type]
            options=dict(data.get("options") or {}),  # type: ignore[call-overload]
            action=Action(str(action.get("kind", "")), dict(action.get("config") or {})),
            state=str(data.get("state", DRAFT)),
            turned_on_at=data.get("turned_on_at"),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class ActionTest:
    """The result of "test action": the (possibly updated) Zap and what the action produced."""

    zap: Zap
    result: dict[str, object] | None
    problems: tuple[Reason, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "zap": self.zap.to_dict(),
            "result": self.result,
            "problems": [reason.to_dict() for reason in self.problems],
        }


def parse_time(value: str) -> datetime:
    """An ISO 8601 instant; a time without offset is taken as UTC so all compare."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise ZapierError([problem("invalid_timestamp", value=value)]) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def settings(zap: Zap) -> Settings:
    """The filter settings of the Zap's trigger; raises :class:`ZapierError` if invalid."""
    return triggers.settings(zap.trigger, zap.product_ids, zap.options)


def verdict(zap: Zap, fields: Mapping[str, str]) -> Decision:
    """Would this event fire the Zap's trigger? The answer of :func:`filters.decide`."""
    return decide(settings(zap), fields)


def problems(zap: Zap, sample: Mapping[str, str] | None = None) -> list[Reason]:
    """What stops the Zap from being turned on: trigger input, then action templates."""
    return triggers.validate(zap.trigger, zap.product_ids, zap.options) + actions.validate(
        zap.action.kind, zap.action.config, sample
    )


def try_action(zap: Zap, sample: Mapping[str, str] | None) -> ActionTest:
    """Zapier's "test action" on a trigger sample; success marks a draft Zap as tested."""
    if sample is None:
        return ActionTest(zap, None, (problem("no_sample"),))
    found = problems(zap, sample)
    if found:
        return ActionTest(zap, None, tuple(found))
    try:
        result = actions.perform(zap.action.kind, zap.action.config, sample)
    except ZapierError as error:
        return ActionTest(zap, None, error.reasons)
    tested = replace(zap, state=TESTED) if zap.state in (DRAFT, TESTED) else zap
    return ActionTest(tested, result)


def turn_on(zap: Zap, at: str, sample: Mapping[str, str] | None = None) -> Zap:
    """Switch the Zap on at ``at``; it needs products and a complete action.

    With a ``sample``, placeholders are also checked against it. Turning an already
    active Zap on again keeps its original ``turned_on_at``.
    """
    found = problems(zap, sample)
    if found:
        raise ZapierError(found)
    if zap.state == ON:
        return zap
    parse_time(at)
    return replace(zap, state=ON, turned_on_at=at)


def turn_off(zap: Zap) -> Zap:
    """Switch an active Zap off; events that arrive while off are never replayed later.

    (The reference infers each Zap is an IPN connection that exists only while it is on.)
    """
    if zap.state != ON:
        return zap
    return replace(zap, state=OFF, turned_on_at=None)


def sees(zap: Zap, received_at: str) -> bool:
    """Is the Zap on, and did the event arrive at or after the moment it was turned on?"""
    if zap.state != ON or not zap.turned_on_at:
        return False
    return parse_time(received_at) >= parse_time(zap.turned_on_at)
