"""IPN connections, as in Digistore24's Settings › Integrations (IPN).

A connection is where events go and which of them: its settings become a
:class:`sandbox.ipn.filters.Settings`, so the one decision function answers for it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from sandbox.errors import InputError
from sandbox.ipn import events, filters

CATEGORIES = ("orders", "affiliations", "etickets")
SUCCESS_RULES = ("ok_and_2xx", "ok_text", "http_2xx")
KINDS = ("generic", "zapier")
MAX_PASSPHRASE = 63


@dataclass(frozen=True)
class Connection:
    id: str
    name: str
    url: str
    passphrase: str
    kind: str = "generic"
    product_ids: tuple[str, ...] = ()  # empty: all products
    categories: tuple[str, ...] = CATEGORIES
    transactions: tuple[str, ...] = events.default_transactions()
    eticket_actions: tuple[str, ...] = ()
    follow_ups: bool = True
    incomplete_etickets: bool = True
    success: str = "ok_and_2xx"
    active: bool = True

    def settings(self) -> filters.Settings:
        return filters.Settings(
            product_ids=self.product_ids,
            categories=self.categories,
            transactions=self.transactions,
            eticket_actions=self.eticket_actions,
            follow_ups=self.follow_ups,
            incomplete_etickets=self.incomplete_etickets,
        )

    def decide(self, fields: dict[str, str]) -> filters.Decision:
        if not self.active and fields.get("event") != "connection_test":
            return filters.Decision(False, "zapier_no_zap" if self.kind == "zapier" else "connection_inactive")
        return filters.decide(self.settings(), fields)

    def masked(self) -> dict[str, Any]:
        """The connection as shown to users: the passphrase never appears in full."""
        data = asdict(self)
        data["passphrase"] = mask(self.passphrase)
        return data

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Connection:
        values = dict(data)
        for name in ("product_ids", "categories", "transactions", "eticket_actions"):
            values[name] = tuple(values.get(name, ()))
        return Connection(**values)


def mask(passphrase: str) -> str:
    """Show two characters at each end only when they are a small part of the whole."""
    if len(passphrase) < 12:
        return "•" * 8
    return f"{passphrase[:2]}{'•' * 6}{passphrase[-2:]}"


def _yes_no(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("yes", "y", "true", "1", "oui"):
        return True
    if str(value).lower() in ("no", "n", "false", "0", "non"):
        return False
    raise InputError("invalid_boolean", field=name, value=str(value))


def _names(value: Any, name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise InputError("invalid_list", field=name)
    for item in value:
        if item not in allowed:
            raise InputError("invalid_choice", field=name, value=item, allowed=", ".join(allowed))
    return tuple(dict.fromkeys(value))


def _product_ids(value: Any) -> tuple[str, ...]:
    """Product ids as a list (numbers or strings) or as text separated by commas."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list | tuple) or not all(
        isinstance(item, str | int) and not isinstance(item, bool) for item in value
    ):
        raise InputError("invalid_list", field="product_ids")
    return tuple(str(item) for item in value)


def check_url(url: Any) -> str:
    text = str(url or "").strip()
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError for a port that is not a number in 0–65535
    except ValueError:
        raise InputError("invalid_url", value=text) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise InputError("invalid_url", value=text)
    return text


def build(
    connection_id: str, data: dict[str, Any], known_products: set[str], base: Connection | None = None
) -> Connection:
    """Validate user input into a Connection; with ``base`` only the given keys change."""
    allowed = {
        "name",
        "url",
        "passphrase",
        "product_ids",
        "categories",
        "transactions",
        "eticket_actions",
        "follow_ups",
        "incomplete_etickets",
        "success",
        "active",
    }
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InputError("unknown_connection_field", field=unknown[0], allowed=", ".join(sorted(allowed)))
    values: dict[str, Any] = base.to_dict() if base else {"id": connection_id}
    values.update(data)
    passphrase = str(values.get("passphrase") or "")
    if not passphrase:
        raise InputError("passphrase_required")
    if len(passphrase) > MAX_PASSPHRASE:
        raise InputError("passphrase_too_long", max=MAX_PASSPHRASE)
    product_ids = _product_ids(values.get("product_ids"))
    missing = [item for item in product_ids if item not in known_products]
    if missing:
        raise InputError("unknown_product", product_id=missing[0])
    success = values.get("success", "ok_and_2xx")
    if success not in SUCCESS_RULES:
        raise InputError("invalid_choice", field="success", value=str(success), allowed=", ".join(SUCCESS_RULES))
    zapier_choices = tuple(action.zapier for action in events.eticket_actions())
    return Connection(
        id=str(values["id"]),
        name=str(values.get("name") or "").strip()[:100] or "IPN",
        url=check_url(values.get("url")),
        passphrase=passphrase,
        kind=str(values.get("kind", "generic")),
        product_ids=tuple(dict.fromkeys(product_ids)),
        categories=_names(values.get("categories", CATEGORIES), "categories", CATEGORIES),
        transactions=_names(
            values.get("transactions", events.default_transactions()), "transactions", events.transactions()
        ),
        eticket_actions=_names(values.get("eticket_actions", ()), "eticket_actions", zapier_choices),
        follow_ups=_yes_no(values.get("follow_ups", True), "follow_ups"),
        incomplete_etickets=_yes_no(values.get("incomplete_etickets", True), "incomplete_etickets"),
        success=success,
        active=_yes_no(values.get("active", True), "active"),
    )
