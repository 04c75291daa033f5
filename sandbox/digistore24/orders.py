"""The life of an order: first payment, follow-ups, and everything that can happen after.

Each action is a pure function from an order to the next order plus the transaction it
produces; the caller stores both and turns the transaction into one IPN event. Every
action gets a new ``transaction_id`` and keeps the order's ``order_id``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from typing import Any

from sandbox.digistore24.people import Person
from sandbox.digistore24.products import Product
from sandbox.errors import Conflict, InputError

PLAN_TYPES = ("subscription", "installment")
MAX_UPSELLS = 3  # an order is one sale plus up to three upsells
# action name → (IPN event, transaction type)
ACTIONS = {
    "rebill": ("on_payment", "payment"),
    "miss": ("on_payment_missed", "payment_missed"),
    "deny": ("payment_denial", "payment_denial"),
    "refund": ("on_refund", "refund"),
    "chargeback": ("on_chargeback", "chargeback"),
    "cancel": ("on_rebill_cancelled", "rebill_cancelled"),
    "resume": ("on_rebill_resumed", "rebill_resumed"),
    "end": ("last_paid_day", "last_paid_day"),
    "upsell": ("on_payment", "payment"),
}


@dataclass(frozen=True)
class OrderItem:
    order_item_id: str
    product: Product
    upsell_no: int


@dataclass(frozen=True)
class Order:
    id: str
    buyer: Person
    items: tuple[OrderItem, ...]
    purchase_key: str
    created_at: str  # "YYYY-MM-DD HH:MM:SS"
    pay_sequence_no: int  # payments made on the main item's plan (0 for a single payment)
    billing_status: str = "completed"
    rebilling_stopped: bool = False
    stop_reason: str = ""
    stop_noted_at: str = ""
    ended: bool = False
    paid_transaction_ids: tuple[str, ...] = ()  # payments not refunded or charged back
    custom: str = ""
    paid_item_ids: tuple[str, ...] = ()  # the order item each of those payments paid for

    @property
    def product(self) -> Product:
        return self.items[0].product

    @property
    def is_plan(self) -> bool:
        return self.product.billing_type in PLAN_TYPES

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Order:
        items = tuple(
            OrderItem(item["order_item_id"], Product(**item["product"]), item["upsell_no"]) for item in data["items"]
        )
        values = {**data, "items": items, "buyer": Person(**data["buyer"])}
        values["paid_transaction_ids"] = tuple(data["paid_transaction_ids"])
        # Orders stored before items were tracked per payment: their payments were the main item's.
        values["paid_item_ids"] = tuple(
            data.get("paid_item_ids") or (items[0].order_item_id,) * len(values["paid_transaction_ids"])
        )
        return Order(**values)


@dataclass(frozen=True)
class Transaction:
    id: str
    order_id: str
    order_item_id: str
    product_id: str
    upsell_no: int
    event: str
    type: str
    amount: str  # gross, positive; refunds and chargebacks repeat the refunded amount
    pay_sequence_no: int
    created_at: str
    parent_transaction_id: str = ""
    billing_stop_reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Step:
    """The order after an action and the transaction that action produced."""

    order: Order
    transaction: Transaction


def first_payment(
    *,
    order_id: str,
    order_item_id: str,
    transaction_id: str,
    purchase_key: str,
    product: Product,
    buyer: Person,
    now: str,
    custom: str = "",
) -> Step:
    """A test purchase: a new order whose first transaction is a payment."""
    sequence = 1 if product.billing_type in PLAN_TYPES else 0
    status = "paying" if product.billing_type in PLAN_TYPES else "completed"
    order = Order(
        id=order_id,
        buyer=buyer,
        items=(OrderItem(order_item_id, product, 0),),
        purchase_key=purchase_key,
        created_at=now,
        pay_sequence_no=sequence,
        billing_status=status,
        paid_transaction_ids=(transaction_id,),
        custom=custom,
        paid_item_ids=(order_item_id,),
    )
    transaction = Transaction(
        id=transaction_id,
        order_id=order_id,
        order_item_id=order_item_id,
        product_id=product.id,
        upsell_no=0,
        event="on_payment",
        type="payment",
        amount=product.price,
        pay_sequence_no=sequence,
        created_at=now,
    )
    return Step(order, transaction)


def apply(order: Order, action: str, *, transaction_id: str, now: str, upsell: OrderItem | None = None) -> Step:
    """Run ``action`` on ``order``; raise InputError/Conflict when it does not apply."""
    if action not in ACTIONS:
        raise InputError("unknown_order_action", action=action, allowed=", ".join(ACTIONS))
    event, kind = ACTIONS[action]
    main = order.items[0]

    def transaction(
        amount: str,
        sequence: int,
        item: OrderItem = main,
        parent_transaction_id: str = "",
        billing_stop_reason: str = "",
    ) -> Transaction:
        return Transaction(
            id=transaction_id,
            order_id=order.id,
            order_item_id=item.order_item_id,
            product_id=item.product.id,
            upsell_no=item.upsell_no,
            event=event,
            type=kind,
            amount=amount,
            pay_sequence_no=sequence,
            created_at=now,
            parent_transaction_id=parent_transaction_id,
            billing_stop_reason=billing_stop_reason,
        )

    if order.ended and action not in ("refund", "chargeback"):
        raise Conflict("order_ended", order_id=order.id, action=action)
    if action in ("rebill", "miss", "deny", "cancel", "resume", "end") and not order.is_plan:
        raise Conflict("not_a_plan", order_id=order.id, action=action)

    if action == "rebill":
        if order.rebilling_stopped:
            raise Conflict("plan_cancelled", order_id=order.id)
        product = order.product
        if product.billing_type == "installment" and order.pay_sequence_no >= product.installments:
            raise Conflict("plan_completed", order_id=order.id, installments=product.installments)
        sequence = order.pay_sequence_no + 1
        last = product.billing_type == "installment" and sequence == product.installments
        new = replace(
            order,
            pay_sequence_no=sequence,
            billing_status="completed" if last else "paying",
            paid_transaction_ids=(*order.paid_transaction_ids, transaction_id),
            paid_item_ids=(*order.paid_item_ids, main.order_item_id),
        )
        return Step(new, transaction(product.price, sequence))
    if action == "upsell":
        if upsell is None:
            raise InputError("upsell_product_required")
        if len(order.items) > MAX_UPSELLS:
            raise Conflict("too_many_upsells", order_id=order.id, max=MAX_UPSELLS)
        sequence = 1 if upsell.product.billing_type in PLAN_TYPES else 0
        new = replace(
            order,
            items=(*order.items, upsell),
            paid_transaction_ids=(*order.paid_transaction_ids, transaction_id),
            paid_item_ids=(*order.paid_item_ids, upsell.order_item_id),
        )
        return Step(new, transaction(upsell.product.price, sequence, upsell))
    if action in ("miss", "deny"):
        if order.rebilling_stopped:
            raise Conflict("plan_cancelled", order_id=order.id)
        product = order.product
        if product.billing_type == "installment" and order.pay_sequence_no >= product.installments:
            raise Conflict("plan_completed", order_id=order.id, installments=product.installments)
        if action == "miss":
            new = replace(order, billing_status="reminding")
            return Step(new, transaction(order.product.price, order.pay_sequence_no + 1))
        new = replace(
            order,
            billing_status="aborted",
            rebilling_stopped=True,
            stop_reason="by_payment_denial",
            stop_noted_at=now,
        )
        return Step(
            new,
            transaction(order.product.price, order.pay_sequence_no + 1, billing_stop_reason="by_payment_denial"),
        )
    if action in ("refund", "chargeback"):
        if not order.paid_transaction_ids:
            raise Conflict("nothing_to_refund", order_id=order.id)
        parent = order.paid_transaction_ids[-1]
        # The refund takes back that payment: its item, its amount (an upsell has its own).
        paid_item = order.paid_item_ids[-1] if len(order.paid_item_ids) == len(order.paid_transaction_ids) else ""
        item = next((each for each in order.items if each.order_item_id == paid_item), main)
        sequence = order.pay_sequence_no if item is main else 1 if item.product.billing_type in PLAN_TYPES else 0
        reason = "by_refund" if action == "refund" else "by_chargeback"
        new = replace(
            order,
            paid_transaction_ids=order.paid_transaction_ids[:-1],
            paid_item_ids=order.paid_item_ids[:-1],
        )
        if order.is_plan and not order.rebilling_stopped:
            new = replace(new, billing_status="aborted", rebilling_stopped=True, stop_reason=reason, stop_noted_at=now)
        return Step(
            new,
            transaction(
                item.product.price,
                sequence,
                item,
                parent_transaction_id=parent,
                billing_stop_reason=reason if order.is_plan else "",
            ),
        )
    if action == "cancel":
        if order.rebilling_stopped:
            raise Conflict("plan_cancelled", order_id=order.id)
        new = replace(
            order,
            billing_status="aborted",
            rebilling_stopped=True,
            stop_reason="by_operator",
            stop_noted_at=now,
        )
        return Step(new, transaction("0.00", order.pay_sequence_no, billing_stop_reason="by_operator"))
    if action == "resume":
        if not order.rebilling_stopped or order.stop_reason not in ("by_operator", "by_buyer"):
            raise Conflict("plan_not_cancelled", order_id=order.id)
        new = replace(order, billing_status="paying", rebilling_stopped=False, stop_reason="", stop_noted_at="")
        return Step(new, transaction("0.00", order.pay_sequence_no))
    # end of the paid period
    new = replace(order, ended=True, billing_status="completed" if not order.rebilling_stopped else "aborted")
    return Step(new, transaction("0.00", order.pay_sequence_no, billing_stop_reason=order.stop_reason))


def split_vat(gross: str, vat_rate: str) -> tuple[Decimal, Decimal, Decimal]:
    """Gross, net and VAT such that gross = net + VAT to the cent."""
    amount = Decimal(gross).quantize(Decimal("0.01"))
    net = (amount / (1 + Decimal(vat_rate) / 100)).quantize(Decimal("0.01"))
    return amount, net, amount - net
