"""``zapier``, ``zap`` and ``scenario`` commands: the Zapier side from a terminal."""

from __future__ import annotations

import argparse
from typing import Any

from sandbox import i18n
from sandbox.cli.client import Api
from sandbox.cli.output import print_deliveries, show, yes_no


def _run_line(language: str, run: dict[str, Any]) -> str:
    reason = (run.get("reason") or {}).get("text", {}).get(language, "")
    return i18n.t(
        "cli.zap_run",
        language,
        zap=run["zap_name"],
        status=i18n.t(f"zapier.status.{run['status']}", language),
        reason=f" — {reason}" if reason else "",
    )


def cmd_connect(args: argparse.Namespace, api: Api) -> None:
    data = api.post("/api/zapier/connect")
    show(args, data, lambda: print(i18n.t("cli.zapier_connected", api.language, **data["connection"])))


def cmd_zap_create(args: argparse.Namespace, api: Api) -> None:
    options: dict[str, Any] = {}
    if args.event:
        options["eticket_events" if args.trigger == "eticket" else "events"] = args.event
    if args.follow_ups is not None:
        options["follow_ups"] = args.follow_ups
    if args.incomplete is not None:
        options["incomplete"] = args.incomplete
    body = {"trigger": args.trigger, "product_ids": args.product, "options": options, "action": {"kind": args.action}}
    if args.name:
        body["name"] = args.name
    data = api.post("/api/zaps", body)
    if args.on:
        api.post("/api/zapier/connect")
        data = api.post(f"/api/zaps/{data['id']}/on")
    show(args, data, lambda: print(i18n.t("cli.zap_line", api.language, **_zap_fields(data))))


def _zap_fields(zap: dict[str, Any]) -> dict[str, str]:
    return {
        "id": zap["id"],
        "name": zap["name"],
        "trigger": zap["trigger"],
        "state": zap["state"],
        "products": ", ".join(zap["product_ids"]) or "-",
        "action": zap["action"]["kind"],
    }


def cmd_zap_list(args: argparse.Namespace, api: Api) -> None:
    data = api.get("/api/zaps")

    def human() -> None:
        for zap in data["zaps"]:
            print(i18n.t("cli.zap_line", api.language, **_zap_fields(zap)))

    show(args, data, human)


def cmd_zap_switch(args: argparse.Namespace, api: Api) -> None:
    data = api.post(f"/api/zaps/{args.zap_id}/{args.switch}")
    show(args, data, lambda: print(i18n.t("cli.zap_line", api.language, **_zap_fields(data))))


def cmd_zap_test(args: argparse.Namespace, api: Api) -> None:
    data = api.post(f"/api/zaps/{args.zap_id}/test")

    def human() -> None:
        print(data["message"]["text"][api.language])
        for sample in data["samples"]:
            output = sample["output"]
            print(f"  {sample['record_id']}  {output.get('order_id', '')} {output.get('email', '')}")

    show(args, data, human)


def cmd_zap_runs(args: argparse.Namespace, api: Api) -> None:
    data = api.get(f"/api/zaps/{args.zap_id}/runs")

    def human() -> None:
        for run in data["runs"]:
            print(_run_line(api.language, run))

    show(args, data, human)


def cmd_scenario_list(args: argparse.Namespace, api: Api) -> None:
    data = api.get("/api/scenarios")

    def human() -> None:
        for item in data["scenarios"]:
            print(f"{item['id']:<24} {item['title'][api.language]}")

    show(args, data, human)


def cmd_scenario_run(args: argparse.Namespace, api: Api) -> None:
    data = api.post(f"/api/scenarios/{args.scenario_id}/run", {"with_zap": args.with_zap})

    def human() -> None:
        print(data["scenario"]["title"][api.language])
        for event in data["events"]:
            fields = event["fields"]
            print(f"#{event['id']} {event['event']} {fields.get('action') or fields.get('pay_sequence_no', '')}")
            print_deliveries(api.language, [event])
            for delivery in event["deliveries"]:
                for run in delivery["zap_runs"]:
                    print("      " + _run_line(api.language, run))

    show(args, data, human)


def add_commands(commands: Any) -> None:
    zapier = commands.add_parser("zapier", help="the Zapier account")
    zapier_actions = zapier.add_subparsers(dest="zapier_action", required=True)
    zapier_actions.add_parser("connect", help="connect Digistore24 to Zapier").set_defaults(handler=cmd_connect)

    zap = commands.add_parser("zap", help="Zaps: create, list, on, off, test, runs")
    zap_actions = zap.add_subparsers(dest="zap_action", required=True)
    create = zap_actions.add_parser("create", help="create a Zap")
    create.add_argument("--trigger", required=True, choices=["order", "eticket", "affiliate"])
    create.add_argument("--product", action="append", default=[], metavar="ID")
    create.add_argument(
        "--event",
        action="append",
        default=[],
        metavar="NAME",
        help="order: payment, refund, …; e-ticket: created, used, updated, …",
    )
    create.add_argument("--follow-ups", type=yes_no, metavar="yes|no")
    create.add_argument("--incomplete", type=yes_no, metavar="yes|no")
    create.add_argument("--action", choices=["sheets", "gmail"], default="sheets")
    create.add_argument("--name")
    create.add_argument("--on", action="store_true", help="connect if needed and turn the Zap on")
    create.set_defaults(handler=cmd_zap_create)
    zap_actions.add_parser("list", help="list Zaps").set_defaults(handler=cmd_zap_list)
    for switch in ("on", "off"):
        command = zap_actions.add_parser(switch, help=f"turn a Zap {switch}")
        command.add_argument("zap_id")
        command.set_defaults(handler=cmd_zap_switch, switch=switch)
    test = zap_actions.add_parser("test", help="test the trigger: recent matching records")
    test.add_argument("zap_id")
    test.set_defaults(handler=cmd_zap_test)
    runs = zap_actions.add_parser("runs", help="the Zap's history")
    runs.add_argument("zap_id")
    runs.set_defaults(handler=cmd_zap_runs)

    scenario = commands.add_parser("scenario", help="one-click scenarios")
    scenario_actions = scenario.add_subparsers(dest="scenario_action", required=True)
    scenario_actions.add_parser("list", help="list scenarios").set_defaults(handler=cmd_scenario_list)
    play = scenario_actions.add_parser("run", help="play a scenario and show its timeline")
    play.add_argument("scenario_id")
    play.add_argument("--with-zap", action="store_true", help="first create and turn on the suggested Zap")
    play.set_defaults(handler=cmd_scenario_run)
