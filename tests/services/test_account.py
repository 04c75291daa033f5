"""The vendor account in-process: catalog, payments, actions, and the fan-out to connections."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from sandbox.errors import Conflict, InputError, NotFound
from sandbox.ipn import signing
from sandbox.services.account import Account
from sandbox.storage.database import Database
from tests.services.harness import form_of, rig, until


def test_a_new_account_gets_the_starter_catalog_with_six_digit_ids(tmp_path: Path) -> None:
    path = str(tmp_path / "account.sqlite3")
    database = Database(path)
    account = Account.open(database, "default", seed="catalog")

    catalog = account.products()
    assert len(catalog) == 4
    assert all(re.fullmatch(r"[1-9]\d{5}", product.id) for product in catalog)
    assert len({product.id for product in catalog}) == 4
    kinds = {(product.billing_type, product.etickets) for product in catalog}
    assert kinds == {
        ("single_payment", False),
        ("subscription", False),
        ("installment", False),
        ("single_payment", True),
    }
    database.close()

    reopened = Account.open(Database(path), "default", seed="another seed")
    assert [product.id for product in reopened.products()] == [product.id for product in catalog]
    assert reopened.seed == "catalog"  # the stored seed wins


def test_the_same_seed_gives_the_same_account() -> None:
    one = Account.open(Database(), "default", seed="same")
    two = Account.open(Database(), "default", seed="same")
    other = Account.open(Database(), "default", seed="other")

    assert one.merchant == two.merchant
    assert [p.id for p in one.products()] == [p.id for p in two.products()]
    assert [p.id for p in one.products()] != [p.id for p in other.products()]


def test_workspaces_are_separate() -> None:
    database = Database()
    one = Account.open(database, "one", seed="s")
    two = Account.open(database, "two", seed="s")
    one.save_connection({"url": "http://127.0.0.1:9/ipn", "passphrase": "pw"})

    assert len(one.connections()) == 1
    assert two.connections() == []


def test_the_event_fans_out_to_every_connection_with_the_decision_recorded(endpoints) -> None:
    everything, only_other, only_refunds, no_follow_ups, inactive = (endpoints() for _ in range(5))

    async def scenario() -> None:
        async with rig() as sandbox:
            account = sandbox.account
            plan = sandbox.product("subscription")
            single = sandbox.product("single_payment")
            connections = {
                "everything": account.save_connection({"url": everything.url, "passphrase": "pw-everything"}),
                "only_other": account.save_connection(
                    {"url": only_other.url, "passphrase": "pw-other", "product_ids": [single]}
                ),
                "only_refunds": account.save_connection(
                    {"url": only_refunds.url, "passphrase": "pw-refunds", "transactions": ["refund"]}
                ),
                "no_follow_ups": account.save_connection(
                    {"url": no_follow_ups.url, "passphrase": "pw-first", "follow_ups": False}
                ),
                "inactive": account.save_connection({"url": inactive.url, "passphrase": "pw-off", "active": False}),
            }
            ids = {name: connection.id for name, connection in connections.items()}

            result = account.test_payment(plan, follow_ups=1)
            first_event, rebill_event = result["event_ids"]
            assert await sandbox.dispatcher.settled(result["event_ids"], 10)

            first = sandbox.deliveries(first_event)
            rebill = sandbox.deliveries(rebill_event)
            assert set(first) == set(rebill) == set(ids.values())
            expected_first = {
                "everything": (1, "matches", "delivered"),
                "only_other": (0, "product_not_selected", "skipped"),
                "only_refunds": (0, "event_not_selected", "skipped"),
                "no_follow_ups": (1, "matches", "delivered"),
                "inactive": (0, "connection_inactive", "skipped"),
            }
            for name, expected in expected_first.items():
                row = first[ids[name]]
                assert (row["send"], row["reason"], row["state"]) == expected, name
            assert first[ids["only_other"]]["params"] == {"product_id": plan}
            assert first[ids["only_refunds"]]["params"] == {"event": "payment"}
            assert rebill[ids["no_follow_ups"]]["reason"] == "follow_up_excluded"
            assert rebill[ids["no_follow_ups"]]["params"] == {"pay_sequence_no": "2"}
            assert rebill[ids["everything"]]["state"] == "delivered"
            skipped = [row for row in first.values() if not row["send"]]
            assert all(row["body"] == "" and row["url"] == "" for row in skipped)

            await until(lambda: len(everything.requests) == 2 and len(no_follow_ups.requests) == 1)
            await asyncio.sleep(0.1)
            assert only_other.requests == only_refunds.requests == inactive.requests == []
            for endpoint, connection in (
                (everything, connections["everything"]),
                (no_follow_ups, connections["no_follow_ups"]),
            ):
                for received in endpoint.requests:
                    message = form_of(received.body)
                    assert signing.verify(message, connection.passphrase)
                    assert not signing.verify(message, "pw-other")
                    assert message["ipn_config_id"] == connection.id
            sequence = [form_of(post.body)["pay_sequence_no"] for post in everything.requests]
            assert sequence == ["1", "2"]

    asyncio.run(scenario())


def test_a_plan_reaches_each_receiver_in_payment_order(endpoints) -> None:
    endpoint = endpoints()

    async def scenario() -> None:
        async with rig() as sandbox:
            sandbox.account.save_connection({"url": endpoint.url, "passphrase": "pw"})
            result = sandbox.account.test_payment(sandbox.product("installment"), follow_ups=2)
            await until(lambda: len(endpoint.requests) == 3)

            messages = [form_of(post.body) for post in endpoint.requests]
            assert [message["pay_sequence_no"] for message in messages] == ["1", "2", "3"]
            assert [message["transaction_id"] for message in messages] == [t["id"] for t in result["transactions"]]
            assert {message["order_id"] for message in messages} == {result["order_id"]}

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("kind", "arguments", "code"),
    [
        ("single_payment", {"follow_ups": 1}, "follow_ups_need_plan"),
        ("installment", {"follow_ups": 3}, "too_many_follow_ups"),
        ("subscription", {"follow_ups": 25}, "invalid_follow_ups"),
        ("subscription", {"follow_ups": -1}, "invalid_follow_ups"),
        ("subscription", {"follow_ups": True}, "invalid_follow_ups"),
        ("single_payment", {"buyer": {"shoe_size": "42"}}, "unknown_buyer_field"),
        ("single_payment", {"buyer": {"email": "nobody"}}, "invalid_email"),
        ("single_payment", {"tickets": 0}, "invalid_ticket_count"),
        ("single_payment", {"tickets": 11}, "invalid_ticket_count"),
    ],
)
def test_a_refused_payment_writes_nothing(kind: str, arguments: dict, code: str) -> None:
    async def scenario() -> None:
        async with rig() as sandbox:
            sandbox.account.save_connection({"url": "http://127.0.0.1:9/ipn", "passphrase": "pw"})
            before = sandbox.table_counts()

            with pytest.raises(InputError) as caught:
                sandbox.account.test_payment(sandbox.product(kind), **arguments)

            assert caught.value.code == code
            assert sandbox.table_counts() == before

    asyncio.run(scenario())


def test_an_unknown_product_or_order_is_not_found() -> None:
    account = Account.open(Database(), "default", seed="nf")

    with pytest.raises(NotFound) as caught:
        account.test_payment("999999")
    assert (caught.value.code, caught.value.status) == ("unknown_product", 404)
    with pytest.raises(NotFound):
        account.order_action("ZZZZZZZZ", "refund")
    with pytest.raises(NotFound):
        account.eticket_action("1" * 20, "use")


def test_a_refused_order_action_writes_nothing_and_wastes_no_transaction_id() -> None:
    account = Account.open(Database(), "default", seed="conflict")
    plan = next(p.id for p in account.products() if p.billing_type == "subscription")
    paid = account.test_payment(plan)
    account.order_action(paid["order_id"], "cancel")
    events_before = len(account.store.events(limit=500))

    with pytest.raises(Conflict) as caught:
        account.order_action(paid["order_id"], "rebill")
    assert caught.value.code == "plan_cancelled"
    with pytest.raises(InputError):
        account.order_action(paid["order_id"], "teleport")

    assert len(account.store.events(limit=500)) == events_before
    assert account.order(paid["order_id"]).rebilling_stopped
    resumed = account.order_action(paid["order_id"], "resume")
    assert int(resumed["transaction"]["id"]) == int(paid["transactions"][0]["id"]) + 2


def test_order_ids_are_found_in_any_case_and_actions_keep_them() -> None:
    account = Account.open(Database(), "default", seed="case")
    plan = next(p.id for p in account.products() if p.billing_type == "subscription")
    paid = account.test_payment(plan, buyer={"first_name": "Björn", "email": "bjorn@example.com"})

    result = account.order_action(paid["order_id"].lower(), "rebill")

    assert result["transaction"]["order_id"] == paid["order_id"]
    assert result["order"]["buyer"]["first_name"] == "Björn"
    assert account.store.event(result["event_ids"][0])["fields"]["email"] == "bjorn@example.com"


def test_an_upsell_defaults_to_another_single_payment_product() -> None:
    account = Account.open(Database(), "default", seed="upsell")
    single = [p for p in account.products() if p.billing_type == "single_payment" and not p.etickets]
    plan = next(p.id for p in account.products() if p.billing_type == "subscription")
    paid = account.test_payment(plan)

    result = account.order_action(paid["order_id"], "upsell")

    fields = account.store.event(result["event_ids"][0])["fields"]
    assert fields["upsell_no"] == "1"
    assert fields["product_id"] in {p.id for p in single}
    assert fields["order_id"] == paid["order_id"]


def test_etickets_are_created_with_the_purchase_and_incomplete_ones_can_be_held_back(endpoints) -> None:
    all_tickets, complete_only = endpoints(), endpoints()

    async def scenario() -> None:
        async with rig() as sandbox:
            account = sandbox.account
            account.save_connection({"url": all_tickets.url, "passphrase": "pw", "categories": ["etickets"]})
            strict = account.save_connection(
                {"url": complete_only.url, "passphrase": "pw", "categories": ["etickets"], "incomplete_etickets": False}
            )
            result = account.test_payment(sandbox.product("single_payment", etickets=True), tickets=2, incomplete=True)

            assert len(result["eticket_ids"]) == 2
            assert all(re.fullmatch(r"\d{20}", ticket) for ticket in result["eticket_ids"])
            payment_event, *ticket_events = result["event_ids"]
            assert len(ticket_events) == 2
            for event_id in ticket_events:
                fields = account.store.event(event_id)["fields"]
                assert (fields["event"], fields["action"], fields["email"]) == ("eticket", "create", "")
                assert fields["order_id"] == result["order_id"]
                assert sandbox.deliveries(event_id)[strict.id]["reason"] == "eticket_incomplete"
            assert sandbox.deliveries(payment_event)[strict.id]["reason"] == "category_not_selected"

            completed = account.eticket_action(
                result["eticket_ids"][0],
                "update",
                {"holder_first_name": "Maëlle", "holder_last_name": "Schäfer", "holder_email": "m@example.com"},
            )
            assert sandbox.deliveries(completed["event_ids"][0])[strict.id]["send"] == 1
            used = account.eticket_action(result["eticket_ids"][0], "use")
            assert used["eticket"]["state"] == "used"
            with pytest.raises(Conflict):
                account.eticket_action(result["eticket_ids"][0], "use")

            await until(lambda: len(all_tickets.requests) == 4 and len(complete_only.requests) == 2)
            actions = [form_of(post.body)["action"] for post in complete_only.requests]
            assert actions == ["update", "use"]

    asyncio.run(scenario())


def test_approving_an_affiliate_sends_on_affiliation() -> None:
    account = Account.open(Database(), "default", seed="aff")
    product = account.products()[0]

    result = account.approve_affiliate(product.id, "lucie_promo")

    fields = account.store.event(result["event_ids"][0])["fields"]
    assert (fields["event"], fields["affiliate_name"], fields["product_id"]) == (
        "on_affiliation",
        "lucie_promo",
        product.id,
    )
    assert fields["product_name"] == product.name
    with pytest.raises(InputError) as caught:
        account.approve_affiliate(product.id, "lucie promo!")
    assert caught.value.code == "invalid_affiliate_name"
    generated = account.approve_affiliate(product.id)
    assert generated["affiliate"]["name"] != "lucie_promo"


def test_the_connection_test_goes_to_that_connection_only_without_api_key_id(endpoints) -> None:
    tested, other = endpoints(), endpoints()

    async def scenario() -> None:
        async with rig() as sandbox:
            target = sandbox.account.save_connection({"url": tested.url, "passphrase": "pw", "active": False})
            sandbox.account.save_connection({"url": other.url, "passphrase": "pw"})

            event_id = sandbox.account.test_connection(target.id)
            assert await sandbox.dispatcher.settled([event_id], 10)

            assert list(sandbox.deliveries(event_id)) == [target.id]
            (received,) = tested.requests
            message = form_of(received.body)
            assert message["event"] == "connection_test"
            assert "ipn_config_api_key_id" not in message
            assert message["ipn_config_id"] == target.id
            assert signing.verify(message, "pw")
            await asyncio.sleep(0.1)
            assert other.requests == []

    asyncio.run(scenario())
