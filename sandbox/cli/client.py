"""The CLI's only link to the sandbox: its HTTP API."""

from __future__ import annotations

from typing import Any

import httpx

from sandbox import i18n


class CommandError(Exception):
    """A message for the user and the exit status to leave with."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class Api:
    def __init__(self, server: str, language: str, timeout: float = 30.0) -> None:
        self.server = server.rstrip("/")
        self.language = language
        self.http = httpx.Client(base_url=self.server, timeout=timeout, headers={"Accept-Language": language})

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            response = self.http.request(method, path, json=body)
        except httpx.TransportError:
            raise CommandError(i18n.t("error.no_server", self.language, server=self.server), 3) from None
        try:
            data = response.json()
        except ValueError:
            raise CommandError(f"{response.status_code}: {response.text[:200]}", 1) from None
        if response.status_code >= 400:
            error = data.get("error", {}) if isinstance(data, dict) else {}
            raise CommandError(error.get("message") or str(data), 2 if response.status_code < 500 else 1)
        return data

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.call("POST", path, body or {})
