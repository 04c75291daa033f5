"""Quotas per workspace, so a public sandbox cannot be filled up by one reader."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.errors import InputError
from sandbox.storage.store import Store


class QuotaExceeded(InputError):
    status = 429


@dataclass(frozen=True)
class Limits:
    """Most objects of each kind one workspace may hold; None means no limit."""

    event: int | None = None
    connection: int | None = None
    product: int | None = None
    zap: int | None = None

    def check(self, store: Store, kind: str) -> None:
        """Refuse one more ``kind`` when the workspace already holds its quota."""
        limit = getattr(self, kind)
        if limit is None:
            return
        count = store.count_events() if kind == "event" else store.count(kind)
        if count >= limit:
            raise QuotaExceeded("quota_exceeded", kind=kind, limit=limit)


UNLIMITED = Limits()
# Defaults for a sandbox serving many readers: ample for the guide, small for a disk.
SHARED = Limits(event=2000, connection=10, product=50, zap=20)
