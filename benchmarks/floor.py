"""The plumbing floor: every hop of a sandbox payment, with no domain logic and no storage.

Same server stack as the reference ceiling (``benchmarks/reference.py``): Starlette, uvicorn,
one worker, the sandbox's uvicorn settings, no middleware. ``POST /api/test-payments`` (the
same request bytes as the ceiling's) signs an ``on_payment`` form with the fields of the
sandbox's own example message, posts it with the sandbox's own client to this app's
``/hook``, which decodes and verifies it as the Zapier hook does and publishes the reception
on ``/api/stream`` (the sandbox's own broker); the call then publishes the attempt and
answers 201 naming the delivery, as the sandbox's answer does, so the load generator's
``pipeline`` mode drives it unchanged. What the pipeline does beyond this (order and event,
SQLite, the Zaps' filters and actions, the rendered answer) is what a payment costs above
this floor.

Run: ``python -m benchmarks.floor --port P --zaps N``.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
from collections.abc import AsyncIterator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from benchmarks.reference import sandbox_uvicorn_settings
from sandbox.delivery import client
from sandbox.digistore24 import examples
from sandbox.ipn import form, signing
from sandbox.services.dispatcher import DELIVERY_HEADER
from sandbox.web.stream import Broker

PASSPHRASE = "bench-passphrase"
WORKSPACE = "floor"
# The sandbox's own on_payment fields (same names and count as a real message); signed per payment.
FIELDS = {name: value for name, value in examples.example_payload("on_payment").items() if name != "sha_sign"}


def create_app(port: int, zaps: int) -> Starlette:
    """The floor app on ``port`` (its hook posts to itself); each reception reports ``zaps`` runs."""
    hook_url = f"http://127.0.0.1:{port}/hook"
    broker = Broker()
    delivery_ids = itertools.count(1)
    runs = [{"zap_id": str(number), "status": "ran", "reason": None} for number in range(1, zaps + 1)]

    async def payment(request: Request) -> JSONResponse:
        data = await request.json()
        delivery_id = next(delivery_ids)
        # A distinct message each time, as each payment's transaction is new.
        body = form.encode(signing.signed({**FIELDS, "transaction_id": str(delivery_id)}, PASSPHRASE))
        result = await client.post(
            request.app.state.session,
            hook_url,
            body,
            rule="ok_and_2xx",
            timeout=10.0,
            headers={DELIVERY_HEADER: str(delivery_id)},
        )
        state = "delivered" if result.ok else "failed"
        broker.publish(WORKSPACE, "attempt", {"delivery_id": delivery_id, "state": state, **result.to_dict()})
        delivery = {"id": delivery_id, "send": True, "state": state}
        return JSONResponse(
            {"product_id": data.get("product_id"), "events": [{"id": delivery_id, "deliveries": [delivery]}]},
            status_code=201,
        )

    async def hook(request: Request) -> Response:
        fields = form.decode(await request.body())
        accepted = signing.verify(fields, PASSPHRASE)
        delivery_id = int(request.headers[DELIVERY_HEADER])
        reception = {"delivery_id": delivery_id, "accepted": accepted, "order_id": fields.get("order_id", "")}
        broker.publish(WORKSPACE, "reception", {**reception, "runs": runs if accepted else []})
        return PlainTextResponse("OK" if accepted else "ERROR: signature", status_code=200 if accepted else 403)

    async def stream(request: Request) -> StreamingResponse:
        return StreamingResponse(
            broker.subscribe(WORKSPACE),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def health(request: Request) -> JSONResponse:
        sample = form.encode(signing.signed(FIELDS, PASSPHRASE))
        return JSONResponse({"status": "ok", "ipn_fields": len(FIELDS) + 1, "ipn_bytes": len(sample)})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.session = client.open_session()  # here: it must belong to the running loop
        yield
        await app.state.session.close()

    return Starlette(
        routes=[
            Route("/api/test-payments", payment, methods=["POST"]),
            Route("/hook", hook, methods=["POST"]),
            Route("/api/stream", stream),
            Route("/api/health", health),
        ],
        lifespan=lifespan,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--zaps", type=int, default=3, help="runs each reception reports (the pipeline's Zaps)")
    args = parser.parse_args()
    settings, _ = sandbox_uvicorn_settings()
    uvicorn.run(create_app(args.port, args.zaps), host="127.0.0.1", port=args.port, **settings)


if __name__ == "__main__":
    main()
