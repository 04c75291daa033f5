"""Turning errors into JSON answers in the client's language."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from sandbox import i18n
from sandbox.errors import InputError
from sandbox.zapier.reasons import ZapierError


def language(request: Request) -> str:
    return i18n.negotiate(request.headers.get("accept-language"), request.query_params.get("lang"))


def error_response(request: Request, status: int, code: str, params: dict[str, str] | None = None) -> JSONResponse:
    params = params or {}
    lang = language(request)
    return JSONResponse(
        {
            "error": {
                "code": code,
                "message": i18n.t(f"error.{code}", lang, **params),
                "params": params,
                "language": lang,
            }
        },
        status_code=status,
    )


async def input_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputError)
    return error_response(request, exc.status, exc.code, exc.params)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(request, 404, "not_found")
    if exc.status_code == 405:
        return error_response(request, 405, "method_not_allowed", {"method": request.method})
    return error_response(request, exc.status_code, "internal")


async def server_error(request: Request, exc: Exception) -> JSONResponse:
    return error_response(request, 500, "internal")


async def zapier_error(request: Request, exc: Exception) -> JSONResponse:
    """Problems with a Zap's input: every one of them, each saying what to fix."""
    assert isinstance(exc, ZapierError)
    lang = language(request)
    problems = [reason.to_dict() for reason in exc.reasons]
    message = " ".join(reason.text(lang) for reason in exc.reasons)
    return JSONResponse(
        {"error": {"code": exc.code, "message": message, "params": exc.params, "language": lang, "problems": problems}},
        status_code=400,
    )
