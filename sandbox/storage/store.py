"""Queries of one workspace: documents, counters, events, deliveries and attempts."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Collection
from contextlib import AbstractContextManager
from typing import Any

from sandbox.storage.database import Database


def _loads(row: Any, *names: str) -> dict[str, Any]:
    data = dict(row)
    for name in names:
        data[name] = json.loads(data[name])
    return data


class WorkspaceQueries:
    """Base of the query classes: one database, one workspace."""

    def __init__(self, database: Database, workspace: str) -> None:
        self.db = database
        self.workspace = workspace

    @property
    def sql(self) -> sqlite3.Connection:
        return self.db.connection

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return self.db.transaction()


class Store(WorkspaceQueries):
    """The vendor account's documents, counters, events, deliveries and attempts."""

    # workspace -----------------------------------------------------------------------
    def workspace_row(self) -> dict[str, Any] | None:
        row = self.sql.execute("SELECT * FROM workspaces WHERE id = ?", (self.workspace,)).fetchone()
        return dict(row) if row else None

    def create_workspace(self, seed: str, merchant_id: str, merchant_name: str) -> None:
        now = time.time()
        self.sql.execute(
            "INSERT INTO workspaces (id, seed, merchant_id, merchant_name, created_at, last_seen_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (self.workspace, seed, merchant_id, merchant_name, now, now),
        )

    def next_number(self, name: str, start: int) -> int:
        """A per-workspace sequence; the first value is ``start``."""
        row = self.sql.execute(
            "INSERT INTO counters (workspace, name, value) VALUES (?, ?, ?)"
            " ON CONFLICT (workspace, name) DO UPDATE SET value = value + 1 RETURNING value",
            (self.workspace, name, start),
        ).fetchone()
        return int(row[0])

    # documents -----------------------------------------------------------------------
    def put(self, kind: str, object_id: str, data: dict[str, Any]) -> None:
        now = time.time()
        self.sql.execute(
            "INSERT INTO objects (workspace, kind, id, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (workspace, kind, id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
            (self.workspace, kind, object_id, json.dumps(data, ensure_ascii=False), now, now),
        )

    def get(self, kind: str, object_id: str) -> dict[str, Any] | None:
        row = self.sql.execute(
            "SELECT data FROM objects WHERE workspace = ? AND kind = ? AND id = ?",
            (self.workspace, kind, object_id),
        ).fetchone()
        return json.loads(row[0]) if row else None

    def all(self, kind: str) -> list[dict[str, Any]]:
        rows = self.sql.execute(
            "SELECT data FROM objects WHERE workspace = ? AND kind = ? ORDER BY created_at, id",
            (self.workspace, kind),
        ).fetchall()
        return [json.loads(row[0]) for row in rows]

    def count(self, kind: str) -> int:
        row = self.sql.execute(
            "SELECT COUNT(*) FROM objects WHERE workspace = ? AND kind = ?", (self.workspace, kind)
        ).fetchone()
        return int(row[0])

    # events and deliveries -------------------------------------------------------------
    def count_events(self) -> int:
        row = self.sql.execute("SELECT COUNT(*) FROM events WHERE workspace = ?", (self.workspace,)).fetchone()
        return int(row[0])

    def add_event(self, name: str, source: str, fields: dict[str, str], order_id: str = "") -> int:
        cursor = self.sql.execute(
            "INSERT INTO events (workspace, created_at, name, source, order_id, fields) VALUES (?, ?, ?, ?, ?, ?)",
            (self.workspace, time.time(), name, source, order_id, json.dumps(fields, ensure_ascii=False)),
        )
        return int(cursor.lastrowid or 0)

    def add_delivery(
        self,
        event_id: int,
        connection_id: str,
        *,
        send: bool,
        reason: str,
        params: dict[str, str],
        url: str = "",
        success: str = "",
        body: str = "",
        due_at: float | None = None,
    ) -> int:
        cursor = self.sql.execute(
            "INSERT INTO deliveries (workspace, event_id, connection_id, send, reason, params, state, url, success,"
            " body, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.workspace,
                event_id,
                connection_id,
                int(send),
                reason,
                json.dumps(params, ensure_ascii=False),
                "pending" if send else "skipped",
                url,
                success,
                body,
                due_at,
                time.time(),
            ),
        )
        return int(cursor.lastrowid or 0)

    def event(self, event_id: int) -> dict[str, Any] | None:
        row = self.sql.execute(
            "SELECT * FROM events WHERE workspace = ? AND id = ?", (self.workspace, event_id)
        ).fetchone()
        return _loads(row, "fields") if row else None

    def events(self, limit: int = 50, order_id: str = "", after_id: int = 0) -> list[dict[str, Any]]:
        query = "SELECT * FROM events WHERE workspace = ? AND id > ?"
        params: list[Any] = [self.workspace, after_id]
        if order_id:
            query += " AND order_id = ?"
            params.append(order_id)
        query += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        return [_loads(row, "fields") for row in self.sql.execute(query, params).fetchall()]

    def deliveries_of(self, event_ids: list[int]) -> list[dict[str, Any]]:
        if not event_ids:
            return []
        marks = ",".join("?" * len(event_ids))
        rows = self.sql.execute(
            f"SELECT * FROM deliveries WHERE workspace = ? AND event_id IN ({marks}) ORDER BY id",
            (self.workspace, *event_ids),
        ).fetchall()
        return [_loads(row, "params") for row in rows]

    def delivery(self, delivery_id: int) -> dict[str, Any] | None:
        row = self.sql.execute(
            "SELECT * FROM deliveries WHERE workspace = ? AND id = ?", (self.workspace, delivery_id)
        ).fetchone()
        return _loads(row, "params") if row else None

    def deliveries_for_connection(self, connection_id: str, limit: int = 100) -> list[dict[str, Any]]:
        rows = self.sql.execute(
            "SELECT * FROM deliveries WHERE workspace = ? AND connection_id = ? ORDER BY id DESC LIMIT ?",
            (self.workspace, connection_id, limit),
        ).fetchall()
        return [_loads(row, "params") for row in rows]

    def attempts_of(self, delivery_ids: list[int]) -> list[dict[str, Any]]:
        if not delivery_ids:
            return []
        marks = ",".join("?" * len(delivery_ids))
        rows = self.sql.execute(
            f"SELECT * FROM attempts WHERE delivery_id IN ({marks}) ORDER BY id", delivery_ids
        ).fetchall()
        return [dict(row) for row in rows]


