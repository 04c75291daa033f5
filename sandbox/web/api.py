"""The JSON API used by the guide's panels and the CLI."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from sandbox.digistore24 import orders
from sandbox.errors import InputError, NotFound
from sandbox.ipn import events
from sandbox.web import requests, views
from sandbox.web.context import Context, account_for, context
from sandbox.web.errors import language

WAIT_SECONDS = 15.0


async def health(request: Request) -> JSONResponse:
    ctx = context(request)
    return JSONResponse({"status": "ok", "version": ctx.version, "database": ctx.config.database_label})


async def list_products(request: Request) -> JSONResponse:
    account = account_for(request)
    lang = language(request)
    return JSONResponse({"products": [views.product_view(product, lang) for product in account.products()]})


async def create_product(request: Request) -> JSONResponse:
    account = account_for(request)
    product = account.add_product(await requests.json_object(request))
    return JSONResponse(views.product_view(product, language(request)), status_code=201)


async def edit_product(request: Request) -> JSONResponse:
    account = account_for(request)
    product = account.edit_product(request.path_params["product_id"], await requests.json_object(request))
    return JSONResponse(views.product_view(product, language(request)))


async def list_connections(request: Request) -> JSONResponse:
    account = account_for(request)
    return JSONResponse({"connections": [connection.masked() for connection in account.connections()]})


def _check_destination(request: Request, data: dict[str, Any]) -> None:
    """On an exposed sandbox, refuse a URL outside the allow-list before saving it."""
    if "url" in data:
        refused = context(request).config.destinations.precheck(str(data["url"]))
        if refused:
            raise InputError(f"destination_{refused}", url=str(data["url"])[:200])


async def create_connection(request: Request) -> JSONResponse:
    account = account_for(request)
    data = await requests.json_object(request)
    _check_destination(request, data)
    connection = account.save_connection(data)
    return JSONResponse(connection.masked(), status_code=201)


async def edit_connection(request: Request) -> JSONResponse:
    account = account_for(request)
    data = await requests.json_object(request)
    _check_destination(request, data)
    connection = account.save_connection(data, connection_id=request.path_params["connection_id"])
    return JSONResponse(connection.masked())


async def _settle_and_show(request: Request, ctx: Context, event_ids: list[int]) -> list[dict[str, Any]]:
    """Wait like Digistore24's default "before thank-you page" timing, then show the events."""
    if request.query_params.get("wait", "1") != "0":
        await ctx.dispatcher.settled(event_ids, WAIT_SECONDS)
    account = account_for(request)
    rows = [row for row in (account.store.event(event_id) for event_id in event_ids) if row]
    return views.events_view(account, rows)


async def test_connection(request: Request) -> JSONResponse:
    ctx = context(request)
    event_id = account_for(request).test_connection(request.path_params["connection_id"])
    return JSONResponse({"events": await _settle_and_show(request, ctx, [event_id])})


async def connection_report(request: Request) -> JSONResponse:
    """What Digistore24's IPN report shows for one connection: each call and its outcome."""
    account = account_for(request)
    connection = account.connection(request.path_params["connection_id"])
    limit = requests.integer(request.query_params.get("limit"), "limit", low=1, high=500, default=100)
    deliveries = account.store.deliveries_for_connection(connection.id, limit)
    attempts = account.store.attempts_of([delivery["id"] for delivery in deliveries])
    by_delivery: dict[int, list[dict[str, Any]]] = {}
    for attempt in attempts:
        by_delivery.setdefault(attempt["delivery_id"], []).append(attempt)
    rows = []
    for delivery in deliveries:
        event = account.store.event(delivery["event_id"]) or {"name": "", "order_id": "", "fields": {}}
        rows.append(
            {
                **views.delivery_view(delivery, by_delivery.get(delivery["id"], []), {}),
                "event": event["name"],
                "order_id": event["order_id"],
                "transaction_id": event["fields"].get("transaction_id", ""),
            }
        )
    counts = {
        state: sum(1 for row in rows if row["state"] == state)
        for state in ("delivered", "pending", "failed", "skipped")
    }
    return JSONResponse({"connection": connection.masked(), "counts": counts, "deliveries": rows})


async def test_payment(request: Request) -> JSONResponse:
    ctx = context(request)
    data = await requests.json_object(request)
    unknown = sorted(set(data) - {"product_id", "follow_ups", "buyer", "incomplete", "tickets"})
    if unknown:
        raise InputError(
            "unknown_payment_field", field=unknown[0], allowed="product_id, follow_ups, buyer, incomplete, tickets"
        )
    account = account_for(request)
    buyer = data.get("buyer") or {}
    if not isinstance(buyer, dict):
        raise requests.InputError("json_object_required")
    result = account.test_payment(
        str(requests.text(data.get("product_id"), "product_id") or ""),
        follow_ups=requests.integer(data.get("follow_ups"), "follow_ups", low=0, high=24, default=0),
        buyer=buyer,
        incomplete=requests.boolean(data.get("incomplete"), "incomplete", default=False),
        tickets=requests.integer(data.get("tickets"), "tickets", low=1, high=10, default=1),
    )
    result["events"] = await _settle_and_show(request, ctx, result["event_ids"])
    return JSONResponse(result, status_code=201)


