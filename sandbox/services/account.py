"""The vendor account: products, test payments, order actions, affiliates, e-tickets and
IPN connections, and the one path every event takes to the connections."""

from __future__ import annotations

import random
import secrets
import time
from datetime import datetime, timedelta
from typing import Any

from sandbox.digistore24 import connections, etickets, identifiers, orders, payloads, people, products
from sandbox.digistore24.affiliates import Affiliate
from sandbox.digistore24.connections import Connection
from sandbox.digistore24.etickets import Eticket
from sandbox.digistore24.orders import Order, OrderItem
from sandbox.digistore24.payloads import Merchant
from sandbox.digistore24.products import Product
from sandbox.errors import InputError, NotFound
from sandbox.ipn import form, signing
from sandbox.services.limits import UNLIMITED, Limits
from sandbox.services.notifier import Notify, silent
from sandbox.storage.database import Database
from sandbox.storage.store import Store, workspace_of

MAX_FOLLOW_UPS = 24
MAX_TICKETS = 10
MAX_BUYER_FIELD = 100
BUYER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "street_name",
    "street_number",
    "zipcode",
    "city",
    "country",
)


def now_text() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")


class Account:
    """One workspace's vendor account. Create with :meth:`open`."""

    def __init__(self, store: Store, merchant: Merchant, seed: str, notify: Notify, limits: Limits = UNLIMITED) -> None:
        self.store = store
        self.limits = limits
        self.merchant = merchant
        self.seed = seed
        self._notify = notify
        self.on_event_stored: list = []  # callbacks(event_ids) run after commit, e.g. waking delivery

    @classmethod
    def open(
        cls,
        database: Database,
        workspace: str,
        *,
        seed: str | None = None,
        notify: Notify = silent,
        limits: Limits = UNLIMITED,
    ) -> Account:
        """Load the account, creating it with the starter catalog on first use."""
        store = Store(database, workspace)
        row = store.workspace_row()
        if row is None:
            seed = seed or secrets.token_hex(8)
            chooser = random.Random(f"{seed}:merchant")
            merchant = Merchant(str(chooser.randint(10**7, 10**8 - 1)), "boutique_sandbox")
            with store.transaction():
                store.create_workspace(seed, merchant.id, merchant.name)
                account = cls(store, merchant, seed, notify, limits)
                for data in products.STARTER:
                    account._add_product(dict(data))
            return account
        return cls(store, Merchant(row["merchant_id"], row["merchant_name"]), row["seed"], notify, limits)

    def notify(self, kind: str, data: dict[str, Any]) -> None:
        self._notify(self.store.workspace, kind, data)

    def _chooser(self, purpose: str) -> random.Random:
        return random.Random(f"{self.seed}:{purpose}:{self.store.next_number(purpose, 1)}")

    # products --------------------------------------------------------------------------
    def products(self) -> list[Product]:
        return [Product(**data) for data in self.store.all("product")]

    def product(self, product_id: str) -> Product:
        data = self.store.get("product", str(product_id))
        if data is None:
            raise NotFound("unknown_product", product_id=product_id)
        return Product(**data)

    def _add_product(self, data: dict[str, Any]) -> Product:
        chooser = self._chooser("product")
        product_id = str(chooser.randint(100000, 999999))
        while self.store.get("product", product_id):
            product_id = str(chooser.randint(100000, 999999))
        product = products.build(product_id, data)
        self.store.put("product", product.id, product.to_dict())
        return product

    def add_product(self, data: dict[str, Any]) -> Product:
        self.limits.check(self.store, "product")
        with self.store.transaction():
            product = self._add_product(data)
        self.notify("product", product.to_dict())
        return product

    def edit_product(self, product_id: str, data: dict[str, Any]) -> Product:
        product = products.edit(self.product(product_id), data)
        with self.store.transaction():
            self.store.put("product", product.id, product.to_dict())
        self.notify("product", product.to_dict())
        return product

    # connections ------------------------------------------------------------------------
    def connections(self) -> list[Connection]:
        return [Connection.from_dict(data) for data in self.store.all("connection")]

    def connection(self, connection_id: str) -> Connection:
        data = self.store.get("connection", str(connection_id))
        if data is None:
            raise NotFound("unknown_connection", connection_id=connection_id)
        return Connection.from_dict(data)

    def save_connection(
        self, data: dict[str, Any], connection_id: str | None = None, kind: str = "generic"
    ) -> Connection:
        """Create (no id) or edit a connection from user input."""
        known = {product.id for product in self.products()}
        with self.store.transaction():
            if connection_id is None:
                self.limits.check(self.store, "connection")
                chooser = self._chooser("connection")
                new_id = str(chooser.randint(100000, 999999))
                while workspace_of(self.store.db, "connection", new_id):  # ids are global, like ipn_config_id
                    new_id = str(chooser.randint(100000, 999999))
                connection = connections.build(new_id, data, known)
                connection = Connection.from_dict({**connection.to_dict(), "kind": kind})
            else:
                connection = connections.build(connection_id, data, known, base=self.connection(connection_id))
            self.store.put("connection", connection.id, connection.to_dict())
        self.notify("connection", connection.masked())
        return connection

    def test_connection(self, connection_id: str) -> int:
        """The "Test connection" button: a ``connection_test`` to that connection only."""
        connection = self.connection(connection_id)
        return self._emit(payloads.connection_test_event(self.merchant), only=connection)

    # the path of every event -------------------------------------------------------------
    def signed_body(self, fields: dict[str, str], connection: Connection) -> dict[str, str]:
        """The fields as ``connection`` receives them: its meta fields added, then signed."""
        body = payloads.for_connection(
            fields,
            connection_id=connection.id,
            domain_id=f"sandbox-{self.store.workspace[:12]}",
            api_key_id=str(int(connection.id) + 1000000),
            product_ids=",".join(connection.product_ids) or "all",
        )
        return signing.signed(body, connection.passphrase)

    def _emit(self, fields: dict[str, str], *, order_id: str = "", only: Connection | None = None) -> int:
        """Store the event and, for every connection, the decision and the signed body."""
        targets = [only] if only else self.connections()
        self.limits.check(self.store, "event")
        with self.store.transaction():
            event_id = self.store.add_event(fields["event"], "simulated", fields, order_id)
            for connection in targets:
                decision = connection.decide(fields)
                if not decision.send:
                    self.store.add_delivery(
                        event_id, connection.id, send=False, reason=decision.reason, params=decision.params
                    )
                    continue
                encoded = form.encode(self.signed_body(fields, connection)).decode("ascii")
                self.store.add_delivery(
                    event_id,
                    connection.id,
                    send=True,
                    reason=decision.reason,
                    params=decision.params,
                    url=connection.url,
                    success=connection.success,
                    body=encoded,
                    due_at=time.time(),
                )
        self.notify("event", {"id": event_id, "event": fields["event"], "order_id": order_id})
        for callback in self.on_event_stored:
            callback([event_id])
        return event_id

    # orders -------------------------------------------------------------------------------
    def order(self, order_id: str) -> Order:
        data = self.store.get("order", str(order_id).upper())
        if data is None:
            raise NotFound("unknown_order", order_id=order_id)
        return Order.from_dict(data)

    def orders(self) -> list[Order]:
        return [Order.from_dict(data) for data in self.store.all("order")]

    def _buyer(self, overrides: dict[str, Any] | None) -> people.Person:
        given = {key: value for key, value in (overrides or {}).items() if value not in (None, "")}
        unknown = sorted(set(given) - set(BUYER_FIELDS))
        if unknown:
            raise InputError("unknown_buyer_field", field=unknown[0], allowed=", ".join(BUYER_FIELDS))
        for key, value in given.items():
            if not isinstance(value, str) or len(value) > MAX_BUYER_FIELD:
                raise InputError("invalid_buyer_field", field=key, max=MAX_BUYER_FIELD)
        overrides = {key: value.strip() for key, value in given.items()}
        if "email" in overrides and "@" not in overrides["email"]:
            raise InputError("invalid_email", value=overrides["email"])
        chooser_seed = f"{self.seed}:buyer:{self.store.next_number('buyer', 1)}"
        return people.person_with(people.fake_person(chooser_seed), overrides)

    def test_payment(
        self,
        product_id: str,
        *,
        follow_ups: int = 0,
        buyer: dict[str, Any] | None = None,
        incomplete: bool = False,
        tickets: int = 1,
    ) -> dict[str, Any]:
        """A test purchase and, optionally, its follow-up payments; returns what was created."""
        product = self.product(product_id)
        if not isinstance(follow_ups, int) or isinstance(follow_ups, bool) or not 0 <= follow_ups <= MAX_FOLLOW_UPS:
            raise InputError("invalid_follow_ups", value=follow_ups, max=MAX_FOLLOW_UPS)
        if follow_ups and product.billing_type == "single_payment":
            raise InputError("follow_ups_need_plan", product_id=product.id)
        if product.billing_type == "installment" and follow_ups > product.installments - 1:
            raise InputError("too_many_follow_ups", value=follow_ups, max=product.installments - 1)
        if not isinstance(tickets, int) or not 1 <= tickets <= MAX_TICKETS:
            raise InputError("invalid_ticket_count", max=MAX_TICKETS)
        event_ids: list[int] = []
        with self.store.transaction():
            person = self._buyer(buyer)
            chooser = self._chooser("order")
            order_id = identifiers.order_id(chooser)
            while self.store.get("order", order_id):
                order_id = identifiers.order_id(chooser)
            step = orders.first_payment(
                order_id=order_id,
                order_item_id=str(self.store.next_number("order_item", 33299000)),
                transaction_id=str(self.store.next_number("transaction", 3999000)),
                purchase_key=identifiers.key(chooser),
                product=product,
                buyer=person,
                now=now_text(),
                custom=f"sandbox:{order_id}",
            )
            self.store.put("order", order_id, step.order.to_dict())
            event_ids.append(
                self._emit(payloads.order_event(self.merchant, step.order, step.transaction), order_id=order_id)
            )
            transactions = [step.transaction.to_dict()]
            ticket_ids = []
            if product.etickets:
                for number in range(1, tickets + 1):
                    ticket = self._new_ticket(step.order, number, tickets, person, incomplete)
                    ticket_ids.append(ticket.id)
                    event_ids.append(
                        self._emit(
                            payloads.eticket_event(self.merchant, step.order, ticket, "create"),
                            order_id=order_id,
                        )
                    )
        for _ in range(follow_ups):
            result = self.order_action(order_id, "rebill")
            transactions.append(result["transaction"])
            event_ids.extend(result["event_ids"])
        return {
            "order_id": order_id,
            "transactions": transactions,
            "eticket_ids": ticket_ids,
            "event_ids": event_ids,
            "buyer": person.to_dict(),
        }

    def _new_ticket(self, order: Order, number: int, count: int, person: people.Person, incomplete: bool) -> Eticket:
        chooser = self._chooser("eticket")
        now = now_text()
        # An incomplete ticket is one bought before the holder's name and e-mail are known.
        first_name, last_name, email = (
            ("", "", "") if incomplete else (person.first_name, person.last_name, person.email)
        )
        ticket = Eticket(
            id=identifiers.eticket_id(chooser),
            number=number,
            count=count,
            code=identifiers.key(chooser, 10),
            order_id=order.id,
            product_id=order.product.id,
            created_at=now,
            modified_at=now,
            date=(datetime.now() + timedelta(days=30)).strftime("%Y-%m-%d"),
            holder_first_name=first_name,
            holder_last_name=last_name,
            holder_email=email,
        )
        self.store.put("eticket", ticket.id, ticket.to_dict())
        return ticket

    def order_action(self, order_id: str, action: str, *, product_id: str | None = None) -> dict[str, Any]:
        """Rebill, miss, deny, refund, chargeback, cancel, resume, end or upsell an order."""
        if action not in orders.ACTIONS:
            raise InputError("unknown_order_action", action=action, allowed=", ".join(orders.ACTIONS))
        with self.store.transaction():
            order = self.order(order_id)
            upsell = None
            if action == "upsell":
                upsell_product = self.product(product_id) if product_id else self._default_upsell(order)
                upsell = OrderItem(
                    str(self.store.next_number("order_item", 33299000)), upsell_product, len(order.items)
                )
            step = orders.apply(
                order,
                action,
                transaction_id=str(self.store.next_number("transaction", 3999000)),
                now=now_text(),
                upsell=upsell,
            )
            self.store.put("order", order.id, step.order.to_dict())
            event_id = self._emit(payloads.order_event(self.merchant, step.order, step.transaction), order_id=order.id)
        return {
            "order": step.order.to_dict(),
            "transaction": step.transaction.to_dict(),
            "event_ids": [event_id],
        }

    def _default_upsell(self, order: Order) -> Product:
        for product in self.products():
            if product.billing_type == "single_payment" and not product.etickets and product.id != order.product.id:
                return product
        raise InputError("upsell_product_required")

    # affiliates and e-tickets --------------------------------------------------------------
    def approve_affiliate(self, product_id: str, name: str | None = None) -> dict[str, Any]:
        product = self.product(product_id)
        with self.store.transaction():
            number = self.store.next_number("affiliate", 1)
            person = people.fake_person(f"{self.seed}:affiliate:{number}")
            nickname = name or f"{people.ascii_name(person.first_name)}_promo{number}"
            bare = nickname.replace("_", "").replace("-", "")
            if not (bare.isascii() and bare.isalnum()) or len(nickname) > 40:
                raise InputError("invalid_affiliate_name", value=nickname)
            affiliate = Affiliate(
                id=str(number), product_id=product.id, name=nickname, person=person, approved_at=now_text()
            )
            self.store.put("affiliate", affiliate.id, affiliate.to_dict())
            event_id = self._emit(payloads.affiliation_event(self.merchant, affiliate, product.name))
        return {"affiliate": affiliate.to_dict(), "event_ids": [event_id]}

    def eticket(self, eticket_id: str) -> Eticket:
        data = self.store.get("eticket", str(eticket_id))
        if data is None:
            raise NotFound("unknown_eticket", eticket_id=eticket_id)
        return Eticket.from_dict(data)

    def etickets(self) -> list[Eticket]:
        return [Eticket.from_dict(data) for data in self.store.all("eticket")]

    def eticket_action(self, eticket_id: str, action: str, holder: dict[str, str] | None = None) -> dict[str, Any]:
        with self.store.transaction():
            ticket = etickets.change(self.eticket(eticket_id), action, now=now_text(), holder=holder)
            order = self.order(ticket.order_id)
            self.store.put("eticket", ticket.id, ticket.to_dict())
            event_id = self._emit(payloads.eticket_event(self.merchant, order, ticket, action), order_id=order.id)
        return {"eticket": ticket.to_dict(), "event_ids": [event_id]}
