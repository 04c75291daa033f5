"""Per-reader workspaces: when the sandbox serves many readers, each browser gets its own.

The workspace id is an unguessable token kept in a cookie (or sent by scripts in a
header); an unknown or expired id silently gets a fresh workspace. Idle workspaces are
deleted by :func:`expire`, so a public instance does not keep every visitor forever.
"""

from __future__ import annotations

import re
import secrets
import time
from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.storage.database import Database
from sandbox.web.context import DEFAULT_WORKSPACE

COOKIE = "ds24_workspace"
HEADER = b"x-sandbox-workspace"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
TOUCH_EVERY = 60.0  # seconds between last-seen updates of one workspace


def new_workspace_id() -> str:
    return secrets.token_urlsafe(24)


class WorkspaceMiddleware:
    """Puts ``workspace`` in the request state and, for a new reader, sets the cookie."""

    def __init__(
        self, app: ASGIApp, *, database: Database | None = None, per_reader: bool, idle_seconds: float
    ) -> None:
        self.app = app
        self.per_reader = per_reader
        self.idle_seconds = idle_seconds
        self.database = database
        self._touched: dict[str, float] = {}

    def _known(self, database: Database, workspace: str) -> bool:
        row = database.connection.execute("SELECT last_seen_at FROM workspaces WHERE id = ?", (workspace,)).fetchone()
        return row is not None and time.time() - row[0] < self.idle_seconds

    def _touch(self, database: Database, workspace: str) -> None:
        now = time.time()
        if now - self._touched.get(workspace, 0.0) > TOUCH_EVERY:
            self._touched[workspace] = now
            database.connection.execute("UPDATE workspaces SET last_seen_at = ? WHERE id = ?", (now, workspace))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        if not self.per_reader:
            state["workspace"] = DEFAULT_WORKSPACE
            await self.app(scope, receive, send)
            return
        database = self.database or scope["app"].state.context.database
        given = _from_request(scope)
        fresh = not (given and _TOKEN.match(given) and self._known(database, given))
        workspace = new_workspace_id() if fresh else given
        state["workspace"] = workspace
        if not fresh:
            self._touch(database, workspace)

        async def send_with_cookie(message: Message) -> None:
            if fresh and message["type"] == "http.response.start":
                cookie = f"{COOKIE}={workspace}; Path=/; HttpOnly; SameSite=Lax; Max-Age={int(self.idle_seconds)}"
                message.setdefault("headers", []).append((b"set-cookie", cookie.encode("latin-1")))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _from_request(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == HEADER:
            return value.decode("latin-1").strip()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header is the client's problem: ignore it
                return ""
            if COOKIE in cookie:
                return cookie[COOKIE].value
    return ""


def expire(database: Database, idle_seconds: float) -> list[str]:
    """Delete every workspace idle for longer than ``idle_seconds``, with all it holds."""
    cutoff = time.time() - idle_seconds
    rows = database.connection.execute(
        "SELECT id FROM workspaces WHERE last_seen_at < ? AND id != ?", (cutoff, DEFAULT_WORKSPACE)
    ).fetchall()
    gone = [row[0] for row in rows]
    if not gone:
        return []
    tables = [
        row[0]
        for row in database.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if any(column[1] == "workspace" for column in database.connection.execute(f"PRAGMA table_info({row[0]})"))
    ]
    with database.transaction() as sql:
        for workspace in gone:
            sql.execute(
                "DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE workspace = ?)",
                (workspace,),
            )
            for table in reversed(tables):  # later tables refer to earlier ones
                sql.execute(f"DELETE FROM {table} WHERE workspace = ?", (workspace,))
            sql.execute("DELETE FROM workspaces WHERE id = ?", (workspace,))
    return gone
