"""How commands print: JSON for scripts, translated lines for people."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from sandbox import i18n


def yes_no(text: str) -> bool:
    if text.lower() in ("yes", "y", "oui", "true", "1"):
        return True
    if text.lower() in ("no", "n", "non", "false", "0"):
        return False
    raise argparse.ArgumentTypeError("yes | no")


def show(args: argparse.Namespace, data: Any, human: Callable[[], None]) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        human()


def print_deliveries(lang: str, events: list[dict[str, Any]]) -> None:
    for event in events:
        for delivery in event["deliveries"]:
            attempts = delivery["attempts"]
            if not delivery["send"]:
                detail = " — " + delivery["explanation"][lang]
            elif attempts:
                last = attempts[-1]
                error = f", {last['error']}" if last["error"] else ""
                detail = f" (HTTP {last['status'] or '-'}, {last['latency_ms']:.0f} ms{error})"
            else:
                detail = ""
            print(
                i18n.t(
                    "cli.delivery",
                    lang,
                    connection=delivery["connection_name"] or delivery["connection_id"],
                    state=i18n.t(f"state.{delivery['state']}", lang),
                    detail=detail,
                )
            )


def print_transaction(lang: str, item: dict[str, Any], currency: str) -> None:
    print(
        i18n.t(
            "cli.transaction",
            lang,
            id=item["id"],
            event=item["event"],
            sequence=item["pay_sequence_no"],
            amount=i18n.format_amount(item["amount"], currency, lang),
        )
    )
