"""The developer workbench over HTTP: the inbound inspector, replay, export, the CSV log and
the forced behaviour of the sandbox's own receivers."""

from __future__ import annotations

import base64
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from sandbox import i18n
from sandbox.digistore24.connections import Connection
from sandbox.errors import InputError
from sandbox.services import inspector as inspection
from sandbox.services.dispatcher import DELIVERY_HEADER
from sandbox.services.inspector import Inspector, Received
from sandbox.services.workbench import Behaviour, Workbench, is_built_in
from sandbox.storage.store import workspace_of
from sandbox.web import requests
from sandbox.web.context import account_for, context, zapier_for
from sandbox.web.errors import language
from sandbox.web.forced import send

MAX_INBOUND_BODY = 256 * 1024  # a real IPN is a few kilobytes


# --- the inspector ---------------------------------------------------------------------------


async def inbound_post(request: Request) -> Response:
    """Any IPN, from anywhere: check, record, answer (never a 5xx for what the sender did)."""
    ctx = context(request)
    lang = language(request)
    problem: tuple[str, dict[str, str]] | None = None
    body = b""
    declared = request.headers.get("content-length", "")
    try:
        body = await requests.read_body(request, MAX_INBOUND_BODY)
        size = len(body)
    except requests.BodyTooLarge:
        problem = ("body_too_large", {"max": str(MAX_INBOUND_BODY)})
        size = int(declared) if declared.isascii() and declared.isdigit() else MAX_INBOUND_BODY + 1
    except InputError as error:
        problem = ("unreadable_body", {"detail": f"{error.code} {error.params}"[:200]})
        size = 0
    received = Received(
        method=request.method,
        path=request.url.path,
        query=request.url.query,
        client=request.client.host if request.client else "",
        headers=list(request.headers.items()),
        body=body,
        body_size=size,
        delivery_header=request.headers.get(DELIVERY_HEADER, ""),
        problem=problem,
    )
    connection_id = request.path_params["connection_id"]
    # Connection ids are unique across workspaces, so a post from Digistore24 (no cookie)
    # finds its workspace by the id alone.
    workspace = workspace_of(ctx.database, "connection", connection_id)
    if workspace is None and ctx.config.per_reader:
        # A public instance has no one to show a stray post to: answer, record nothing.
        return PlainTextResponse(
            i18n.t("workbench.verdict.unknown_connection", lang, connection_id=connection_id[:64]), status_code=404
        )
    account = ctx.account(workspace) if workspace else account_for(request)
    _, answer = Inspector(account).receive(connection_id, received, language=lang, timeout=ctx.config.timeout)
    return await send(request, answer)


async def inbound_get(request: Request) -> PlainTextResponse:
    """Digistore24's ``ipnSetup`` fetches a URL before accepting it: say what this address is."""
    connection_id = request.path_params["connection_id"][:64]
    if workspace_of(context(request).database, "connection", connection_id) is None:
        text = i18n.t("workbench.verdict.unknown_connection", language(request), connection_id=connection_id)
        return PlainTextResponse(text, status_code=404)
    return PlainTextResponse(i18n.t("workbench.inspector.get", language(request), connection_id=connection_id))


def inbound_view(record: dict[str, Any], *, detail: bool) -> dict[str, Any]:
    view = {
        key: record[key]
        for key in (
            "id",
            "received_at",
            "connection_id",
            "method",
            "path",
            "event",
            "verdict",
            "cause",
            "field",
            "params",
            "status",
            "reply",
            "forced",
            "event_id",
            "original_delivery_id",
            "body_size",
        )
    }
    view["explanation"] = inspection.explain_both(record)
    view["diff"] = record["diff"]
    if detail:
        view.update(
            {
                "query": record["query"],
                "client": record["client"],
                "headers": record["headers"],
                "body": record["body"].decode("utf-8", errors="replace"),
                "body_base64": base64.b64encode(record["body"]).decode("ascii"),
                "fields": record["fields"],
            }
        )
    return view


async def list_inbound(request: Request) -> JSONResponse:
    limit = requests.integer(request.query_params.get("limit"), "limit", low=1, high=500, default=50)
    connection_id = request.query_params.get("connection_id", "")
    records = Inspector(account_for(request)).records(limit, connection_id)
    return JSONResponse({"inbound": [inbound_view(record, detail=False) for record in records]})


def _inbound_id(request: Request) -> int:
    return requests.integer(request.path_params["inbound_id"], "inbound_id", low=1, high=2**62, default=0)


