"""Post one signed IPN body and judge the reply the way the connection asks.

Digistore24 counts a call as delivered when the reply text begins with ``OK``; newer
code also wants HTTP 200. The default here is both (2xx and ``OK``), per connection.

The client is aiohttp: under concurrency its pool costs a tenth of a millisecond of CPU
per post, where httpx's cost several (``python -m benchmarks --only clients`` measures both).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import aiohttp

from sandbox.ipn.form import CONTENT_TYPE

REPLY_LIMIT = 2000  # characters of the reply kept; more is read no further
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


def open_session(connections: int = 32) -> aiohttp.ClientSession:
    """The pool the attempts share: no cookies kept between receivers, no proxy from the environment."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections),
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,
    )


async def _start_of(content: aiohttp.StreamReader, limit: int) -> bytes:
    """At most ``limit`` bytes of a reply: a receiver answering megabytes costs nothing."""
    received = bytearray()
    while len(received) < limit:
        chunk = await content.read(limit - len(received))
        if not chunk:
            break
        received += chunk
    return bytes(received)


def _text(raw: bytes, charset: str) -> str:
    try:
        return raw.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know: read it as UTF-8
        return raw.decode("utf-8", errors="replace")


async def post(
    session: aiohttp.ClientSession,
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
        async with session.post(
            url,
            data=body,
            timeout=aiohttp.ClientTimeout(total=timeout),
            allow_redirects=False,
            headers={"Content-Type": CONTENT_TYPE, "User-Agent": USER_AGENT, **(headers or {})},
        ) as response:
            raw = await _start_of(response.content, REPLY_LIMIT * 4)  # UTF-8: up to 4 bytes a character
            status, charset = response.status, response.charset or "utf-8"
    except TimeoutError as error:
        return AttemptResult(False, None, (time.perf_counter() - started) * 1000, "", "timeout", type(error).__name__)
    except Exception as error:  # ClientError, and also an unusable URL (bad port…): no answer came
        return AttemptResult(
            False,
            None,
            (time.perf_counter() - started) * 1000,
            "",
            "connection_failed",
            str(error)[:200] or type(error).__name__,
        )
    latency = (time.perf_counter() - started) * 1000
    reply = _text(raw, charset)[:REPLY_LIMIT]
    verdict = judge(status, reply, rule)
    return AttemptResult(not verdict, status, latency, reply, verdict)
