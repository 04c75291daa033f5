"""One-click scenarios as data: a title and the steps the application layer plays.

Steps use a small vocabulary (below) instead of IPN field sets, so a scenario reads like
the story it tells and the simulator stays the only place that builds IPN messages.
Each scenario also suggests the trigger and options of a Zap that shows it well.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sandbox.i18n import LANGUAGES, t
from sandbox.ipn import events
from sandbox.zapier.reasons import Reason, problem
from sandbox.zapier.triggers import AFFILIATE, ETICKET, ORDER, plain_options

PRODUCT_KINDS = ("single", "subscription", "installment", "eticket")
ORDER_ACTIONS = ("rebill", "miss", "deny", "refund", "chargeback", "cancel", "resume", "end", "upsell")
ETICKET_ACTIONS = ("complete", "use")
AFFILIATE_ACTIONS = ("approve",)

# For each ``do``: the allowed keys, their allowed values, and which keys are required.
VOCABULARY: dict[str, dict[str, tuple[object, ...]]] = {
    "pay": {"product": PRODUCT_KINDS, "incomplete": (True, False)},
    "order": {"action": ORDER_ACTIONS},
    "eticket": {"action": ETICKET_ACTIONS},
    "affiliate": {"action": AFFILIATE_ACTIONS},
}
REQUIRED = {"pay": ("product",), "order": ("action",), "eticket": ("action",), "affiliate": ("action",)}


@dataclass(frozen=True)
class Scenario:
    id: str
    trigger: str  # the trigger of the suggested Zap
    options: dict[str, object]  # its suggested options
    steps: tuple[dict[str, object], ...] = field(default_factory=tuple)

    @property
    def title_key(self) -> str:
        return f"zapier.scenario.{self.id}.title"

    @property
    def summary_key(self) -> str:
        return f"zapier.scenario.{self.id}.summary"

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": {language: t(self.title_key, language) for language in LANGUAGES},
            "summary": {language: t(self.summary_key, language) for language in LANGUAGES},
            "trigger": self.trigger,
            "options": plain_options(self.options),
            "steps": [
                {**step, "label": {language: t(step_key(step), language) for language in LANGUAGES}}
                for step in self.steps
            ],
        }


def step_key(step: Mapping[str, object]) -> str:
    """The message key describing a step, e.g. ``zapier.step.order.rebill``."""
    if step.get("do") == "pay":
        # Only an e-ticket can be bought "incomplete" (without the holder's data).
        suffix = "_incomplete" if step.get("incomplete") and step.get("product") == "eticket" else ""
        return f"zapier.step.pay.{step.get('product')}{suffix}"
    return f"zapier.step.{step.get('do')}.{step.get('action')}"


def check_step(step: Mapping[str, object]) -> list[Reason]:
    """Problems with a step against the vocabulary; empty when the step can be played."""
    do = step.get("do")
    if not isinstance(do, str) or do not in VOCABULARY:
        return [problem("unknown_step", do=do, allowed=", ".join(VOCABULARY))]
    allowed = VOCABULARY[do]
    reasons = [problem("missing_step_value", do=do, name=key) for key in REQUIRED[do] if key not in step]
    for key, value in step.items():
        if key == "do":
            continue
        if key not in allowed:
            reasons.append(problem("unknown_step_key", do=do, name=key, allowed=", ".join(allowed)))
        elif value not in allowed[key] or type(value) is not type(allowed[key][0]):
            choices = ", ".join(str(choice) for choice in allowed[key])
            reasons.append(problem("bad_step_value", do=do, name=key, value=value, allowed=choices))
    return reasons


def scenarios() -> tuple[Scenario, ...]:
    """The one-click scenarios, in the order the guide offers them."""
    every_order_event = events.transactions()
    return (
        Scenario(
            "subscription_lifecycle",
            ORDER,
            {"events": every_order_event, "follow_ups": True},
            (
                {"do": "pay", "product": "subscription"},
                {"do": "order", "action": "rebill"},
                {"do": "order", "action": "rebill"},
                {"do": "order", "action": "miss"},
                {"do": "order", "action": "cancel"},
                {"do": "order", "action": "end"},
            ),
        ),
        Scenario(
            "upsell_refund",
            ORDER,
            {"events": ("payment", "refund"), "follow_ups": True},
            (
                {"do": "pay", "product": "single"},
                {"do": "order", "action": "upsell"},
                {"do": "order", "action": "refund"},
            ),
        ),
        Scenario(
            "eticket_lifecycle",
            ETICKET,
            {"eticket_events": ("created", "updated", "used"), "incomplete": False},
            (
                {"do": "pay", "product": "eticket", "incomplete": True},
                {"do": "eticket", "action": "complete"},
                {"do": "eticket", "action": "use"},
            ),
        ),
        Scenario("affiliate_approved", AFFILIATE, {}, ({"do": "affiliate", "action": "approve"},)),
    )


def scenario(scenario_id: str) -> Scenario:
    for candidate in scenarios():
        if candidate.id == scenario_id:
            return candidate
    raise KeyError(scenario_id)
