"""How services announce what happened, without knowing who listens (the SSE stream)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Notify = Callable[[str, str, dict[str, Any]], None]  # (workspace, kind, data)


def silent(workspace: str, kind: str, data: dict[str, Any]) -> None:
    """For scripts and tests that do not stream."""
