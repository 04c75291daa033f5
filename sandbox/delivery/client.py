"""Post one signed IPN body and judge the reply the way the connection asks.

Digistore24 counts a call as delivered when the reply text begins with ``OK``; newer
code also wants HTTP 200. The default here is both (2xx and ``OK``), per connection.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import httpx

from sandbox.ipn.form import CONTENT_TYPE

REPLY_LIMIT = 2000
USER_AGENT = "ds24-sandbox IPN (simulated Digistore24)"


@dataclass(frozen=True)
class AttemptResult:
    ok: bool
    status: int | None  # HTTP status, None when no answer came
    latency_ms: float
    reply: str  # start of the reply body
    error: str  # "" | connection_failed | timeout | not_ok | http_status | redirect
    detail: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def judge(status: int, reply: str, rule: str) -> str:
    """The error code for a reply under a success rule, "" when it counts as delivered."""
    text_ok = reply.lstrip("\ufeff").startswith("OK")
    status_ok = 200 <= status < 300
    if 300 <= status < 400:
        return "redirect"
    if rule in ("ok_and_2xx", "http_2xx") and not status_ok:
        return "http_status"
    if rule in ("ok_and_2xx", "ok_text") and not text_ok:
        return "not_ok"
    return ""


async def post(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    *,
    rule: str,
    timeout: float,
    headers: dict[str, str] | None = None,
) -> AttemptResult:
    """One delivery attempt; never raises for network trouble, it is a failed attempt."""
    started = time.perf_counter()
    try:
        response = await client.post(
            url,
            content=body,
            timeout=timeout,
            follow_redirects=False,
            headers={"Content-Type": CONTENT_TYPE, "User-Agent": USER_AGENT, **(headers or {})},
        )
    except httpx.TimeoutException as error:
        return AttemptResult(False, None, (time.perf_counter() - started) * 1000, "", "timeout", type(error).__name__)
    except Exception as error:  # HTTPError, and also an unusable URL (bad port…): no answer came
        return AttemptResult(
            False,
            None,
            (time.perf_counter() - started) * 1000,
            "",
            "connection_failed",
            str(error)[:200] or type(error).__name__,
        )
    latency = (time.perf_counter() - started) * 1000
    reply = response.text[:REPLY_LIMIT]
    verdict = judge(response.status_code, reply, rule)
    return AttemptResult(not verdict, response.status_code, latency, reply, verdict)
