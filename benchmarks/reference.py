"""The reference ceiling: a bare Starlette JSON endpoint on the sandbox's own server stack.

Same Starlette, same uvicorn, one worker, and the same uvicorn keyword settings as
``sandbox/web/server.py`` — read from that file's source, so the two cannot drift apart.
It answers ``POST /api/test-payments`` with a small JSON body and 201, so the load
generator sends byte-identical requests to both servers and only the work behind the
route differs.

Run: ``python -m benchmarks.reference --port P``.
"""

from __future__ import annotations

import argparse
import ast
import inspect
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

# Used only if the sandbox's uvicorn.run call cannot be read (then the table says so).
FALLBACK_SETTINGS: dict[str, Any] = {
    "log_level": "warning",
    "timeout_graceful_shutdown": 3,
    "proxy_headers": False,
    "server_header": False,
}


def sandbox_uvicorn_settings() -> tuple[dict[str, Any], str]:
    """The constant keyword arguments of the sandbox's ``uvicorn.run(...)`` or ``uvicorn.Config(...)``
    call, and where they came from."""
    try:
        from sandbox.web import server

        tree = ast.parse(inspect.getsource(server))
    except (ImportError, OSError, SyntaxError):
        return dict(FALLBACK_SETTINGS), "fallback"
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("run", "Config")
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "uvicorn"
        ):
            settings: dict[str, Any] = {}
            for keyword in node.keywords:
                if keyword.arg in (None, "host", "port"):
                    continue
                try:
                    settings[keyword.arg] = ast.literal_eval(keyword.value)
                except ValueError:
                    continue  # not a constant (e.g. computed from config): not a stack setting
            return settings, "sandbox/web/server.py"
    return dict(FALLBACK_SETTINGS), "fallback"


async def payment(request: Request) -> JSONResponse:
    data = await request.json()
    return JSONResponse({"ok": True, "product_id": data.get("product_id")}, status_code=201)


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[
        Route("/api/test-payments", payment, methods=["POST"]),
        Route("/api/health", health),
    ]
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    settings, _ = sandbox_uvicorn_settings()
    uvicorn.run(app, host="127.0.0.1", port=args.port, **settings)


if __name__ == "__main__":
    main()
