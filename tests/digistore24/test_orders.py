"""The order life cycle: every action, every refusal, sequence numbers and ids."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from sandbox.digistore24 import orders, people, products
from sandbox.digistore24.orders import Order, OrderItem, Step
from sandbox.errors import Conflict, InputError

NOW = "2025-03-14 09:26:53"
SINGLE = products.build("111111", {"name": "Formation", "billing_type": "single_payment", "price": "49.00"})
SUBSCRIPTION = products.build("222222", {"name": "Club", "billing_type": "subscription", "price": "19.90"})
INSTALLMENT = products.build(
    "333333", {"name": "Coaching", "billing_type": "installment", "price": "99.00", "installments": 3}
)
UPSELL = products.build("444444", {"name": "Bonus", "billing_type": "single_payment", "price": "15.00"})


class Book:
    """A tiny in-memory stand-in for the account: hands out transaction ids and runs actions."""

    def __init__(self, product: products.Product) -> None:
        self._ids = itertools.count(3999000)
        self.first = orders.first_payment(
            order_id="SBX2345A",
            order_item_id="33299000",
            transaction_id=self.next_id(),
            purchase_key="KEY12345",
            product=product,
            buyer=people.fake_person("orders"),
            now=NOW,
        )
        self.order = self.first.order
        self.steps: list[Step] = [self.first]

    def next_id(self) -> str:
        return str(next(self._ids))

    def do(self, action: str, upsell: OrderItem | None = None) -> Step:
        step = orders.apply(self.order, action, transaction_id=self.next_id(), now=NOW, upsell=upsell)
        self.order = step.order
        self.steps.append(step)
        return step

    def refused(self, action: str) -> Conflict:
        before = self.order
        with pytest.raises(Conflict) as caught:
            orders.apply(self.order, action, transaction_id="1", now=NOW)
        assert caught.value.status == 409
        assert self.order == before
        return caught.value


def test_first_payment_of_a_single_payment_has_sequence_zero() -> None:
    book = Book(SINGLE)

    assert book.first.transaction.pay_sequence_no == 0
    assert book.order.pay_sequence_no == 0
    assert book.order.billing_status == "completed"
    assert book.first.transaction.event == "on_payment"
    assert book.first.transaction.amount == SINGLE.price


@pytest.mark.parametrize("product", [SUBSCRIPTION, INSTALLMENT])
def test_plans_count_payments_from_one(product: products.Product) -> None:
    book = Book(product)
    book.do("rebill")
    book.do("rebill")

    payments = [step.transaction for step in book.steps]
    assert [payment.pay_sequence_no for payment in payments] == [1, 2, 3]
    assert {payment.order_id for payment in payments} == {book.order.id}
    assert len({payment.id for payment in payments}) == 3
    assert {payment.event for payment in payments} == {"on_payment"}
    assert book.order.paid_transaction_ids == tuple(payment.id for payment in payments)


def test_an_installment_plan_completes_on_its_last_payment() -> None:
    book = Book(INSTALLMENT)
    assert book.do("rebill").order.billing_status == "paying"

    assert book.do("rebill").order.billing_status == "completed"

    error = book.refused("rebill")
    assert error.code == "plan_completed"
    assert error.params["installments"] == "3"


def test_a_subscription_rebills_without_limit() -> None:
    book = Book(SUBSCRIPTION)
    for _ in range(30):
        book.do("rebill")

    assert book.order.pay_sequence_no == 31
    assert book.order.billing_status == "paying"


@pytest.mark.parametrize(
    ("action", "event", "kind"),
    [
        ("rebill", "on_payment", "payment"),
        ("miss", "on_payment_missed", "payment_missed"),
        ("deny", "payment_denial", "payment_denial"),
        ("refund", "on_refund", "refund"),
        ("chargeback", "on_chargeback", "chargeback"),
        ("cancel", "on_rebill_cancelled", "rebill_cancelled"),
        ("end", "last_paid_day", "last_paid_day"),
    ],
)
def test_each_action_produces_its_event_with_a_new_transaction(action: str, event: str, kind: str) -> None:
    book = Book(SUBSCRIPTION)

    step = book.do(action)

    assert (step.transaction.event, step.transaction.type) == (event, kind)
    assert step.transaction.order_id == book.first.order.id
    assert step.transaction.id != book.first.transaction.id
    assert step.transaction.product_id == SUBSCRIPTION.id


def test_a_missed_payment_announces_the_next_sequence_then_a_late_payment_takes_it() -> None:
    book = Book(SUBSCRIPTION)

    missed = book.do("miss")
    assert missed.transaction.pay_sequence_no == 2
    assert missed.order.billing_status == "reminding"
    assert missed.order.pay_sequence_no == 1  # nothing was paid

    paid = book.do("rebill")
    assert paid.transaction.pay_sequence_no == 2
    assert paid.order.billing_status == "paying"


def test_a_denied_payment_stops_rebilling() -> None:
    book = Book(SUBSCRIPTION)

    denied = book.do("deny")

    assert denied.order.rebilling_stopped
    assert denied.order.billing_status == "aborted"
    assert denied.transaction.billing_stop_reason == "by_payment_denial"
    assert book.refused("rebill").code == "plan_cancelled"
    assert book.refused("resume").code == "plan_not_cancelled"  # only a vendor stop can be resumed


def test_cancel_then_resume_then_rebill() -> None:
    book = Book(SUBSCRIPTION)

    cancelled = book.do("cancel")
    assert cancelled.order.rebilling_stopped
    assert cancelled.order.stop_reason == "by_operator"
    assert cancelled.order.stop_noted_at == NOW
    assert cancelled.transaction.amount == "0.00"
    assert cancelled.transaction.billing_stop_reason == "by_operator"

    resumed = book.do("resume")
    assert resumed.transaction.event == "on_rebill_resumed"
    assert not resumed.order.rebilling_stopped
    assert (resumed.order.stop_reason, resumed.order.billing_status) == ("", "paying")

    assert book.do("rebill").transaction.pay_sequence_no == 2


@pytest.mark.parametrize("action", ["rebill", "miss", "deny", "cancel"])
def test_a_payment_or_stop_on_a_cancelled_plan_is_a_conflict(action: str) -> None:
    book = Book(SUBSCRIPTION)
    book.do("cancel")

    error = book.refused(action)

    assert error.code == "plan_cancelled"
    assert error.params["order_id"] == book.order.id


@pytest.mark.parametrize("action", ["miss", "deny"])
def test_no_payment_can_be_missed_once_every_instalment_is_paid(action: str) -> None:
    book = Book(INSTALLMENT)
    book.do("rebill")
    book.do("rebill")

    assert book.refused(action).code == "plan_completed"


def test_resume_when_not_cancelled_is_a_conflict() -> None:
    assert Book(SUBSCRIPTION).refused("resume").code == "plan_not_cancelled"


@pytest.mark.parametrize("action", ["rebill", "miss", "deny", "cancel", "resume", "end", "upsell"])
def test_after_the_end_only_refund_and_chargeback_remain(action: str) -> None:
    book = Book(SUBSCRIPTION)
    book.do("rebill")
    ended = book.do("end")
    assert ended.order.ended
    assert ended.order.billing_status == "completed"

    error = book.refused(action)
    assert error.code == "order_ended"
    assert error.params["action"] == action

    assert book.do("refund").transaction.event == "on_refund"
    assert book.do("chargeback").transaction.event == "on_chargeback"


def test_end_after_a_cancel_marks_the_plan_aborted() -> None:
    book = Book(SUBSCRIPTION)
    book.do("cancel")

    ended = book.do("end")

    assert ended.order.billing_status == "aborted"
    assert ended.transaction.billing_stop_reason == "by_operator"


@pytest.mark.parametrize("action", ["rebill", "miss", "deny", "cancel", "resume", "end"])
def test_plan_actions_on_a_single_payment_are_conflicts(action: str) -> None:
    assert Book(SINGLE).refused(action).code == "not_a_plan"


@pytest.mark.parametrize("action", ["refund", "chargeback"])
def test_refunds_take_back_payments_newest_first_until_none_is_left(action: str) -> None:
    book = Book(SUBSCRIPTION)
    book.do("rebill")
    second_payment = book.order.paid_transaction_ids[-1]

    first = book.do(action)
    assert first.transaction.parent_transaction_id == second_payment
    assert first.transaction.amount == SUBSCRIPTION.price
    assert first.order.rebilling_stopped
    expected_reason = "by_refund" if action == "refund" else "by_chargeback"
    assert first.transaction.billing_stop_reason == expected_reason

    second = book.do(action)
    assert second.transaction.parent_transaction_id == book.first.transaction.id
    assert second.order.paid_transaction_ids == ()

    error = book.refused(action)
    assert error.code == "nothing_to_refund"


def test_a_single_payment_refund_has_no_stop_reason() -> None:
    book = Book(SINGLE)

    refund = book.do("refund")

    assert refund.transaction.parent_transaction_id == book.first.transaction.id
    assert refund.transaction.billing_stop_reason == ""
    assert book.refused("refund").code == "nothing_to_refund"


def test_upsells_join_the_order_with_their_number_and_own_item() -> None:
    book = Book(SINGLE)

    first = book.do("upsell", OrderItem("33299001", UPSELL, 1))
    second = book.do("upsell", OrderItem("33299002", SUBSCRIPTION, 2))

    assert [item.upsell_no for item in book.order.items] == [0, 1, 2]
    assert (first.transaction.upsell_no, first.transaction.product_id) == (1, UPSELL.id)
    assert first.transaction.order_item_id == "33299001"
    assert first.transaction.amount == UPSELL.price
    assert first.transaction.pay_sequence_no == 0
    assert second.transaction.pay_sequence_no == 1  # an upsold plan starts its own count
    assert {step.transaction.order_id for step in book.steps} == {book.order.id}
    assert len({step.transaction.id for step in book.steps}) == 3


def test_an_upsell_needs_a_product() -> None:
    with pytest.raises(InputError) as caught:
        orders.apply(Book(SINGLE).order, "upsell", transaction_id="1", now=NOW)
    assert caught.value.code == "upsell_product_required"


def test_refunding_an_upsell_refunds_that_item_and_its_amount() -> None:
    book = Book(SINGLE)
    upsell = book.do("upsell", OrderItem("33299001", UPSELL, 1))

    refund = book.do("refund")

    assert refund.transaction.parent_transaction_id == upsell.transaction.id
    assert refund.transaction.amount == UPSELL.price
    assert refund.transaction.product_id == UPSELL.id
    assert (refund.transaction.order_item_id, refund.transaction.upsell_no) == ("33299001", 1)

    main_refund = book.do("refund")
    assert main_refund.transaction.amount == SINGLE.price
    assert main_refund.transaction.upsell_no == 0


def test_an_unknown_action_is_an_input_error() -> None:
    with pytest.raises(InputError) as caught:
        orders.apply(Book(SINGLE).order, "teleport", transaction_id="1", now=NOW)

    assert caught.value.code == "unknown_order_action"
    assert caught.value.status == 400
    assert set(caught.value.params["allowed"].split(", ")) == set(orders.ACTIONS)


def test_an_order_survives_its_dict_round_trip() -> None:
    book = Book(SUBSCRIPTION)
    book.do("rebill")
    book.do("upsell", OrderItem("33299001", UPSELL, 1))
    book.do("cancel")

    assert Order.from_dict(book.order.to_dict()) == book.order


@pytest.mark.parametrize(
    ("gross", "rate"),
    [("49.00", "20.00"), ("19.90", "20.00"), ("0.01", "20.00"), ("99.99", "7.70"), ("35.00", "0.00"), ("1", "5.5")],
)
def test_split_vat_adds_up_to_the_cent(gross: str, rate: str) -> None:
    amount, net, vat = orders.split_vat(gross, rate)

    assert amount == Decimal(gross)
    assert net + vat == amount
    assert vat >= 0
    assert abs(net * (1 + Decimal(rate) / 100) - amount) <= Decimal("0.01")


def test_an_order_stored_without_paid_items_refunds_its_main_item() -> None:
    book = Book(SUBSCRIPTION)
    book.do("rebill")
    stored = book.order.to_dict()
    del stored["paid_item_ids"]

    refund = orders.apply(Order.from_dict(stored), "refund", transaction_id="1", now=NOW)

    assert refund.transaction.parent_transaction_id == book.order.paid_transaction_ids[-1]
    assert refund.transaction.order_item_id == book.order.items[0].order_item_id
    assert refund.transaction.amount == SUBSCRIPTION.price
