"""``listen``, ``replay``, ``receiver``, ``export`` and ``inbound``: the developer workbench
from a terminal, over the HTTP API like every other command."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import httpx

from sandbox import i18n
from sandbox.cli.client import Api, CommandError
from sandbox.cli.output import show
from sandbox.ipn import events

LISTEN_NAME = "ds24-sandbox listen"
RECONNECT_SECONDS = 2.0
MODES = ("normal", "error", "no_ok", "slow", "hang")


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def first_line(text: str, limit: int = 120) -> str:
    return text.splitlines()[0][:limit] if text else ""


# --- listen --------------------------------------------------------------------------------------


def listen_settings(names: list[str], language: str) -> tuple[list[str], list[str]]:
    """Categories and transactions for ``--event`` names (none: every order transaction,
    e-tickets and affiliations). Accepts transaction names (``refund``), event names
    (``on_refund``, ``eticket``, ``on_affiliation``) and categories (``orders``, …)."""
    if not names:
        return ["orders", "affiliations", "etickets"], list(events.transactions())
    categories: list[str] = []
    transactions: list[str] = []
    for name in names:
        if name in ("orders", "all"):
            categories.append("orders")
            transactions.extend(events.transactions())
        elif name in ("affiliations", "etickets"):
            categories.append(name)
        elif name in events.transactions():
            categories.append("orders")
            transactions.append(name)
        elif events.is_known(name) and events.event(name).category != "system":
            event = events.event(name)
            categories.append(event.category)
            if event.transaction:
                transactions.append(event.transaction)
        else:
            allowed = [
                *events.transactions(),
                *(event.name for event in events.events() if event.category != "system"),
                "orders",
                "affiliations",
                "etickets",
            ]
            raise CommandError(
                i18n.t("workbench.cli.unknown_listen_event", language, value=name, allowed=", ".join(allowed)), 2
            )
    return list(dict.fromkeys(categories)), list(dict.fromkeys(transactions))


def listen_connection(args: argparse.Namespace, api: Api) -> tuple[dict[str, Any], bool]:
    """Reuse the connection that already posts to the URL (updating its events), or create one."""
    categories, transactions = listen_settings(args.event, api.language)
    settings: dict[str, Any] = {
        "product_ids": [],
        "categories": categories,
        "transactions": transactions,
        "eticket_actions": [],
        "active": True,
    }
    if args.passphrase:
        settings["passphrase"] = args.passphrase
    existing = next(
        (
            item
            for item in api.get("/api/connections")["connections"]
            if item["url"] == args.forward_to and item.get("kind", "generic") == "generic"
        ),
        None,
    )
    if existing is not None:
        return api.call("PATCH", f"/api/connections/{existing['id']}", settings), True
    if not args.passphrase:
        raise CommandError(i18n.t("workbench.cli.passphrase_needed", api.language, url=args.forward_to), 2)
    created = api.post("/api/connections", {"url": args.forward_to, "name": LISTEN_NAME, **settings})
    return created, False


def sse(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(kind, data) of each Server-Sent Event; ``("ready", "")`` when the server's ``retry:`` arrives."""
    kind, data = "message", list[str]()
    for line in lines:
        if line == "":
            if data:
                yield kind, "\n".join(data)
            kind, data = "message", list[str]()
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            kind = value
        elif name == "data":
            data.append(value)
        elif name == "retry":
            yield "ready", ""


class Follower:
    """Prints one line per delivery attempt to one connection, as the stream reports them."""

    def __init__(self, api: Api, connection_id: str, as_json: bool) -> None:
        self.api = api
        self.connection_id = connection_id
        self.as_json = as_json
        self.names: dict[int, str] = {}

    def event_name(self, event_id: int) -> str:
        if event_id not in self.names:
            try:
                self.names[event_id] = self.api.get(f"/api/events/{event_id}")["event"]
            except CommandError:
                self.names[event_id] = "?"
        return self.names[event_id]

    def line(self, attempt: dict[str, Any]) -> str:
        event = self.event_name(int(attempt["event_id"]))
        reply = first_line(attempt.get("reply") or "")
        if self.as_json:
            return json.dumps(
                {
                    "time": datetime.now().astimezone().isoformat(timespec="milliseconds"),
                    "delivery_id": attempt["delivery_id"],
                    "event_id": attempt["event_id"],
                    "event": event,
                    "connection_id": attempt["connection_id"],
                    "attempt": attempt["attempt"],
                    "ok": attempt["ok"],
                    "state": attempt["state"],
                    "status": attempt["status"],
                    "latency_ms": round(float(attempt["latency_ms"]), 1),
                    "reply": reply,
                    "error": attempt["error"],
                    "detail": attempt.get("detail", ""),
                },
                ensure_ascii=False,
            )
        if not reply and attempt["error"]:
            reply = f"[{attempt['error']}] {attempt.get('detail', '')}".strip()
        status = f"HTTP {attempt['status']}" if attempt["status"] is not None else "—"
        return i18n.t(
            "workbench.cli.listen_line",
            self.api.language,
            time=datetime.now().strftime("%H:%M:%S"),
            delivery_id=attempt["delivery_id"],
            event=event,
            status=status,
            latency=f"{float(attempt['latency_ms']):.0f}",
            reply=reply,
        )

    def handle(self, kind: str, data: str) -> None:
        if kind == "event":
            item = json.loads(data)
            self.names[int(item["id"])] = item["event"]
        elif kind == "attempt":
            item = json.loads(data)
            if str(item.get("connection_id")) == self.connection_id:
                print(self.line(item), flush=True)

    def run(self, on_ready: Any) -> None:
        """Follow the stream until interrupted, reconnecting when the server goes away."""
        ready = False
        while True:
            try:
                with self.api.http.stream("GET", "/api/stream", timeout=httpx.Timeout(10.0, read=None)) as response:
                    if response.status_code != 200:
                        raise CommandError(f"{response.status_code}: /api/stream", 1)
                    for kind, data in sse(response.iter_lines()):
                        if kind == "ready":
                            if not ready:
                                on_ready()
                            ready = True
                        else:
                            self.handle(kind, data)
            except httpx.TransportError:
                if not ready:
                    raise CommandError(
                        i18n.t("error.no_server", self.api.language, server=self.api.server), 3
                    ) from None
            _err(i18n.t("workbench.cli.listen_lost", self.api.language))
            time.sleep(RECONNECT_SECONDS)


