"""Turn orders, tickets and affiliates into IPN field sets, as Digistore24 would post them.

An order event carries the whole key set of a real captured ``on_payment`` (ipn_version
1.6); values are coherent with the order: gross = net + VAT, fees add up to the net,
one ``order_id`` for the order, a new ``transaction_id`` each time. Connection-specific
meta fields (``ipn_config_*``) are added per connection by :func:`for_connection`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sandbox.digistore24.affiliates import Affiliate
from sandbox.digistore24.etickets import Eticket
from sandbox.digistore24.orders import Order, Transaction, split_vat
from sandbox.digistore24.people import Person

IPN_VERSION = "1.6"
CHECKOUT = "https://www.checkout-ds24.com"
APP = "https://www.digistore24.com"
# The sandbox's illustrative fee: Digistore24's real fee is not part of the reference.
FEE_RATE = Decimal("0.079")
FEE_FIXED = Decimal("0.36")
LANGUAGE_NAMES = {"fr": "French", "en": "English", "de": "German"}


@dataclass(frozen=True)
class Merchant:
    """Who sells: the vendor account behind every message."""

    id: str
    name: str


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _address(prefix: str, person: Person, address_id: str, *, short: bool = False) -> dict[str, str]:
    fields = {
        "city": person.city,
        "company": "",
        "country": person.country,
        "id": address_id,
        "mobile_no": "",
        "phone_no": "",
        "state": "",
        "street": f"{person.street_name} {person.street_number}",
        "street2": "",
        "tax_id": "",
        "zipcode": person.zipcode,
    }
    if not short:
        fields.update(
            {
                "country_name": person.country_name,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "salutation": "",
                "salutation_name": "",
                "street_name": person.street_name,
                "street_number": person.street_number,
                "title": "",
            }
        )
    return {f"{prefix}_{name}": value for name, value in fields.items()}


def _meta(merchant: Merchant, event: str, language: str) -> dict[str, str]:
    return {
        "api_mode": "test",
        "event": event,
        "ipn_version": IPN_VERSION,
        "language": language,
        "language_name": LANGUAGE_NAMES.get(language, language),
        "merchant_id": merchant.id,
        "merchant_name": merchant.name,
    }


def order_event(merchant: Merchant, order: Order, transaction: Transaction) -> dict[str, str]:
    """All fields of an order event (payment, refund, missed payment, …) for one transaction."""
    item = next(item for item in order.items if item.order_item_id == transaction.order_item_id)
    product, buyer = item.product, order.buyer
    gross, net, vat = split_vat(transaction.amount, product.vat_rate)
    fee = min(net, (net * FEE_RATE + FEE_FIXED).quantize(Decimal("0.01"))) if gross else Decimal("0.00")
    vendor = net - fee
    first_gross, _, first_vat = split_vat(product.price, product.vat_rate)
    is_plan = product.billing_type in ("subscription", "installment")
    date, time = transaction.created_at.split(" ")
    order_date, order_time = order.created_at.split(" ")
    key = order.purchase_key
    address_id = str(int(order.buyer.email.encode().hex()[:7], 16))
    fields = {
        **_meta(merchant, transaction.event, product.language),
        "add_url": f"{CHECKOUT}/order/add/{order.id}/{key}",
        **_address("address", buyer, address_id),
        "affiliate_id": "",
        "affiliate_name": "",
        "amount": _money(gross),
        "amount_affiliate": "0.00",
        "amount_brutto": _money(gross),
        "amount_credited": "0.00",
        "amount_fee": "0.00",
        "amount_main_affiliate": "0.00",
        "amount_netto": _money(net),
        "amount_partner": "0.00",
        "amount_payout": _money(vendor),
        "amount_provider": _money(fee),
        "amount_vat": _money(vat),
        "amount_vendor": _money(vendor),
        **_address("billing", buyer, address_id),
        "billing_descriptor": order.id,
        "billing_status": order.billing_status,
        "billing_type": product.billing_type,
        **_address("buyer_address", buyer, address_id, short=True),
        "buyer_email": buyer.email,
        "buyer_first_name": buyer.first_name,
        "buyer_id": address_id[:6],
        "buyer_language": buyer.language,
        "buyer_last_name": buyer.last_name,
        "campaignkey": "",
        "checkout_url": f"{CHECKOUT}/product/{product.id}",
        "click_id": "",
        "country": buyer.country,
        "currency": product.currency,
        "custom": order.custom,
        "custom_key": f"{address_id[:6]}-{key}",
        "customer_affiliate_name": f"user{address_id[:6]}",
        "customer_affiliate_promo_url": f"{CHECKOUT}/redir/{product.id}/user{address_id[:6]}/",
        "email": buyer.email,
        "first_amount": _money(first_gross),
        "first_vat_amount": _money(first_vat),
        "has_custom_forms": "N",
        "image_url": "",
        "invoice_url": f"{APP}/invoice/{order.id}/{transaction.id}/{key}.pdf",
        "is_gdpr_country": "Y" if buyer.country in ("FR", "BE", "DE") else "N",
        "is_payment_planned": "Y" if is_plan and not order.rebilling_stopped and not order.ended else "N",
        "item_count": str(len(order.items)),
        "license_accessdata_keys": "",
        "monthly_amount": _money(first_gross) if is_plan else "0.00",
        "monthly_vat_amount": _money(first_vat) if is_plan else "0.00",
        "newsletter_choice": "none",
        "newsletter_choice_msg": "No entry",
        "number_of_installments": str(product.installments),
        "order_date": order_date,
        "order_date_time": order.created_at,
        "order_details_url": f"{APP}/vendor/reports/transactions/order/{order.id}",
        "order_id": order.id,
        "order_item_id": item.order_item_id,
        "order_time": order_time,
        "order_type": "regular",
        "orderform_id": "1",
        "orderform_referrer_url": "",
        "other_amounts": "0.00",
        "other_vat_amounts": "0.00",
        "parent_transaction_id": transaction.parent_transaction_id,
        "pay_method": "test",
        "pay_sequence_no": str(transaction.pay_sequence_no),
        "payment_id": f"PAYID-SBX-T{transaction.id}",
        "payplan_id": "",
        "placeholder_DESCRIPTION": "",
        "placeholder_TITLE": product.name,
        "product_amount": _money(first_gross),
        "product_delivery_type": "digital",
        "product_id": product.id,
        "product_language": product.language,
        "product_name": product.name,
        "product_name_intern": product.name,
        "product_netto_amount": _money(first_gross - first_vat),
        "product_shipping_amount": "0.00",
        "product_txn_amount": _money(gross),
        "product_txn_netto_amount": _money(net),
        "product_txn_shipping": "0.00",
        "product_txn_vat_amount": _money(vat),
        "product_vat_amount": _money(first_vat),
        "promoclick_referrer_url": "",
        "purchase_key": key,
        "quantity": "1",
        "rebill_stop_noted_at": order.stop_noted_at,
        "rebilling_stop_url": f"{APP}/order/stop/{order.id}/{key}" if is_plan else "",
        "receipt_url": f"{CHECKOUT}/receipt/{product.id}/{order.id}/{key}",
        "refund_days": "14",
        "renew_url": f"{CHECKOUT}/renew/{order.id}/{key}" if is_plan else "",
        "request_refund_url": f"{APP}/order/cancel/{order.id}/{key}",
        "salesteam_id": "",
        "salesteam_name": "",
        "store_url": f"{CHECKOUT}/product/{product.id}",
        "support_url": f"{APP}/support/{order.id}/{key}",
        "switch_pay_interval_url": f"{CHECKOUT}/order/switch/{order.id}/{key}" if is_plan else "",
        "tag": "",
        "tags": "",
        "trackingkey": "",
        "transaction_amount": _money(gross),
        "transaction_currency": product.currency,
        "transaction_date": date,
        "transaction_id": transaction.id,
        "transaction_time": time,
        "transaction_type": transaction.type,
        "transaction_vat_amount": _money(vat),
        "upgrade_key": key,
        "upsell_no": str(item.upsell_no),
        "upsell_path": "",
        "utm_campaign": "",
        "utm_content": "",
        "utm_medium": "",
        "utm_source": "",
        "utm_term": "",
        "vat_amount": _money(vat),
        "vat_rate": product.vat_rate,
        "voucher_code": "",
    }
    if transaction.billing_stop_reason:
        fields["billing_stop_reason"] = transaction.billing_stop_reason
    return fields


def eticket_event(merchant: Merchant, order: Order, ticket: Eticket, action: str) -> dict[str, str]:
    """An ``eticket`` event: the ticket, its location, and the holder as far as known."""
    product = order.items[0].product
    location = ticket.location
    return {
        **_meta(merchant, "eticket", product.language),
        "action": action,
        "address_first_name": ticket.holder_first_name,
        "address_last_name": ticket.holder_last_name,
        "email": ticket.holder_email,
        "eticket_code": ticket.code,
        "eticket_count": str(ticket.count),
        "eticket_created_at": ticket.created_at,
        "eticket_date": ticket.date,
        "eticket_hint": "",
        "eticket_id": ticket.id,
        "eticket_is_blocked": "Y" if ticket.state == "revoked" else "N",
        "eticket_modified_at": ticket.modified_at,
        "eticket_no": str(ticket.number),
        "eticket_url": f"{APP}/eticket/{ticket.id}/{ticket.code}",
        "eticket_used_at": ticket.used_at,
        "location_address": location.address,
        "location_country": location.country,
        "location_directions": location.directions,
        "location_id": location.id,
        "location_latitude": location.latitude,
        "location_longitude": location.longitude,
        "location_map_image_url": "",
        "location_name": location.name,
        "location_note": location.note,
        "order_id": order.id,
        "product_id": product.id,
        "product_name": product.name,
    }


def affiliation_event(merchant: Merchant, affiliate: Affiliate, product_name: str) -> dict[str, str]:
    """An ``on_affiliation`` event for an approved affiliate."""
    person = affiliate.person
    return {
        **_meta(merchant, "on_affiliation", person.language),
        "address_city": person.city,
        "address_first_name": person.first_name,
        "address_last_name": person.last_name,
        "address_phone_no": "",
        "address_state": "",
        "address_street_name": person.street_name,
        "address_street_number": person.street_number,
        "address_zipcode": person.zipcode,
        "affiliate_link": affiliate.promo_link(),
        "affiliate_name": affiliate.name,
        "email": person.email,
        "product_id": affiliate.product_id,
        "product_name": product_name,
    }


def connection_test_event(merchant: Merchant) -> dict[str, str]:
    return _meta(merchant, "connection_test", "fr")


def for_connection(
    fields: dict[str, str], *, connection_id: str, domain_id: str, api_key_id: str, product_ids: str
) -> dict[str, str]:
    """The fields as one connection receives them: its ``ipn_config_*`` meta added, names in
    byte order with ``event`` last like the captured message (``sha_sign`` is added on signing)."""
    meta = {
        "ipn_config_id": connection_id,
        "ipn_config_domain_id": domain_id,
        "ipn_config_product_ids": product_ids,
    }
    if fields.get("event") != "connection_test":
        meta["ipn_config_api_key_id"] = api_key_id
    merged = {**fields, **meta}
    ordered = {name: merged[name] for name in sorted(merged, key=lambda name: name.encode()) if name != "event"}
    ordered["event"] = merged["event"]
    return ordered
