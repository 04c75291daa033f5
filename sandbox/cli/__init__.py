"""``ds24-sandbox``: run the sandbox and drive it from a terminal.

Every command but ``serve``, ``sign`` and ``verify`` talks to a running server over its
HTTP API; ``--json`` prints the API's answer for scripts.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from sandbox import i18n
from sandbox.cli import offline, translations, workbench, zapier
from sandbox.cli.client import Api, CommandError
from sandbox.cli.output import print_deliveries, print_transaction, show, yes_no

DEFAULT_SERVER = "http://127.0.0.1:8024"


def cmd_products(args: argparse.Namespace, api: Api) -> None:
    data = api.get("/api/products")
    products = [
        {key: product[key] for key in ("id", "name", "billing_type", "price", "currency", "etickets", "installments")}
        for product in data["products"]
    ]

    def human() -> None:
        for product in products:
            price = i18n.format_amount(product["price"], product["currency"], api.language)
            tickets = i18n.t("cli.product_tickets", api.language) if product["etickets"] else ""
            print(
                i18n.t(
                    "cli.product",
                    api.language,
                    id=product["id"],
                    billing_type=product["billing_type"],
                    price=price,
                    name=product["name"],
                    tickets=tickets,
                )
            )

    show(args, {"products": products}, human)


def cmd_connect(args: argparse.Namespace, api: Api) -> None:
    body: dict[str, Any] = {
        "url": args.url,
        "passphrase": args.passphrase,
        "name": args.name or args.url,
        "product_ids": args.product,
        "follow_ups": args.follow_ups,
        "incomplete_etickets": args.incomplete_etickets,
    }
    if args.event:
        body["transactions"] = args.event
    data = api.post("/api/connections", body)
    show(args, data, lambda: print(i18n.t("cli.connected", api.language, **data)))


def cmd_connections(args: argparse.Namespace, api: Api) -> None:
    data = api.get("/api/connections")

    def human() -> None:
        for item in data["connections"]:
            print(i18n.t("cli.connected", api.language, **item))

    show(args, data, human)


def cmd_test_connection(args: argparse.Namespace, api: Api) -> None:
    data = api.post(f"/api/connections/{args.connection_id}/test")
    show(args, data, lambda: print_deliveries(api.language, data["events"]))


def cmd_pay(args: argparse.Namespace, api: Api) -> None:
    body: dict[str, Any] = {
        "product_id": args.product_id,
        "follow_ups": args.follow_ups,
        "incomplete": args.incomplete,
        "tickets": args.tickets,
    }
    buyer = {name: getattr(args, f"buyer_{name}") for name in ("first_name", "last_name", "email")}
    body["buyer"] = {key: value for key, value in buyer.items() if value}
    data = api.post("/api/test-payments", body)

    def human() -> None:
        print(i18n.t("cli.order_created", api.language, order_id=data["order_id"], count=len(data["transactions"])))
        for item in data["transactions"]:
            product = next(
                (event for event in data["events"] if event["fields"].get("transaction_id") == item["id"]),
                None,
            )
            print_transaction(api.language, item, product["fields"]["currency"] if product else "EUR")
        for ticket in data["eticket_ids"]:
            print(i18n.t("cli.eticket", api.language, id=ticket))
        print_deliveries(api.language, data["events"])

    show(args, data, human)


def cmd_order(args: argparse.Namespace, api: Api) -> None:
    body = {"product_id": args.product} if args.product else {}
    data = api.post(f"/api/orders/{args.order_id}/{args.action}", body)

    def human() -> None:
        item = data["transaction"]
        currency = data["events"][0]["fields"].get("currency", "EUR") if data["events"] else "EUR"
        print_transaction(api.language, item, currency)
        print_deliveries(api.language, data["events"])

    show(args, data, human)


def cmd_affiliate(args: argparse.Namespace, api: Api) -> None:
    data = api.post("/api/affiliates", {"product_id": args.product_id, "name": args.name})

    def human() -> None:
        print(i18n.t("cli.affiliate", api.language, **data["affiliate"]))
        print_deliveries(api.language, data["events"])

    show(args, data, human)


def cmd_eticket(args: argparse.Namespace, api: Api) -> None:
    body = {}
    if args.action == "update":
        body = {
            name: getattr(args, name)
            for name in ("holder_first_name", "holder_last_name", "holder_email")
            if getattr(args, name) is not None
        }
    data = api.post(f"/api/etickets/{args.eticket_id}/{args.action}", body)

    def human() -> None:
        ticket = data["eticket"]
        complete = all(ticket[name] for name in ("holder_first_name", "holder_last_name", "holder_email"))
        print(i18n.t("cli.eticket_changed", api.language, id=ticket["id"], state=ticket["state"], complete=complete))
        print_deliveries(api.language, data["events"])

    show(args, data, human)


def cmd_events(args: argparse.Namespace, api: Api) -> None:
    data = api.get(f"/api/events?limit={args.limit}")

    def human() -> None:
        if not data["events"]:
            print(i18n.t("cli.no_events", api.language))
        for event in reversed(data["events"]):
            fields = event["fields"]
            summary = " ".join(
                f"{name}={fields[name]}"
                for name in ("transaction_id", "pay_sequence_no", "action", "eticket_id", "affiliate_name")
                if fields.get(name)
            )
            print(
                i18n.t(
                    "cli.event_line",
                    api.language,
                    id=event["id"],
                    event=event["event"],
                    order_id=event["order_id"] or "-",
                    summary=summary,
                )
            )
            print_deliveries(api.language, [event])

    show(args, data, human)


def cmd_report(args: argparse.Namespace, api: Api) -> None:
    data = api.get(f"/api/connections/{args.connection_id}/report")

    def human() -> None:
        print(i18n.t("cli.connected", api.language, **data["connection"]))
        print(i18n.t("cli.report_counts", api.language, **data["counts"]))
        for row in data["deliveries"]:
            print(
                f"  #{row['id']} {row['event']:<20} {row['order_id']:<9} {row['state']:<10} "
                f"{row['attempt_count']}× {row['explanation'][api.language] if not row['send'] else ''}"
            )

    show(args, data, human)


def cmd_resend(args: argparse.Namespace, api: Api) -> None:
    data = api.post(f"/api/deliveries/{args.delivery_id}/resend")
    show(
        args,
        data,
        lambda: print(
            i18n.t(
                "cli.resent",
                api.language,
                delivery_id=data["delivery_id"],
                state="OK" if data["ok"] else data["error"],
                status=data["status"] or "-",
                latency=f"{data['latency_ms']:.0f}",
                reply=data["reply"].splitlines()[0][:60] if data["reply"] else "",
            )
        ),
    )


def cmd_serve(args: argparse.Namespace) -> None:
    # The server's dependencies load only when serving.
    from sandbox.services.limits import SHARED, UNLIMITED
    from sandbox.web.context import Config
    from sandbox.web.server import serve

    serve(
        Config(
            database=args.db,
            host=args.host,
            port=args.port,
            seed=args.seed,
            speed=args.speed,
            timeout=args.timeout,
            site_dir=args.site,
            per_reader=args.per_reader,
            idle_seconds=args.idle_minutes * 60,
            limits=SHARED if args.per_reader else UNLIMITED,
            allowed_hosts=tuple(args.allow_host),
        ),
        language=i18n.from_environment(),
    )


def build_parser() -> argparse.ArgumentParser:
    lang = i18n.from_environment()
    parser = argparse.ArgumentParser(prog="ds24-sandbox", description=i18n.t("cli.description", lang))
    parser.add_argument(
        "--server",
        default=os.environ.get("DS24_SANDBOX_URL", DEFAULT_SERVER),
        help="sandbox URL (default %(default)s)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the sandbox (and the built guide) on one origin")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8024)
    serve.add_argument(
        "--db",
        default=os.environ.get("DS24_SANDBOX_DB", "ds24-sandbox.sqlite3"),
        help="SQLite file (':memory:' for a throw-away run); env DS24_SANDBOX_DB",
    )
    serve.add_argument("--seed", default=os.environ.get("DS24_SANDBOX_SEED"), help="seed for fake data")
    serve.add_argument(
        "--speed",
        type=float,
        default=float(os.environ.get("DS24_SANDBOX_SPEED", "1")),
        help="divide retry delays by this factor (demo)",
    )
    serve.add_argument(
        "--site",
        default=os.environ.get("DS24_SANDBOX_SITE", "site"),
        help="folder of the built guide, served at / (default %(default)s)",
    )
    serve.add_argument("--timeout", type=float, default=10.0, help="seconds before an IPN post times out")
    serve.add_argument(
        "--per-reader", action="store_true", help="public instance: each browser gets its own workspace, with quotas"
    )
    serve.add_argument(
        "--idle-minutes",
        type=float,
        default=24 * 60,
        help="with --per-reader: delete workspaces idle this long (default one day)",
    )
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="when not bound to loopback: a host IPN may be sent to (*.example.com allowed)",
    )
    serve.set_defaults(handler=cmd_serve, offline=True)

    commands.add_parser("products", help="list products").set_defaults(handler=cmd_products)

    connect = commands.add_parser("connect", help="add an IPN connection to a URL")
    connect.add_argument("url")
    connect.add_argument("--passphrase", required=True)
    connect.add_argument("--name")
    connect.add_argument("--product", action="append", default=[], metavar="ID")
    connect.add_argument(
        "--event",
        action="append",
        default=[],
        metavar="NAME",
        help="payment, refund, chargeback, payment_missed, payment_denial, rebill_cancelled, "
        "rebill_resumed, last_paid_day",
    )
    connect.add_argument("--follow-ups", type=yes_no, default=True, metavar="yes|no")
    connect.add_argument("--incomplete-etickets", type=yes_no, default=True, metavar="yes|no")
    connect.set_defaults(handler=cmd_connect)

    commands.add_parser("connections", help="list IPN connections").set_defaults(handler=cmd_connections)
    test = commands.add_parser("test-connection", help='send "connection_test" to one connection')
    test.add_argument("connection_id")
    test.set_defaults(handler=cmd_test_connection)
    report = commands.add_parser("report", help="the IPN report of one connection")
    report.add_argument("connection_id")
    report.set_defaults(handler=cmd_report)

    pay = commands.add_parser("pay", help="make a test payment")
    pay.add_argument("product_id")
    pay.add_argument("--follow-ups", type=int, default=0, metavar="N")
    pay.add_argument("--incomplete", action="store_true", help="e-tickets without the holder's data")
    pay.add_argument("--tickets", type=int, default=1, metavar="N")
    for name in ("first-name", "last-name", "email"):
        pay.add_argument(f"--buyer-{name}")
    pay.set_defaults(handler=cmd_pay)

    order = commands.add_parser("order", help="act on an order")
    order.add_argument("order_id")
    order.add_argument(
        "action",
        choices=["rebill", "miss", "deny", "refund", "chargeback", "cancel", "resume", "end", "upsell"],
    )
    order.add_argument("--product", metavar="ID", help="the upsell product")
    order.set_defaults(handler=cmd_order)

    affiliate = commands.add_parser("affiliate", help="affiliates")
    affiliate_actions = affiliate.add_subparsers(dest="affiliate_action", required=True)
    approve = affiliate_actions.add_parser("approve", help="approve an affiliate for a product")
    approve.add_argument("product_id")
    approve.add_argument("--name")
    approve.set_defaults(handler=cmd_affiliate)

    eticket = commands.add_parser("eticket", help="act on an e-ticket")
    eticket.add_argument("action", choices=["update", "use", "cancel_use", "revoke", "cancel_revoke"])
    eticket.add_argument("eticket_id")
    for name in ("first-name", "last-name", "email"):
        eticket.add_argument(f"--holder-{name}")
    eticket.set_defaults(handler=cmd_eticket)

    events = commands.add_parser("events", help="recent events with their deliveries")
    events.add_argument("--limit", type=int, default=20)
    events.set_defaults(handler=cmd_events)

    resend = commands.add_parser("resend", help="send a delivery again now")
    resend.add_argument("delivery_id")
    resend.set_defaults(handler=cmd_resend)

    offline.add_commands(commands)
    zapier.add_commands(commands)
    workbench.add_commands(commands)
    translations.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "offline", False):
            args.handler(args)
        else:
            args.handler(args, Api(args.server, i18n.from_environment()))
    except CommandError as error:
        if str(error):
            print(error, file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        return 130
    return 0
