"""Products of the vendor account and the starter catalog a fresh account gets."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.errors import InputError

BILLING_TYPES = ("single_payment", "subscription", "installment")
CURRENCIES = ("EUR", "USD", "CHF", "GBP")
INTERVALS = ("1_week", "2_week", "1_month", "3_month", "6_month", "1_year")
LANGUAGES = ("fr", "en", "de", "es", "it", "nl")


@dataclass(frozen=True)
class Product:
    id: str  # numeric, like Digistore24's product ids
    name: str
    billing_type: str  # single_payment | subscription | installment
    price: str  # gross amount of one payment, decimal string with a dot
    currency: str = "EUR"
    vat_rate: str = "20.00"
    installments: int = 1  # number of payments for an instalment plan
    interval: str = "1_month"  # billing interval of plans
    etickets: bool = False  # buying creates e-tickets
    language: str = "fr"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


STARTER = (
    {"name": "Formation Photo Débutant", "billing_type": "single_payment", "price": "49.00"},
    {"name": "Club Cuisine Végétale (abonnement mensuel)", "billing_type": "subscription", "price": "19.90"},
    {
        "name": "Coaching Élan — paiement en 3 fois",
        "billing_type": "installment",
        "price": "99.00",
        "installments": 3,
    },
    {
        "name": "Atelier « Café & Code » à Lyon",
        "billing_type": "single_payment",
        "price": "35.00",
        "etickets": True,
    },
)


def _decimal(value: object, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InputError("invalid_amount", field=field, value=str(value)) from None
    if not amount.is_finite() or amount > Decimal("100000"):
        raise InputError("invalid_amount", field=field, value=str(value))
    amount = amount.quantize(Decimal("0.01"))
    if amount <= 0:  # checked after rounding: "0.004" must not become a free product
        raise InputError("invalid_amount", field=field, value=str(value))
    return amount


def _vat_rate(value: object) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InputError("invalid_amount", field="vat_rate", value=str(value)) from None
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(30):
        raise InputError("invalid_amount", field="vat_rate", value=str(value))
    return rate


def _one_of(value: object, allowed: tuple[str, ...], code: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InputError(code, value=str(value)[:50], allowed=", ".join(allowed))
    return value


def build(product_id: str, data: dict[str, Any], base: Product | None = None) -> Product:
    """Validate user input into a Product; with ``base``, only the given keys change."""
    allowed = {
        "name",
        "billing_type",
        "price",
        "currency",
        "vat_rate",
        "installments",
        "interval",
        "etickets",
        "language",
    }
    unknown = sorted(set(data) - allowed - {"id"})
    if unknown:
        raise InputError("unknown_product_field", field=unknown[0], allowed=", ".join(sorted(allowed)))
    merged: dict[str, Any] = base.to_dict() if base else {"id": product_id}
    merged.update({key: value for key, value in data.items() if key in allowed})
    name = str(merged.get("name") or "").strip()
    if not name or len(name) > 200:
        raise InputError("product_name_required")
    billing_type = merged.get("billing_type", "single_payment")
    if billing_type not in BILLING_TYPES:
        raise InputError("invalid_billing_type", value=str(billing_type), allowed=", ".join(BILLING_TYPES))
    currency = str(merged.get("currency", "EUR")).upper()
    if currency not in CURRENCIES:
        raise InputError("invalid_currency", value=currency, allowed=", ".join(CURRENCIES))
    installments = merged.get("installments", 1)
    if (
        isinstance(installments, bool)
        or not isinstance(installments, int | str)
        or not (str(installments).isascii() and str(installments).isdigit())
    ):
        raise InputError("invalid_installments", value=str(installments))
    installments = int(installments)
    if billing_type == "installment" and not 2 <= installments <= 36:
        raise InputError("invalid_installments", value=str(installments))
    if billing_type != "installment":
        installments = 1
    vat = _vat_rate(merged.get("vat_rate", "20.00"))
    etickets = merged.get("etickets", False)
    if not isinstance(etickets, bool):
        raise InputError("invalid_boolean", field="etickets", value=str(etickets))
    return Product(
        id=str(merged.get("id", product_id)),
        name=name,
        billing_type=billing_type,
        price=str(_decimal(merged.get("price", ""), "price")),
        currency=currency,
        vat_rate=str(vat.quantize(Decimal("0.01"))),
        installments=installments,
        interval=_one_of(merged.get("interval", "1_month"), INTERVALS, "invalid_interval"),
        etickets=etickets,
        language=_one_of(merged.get("language", "fr"), LANGUAGES, "invalid_language"),
    )


def edit(product: Product, data: dict[str, Any]) -> Product:
    return replace(build(product.id, data, base=product))
