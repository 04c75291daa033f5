"""The outbound HTTP client: the sandbox's own (aiohttp) against httpx, posting signed IPN under concurrency.

The dispatcher posts every IPN through ``sandbox.delivery.client`` (one aiohttp session, 32
connections, behind a 32-slot semaphore); it used one ``httpx.AsyncClient``
(``max_connections=32, max_keepalive_connections=16``) until this comparison showed that pool
costing milliseconds of CPU per post under concurrency. A connection pool that slows down as
concurrent requests grow, or that closes connections it will need again, is a known trap,
so each client is driven closed-loop at several concurrency levels against the fast loopback
receiver, in this process alone (the receiver runs in its own). Per level: posts/s, latency
percentiles and this process's CPU per post — CPU per post is what the sandbox pays on its
single event loop.

Run as ``python -m benchmarks.clients SPEC_JSON`` (``port``, ``levels``, ``seconds``).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import httpx

from benchmarks.loadgen import own_cpu, summary

CONTENT_TYPE = "application/x-www-form-urlencoded"
POOL = 32  # the dispatcher's max_connections (and its semaphore)
Post = Callable[[], Awaitable[bool]]


def ipn_body() -> bytes:
    """A signed ``on_payment`` form body built from the sandbox's own field catalog."""
    from sandbox.ipn import fields, form, signing

    values = {item.name: item.example or "x" for item in fields.fields() if "on_payment" in item.events}
    values["event"] = "on_payment"
    return form.encode(signing.signed(values, "bench-passphrase"))


async def drive(post: Post, concurrency: int, seconds: float) -> dict[str, Any]:
    """Closed loop: ``concurrency`` tasks posting back to back; warm-up excluded."""
    latencies: list[float] = []
    failures = 0
    measuring = False

    async def worker(stop_at: float) -> None:
        nonlocal failures
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            ok = await post()
            if measuring:
                if ok:
                    latencies.append((time.perf_counter() - started) * 1000)
                else:
                    failures += 1

    warm = time.perf_counter() + 0.3
    await asyncio.gather(*(worker(warm) for _ in range(concurrency)))
    measuring = True
    cpu = own_cpu()
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(*(worker(stop_at) for _ in range(concurrency)))
    wall = time.perf_counter() - started
    used = own_cpu() - cpu
    count = len(latencies)
    return {
        "concurrency": concurrency,
        "posts": count,
        "failures": failures,
        "per_second": round(count / wall, 1),
        "cpu_us_per_post": round(used / count * 1e6, 1) if count else None,
        "cpu_share": round(used / wall, 3),
        "latency_ms": summary(latencies),
    }


async def with_httpx(url: str, body: bytes, keepalive: int, levels: list[int], seconds: float) -> list[dict[str, Any]]:
    results = []
    for level in levels:
        client = httpx.AsyncClient(limits=httpx.Limits(max_connections=POOL, max_keepalive_connections=keepalive))
        semaphore = asyncio.Semaphore(POOL)  # as the dispatcher does

        async def post(client: httpx.AsyncClient = client, semaphore: asyncio.Semaphore = semaphore) -> bool:
            async with semaphore:
                response = await client.post(
                    url, content=body, timeout=10.0, follow_redirects=False, headers={"Content-Type": CONTENT_TYPE}
                )
                return response.status_code == 200 and response.text.startswith("OK")

        results.append(await drive(post, level, seconds))
        await client.aclose()
    return results


async def with_sandbox_client(url: str, body: bytes, levels: list[int], seconds: float) -> list[dict[str, Any]]:
    """The dispatcher's own attempt: ``sandbox.delivery.client.post`` on its session."""
    from sandbox.delivery import client

    results = []
    for level in levels:
        session = client.open_session(POOL)
        semaphore = asyncio.Semaphore(POOL)

        async def post(session: aiohttp.ClientSession = session, semaphore: asyncio.Semaphore = semaphore) -> bool:
            async with semaphore:
                result = await client.post(session, url, body, rule="ok_and_2xx", timeout=10.0)
                return result.ok

        results.append(await drive(post, level, seconds))
        await session.close()
    return results


async def compare(spec: dict[str, Any]) -> dict[str, Any]:
    url = f"http://127.0.0.1:{int(spec['port'])}/ipn"
    levels = [int(level) for level in spec["levels"]]
    seconds = float(spec["seconds"])
    body = ipn_body()
    clients: dict[str, Any] = {
        f"sandbox: aiohttp {aiohttp.__version__} (limit 32)": await with_sandbox_client(url, body, levels, seconds),
        f"httpx {httpx.__version__} (previous pool: 32 max, 16 keep-alive)": await with_httpx(
            url, body, 16, levels, seconds
        ),
        f"httpx {httpx.__version__} (32 max, 32 keep-alive)": await with_httpx(url, body, POOL, levels, seconds),
    }
    return {"body_bytes": len(body), "levels": levels, "seconds": seconds, "clients": clients}


def main() -> None:
    spec = json.loads(sys.argv[1])
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(compare(spec))
    else:
        result = uvloop.run(compare(spec))  # the sandbox runs on uvloop too (uvicorn[standard])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
