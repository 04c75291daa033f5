"""The three Digistore24 triggers of the Zapier app, their options and their output.

Options are the ones the Digistore24 help page lists (reference, section 5). A trigger
does not filter by itself: it turns its options into :class:`filters.Settings`, so a Zap
and an IPN connection are judged by the very same :func:`filters.decide`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from sandbox.ipn import events
from sandbox.ipn.filters import Settings
from sandbox.ipn.signing import SIGNATURE_FIELDS
from sandbox.zapier.reasons import Reason, ZapierError, problem

ORDER = "order"
ETICKET = "eticket"
AFFILIATE = "affiliate"

CHOICES = "choices"  # several values picked from a fixed list
YES_NO = "yes_no"
# The product dropdown every trigger has (not an option: it is required and free-form).
PRODUCT_LABEL_KEY = "zapier.option.product_ids.label"
PRODUCT_HELP_KEY = "zapier.option.product_ids.help"
NO_OPTIONS_KEY = "zapier.option.none"  # shown for a trigger without options (affiliate)
_YES = ("yes", "true")
_NO = ("no", "false")


@dataclass(frozen=True)
class Option:
    """One input field of a trigger; ``default`` applies when the option is left out."""

    name: str
    kind: str  # CHOICES | YES_NO
    choices: tuple[str, ...] = ()
    default: tuple[str, ...] | bool = ()

    @property
    def label_key(self) -> str:
        return f"zapier.option.{self.name}.label"

    @property
    def help_key(self) -> str:
        return f"zapier.option.{self.name}.help"

    def choice_key(self, choice: str | bool) -> str:
        if self.kind == YES_NO:
            return "zapier.choice.yes" if choice else "zapier.choice.no"
        return f"zapier.choice.{self.name}.{choice}"


@dataclass(frozen=True)
class Trigger:
    """A Zapier trigger: the IPN category it listens to and its extra options."""

    key: str
    category: str
    options: tuple[Option, ...]

    @property
    def label_key(self) -> str:
        return f"zapier.trigger.{self.key}.label"

    @property
    def help_key(self) -> str:
        return f"zapier.trigger.{self.key}.help"

    def option(self, name: str) -> Option | None:
        return next((option for option in self.options if option.name == name), None)


@cache
def triggers() -> tuple[Trigger, ...]:
    """All triggers, in the order the help page lists them for orders, e-tickets, affiliates."""
    eticket_choices = tuple(action.zapier for action in events.eticket_actions())
    return (
        Trigger(
            ORDER,
            "orders",
            (
                Option("events", CHOICES, events.transactions(), events.default_transactions()),
                Option("follow_ups", YES_NO, default=True),
            ),
        ),
        Trigger(
            ETICKET,
            "etickets",
            (
                Option("eticket_events", CHOICES, eticket_choices, eticket_choices),
                Option("incomplete", YES_NO, default=True),
            ),
        ),
        Trigger(AFFILIATE, "affiliations", ()),
    )


def trigger(key: str) -> Trigger:
    """Look a trigger up by key; an unknown key is a :class:`ZapierError` the user can fix."""
    for candidate in triggers():
        if candidate.key == key:
            return candidate
    raise ZapierError([_unknown_trigger(key)])


def trigger_for(event_name: str) -> str | None:
    """Which trigger an IPN event feeds, or ``None`` (connection test, unknown events)."""
    if not events.is_known(event_name):
        return None
    category = events.event(event_name).category
    return next((item.key for item in triggers() if item.category == category), None)


def _unknown_trigger(key: str) -> Reason:
    return problem("unknown_trigger", trigger=key, allowed=", ".join(item.key for item in triggers()))


def _products(value: str | Iterable[str] | None, item: Trigger) -> tuple[tuple[str, ...], list[Reason]]:
    if isinstance(value, str):
        value = [value]
    chosen: list[str] = []
    reasons: list[Reason] = []
    for product_id in value or ():
        text = str(product_id).strip()
        if not text:
            reasons.append(problem("blank_product", {"trigger": item.label_key}))
        elif text not in chosen:
            chosen.append(text)
    if not chosen and not reasons:
        reasons.append(problem("no_product", {"trigger": item.label_key}))
    return tuple(chosen), reasons


def _yes_no(option: Option, value: object) -> tuple[bool, list[Reason]]:
    if isinstance(value, bool):
        return value, []
    text = str(value).strip().casefold()
    if text in _YES:
        return True, []
    if text in _NO:
        return False, []
    return bool(option.default), [problem("not_yes_no", {"option": option.label_key}, value=value)]


def _choices(option: Option, value: object) -> tuple[tuple[str, ...], list[Reason]]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        return (), [problem("not_a_list", {"option": option.label_key})]
    chosen: list[str] = []
    reasons: list[Reason] = []
    for choice in items:
        if choice not in option.choices:
            label = {"option": option.label_key}
            reasons.append(problem("unknown_choice", label, value=choice, allowed=", ".join(option.choices)))
        elif choice not in chosen:
            chosen.append(choice)
    if not items:
        reasons.append(problem("no_choice", {"option": option.label_key}))
    return tuple(chosen), reasons


def resolve(
    trigger_key: str, product_ids: str | Iterable[str] | None, options: Mapping[str, object] | None
) -> tuple[tuple[str, ...], dict[str, tuple[str, ...] | bool], list[Reason]]:
    """Read the user's input: product ids, every option with defaults applied, and problems.

    Left-out options take their default (order events: Digistore24's default transaction
    types; e-ticket events: all of them; yes/no: yes). An explicitly empty choice list is a
    problem instead, because such a Zap could never fire.
    """
    try:
        item = trigger(trigger_key)
    except ZapierError as error:
        return (), {}, list(error.reasons)
    products, reasons = _products(product_ids, item)
    given = dict(options or {})
    values: dict[str, tuple[str, ...] | bool] = {}
    for option in item.options:
        if option.name not in given:
            values[option.name] = option.default
            continue
        if option.kind == YES_NO:
            values[option.name], found = _yes_no(option, given[option.name])
        else:
            values[option.name], found = _choices(option, given[option.name])
        reasons.extend(found)
    for name in given:
        if item.option(name) is not None:
            continue
        if not item.options:
            reasons.append(problem("no_options", {"trigger": item.label_key}, option=name))
        else:
            allowed = ", ".join(option.name for option in item.options)
            label = {"trigger": item.label_key}
            reasons.append(problem("unknown_option", label, option=name, allowed=allowed))
    return products, values, reasons


def validate(
    trigger_key: str, product_ids: str | Iterable[str] | None, options: Mapping[str, object] | None
) -> list[Reason]:
    """Every problem with a trigger's input, each saying what to fix; empty when valid."""
    return resolve(trigger_key, product_ids, options)[2]