def due_deliveries(
    database: Database, now: float, per_connection: int = 20, skip: Collection[int] = ()
) -> list[dict[str, Any]]:
    """Pending deliveries whose next attempt is due, oldest first, at most ``per_connection``
    of each connection: a receiver with a long queue cannot crowd the others out.

    Ids come first and whole rows (with their bodies) only for those not in ``skip``, the
    ones already queued: the dispatcher asks again after every wake-up. Each row carries its
    event's ``order_id``."""
    ids = [
        row[0]
        for row in database.connection.execute(
            "SELECT id FROM (SELECT id, next_attempt_at, ROW_NUMBER() OVER (PARTITION BY workspace, connection_id"
            " ORDER BY next_attempt_at, id) AS place FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ?)"
            " WHERE place <= ? ORDER BY next_attempt_at, id",
            (now, per_connection),
        )
        if row[0] not in skip
    ]
    if not ids:
        return []
    rows = database.connection.execute(
        f"SELECT deliveries.*, events.order_id FROM deliveries JOIN events ON events.id = deliveries.event_id"
        f" WHERE deliveries.id IN ({','.join('?' * len(ids))}) ORDER BY deliveries.next_attempt_at, deliveries.id",
        ids,
    ).fetchall()
    return [_loads(row, "params") for row in rows]


def next_due_time(database: Database) -> float | None:
    row = database.connection.execute("SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 'pending'").fetchone()
    return row[0]


