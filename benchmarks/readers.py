"""Many readers at once: 50 simulated readers, each in a workspace of its own, for a minute.

Run with ``python -m benchmarks.readers`` (``--readers N --seconds S`` to change the load).
The sandbox runs as a public instance would (``--per-reader``). Each reader gets its
workspace cookie, connects Zapier, turns on a Zap for one product, follows its own event
stream, and makes test payments in a loop. At the end every reader's payments are
counted on three sides: what the API answered, what its stream showed, and what the
Zapier side ran; and no reader may have seen another reader's event. Figures are printed
and written to ``benchmarks/results/readers-YYYY-MM-DD.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from benchmarks.machine import describe
from benchmarks.processes import Server

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Reader:
    number: int
    client: httpx.AsyncClient
    product_id: str = ""
    zap_id: str = ""
    paid_event_ids: list[int] = field(default_factory=list)
    streamed_event_ids: set[int] = field(default_factory=set)
    foreign_event_ids: set[int] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)


async def prepare(reader: Reader) -> None:
    """Workspace cookie, a product of its own, Zapier connected and one Zap on."""
    products = (await reader.client.get("/api/products")).raise_for_status().json()["products"]
    reader.product_id = next(p["id"] for p in products if p["billing_type"] == "single_payment")
    (await reader.client.post("/api/zapier/connect")).raise_for_status()
    zap = await reader.client.post("/api/zaps", json={"trigger": "order", "product_ids": [reader.product_id]})
    reader.zap_id = zap.raise_for_status().json()["id"]
    (await reader.client.post(f"/api/zaps/{reader.zap_id}/on")).raise_for_status()


async def follow(reader: Reader, stop: asyncio.Event) -> None:
    """Read the reader's own stream; remember every event id it shows."""
    async with reader.client.stream("GET", "/api/stream", timeout=None) as response:
        kind = ""
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "event":
                reader.streamed_event_ids.add(json.loads(line[6:])["id"])
            if stop.is_set() and len(reader.streamed_event_ids) >= len(reader.paid_event_ids):
                return


async def pay(reader: Reader, until: float) -> None:
    while time.monotonic() < until:
        started = time.perf_counter()
        answer = await reader.client.post("/api/test-payments", json={"product_id": reader.product_id})
        reader.latencies_ms.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 201:
            reader.errors.append(f"{answer.status_code} {answer.text[:120]}")
            continue
        reader.paid_event_ids.extend(answer.json()["event_ids"])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


async def run(readers_count: int, seconds: float, url: str) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    readers = [Reader(n, httpx.AsyncClient(base_url=url, timeout=60, limits=limits)) for n in range(readers_count)]
    await asyncio.gather(*(prepare(reader) for reader in readers))
    stop = asyncio.Event()
    followers = [asyncio.create_task(follow(reader, stop)) for reader in readers]
    await asyncio.sleep(0.5)  # every stream is open before the first payment
    started = time.monotonic()
    await asyncio.gather(*(pay(reader, started + seconds) for reader in readers))
    elapsed = time.monotonic() - started
    stop.set()
    # Wake each stream with one more event of its own so it can notice the end.
    await asyncio.gather(
        *(reader.client.post("/api/products", json={"name": "fin", "price": "1.00"}) for reader in readers)
    )
    _, pending = await asyncio.wait(followers, timeout=30)
    for task in pending:
        task.cancel()
    runs: dict[int, int] = {}
    for reader in readers:
        history = (await reader.client.get(f"/api/zaps/{reader.zap_id}/runs?limit=1000")).json()["runs"]
        runs[reader.number] = sum(1 for run in history if run["status"] == "ran" and not run["test"])
        own = set(reader.paid_event_ids)
        reader.foreign_event_ids = reader.streamed_event_ids - own
        await reader.client.aclose()
    paid = sum(len(reader.paid_event_ids) for reader in readers)
    streamed = sum(len(reader.streamed_event_ids & set(reader.paid_event_ids)) for reader in readers)
    latencies = [value for reader in readers for value in reader.latencies_ms]
    return {
        "readers": readers_count,
        "seconds": round(elapsed, 1),
        "payments": paid,
        "payments_per_second": round(paid / elapsed, 1),
        "errors": sum(len(reader.errors) for reader in readers),
        "first_errors": [error for reader in readers for error in reader.errors][:5],
        "events_shown_to_their_reader": streamed,
        "events_missing_from_a_stream": paid - streamed,
        "events_shown_to_another_reader": sum(len(reader.foreign_event_ids) for reader in readers),
        "zap_runs": sum(runs.values()),
        "readers_whose_runs_match_their_payments": sum(
            1 for reader in readers if runs[reader.number] == len(reader.paid_event_ids)
        ),
        "payment_latency_ms": {
            "p50": round(percentile(latencies, 0.5), 1),
            "p95": round(percentile(latencies, 0.95), 1),
            "p99": round(percentile(latencies, 0.99), 1),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = Server(
            [
                sys.executable,
                "-m",
                "sandbox",
                "serve",
                "--db",
                str(Path(folder) / "readers.sqlite3"),
                "--per-reader",
                "--site",
                str(Path(folder) / "no-site"),
            ]
        )
        with server:
            figures = asyncio.run(run(args.readers, args.seconds, server.url))
    result = {"date": date.today().isoformat(), "machine": describe(), "many_readers": figures}
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"readers-{date.today().isoformat()}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    for name, value in figures.items():
        print(f"{name:<42} {value}")
    print(f"written to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path.name}")
    clean = (
        figures["errors"] == 0
        and figures["events_missing_from_a_stream"] == 0
        and figures["events_shown_to_another_reader"] == 0
        and figures["readers_whose_runs_match_their_payments"] == args.readers
    )
    raise SystemExit(0 if clean else 1)


if __name__ == "__main__":
    main()
