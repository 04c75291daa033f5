"""The API over real HTTP: health, catalog, products and unknown routes."""

from __future__ import annotations

import re

import httpx
import pytest

from sandbox import i18n
from sandbox.digistore24 import orders
from sandbox.ipn import events


def test_health_names_the_file_database(module_api: httpx.Client) -> None:
    answer = module_api.get("/api/health")

    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"
    assert answer.json()["database"] == "file"


def test_the_catalog_lists_the_domain_choices(module_api: httpx.Client) -> None:
    data = module_api.get("/api/catalog").json()

    assert data["order_actions"] == list(orders.ACTIONS)
    assert data["transactions"] == list(events.transactions())
    assert data["default_transactions"] == list(events.default_transactions())
    assert data["eticket_actions"] == [action.zapier for action in events.eticket_actions()]
    assert set(data["events"]) >= {"on_payment", "on_refund", "connection_test", "eticket", "on_affiliation"}


def test_the_starter_products_have_six_digit_ids_and_the_four_kinds(module_api: httpx.Client) -> None:
    products = module_api.get("/api/products").json()["products"]

    kinds = {(product["billing_type"], product["etickets"]) for product in products}
    assert {
        ("single_payment", False),
        ("subscription", False),
        ("installment", False),
        ("single_payment", True),
    } <= kinds
    assert all(re.fullmatch(r"[1-9]\d{5}", product["id"]) for product in products)
    assert len({product["id"] for product in products}) == len(products)


@pytest.mark.parametrize(("lang", "text"), [("fr", "19,90\u00a0€"), ("en", "€19.90")])
def test_prices_are_shown_in_the_readers_language(module_api: httpx.Client, lang: str, text: str) -> None:
    created = module_api.post(f"/api/products?lang={lang}", json={"name": "Prix", "price": "19.9"})

    assert created.status_code == 201, created.text
    assert created.json()["price_text"] == text
    listed = module_api.get("/api/products", headers={"Accept-Language": lang}).json()["products"]
    assert any(product["id"] == created.json()["id"] and product["price_text"] == text for product in listed)


def test_create_then_edit_a_product(module_api: httpx.Client) -> None:
    created = module_api.post(
        "/api/products",
        json={"name": "Stage « Pâtisserie »", "billing_type": "installment", "price": "120", "installments": 4},
    )
    assert created.status_code == 201, created.text
    product = created.json()
    assert (product["price"], product["installments"], product["vat_rate"]) == ("120.00", 4, "20.00")
    assert re.fullmatch(r"[1-9]\d{5}", product["id"])

    patched = module_api.patch(f"/api/products/{product['id']}", json={"price": "130.5"})
    replaced = module_api.put(f"/api/products/{product['id']}", json={"name": "Stage renommé"})

    assert patched.status_code == replaced.status_code == 200
    assert patched.json()["price"] == "130.50"
    assert (replaced.json()["name"], replaced.json()["price"]) == ("Stage renommé", "130.50")
    listed = {item["id"]: item for item in module_api.get("/api/products").json()["products"]}
    assert listed[product["id"]]["name"] == "Stage renommé"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "x", "price": "0"}, "invalid_amount"),
        ({"name": "x", "price": "1", "vat_rate": "abc"}, "invalid_amount"),
        ({"name": "x", "price": "1", "billing_type": "lifetime"}, "invalid_billing_type"),
        ({"name": "x", "price": "1", "currency": "JPY"}, "invalid_currency"),
        ({"name": "", "price": "1"}, "product_name_required"),
        ({"name": "x", "price": "1", "sku": "A1"}, "unknown_product_field"),
    ],
)
def test_a_bad_product_is_refused_and_not_stored(module_api: httpx.Client, body: dict, code: str) -> None:
    before = module_api.get("/api/products").json()["products"]

    answer = module_api.post("/api/products", json=body, headers={"Accept-Language": "en"})

    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == code
    assert error["message"] == i18n.t(f"error.{code}", "en", **error["params"])
    assert module_api.get("/api/products").json()["products"] == before


def test_editing_an_unknown_product_is_404(module_api: httpx.Client) -> None:
    answer = module_api.patch("/api/products/000000", json={"price": "5"})

    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "unknown_product"


def test_unknown_routes_and_methods_answer_json(module_api: httpx.Client) -> None:
    missing = module_api.get("/api/nothing-here", headers={"Accept-Language": "en"})
    wrong_method = module_api.delete("/api/products", headers={"Accept-Language": "en"})

    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["params"] == {"method": "DELETE"}
