"""Running the app under uvicorn, with a clean shutdown even while streams are open."""

from __future__ import annotations

import os

import uvicorn

from sandbox import i18n
from sandbox.web.app import create_app
from sandbox.web.context import Config


def serve(config: Config, *, language: str) -> None:
    url = f"http://{config.host}:{config.port}/"
    print(i18n.t("cli.serving", language, url=url, database=config.database), flush=True)
    if not (config.site_dir and os.path.isdir(config.site_dir)):
        print(i18n.t("cli.guide_missing", language), flush=True)
    uvicorn.run(
        create_app(config),
        host=config.host,
        port=config.port,
        log_level="warning",
        timeout_graceful_shutdown=3,
        proxy_headers=False,
        server_header=False,
    )
