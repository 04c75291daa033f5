"""Answers of the sandbox's own receivers when a reader forces them to misbehave.

The receiver does its work as usual; only the answer is changed, delayed or held, so a
reader sees what Digistore24 records and how it retries.
"""

from __future__ import annotations

import asyncio
import time

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from sandbox import i18n
from sandbox.services.workbench import Answer, Workbench, forced_answer
from sandbox.web.context import Context
from sandbox.web.errors import language


async def hold(request: Request, milliseconds: int) -> None:
    """Wait before answering, and stop waiting as soon as the caller hangs up."""
    deadline = time.monotonic() + milliseconds / 1000
    while (remaining := deadline - time.monotonic()) > 0:
        if await request.is_disconnected():
            return
        await asyncio.sleep(min(0.05, remaining))


async def send(request: Request, answer: Answer) -> Response:
    if answer.hold_ms:
        await hold(request, answer.hold_ms)
    if answer.status is None:  # "hang": whoever still waits gets a timeout, not an answer
        return PlainTextResponse(i18n.t("workbench.forced.hang", language(request)), status_code=504)
    return PlainTextResponse(answer.reply, status_code=answer.status)


async def respond(
    request: Request, ctx: Context, workspace: str, connection_id: str | None, status: int, reply: str
) -> Response:
    """The receiver's own answer, or the one forced for its connection."""
    behaviour = Workbench(ctx.account(workspace)).behaviour(connection_id)
    if behaviour.mode == "normal":
        return PlainTextResponse(reply, status_code=status)
    answer = forced_answer(
        behaviour,
        status,
        reply,
        connection_id=str(connection_id),
        timeout=ctx.config.timeout,
        language=language(request),
    )
    return await send(request, answer)