def cmd_listen(args: argparse.Namespace, api: Api) -> None:
    connection, reused = listen_connection(args, api)
    events_text = ", ".join([*connection["transactions"], *(c for c in connection["categories"] if c != "orders")])

    def ready() -> None:
        key = "workbench.cli.listen_reused" if reused else "workbench.cli.listen_created"
        _err(i18n.t(key, api.language, connection_id=connection["id"], url=connection["url"]))
        _err(
            i18n.t(
                "workbench.cli.listen_ready",
                api.language,
                url=connection["url"],
                connection_id=connection["id"],
                passphrase=connection["passphrase"],  # masked by the API
                events=events_text,
            )
        )

    try:
        Follower(api, str(connection["id"]), args.json).run(ready)
    except KeyboardInterrupt:
        _err(i18n.t("workbench.cli.listen_stopped", api.language, connection_id=connection["id"]))


# --- replay --------------------------------------------------------------------------------------


def _pairs(values: list[str], language: str) -> dict[str, str]:
    changes: dict[str, str] = {}
    for value in values:
        name, sep, new = value.partition("=")
        if not sep or not name:
            raise CommandError(i18n.t("workbench.cli.bad_set", language, value=value), 2)
        changes[name] = new
    return changes


def attempt_text(language: str, attempt: dict[str, Any]) -> str:
    reply = first_line(attempt.get("reply") or "") or attempt.get("error") or ""
    status = f"HTTP {attempt['status']}" if attempt.get("status") is not None else "—"
    return i18n.t(
        "workbench.cli.attempt", language, status=status, latency=f"{float(attempt['latency_ms']):.0f}", reply=reply
    )


def cmd_replay(args: argparse.Namespace, api: Api) -> None:
    body = {
        "connection_id": args.to,
        "changes": _pairs(args.set, api.language),
        "remove": args.remove,
        "resign": not args.keep_signature,
    }
    data = api.post(f"/api/events/{args.event_id}/replay", body)

    def human() -> None:
        language = api.language
        signature = i18n.t(
            "workbench.cli.resigned" if data["signature"]["resigned"] else "workbench.cli.kept", language
        )
        print(
            i18n.t(
                "workbench.cli.replayed",
                language,
                event_id=data["event_id"],
                event=data["event"],
                connection_id=data["connection"]["id"],
                delivery_id=data["delivery_id"],
                signature=signature,
                result=attempt_text(language, data["attempt"]),
                state=data["state"],
            )
        )
        diff = data["diff"]
        for item in diff["changed"]:
            print(i18n.t("workbench.cli.diff_changed", language, **item))
        for item in diff["added"]:
            print(i18n.t("workbench.cli.diff_added", language, **item))
        for item in diff["removed"]:
            print(i18n.t("workbench.cli.diff_removed", language, **item))
        if not any(diff.values()):
            print(i18n.t("workbench.cli.diff_none", language))

    show(args, data, human)


# --- receiver behaviour, export, inbound ----------------------------------------------------------


def cmd_receiver(args: argparse.Namespace, api: Api) -> None:
    body: dict[str, Any] = {"mode": args.mode}
    if args.status is not None:
        body["status"] = args.status
    if args.delay_ms is not None:
        body["delay_ms"] = args.delay_ms
    data = api.call("PUT", f"/api/receivers/{args.connection_id}/behaviour", body)

    def human() -> None:
        print(
            i18n.t(
                "workbench.cli.behaviour",
                api.language,
                connection_id=data["connection_id"],
                mode=data["mode"],
                explanation=data["explanation"][api.language],
            )
        )
        if data["note"]:
            print(data["note"][api.language])

    show(args, data, human)


