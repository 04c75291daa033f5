"""Running the app under uvicorn, with a clean shutdown even while streams are open."""

from __future__ import annotations

import asyncio
import os
from types import FrameType

import uvicorn
from starlette.applications import Starlette

from sandbox import i18n
from sandbox.web.app import create_app
from sandbox.web.context import Config


class _Server(uvicorn.Server):
    """Ends the event streams as soon as shutdown starts: uvicorn waits for open
    connections before the app's own shutdown runs, and a stream never ends by itself."""

    def __init__(self, config: uvicorn.Config, app: Starlette) -> None:
        super().__init__(config)
        self.app = app

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        context = getattr(self.app.state, "context", None)
        if context is not None:
            asyncio.get_event_loop().call_soon_threadsafe(context.broker.close_now)
        super().handle_exit(sig, frame)


def serve(config: Config, *, language: str) -> None:
    url = f"http://{config.host}:{config.port}/"
    print(i18n.t("cli.serving", language, url=url, database=config.database), flush=True)
    if not (config.site_dir and os.path.isdir(config.site_dir)):
        print(i18n.t("cli.guide_missing", language), flush=True)
    app = create_app(config)
    settings = uvicorn.Config(
        app,
        host=config.host,
        port=config.port,
        log_level="warning",
        timeout_graceful_shutdown=3,
        proxy_headers=False,
        server_header=False,
    )
    _Server(settings, app).run()