def settings(
    trigger_key: str, product_ids: str | Iterable[str] | None, options: Mapping[str, object] | None
) -> Settings:
    """The filter settings equivalent to a trigger's input; raises :class:`ZapierError`."""
    products, values, reasons = resolve(trigger_key, product_ids, options)
    if reasons:
        raise ZapierError(reasons)
    if trigger_key == ORDER:
        return Settings(
            product_ids=products,
            categories=("orders",),
            transactions=tuple(values["events"]),  # type: ignore[arg-type]
            follow_ups=bool(values["follow_ups"]),
        )
    if trigger_key == ETICKET:
        return Settings(
            product_ids=products,
            categories=("etickets",),
            eticket_actions=tuple(values["eticket_events"]),  # type: ignore[arg-type]
            incomplete_etickets=bool(values["incomplete"]),
        )
    return Settings(product_ids=products, categories=("affiliations",))


def plain_options(options: Mapping[str, object]) -> dict[str, object]:
    """Options as JSON-ready data: tuples of choices become lists."""
    return {name: list(value) if isinstance(value, tuple) else value for name, value in options.items()}


def _escape(part: str) -> str:
    return part.replace("%", "%25").replace("|", "%7C")


def record_id(fields: Mapping[str, str]) -> str:
    """The de-duplication id of a delivery, like the ``id`` Zapier keys its records on.

    A retried delivery of the same thing gets the same id; a genuinely new event does not.
    Orders: event + transaction id (each payment, refund, rebill is its own transaction).
    E-tickets: ticket id + action + modification time, so a later update or use is new.
    Affiliations: product + affiliate. Anything else: the event and a hash of its fields.
    """
    name = fields.get("event", "")
    category = events.event(name).category if events.is_known(name) else ""
    parts: tuple[str, ...]
    if category == "orders":
        transaction_id = fields.get("transaction_id", "")
        parts = ("order", name, transaction_id)
        if not transaction_id:
            parts += (fields.get("order_id", ""),)
    elif category == "etickets":
        parts = ("eticket", fields.get("eticket_id", ""), fields.get("action", ""))
        parts += (fields.get("eticket_modified_at", ""),)
    elif category == "affiliations":
        parts = ("affiliate", fields.get("product_id", ""), fields.get("affiliate_name", ""))
    else:
        body = "&".join(f"{key}={value}" for key, value in sorted(output(fields).items()))
        parts = ("other", name, hashlib.sha256(body.encode("utf-8")).hexdigest()[:16])
    return "|".join(_escape(part) for part in parts)


def output(fields: Mapping[str, str]) -> dict[str, str]:
    """What the trigger hands to the Zap: the IPN fields by raw name, minus the signature.

    The reference says the output is the IPN parameter set; the raw names are an
    inference ([inf]), kept because they match the guide's field table.
    """
    return {name: value for name, value in fields.items() if name not in SIGNATURE_FIELDS}