def _text(api: Api, path: str, params: dict[str, str]) -> str:
    """A text answer of the API (the JSON client reads JSON only)."""
    try:
        response = api.http.get(path, params=params)
    except httpx.TransportError:
        raise CommandError(i18n.t("error.no_server", api.language, server=api.server), 3) from None
    if response.status_code >= 400:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = f"{response.status_code}: {response.text[:200]}"
        raise CommandError(message, 2 if response.status_code < 500 else 1)
    return response.text


def cmd_export(args: argparse.Namespace, api: Api) -> None:
    params = {"format": args.format}
    if args.connection:
        params["connection_id"] = args.connection
    text = _text(api, f"/api/events/{args.event_id}/export", params)
    if args.format == "json":
        print(json.dumps(json.loads(text), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_inbound(args: argparse.Namespace, api: Api) -> None:
    language = api.language
    if args.inbound_id and args.run:
        data = api.post(f"/api/inbound/{args.inbound_id}/run")
        show(
            args,
            data,
            lambda: print(
                i18n.t(
                    "workbench.cli.ran",
                    language,
                    inbound_id=data["inbound_id"],
                    status=data["status"],
                    reply=first_line(data["reply"]),
                    runs=len(data["reception"]["runs"]),
                )
            ),
        )
        return
    if args.inbound_id:
        record = api.get(f"/api/inbound/{args.inbound_id}")

        def one() -> None:
            print(_inbound_line(language, record))
            print(record["explanation"][language])
            print(record["body"])

        show(args, record, one)
        return
    data = api.get(f"/api/inbound?limit={args.limit}")

    def many() -> None:
        if not data["inbound"]:
            print(i18n.t("workbench.cli.inbound_none", language))
        for item in reversed(data["inbound"]):
            print(_inbound_line(language, item))
            print(f"    {item['explanation'][language]}")

    show(args, data, many)


def _inbound_line(language: str, item: dict[str, Any]) -> str:
    return i18n.t(
        "workbench.cli.inbound_line",
        language,
        id=item["id"],
        received_at=item["received_at"][:19].replace("T", " "),
        connection_id=item["connection_id"],
        event=item["event"] or "-",
        verdict=item["verdict"],
        status=item["status"] if item["status"] is not None else "—",
    )


def _json_flag(parser: argparse.ArgumentParser) -> None:
    # ``--json`` after the command too; SUPPRESS keeps ``ds24-sandbox --json COMMAND`` working.
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON for scripts")


def add_commands(commands: Any) -> None:
    listen = commands.add_parser(
        "listen", help="forward events to a URL and print every delivery attempt (like stripe listen)"
    )
    listen.add_argument("--forward-to", required=True, metavar="URL", help="your IPN endpoint")
    listen.add_argument(
        "--event",
        action="append",
        default=[],
        metavar="NAME",
        help="payment, refund, … or on_payment, eticket, on_affiliation (default: all of them)",
    )
    listen.add_argument("--passphrase", help="needed to create the connection; reused connections keep theirs")
    _json_flag(listen)
    listen.set_defaults(handler=cmd_listen)

    replay = commands.add_parser("replay", help="send a recorded event again to a connection, as it was or edited")
    replay.add_argument("event_id")
    replay.add_argument("--to", required=True, metavar="CONNECTION_ID")
    replay.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="change or add a field")
    replay.add_argument("--remove", action="append", default=[], metavar="NAME", help="remove a field")
    replay.add_argument(
        "--keep-signature", action="store_true", help="do not re-sign: test that the receiver refuses the copy"
    )
    _json_flag(replay)
    replay.set_defaults(handler=cmd_replay)

    receiver = commands.add_parser("receiver", help="force how a built-in receiver answers (Zapier hook, /ipn/ID)")
    receiver.add_argument("connection_id")
    receiver.add_argument("mode", choices=MODES)
    receiver.add_argument("--status", type=int, metavar="CODE", help="HTTP status for mode error (default 500)")
    receiver.add_argument("--delay-ms", type=int, metavar="MS", help="wait for slow / hang")
    _json_flag(receiver)
    receiver.set_defaults(handler=cmd_receiver)

    export = commands.add_parser("export", help="an event as JSON, as its exact signed form body, or as curl")
    export.add_argument("event_id")
    export.add_argument("--format", choices=("json", "form", "curl"), default="json")
    export.add_argument("--connection", metavar="ID", help="the connection whose body to show")
    _json_flag(export)
    export.set_defaults(handler=cmd_export)

    inbound = commands.add_parser("inbound", help="what the inspector at /ipn/CONNECTION_ID received")
    inbound.add_argument("inbound_id", nargs="?")
    inbound.add_argument("--limit", type=int, default=20)
    inbound.add_argument("--run", action="store_true", help="run this valid request through the Zapier side")
    _json_flag(inbound)
    inbound.set_defaults(handler=cmd_inbound)
