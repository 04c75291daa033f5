"""The JSON shapes the API returns, built from stored rows and translated texts."""

from __future__ import annotations

from typing import Any

from sandbox import i18n
from sandbox.ipn import form
from sandbox.services.account import Account
from sandbox.storage.store import ZapierStore


def decision_text(reason: str, params: dict[str, str]) -> dict[str, str]:
    return i18n.both(f"decision.{reason}", **params)


def delivery_view(
    delivery: dict[str, Any],
    attempts: list[dict[str, Any]],
    names: dict[str, str],
    runs: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body = form.decode(delivery["body"].encode("ascii")) if delivery["body"] else {}
    return {
        "id": delivery["id"],
        "connection_id": delivery["connection_id"],
        "connection_name": names.get(delivery["connection_id"], ""),
        "send": bool(delivery["send"]),
        "reason": delivery["reason"],
        "params": delivery["params"],
        "explanation": decision_text(delivery["reason"], delivery["params"]),
        "state": delivery["state"],
        "url": delivery["url"],
        "attempt_count": delivery["attempts"],
        "next_attempt_at": delivery["next_attempt_at"],
        "body": body,
        "sha_sign": body.get("sha_sign", ""),
        "attempts": [
            {key: attempt[key] for key in ("at", "ok", "status", "latency_ms", "reply", "error", "detail", "manual")}
            for attempt in attempts
        ],
        "zap_runs": runs or [],
    }


def events_view(account: Account, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events with their per-connection decisions, deliveries and attempts."""
    store = account.store
    deliveries = store.deliveries_of([row["id"] for row in rows])
    attempts = store.attempts_of([delivery["id"] for delivery in deliveries])
    by_delivery: dict[int, list[dict[str, Any]]] = {}
    for attempt in attempts:
        by_delivery.setdefault(attempt["delivery_id"], []).append(attempt)
    names = {connection.id: connection.name for connection in account.connections()}
    runs = ZapierStore(store.db, store.workspace).runs_of_deliveries([delivery["id"] for delivery in deliveries])
    by_event: dict[int, list[dict[str, Any]]] = {}
    for delivery in deliveries:
        by_event.setdefault(delivery["event_id"], []).append(
            delivery_view(delivery, by_delivery.get(delivery["id"], []), names, runs.get(delivery["id"]))
        )
    return [
        {
            "id": row["id"],
            "event": row["name"],
            "created_at": row["created_at"],
            "source": row["source"],
            "order_id": row["order_id"],
            "fields": row["fields"],
            "deliveries": by_event.get(row["id"], []),
        }
        for row in rows
    ]


def product_view(product: Any, language: str) -> dict[str, Any]:
    data = product.to_dict()
    data["price_text"] = i18n.format_amount(product.price, product.currency, language)
    return data
