"""Signed IPN messages and Zaps for the Zapier tests, built the way Digistore24 posts them."""

from __future__ import annotations

from sandbox.ipn.signing import signed
from sandbox.zapier.zaps import Action, Zap

PASSPHRASE = "sandbox-passphrase"
PRODUCT = "481516"
HOLDER = {"address_first_name": "Élodie", "address_last_name": "Garnier", "email": "elodie.garnier@example.fr"}


def order(event: str = "on_payment", **fields: str) -> dict[str, str]:
    """A test-mode order event; ``fields`` override or add values."""
    body = {
        "event": event,
        "api_mode": "test",
        "pay_method": "test",
        "order_id": "SBX12345",
        "product_id": PRODUCT,
        "product_name": "Atelier aquarelle",
        "transaction_id": "90001",
        "billing_type": "single_payment",
        "pay_sequence_no": "0",
        "amount": "49.00",
        "currency": "EUR",
        "email": "elodie.garnier@example.fr",
        "buyer_first_name": "Élodie",
        "buyer_last_name": "Garnier",
        "voucher_code": "",
    }
    body.update(fields)
    return signed(body, PASSPHRASE)


def subscription_payment(sequence: int) -> dict[str, str]:
    return order(billing_type="subscription", pay_sequence_no=str(sequence), transaction_id=f"9100{sequence}")


def eticket(action: str = "create", *, complete: bool = True, **fields: str) -> dict[str, str]:
    """An ``eticket`` event; ``complete=False`` leaves the holder's name and e-mail empty."""
    body = {
        "event": "eticket",
        "api_mode": "test",
        "action": action,
        "product_id": PRODUCT,
        "eticket_id": "12345678901234567890",
        "eticket_no": "1",
        "eticket_modified_at": "2025-03-01 10:00:00",
        **(HOLDER if complete else {name: "" for name in HOLDER}),
    }
    body.update(fields)
    return signed(body, PASSPHRASE)


def affiliation(**fields: str) -> dict[str, str]:
    body = {
        "event": "on_affiliation",
        "api_mode": "test",
        "product_id": PRODUCT,
        "product_name": "Atelier aquarelle",
        "affiliate_name": "lucasmartin",
        "affiliate_link": "https://www.digistore24.com/redir/481516/lucasmartin/",
        "email": "lucas.martin@example.fr",
        "address_first_name": "Lucas",
        "address_last_name": "Martin",
    }
    body.update(fields)
    return signed(body, PASSPHRASE)


def sheet_action(*columns: tuple[str, str], spreadsheet: str = "Commandes") -> Action:
    pairs = columns or (("Commande", "{{order_id}}"), ("E-mail", "{{ email }}"))
    return Action("sheets", {"spreadsheet": spreadsheet, "columns": [{"header": h, "template": t} for h, t in pairs]})


def zap(
    trigger: str = "order",
    options: dict[str, object] | None = None,
    *,
    action: Action | None = None,
    state: str = "on",
    turned_on_at: str | None = "2025-03-01T09:00:00+00:00",
    product_ids: tuple[str, ...] = (PRODUCT,),
    zap_id: str = "zap-1",
) -> Zap:
    """A Zap, on by default since 09:00 UTC on 1 March 2025."""
    return Zap(
        id=zap_id,
        name=f"Zap {zap_id}",
        trigger=trigger,
        product_ids=product_ids,
        options=dict(options or {}),
        action=action or sheet_action(),
        state=state,
        turned_on_at=turned_on_at if state == "on" else None,
    )