async def list_orders(request: Request) -> JSONResponse:
    account = account_for(request)
    return JSONResponse({"orders": [order.to_dict() for order in reversed(account.orders())]})


async def show_order(request: Request) -> JSONResponse:
    account = account_for(request)
    order = account.order(request.path_params["order_id"])
    rows = account.store.events(limit=500, order_id=order.id)
    return JSONResponse({"order": order.to_dict(), "events": views.events_view(account, rows)})


async def order_action(request: Request) -> JSONResponse:
    ctx = context(request)
    data = await requests.json_object(request)
    account = account_for(request)
    result = account.order_action(
        request.path_params["order_id"],
        request.path_params["action"],
        product_id=requests.text(data.get("product_id"), "product_id"),
    )
    result["events"] = await _settle_and_show(request, ctx, result["event_ids"])
    return JSONResponse(result, status_code=201)


async def approve_affiliate(request: Request) -> JSONResponse:
    ctx = context(request)
    data = await requests.json_object(request)
    account = account_for(request)
    result = account.approve_affiliate(
        str(requests.text(data.get("product_id"), "product_id") or ""),
        requests.text(data.get("name"), "name", max_length=40),
    )
    result["events"] = await _settle_and_show(request, ctx, result["event_ids"])
    return JSONResponse(result, status_code=201)


async def list_etickets(request: Request) -> JSONResponse:
    account = account_for(request)
    return JSONResponse({"etickets": [ticket.to_dict() for ticket in account.etickets()]})


async def eticket_action(request: Request) -> JSONResponse:
    ctx = context(request)
    data = await requests.json_object(request)
    account = account_for(request)
    holder = {key: str(requests.text(value, key)) for key, value in data.items() if value is not None}
    result = account.eticket_action(request.path_params["eticket_id"], request.path_params["action"], holder or None)
    result["events"] = await _settle_and_show(request, ctx, result["event_ids"])
    return JSONResponse(result, status_code=201)


async def list_events(request: Request) -> JSONResponse:
    account = account_for(request)
    limit = requests.integer(request.query_params.get("limit"), "limit", low=1, high=500, default=50)
    after = requests.integer(request.query_params.get("after"), "after", low=0, high=2**62, default=0)
    rows = account.store.events(limit=limit, order_id=request.query_params.get("order_id", ""), after_id=after)
    return JSONResponse({"events": views.events_view(account, rows)})


async def show_event(request: Request) -> JSONResponse:
    account = account_for(request)
    event_id = requests.integer(request.path_params["event_id"], "event_id", low=1, high=2**62, default=0)
    row = account.store.event(event_id)
    if row is None:
        raise NotFound("not_found")
    return JSONResponse(views.events_view(account, [row])[0])


async def resend_delivery(request: Request) -> JSONResponse:
    ctx = context(request)
    account = account_for(request)
    delivery_id = requests.integer(request.path_params["delivery_id"], "delivery_id", low=1, high=2**62, default=0)
    delivery = account.store.delivery(delivery_id)
    if delivery is None or not delivery["send"]:
        raise NotFound("unknown_delivery", delivery_id=delivery_id)
    result = await ctx.dispatcher.resend(delivery)
    return JSONResponse({"delivery_id": delivery_id, **result.to_dict()})


async def catalog(request: Request) -> JSONResponse:
    """Choices the panels offer: order actions and e-ticket actions, from the domain."""
    return JSONResponse(
        {
            "order_actions": list(orders.ACTIONS),
            "transactions": list(events.transactions()),
            "default_transactions": list(events.default_transactions()),
            "eticket_actions": [action.zapier for action in events.eticket_actions()],
            "events": [event.name for event in events.events()],
        }
    )


async def stream(request: Request) -> StreamingResponse:
    ctx = context(request)
    account = account_for(request)
    return StreamingResponse(
        ctx.broker.subscribe(account.store.workspace),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


routes = [
    Route("/api/health", health),
    Route("/api/catalog", catalog),
    Route("/api/products", list_products, methods=["GET"]),
    Route("/api/products", create_product, methods=["POST"]),
    Route("/api/products/{product_id}", edit_product, methods=["PATCH", "PUT"]),
    Route("/api/connections", list_connections, methods=["GET"]),
    Route("/api/connections", create_connection, methods=["POST"]),
    Route("/api/connections/{connection_id}", edit_connection, methods=["PATCH", "PUT"]),
    Route("/api/connections/{connection_id}/test", test_connection, methods=["POST"]),
    Route("/api/connections/{connection_id}/report", connection_report, methods=["GET"]),
    Route("/api/test-payments", test_payment, methods=["POST"]),
    Route("/api/orders", list_orders, methods=["GET"]),
    Route("/api/orders/{order_id}", show_order, methods=["GET"]),
    Route("/api/orders/{order_id}/{action}", order_action, methods=["POST"]),
    Route("/api/affiliates", approve_affiliate, methods=["POST"]),
    Route("/api/etickets", list_etickets, methods=["GET"]),
    Route("/api/etickets/{eticket_id}/{action}", eticket_action, methods=["POST"]),
    Route("/api/events", list_events, methods=["GET"]),
    Route("/api/events/{event_id}", show_event, methods=["GET"]),
    Route("/api/deliveries/{delivery_id}/resend", resend_delivery, methods=["POST"]),
    Route("/api/stream", stream, methods=["GET"]),
]
