"""The Starlette application: API, stream and the built guide on one origin."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from importlib.metadata import PackageNotFoundError, version

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from sandbox.errors import InputError
from sandbox.services.dispatcher import Dispatcher
from sandbox.storage.database import Database
from sandbox.web import api, errors, workbench_api, workspaces, zapier_api
from sandbox.web.context import Config, Context
from sandbox.web.stream import Broker
from sandbox.zapier.reasons import ZapierError

LOCAL_ORIGINS = r"http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?"


def _version() -> str:
    try:
        return version("ds24-zapier-sandbox")
    except PackageNotFoundError:
        return "dev"


async def _expire_idle(ctx: Context) -> None:
    """Delete idle per-reader workspaces now and then."""
    every = max(1.0, min(300.0, ctx.config.idle_seconds / 4))
    while True:
        await asyncio.sleep(every)
        for workspace in workspaces.expire(ctx.database, ctx.config.idle_seconds):
            ctx.forget(workspace)


def create_app(config: Config | None = None) -> Starlette:
    config = config or Config()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        database = Database(config.database)
        broker = Broker()
        dispatcher = Dispatcher(
            database,
            speed=config.speed,
            timeout=config.timeout,
            notify=broker.publish,
            destinations=config.destinations,
        )
        ctx = Context(config, database, broker, dispatcher, _version())
        app.state.context = ctx
        if not config.per_reader:
            ctx.account()  # create the account and its starter catalog before the first request
        dispatcher.start()
        cleaner = asyncio.create_task(_expire_idle(ctx)) if config.per_reader else None
        try:
            yield
        finally:
            if cleaner:
                cleaner.cancel()
            await broker.close()
            await dispatcher.stop()
            database.close()

    routes: list[BaseRoute] = [*api.routes, *workbench_api.routes, *zapier_api.routes]
    if config.site_dir and os.path.isdir(config.site_dir):
        routes.append(Mount("/", app=StaticFiles(directory=config.site_dir, html=True), name="guide"))
    return Starlette(
        routes=routes,
        middleware=[
            # A writer's `mkdocs serve` page (another port on this machine) may call the API.
            Middleware(CORSMiddleware, allow_origin_regex=LOCAL_ORIGINS, allow_methods=["*"], allow_headers=["*"]),
            Middleware(workspaces.WorkspaceMiddleware, per_reader=config.per_reader, idle_seconds=config.idle_seconds),
        ],
        lifespan=lifespan,
        exception_handlers={
            InputError: errors.input_error,
            ZapierError: errors.zapier_error,
            HTTPException: errors.http_error,
            Exception: errors.server_error,
        },
    )
