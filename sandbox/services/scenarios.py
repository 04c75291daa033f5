"""Playing a one-click scenario on the reader's account: its steps, in order, as a timeline."""

from __future__ import annotations

from typing import Any

from sandbox import i18n
from sandbox.digistore24 import people
from sandbox.digistore24.products import Product
from sandbox.errors import InputError, NotFound
from sandbox.services.account import Account
from sandbox.services.zapier import ZapierAccount
from sandbox.zapier import actions, scenarios


def _product_for(account: Account, kind: str) -> Product:
    for product in account.products():
        if kind == "eticket" and product.etickets:
            return product
        if (
            kind != "eticket"
            and not product.etickets
            and product.billing_type
            == {"single": "single_payment", "subscription": "subscription", "installment": "installment"}[kind]
        ):
            return product
    raise InputError("scenario_product_missing", kind=kind)


def run(account: Account, zapier: ZapierAccount, scenario_id: str, *, with_zap: bool, language: str) -> dict[str, Any]:
    """Play the scenario; with ``with_zap`` first create and turn on the Zap it suggests."""
    try:
        scenario = scenarios.scenario(scenario_id)
    except KeyError:
        raise NotFound(
            "unknown_scenario", scenario_id=scenario_id, allowed=", ".join(item.id for item in scenarios.scenarios())
        ) from None
    first = scenario.steps[0]
    product = _product_for(account, str(first.get("product", "single")))
    zap = None
    if with_zap:
        zapier.connect()
        created = zapier.create_zap(
            {
                "name": i18n.t(scenario.title_key, language),
                "trigger": scenario.trigger,
                "product_ids": [product.id],
                "options": scenario.options,
                "action": {"kind": actions.SHEETS},
            },
            language,
        )
        zap = zapier.turn_on(created.id).to_dict()
    event_ids: list[int] = []
    order_id = ""
    ticket_ids: list[str] = []
    for step in scenario.steps:
        do = step["do"]
        if do == "pay":
            result = account.test_payment(
                _product_for(account, str(step["product"])).id, incomplete=bool(step.get("incomplete", False))
            )
            order_id, ticket_ids = result["order_id"], result["eticket_ids"]
        elif do == "order":
            result = account.order_action(order_id, str(step["action"]))
        elif do == "eticket" and step["action"] == "complete":
            person = people.fake_person(f"{account.seed}:holder:{ticket_ids[0]}")
            result = account.eticket_action(
                ticket_ids[0],
                "update",
                {
                    "holder_first_name": person.first_name,
                    "holder_last_name": person.last_name,
                    "holder_email": person.email,
                },
            )
        elif do == "eticket":
            result = account.eticket_action(ticket_ids[0], str(step["action"]))
        else:
            result = account.approve_affiliate(product.id)
        event_ids.extend(result["event_ids"])
    return {"scenario": scenario.to_dict(), "zap": zap, "order_id": order_id, "event_ids": event_ids}