def record_attempt(
    database: Database,
    delivery_id: int,
    result: dict[str, Any],
    *,
    state: str,
    next_attempt_at: float | None,
    manual: bool = False,
) -> None:
    """Write one attempt and move its delivery on, in one transaction."""
    with database.transaction() as sql:
        sql.execute(
            "INSERT INTO attempts (delivery_id, at, ok, status, latency_ms, reply, error, detail, manual)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                delivery_id,
                time.time(),
                int(result["ok"]),
                result["status"],
                result["latency_ms"],
                result["reply"],
                result["error"],
                result["detail"],
                int(manual),
            ),
        )
        sql.execute(
            "UPDATE deliveries SET attempts = attempts + 1, state = ?, next_attempt_at = ? WHERE id = ?",
            (state, next_attempt_at, delivery_id),
        )


def _run(row: Any) -> dict[str, Any]:
    return {**json.loads(row["data"]), "id": row["id"], "created_at": row["created_at"], "test": bool(row["test"])}


class ZapierStore(WorkspaceQueries):
    """Queries of the simulated Zapier side of one workspace."""

    def add_reception(self, reception: dict[str, Any], delivery_id: int | None) -> int:
        cursor = self.sql.execute(
            "INSERT INTO receptions (workspace, received_at, delivery_id, event, accepted, record_id, duplicate, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.workspace,
                reception["received_at"],
                delivery_id,
                reception["event"],
                int(reception["accepted"]),
                reception["record_id"],
                int(reception["duplicate"]),
                json.dumps(reception, ensure_ascii=False),
            ),
        )
        return int(cursor.lastrowid or 0)

    def remember(self, record_id: str) -> None:
        self.sql.execute(
            "INSERT OR IGNORE INTO seen_records (workspace, record_id) VALUES (?, ?)", (self.workspace, record_id)
        )

    def seen(self, record_id: str) -> bool:
        row = self.sql.execute(
            "SELECT 1 FROM seen_records WHERE workspace = ? AND record_id = ?", (self.workspace, record_id)
        ).fetchone()
        return row is not None

    def add_run(
        self,
        reception_id: int | None,
        zap_id: str,
        status: str,
        data: dict[str, Any],
        created_at: str,
        *,
        test: bool = False,
    ) -> int:
        cursor = self.sql.execute(
            "INSERT INTO zap_runs (workspace, reception_id, zap_id, status, test, data, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self.workspace, reception_id, zap_id, status, int(test), json.dumps(data, ensure_ascii=False), created_at),
        )
        return int(cursor.lastrowid or 0)

    def receptions(self, limit: int = 50, accepted_only: bool = False) -> list[dict[str, Any]]:
        query = "SELECT * FROM receptions WHERE workspace = ?"
        if accepted_only:
            query += " AND accepted = 1"
        rows = self.sql.execute(query + " ORDER BY id DESC LIMIT ?", (self.workspace, limit)).fetchall()
        return [{**json.loads(row["data"]), "id": row["id"], "delivery_id": row["delivery_id"]} for row in rows]

    def runs(self, zap_id: str | None = None, limit: int = 100, status: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT * FROM zap_runs WHERE workspace = ?"
        params: list[Any] = [self.workspace]
        if zap_id is not None:
            query += " AND zap_id = ?"
            params.append(zap_id)
        if status is not None:
            query += " AND status = ?"
            params.append(status)
        query += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        return [_run(row) for row in self.sql.execute(query, params).fetchall()]

    def runs_of_deliveries(self, delivery_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        """Each delivery's Zap runs, through the reception that delivery produced."""
        if not delivery_ids:
            return {}
        marks = ",".join("?" * len(delivery_ids))
        rows = self.sql.execute(
            f"SELECT receptions.delivery_id AS delivery_id, zap_runs.* FROM zap_runs"
            f" JOIN receptions ON receptions.id = zap_runs.reception_id"
            f" WHERE receptions.workspace = ? AND receptions.delivery_id IN ({marks}) ORDER BY zap_runs.id",
            (self.workspace, *delivery_ids),
        ).fetchall()
        found: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            found.setdefault(row["delivery_id"], []).append(_run(row))
        return found


def workspace_of(database: Database, kind: str, object_id: str) -> str | None:
    """Which workspace owns a document, for URLs that name an object but not its owner."""
    row = database.connection.execute(
        "SELECT workspace FROM objects WHERE kind = ? AND id = ?", (kind, object_id)
    ).fetchone()
    return row[0] if row else None
