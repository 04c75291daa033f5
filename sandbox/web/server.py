"""Running the app under uvicorn, with a clean shutdown even while streams are open."""

from __future__ import annotations

import os

import uvicorn

from sandbox import i18n
from sandbox.web.app import create_app
from sandbox.web.context import Config


def serve(
    *, host: str, port: int, database: str, seed: str | None, speed: float, site: str | None, language: str
) -> None:
    config = Config(database=database, host=host, port=port, seed=seed, speed=speed, site_dir=site)
    url = f"http://{host}:{port}/"
    print(i18n.t("cli.serving", language, url=url, database=database), flush=True)
    if not (site and os.path.isdir(site)):
        print(i18n.t("cli.guide_missing", language), flush=True)
    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=3,
        proxy_headers=False,
        server_header=False,
    )