async def show_inbound(request: Request) -> JSONResponse:
    record = Inspector(account_for(request)).record(_inbound_id(request))
    return JSONResponse(inbound_view(record, detail=True))


async def run_inbound(request: Request) -> JSONResponse:
    result = Inspector(account_for(request)).run_through_zapier(_inbound_id(request), zapier_for(request))
    return JSONResponse(result)


# --- replay, export, report --------------------------------------------------------------------


def _event_id(request: Request) -> int:
    return requests.integer(request.path_params["event_id"], "event_id", low=1, high=2**62, default=0)


async def replay(request: Request) -> JSONResponse:
    ctx = context(request)
    account = account_for(request)
    data = await requests.json_object(request)
    prepared = Workbench(account).prepare_replay(_event_id(request), data, ctx.config.base_url)
    delivery = prepared["delivery"]
    result = await ctx.dispatcher.replay(delivery)
    stored = account.store.delivery(delivery["id"]) or delivery
    connection: Connection = prepared["connection"]
    return JSONResponse(
        {
            "replay": True,
            "delivery_id": delivery["id"],
            "event_id": prepared["event"]["id"],
            "event": prepared["event"]["name"],
            "connection": connection.masked(),
            "origin": prepared["origin"],
            "changes": prepared["changes"],
            "removed": prepared["removed"],
            "diff": prepared["diff"],
            "signature": prepared["signature"],
            "normally": prepared["normally"],
            "body": prepared["body"],
            "state": stored["state"],
            "attempt": result.to_dict(),
        },
        status_code=201,
    )


async def export(request: Request) -> Response:
    ctx = context(request)
    fmt = request.query_params.get("format", "json")
    connection_id = requests.text(request.query_params.get("connection_id") or None, "connection_id", max_length=64)
    media_type, content = Workbench(account_for(request)).export(
        _event_id(request), fmt, connection_id, ctx.config.base_url
    )
    if fmt == "json":
        return JSONResponse(content)
    return Response(content, media_type=media_type)


async def report_csv(request: Request) -> Response:
    connection_id = request.path_params["connection_id"]
    text = Workbench(account_for(request)).report_csv(connection_id)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="ipn-report-{connection_id}.csv"'},
    )


# --- forced receiver behaviour ---------------------------------------------------------------------


def behaviour_view(connection: Connection, behaviour: Behaviour, timeout: float) -> dict[str, Any]:
    params = {
        "connection_id": connection.id,
        "status": behaviour.status,
        "delay_ms": behaviour.hold_ms(timeout),
        "timeout_ms": int(timeout * 1000),
        "url": connection.url,
    }
    built_in = is_built_in(connection)
    view: dict[str, Any] = {
        "connection_id": connection.id,
        **behaviour.to_dict(),
        "effective_delay_ms": behaviour.hold_ms(timeout),
        "built_in": built_in,
        "explanation": i18n.both(f"workbench.behaviour.{behaviour.mode}", **params),
        "note": None if built_in else i18n.both("workbench.behaviour.not_built_in", **params),
    }
    return view


async def get_behaviour(request: Request) -> JSONResponse:
    account = account_for(request)
    connection = account.connection(request.path_params["connection_id"])
    behaviour = Workbench(account).behaviour(connection.id)
    return JSONResponse(behaviour_view(connection, behaviour, context(request).config.timeout))


async def put_behaviour(request: Request) -> JSONResponse:
    data = await requests.json_object(request)
    connection, behaviour = Workbench(account_for(request)).set_behaviour(request.path_params["connection_id"], data)
    return JSONResponse(behaviour_view(connection, behaviour, context(request).config.timeout))


routes = [
    Route("/ipn/{connection_id}", inbound_post, methods=["POST"]),
    Route("/ipn/{connection_id}", inbound_get, methods=["GET"]),
    Route("/api/inbound", list_inbound, methods=["GET"]),
    Route("/api/inbound/{inbound_id}", show_inbound, methods=["GET"]),
    Route("/api/inbound/{inbound_id}/run", run_inbound, methods=["POST"]),
    Route("/api/events/{event_id}/replay", replay, methods=["POST"]),
    Route("/api/events/{event_id}/export", export, methods=["GET"]),
    Route("/api/connections/{connection_id}/report.csv", report_csv, methods=["GET"]),
    Route("/api/receivers/{connection_id}/behaviour", get_behaviour, methods=["GET"]),
    Route("/api/receivers/{connection_id}/behaviour", put_behaviour, methods=["PUT"]),
]
