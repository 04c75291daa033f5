"""Queries of the developer workbench: inbound requests, replays and forced receiver behaviour.

Kept apart from :mod:`sandbox.storage.store` so the workbench owns its tables
(``inbound_requests``, ``replays``, ``receiver_behaviours`` in ``schema.sql``); it only
*reads* the core ``deliveries`` table, to find the delivery a received body came from.
"""

from __future__ import annotations

import json
import time
from typing import Any

from sandbox.storage.store import WorkspaceQueries

KEEP_INBOUND = 1000  # newest inbound requests kept per workspace; older ones are dropped


def _inbound(row: Any) -> dict[str, Any]:
    data = dict(row)
    for name in ("headers", "params"):
        data[name] = json.loads(data[name])
    for name in ("fields", "forced", "diff"):
        data[name] = json.loads(data[name]) if data[name] is not None else None
    data["body"] = bytes(data["body"])
    return data


class WorkbenchStore(WorkspaceQueries):
    """The inbound inspector's records, replays and forced receiver answers."""

    # inbound requests --------------------------------------------------------------------
    def add_inbound(self, record: dict[str, Any]) -> int:
        """Store one received request (see ``inbound_requests`` for the keys) and prune old ones."""
        cursor = self.sql.execute(
            "INSERT INTO inbound_requests (workspace, received_at, connection_id, method, path, query, client,"
            " headers, body, body_size, fields, event, verdict, cause, field, params, status, reply, forced,"
            " event_id, original_delivery_id, diff)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.workspace,
                record["received_at"],
                record["connection_id"],
                record["method"],
                record["path"],
                record["query"],
                record["client"],
                json.dumps(record["headers"], ensure_ascii=False),
                record["body"],
                record["body_size"],
                None if record["fields"] is None else json.dumps(record["fields"], ensure_ascii=False),
                record["event"],
                record["verdict"],
                record["cause"],
                record["field"],
                json.dumps(record["params"], ensure_ascii=False),
                record["status"],
                record["reply"],
                None if record["forced"] is None else json.dumps(record["forced"]),
                record["event_id"],
                record["original_delivery_id"],
                None if record["diff"] is None else json.dumps(record["diff"], ensure_ascii=False),
            ),
        )
        inbound_id = int(cursor.lastrowid or 0)
        self.sql.execute(
            "DELETE FROM inbound_requests WHERE workspace = ? AND id <= ?",
            (self.workspace, inbound_id - KEEP_INBOUND),
        )
        return inbound_id

    def inbound(self, inbound_id: int) -> dict[str, Any] | None:
        row = self.sql.execute(
            "SELECT * FROM inbound_requests WHERE workspace = ? AND id = ?", (self.workspace, inbound_id)
        ).fetchone()
        return _inbound(row) if row else None

    def inbound_list(self, limit: int = 50, connection_id: str = "") -> list[dict[str, Any]]:
        query = "SELECT * FROM inbound_requests WHERE workspace = ?"
        params: list[Any] = [self.workspace]
        if connection_id:
            query += " AND connection_id = ?"
            params.append(connection_id)
        query += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        return [_inbound(row) for row in self.sql.execute(query, params).fetchall()]

    def inbound_of_event(self, event_id: int) -> dict[str, Any] | None:
        """The request an inbound event was recorded from (the first one, if several)."""
        row = self.sql.execute(
            "SELECT * FROM inbound_requests WHERE workspace = ? AND event_id = ? ORDER BY id LIMIT 1",
            (self.workspace, event_id),
        ).fetchone()
        return _inbound(row) if row else None

    # deliveries the sandbox sent, found by their signature -----------------------------
    def delivery_with_signature(self, signature: str) -> dict[str, Any] | None:
        """The first sent delivery whose body carries this ``sha_sign`` (128 hex digits)."""
        if len(signature) != 128 or any(char not in "0123456789ABCDEFabcdef" for char in signature):
            return None
        row = self.sql.execute(
            "SELECT * FROM deliveries WHERE workspace = ? AND send = 1 AND body LIKE ? ORDER BY id LIMIT 1",
            (self.workspace, f"%sha_sign={signature.upper()}%"),
        ).fetchone()
        if row is None:
            return None
        data = dict(row)
        data["params"] = json.loads(data["params"])
        return data

    # replays ----------------------------------------------------------------------------
    def add_replay(
        self, delivery_id: int, event_id: int, *, resigned: bool, data: dict[str, Any], original_body: str
    ) -> None:
        self.sql.execute(
            "INSERT INTO replays (delivery_id, workspace, event_id, resigned, data, original_body, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                delivery_id,
                self.workspace,
                event_id,
                int(resigned),
                json.dumps(data, ensure_ascii=False),
                original_body,
                time.time(),
            ),
        )

    def replay(self, delivery_id: int) -> dict[str, Any] | None:
        row = self.sql.execute(
            "SELECT * FROM replays WHERE workspace = ? AND delivery_id = ?", (self.workspace, delivery_id)
        ).fetchone()
        if row is None:
            return None
        return {**dict(row), "data": json.loads(row["data"]), "resigned": bool(row["resigned"])}

    def count_replays(self) -> int:
        row = self.sql.execute("SELECT COUNT(*) FROM replays WHERE workspace = ?", (self.workspace,)).fetchone()
        return int(row[0])

    def replay_ids(self, delivery_ids: list[int]) -> set[int]:
        """Which of these deliveries are replays."""
        if not delivery_ids:
            return set()
        marks = ",".join("?" * len(delivery_ids))
        rows = self.sql.execute(
            f"SELECT delivery_id FROM replays WHERE workspace = ? AND delivery_id IN ({marks})",
            (self.workspace, *delivery_ids),
        ).fetchall()
        return {int(row[0]) for row in rows}

    # forced receiver behaviour ------------------------------------------------------------
    def behaviour(self, connection_id: str) -> dict[str, Any] | None:
        row = self.sql.execute(
            "SELECT mode, status, delay_ms FROM receiver_behaviours WHERE workspace = ? AND connection_id = ?",
            (self.workspace, connection_id),
        ).fetchone()
        return dict(row) if row else None

    def set_behaviour(self, connection_id: str, mode: str, status: int, delay_ms: int) -> None:
        self.sql.execute(
            "INSERT INTO receiver_behaviours (workspace, connection_id, mode, status, delay_ms, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workspace, connection_id) DO UPDATE SET"
            " mode = excluded.mode, status = excluded.status, delay_ms = excluded.delay_ms,"
            " updated_at = excluded.updated_at",
            (self.workspace, connection_id, mode, status, delay_ms, time.time()),
        )
