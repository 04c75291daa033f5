"""The Zapier side over HTTP: its JSON API for the panels and CLI, and its IPN hook."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox import i18n
from sandbox.errors import NotFound
from sandbox.services import scenarios as scenario_runner
from sandbox.services.dispatcher import DELIVERY_HEADER
from sandbox.services.zapier import HOOK_KIND
from sandbox.storage.store import workspace_of
from sandbox.web import forced, requests, views
from sandbox.web.context import account_for, context, zapier_for
from sandbox.web.errors import language
from sandbox.zapier import scenarios, triggers

MAX_IPN_BODY = 256 * 1024


async def zapier_status(request: Request) -> JSONResponse:
    return JSONResponse(zapier_for(request).status())


async def zapier_connect(request: Request) -> JSONResponse:
    return JSONResponse(zapier_for(request).connect(), status_code=201)


async def trigger_catalog(request: Request) -> JSONResponse:
    """The three triggers with their options and labels, in the client's language."""
    lang = language(request)
    items = []
    for item in triggers.triggers():
        items.append(
            {
                "key": item.key,
                "label": i18n.t(item.label_key, lang),
                "help": i18n.t(item.help_key, lang),
                "options": [
                    {
                        "name": option.name,
                        "kind": option.kind,
                        "label": i18n.t(option.label_key, lang),
                        "help": i18n.t(option.help_key, lang),
                        "default": list(option.default) if isinstance(option.default, tuple) else option.default,
                        "choices": [
                            {"value": choice, "label": i18n.t(option.choice_key(choice), lang)}
                            for choice in option.choices
                        ],
                    }
                    for option in item.options
                ],
            }
        )
    return JSONResponse({"triggers": items})


async def list_zaps(request: Request) -> JSONResponse:
    return JSONResponse({"zaps": [zap.to_dict() for zap in zapier_for(request).zaps()]})


async def create_zap(request: Request) -> JSONResponse:
    zap = zapier_for(request).create_zap(await requests.json_object(request), language(request))
    return JSONResponse(zap.to_dict(), status_code=201)


async def show_zap(request: Request) -> JSONResponse:
    return JSONResponse(zapier_for(request).zap(request.path_params["zap_id"]).to_dict())


async def edit_zap(request: Request) -> JSONResponse:
    zapier = zapier_for(request)
    zap = zapier.update_zap(request.path_params["zap_id"], await requests.json_object(request), language(request))
    return JSONResponse(zap.to_dict())


async def test_trigger(request: Request) -> JSONResponse:
    return JSONResponse(zapier_for(request).test_trigger(request.path_params["zap_id"]))


async def test_action(request: Request) -> JSONResponse:
    return JSONResponse(zapier_for(request).test_action(request.path_params["zap_id"]))


async def turn_on(request: Request) -> JSONResponse:
    return JSONResponse(zapier_for(request).turn_on(request.path_params["zap_id"]).to_dict())


async def turn_off(request: Request) -> JSONResponse:
    return JSONResponse(zapier_for(request).turn_off(request.path_params["zap_id"]).to_dict())


async def zap_runs(request: Request) -> JSONResponse:
    limit = requests.integer(request.query_params.get("limit"), "limit", low=1, high=1000, default=100)
    return JSONResponse({"runs": zapier_for(request).runs(request.path_params["zap_id"], limit)})


async def zap_sheet(request: Request) -> JSONResponse:
    return JSONResponse(zapier_for(request).sheet(request.path_params["zap_id"]))


async def zap_sheet_csv(request: Request) -> Response:
    zap_id = request.path_params["zap_id"]
    return Response(
        zapier_for(request).sheet_csv(zap_id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="zap-{zap_id}.csv"'},
    )


async def outbox(request: Request) -> JSONResponse:
    return JSONResponse({"messages": zapier_for(request).outbox()})


async def list_scenarios(request: Request) -> JSONResponse:
    return JSONResponse({"scenarios": [item.to_dict() for item in scenarios.scenarios()]})


async def run_scenario(request: Request) -> JSONResponse:
    ctx = context(request)
    data = await requests.json_object(request)
    account = account_for(request)
    result = scenario_runner.run(
        account,
        zapier_for(request),
        request.path_params["scenario_id"],
        with_zap=requests.boolean(data.get("with_zap"), "with_zap", default=False),
        language=language(request),
    )
    await ctx.dispatcher.settled(result["event_ids"], 30.0)
    rows = [row for row in (account.store.event(event_id) for event_id in result["event_ids"]) if row]
    result["events"] = views.events_view(account, rows)
    return JSONResponse(result, status_code=201)


async def hook(request: Request) -> Response:
    """Zapier's webhook for Digistore24: verify, de-duplicate, run the Zaps, answer OK."""
    ctx = context(request)
    workspace = workspace_of(ctx.database, HOOK_KIND, request.path_params["token"])
    if workspace is None:
        raise NotFound("not_found")
    body = await requests.read_body(request, MAX_IPN_BODY)
    delivery = request.headers.get(DELIVERY_HEADER, "")
    zapier = ctx.zapier(workspace)
    status, reply, _ = zapier.receive(body, int(delivery) if delivery.isascii() and delivery.isdigit() else None)
    return await forced.respond(request, ctx, workspace, zapier.state().get("connection_id"), status, reply)


routes = [
    Route("/api/zapier", zapier_status, methods=["GET"]),
    Route("/api/zapier/connect", zapier_connect, methods=["POST"]),
    Route("/api/zapier/triggers", trigger_catalog, methods=["GET"]),
    Route("/api/zapier/outbox", outbox, methods=["GET"]),
    Route("/api/zaps", list_zaps, methods=["GET"]),
    Route("/api/zaps", create_zap, methods=["POST"]),
    Route("/api/zaps/{zap_id}", show_zap, methods=["GET"]),
    Route("/api/zaps/{zap_id}", edit_zap, methods=["PATCH", "PUT"]),
    Route("/api/zaps/{zap_id}/test", test_trigger, methods=["POST"]),
    Route("/api/zaps/{zap_id}/test-action", test_action, methods=["POST"]),
    Route("/api/zaps/{zap_id}/on", turn_on, methods=["POST"]),
    Route("/api/zaps/{zap_id}/off", turn_off, methods=["POST"]),
    Route("/api/zaps/{zap_id}/runs", zap_runs, methods=["GET"]),
    Route("/api/zaps/{zap_id}/sheet", zap_sheet, methods=["GET"]),
    Route("/api/zaps/{zap_id}/sheet.csv", zap_sheet_csv, methods=["GET"]),
    Route("/api/scenarios", list_scenarios, methods=["GET"]),
    Route("/api/scenarios/{scenario_id}/run", run_scenario, methods=["POST"]),
    Route("/zapier/hooks/{token}", hook, methods=["POST"]),
]
