"""Products: every validation error code, edits, and the starter catalog."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sandbox.digistore24 import products
from sandbox.digistore24.products import Product
from sandbox.errors import InputError

VALID = {"name": "Cours de guitare", "billing_type": "single_payment", "price": "49.00"}


def error_of(data: dict, base: Product | None = None) -> InputError:
    with pytest.raises(InputError) as caught:
        products.build("123456", data, base=base)
    assert caught.value.status == 400
    return caught.value


def test_a_valid_product_is_normalised() -> None:
    product = products.build("123456", {**VALID, "price": "49", "currency": "usd", "vat_rate": "7.7"})

    assert product == Product(
        id="123456",
        name="Cours de guitare",
        billing_type="single_payment",
        price="49.00",
        currency="USD",
        vat_rate="7.70",
        installments=1,
    )


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"colour": "blue"}, "unknown_product_field", "colour"),
        ({"name": "   "}, "product_name_required", None),
        ({"name": ""}, "product_name_required", None),
        ({"name": "x" * 201}, "product_name_required", None),
        ({"billing_type": "lifetime"}, "invalid_billing_type", None),
        ({"currency": "JPY"}, "invalid_currency", None),
        ({"price": "abc"}, "invalid_amount", "price"),
        ({"price": "0"}, "invalid_amount", "price"),
        ({"price": "-5"}, "invalid_amount", "price"),
        ({"price": "100000.01"}, "invalid_amount", "price"),
        ({"price": "NaN"}, "invalid_amount", "price"),
        ({"price": "Infinity"}, "invalid_amount", "price"),
        ({"price": True}, "invalid_amount", "price"),
        ({"price": "0.004"}, "invalid_amount", "price"),  # would round to a free product
        ({"vat_rate": "31"}, "invalid_amount", "vat_rate"),
        ({"vat_rate": "-1"}, "invalid_amount", "vat_rate"),
        ({"vat_rate": "abc"}, "invalid_amount", "vat_rate"),
        ({"vat_rate": "NaN"}, "invalid_amount", "vat_rate"),
        ({"vat_rate": None}, "invalid_amount", "vat_rate"),
        ({"billing_type": "installment", "installments": 1}, "invalid_installments", None),
        ({"billing_type": "installment", "installments": 37}, "invalid_installments", None),
        ({"billing_type": "installment", "installments": "-3"}, "invalid_installments", None),
        ({"billing_type": "installment", "installments": True}, "invalid_installments", None),
        ({"billing_type": "installment", "installments": 2.5}, "invalid_installments", None),
        ({"etickets": "yes"}, "invalid_boolean", "etickets"),
    ],
)
def test_each_invalid_input_has_its_error_code(data: dict, code: str, field: str | None) -> None:
    error = error_of({**VALID, **data})

    assert error.code == code
    if field is not None:
        assert error.params["field"] == field


def test_the_error_parameters_name_the_bad_value_and_the_choices() -> None:
    error = error_of({**VALID, "billing_type": "lifetime"})
    assert error.params["value"] == "lifetime"
    assert set(error.params["allowed"].split(", ")) == set(products.BILLING_TYPES)

    error = error_of({**VALID, "currency": "jpy"})
    assert error.params["value"] == "JPY"
    assert set(error.params["allowed"].split(", ")) == set(products.CURRENCIES)


def test_an_installment_plan_keeps_its_count_and_other_types_count_one() -> None:
    plan = products.build("1", {**VALID, "billing_type": "installment", "installments": "12"})
    subscription = products.build("2", {**VALID, "billing_type": "subscription", "installments": 12})

    assert plan.installments == 12
    assert subscription.installments == 1


def test_edit_changes_only_the_given_keys_and_keeps_the_id() -> None:
    base = products.build("654321", {**VALID, "vat_rate": "5.5", "etickets": True})

    edited = products.edit(base, {"price": "59.9", "id": "999999"})

    assert edited.id == "654321"
    assert edited.price == "59.90"
    assert (edited.name, edited.vat_rate, edited.etickets) == (base.name, base.vat_rate, base.etickets)


def test_edit_validates_the_merged_product() -> None:
    base = products.build("654321", VALID)

    assert error_of({"billing_type": "installment"}, base=base).code == "invalid_installments"
    assert error_of({"name": ""}, base=base).code == "product_name_required"


def test_the_starter_catalog_has_the_four_kinds_of_product() -> None:
    starter = [products.build(str(100000 + index), dict(data)) for index, data in enumerate(products.STARTER)]

    kinds = {(product.billing_type, product.etickets) for product in starter}
    assert {
        ("single_payment", False),
        ("subscription", False),
        ("installment", False),
        ("single_payment", True),
    } <= kinds
    plan = next(product for product in starter if product.billing_type == "installment")
    assert plan.installments >= 2
    assert all(Decimal(product.price) > 0 for product in starter)
