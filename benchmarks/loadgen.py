"""The load generator: a separate process, so its CPU never runs on the server's event loop.

Run as ``python -m benchmarks.loadgen SPEC_JSON``; it prints one JSON object. Modes:

``closed``     N keep-alive connections, each sending the same request as soon as the last
               answer came (closed loop); requests/s and latency. Used for the ceiling.
``latency``    one test payment at a time (``?wait=0``), timed from the API call to the last
               stream event of that payment (its reception with the Zaps' runs, and the
               attempt that recorded the delivery), then to the end of the reload the
               guide's events panel makes on such an event.
``pipeline``   N connections making test payments with the default wait (the call returns
               once the IPN was posted and answered) while the event stream is read;
               payments/s counted from the stream, and every payment timed like ``latency``.
``create``     N connections making test payments with ``?wait=0`` as fast as answered;
               the delivery log is read afterwards by the caller.
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from benchmarks.processes import cpu_seconds
from benchmarks.rawhttp import Connection, EventStream, build_request, json_request

REQUEST_TIMEOUT = 30.0
PANEL_REFRESH = "/api/events?limit=8"  # what the guide's events panel loads on a stream event


def own_cpu() -> float:
    """CPU seconds this process has used (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def summary(values_ms: list[float]) -> dict[str, float]:
    """p50/p95/p99 (inclusive quantiles), mean and max of a list of milliseconds."""
    if not values_ms:
        return {"n": 0}
    if len(values_ms) == 1:
        only = values_ms[0]
        return {"n": 1, "p50": only, "p95": only, "p99": only, "mean": only, "max": only}
    cuts = statistics.quantiles(values_ms, n=100, method="inclusive")
    return {
        "n": len(values_ms),
        "p50": round(cuts[49], 3),
        "p95": round(cuts[94], 3),
        "p99": round(cuts[98], 3),
        "mean": round(statistics.fmean(values_ms), 3),
        "max": round(max(values_ms), 3),
    }


@dataclass
class Meter:
    """CPU of this process and of the server over a window, as a share of one core."""

    server_pid: int
    started: float = field(default_factory=time.perf_counter)
    own: float = field(default_factory=own_cpu)
    server: float = 0.0

    def __post_init__(self) -> None:
        self.server = cpu_seconds(self.server_pid) if self.server_pid else 0.0

    def result(self) -> dict[str, float]:
        wall = time.perf_counter() - self.started
        server = (cpu_seconds(self.server_pid) - self.server) if self.server_pid else 0.0
        return {
            "wall_s": round(wall, 3),
            "loadgen_cpu_share": round((own_cpu() - self.own) / wall, 3),
            "server_cpu_share": round(server / wall, 3),
        }


def _per(total: float, count: int) -> float | None:
    """CPU per unit of work: unlike a rate, it barely moves when another process steals the CPU."""
    return round(total / count, 3) if count else None


# --- closed loop ----------------------------------------------------------------------------


async def closed(spec: dict[str, Any]) -> dict[str, Any]:
    host, port = spec["host"], int(spec["port"])
    request = json_request("POST", host, port, spec["path"], spec["body"])
    expect = int(spec.get("expect", 201))
    connections = [Connection(host, port) for _ in range(int(spec["connections"]))]
    for connection in connections:
        await connection.open()
    latencies: list[float] = []
    errors = 0
    measuring = False

    async def worker(connection: Connection, stop_at: float) -> None:
        nonlocal errors
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            status, _ = await asyncio.wait_for(connection.request(request), REQUEST_TIMEOUT)
            if measuring:
                if status == expect:
                    latencies.append((time.perf_counter() - started) * 1000)
                else:
                    errors += 1

    warm_until = time.perf_counter() + float(spec.get("warmup", 2.0))
    await asyncio.gather(*(worker(connection, warm_until) for connection in connections))
    measuring = True
    meter = Meter(int(spec.get("server_pid", 0)))
    stop_at = time.perf_counter() + float(spec["duration"])
    await asyncio.gather(*(worker(connection, stop_at) for connection in connections))
    usage = meter.result()
    for connection in connections:
        await connection.close()
    return {
        "connections": len(connections),
        "requests": len(latencies),
        "errors": errors,
        "per_second": round(len(latencies) / usage["wall_s"], 1),
        "server_cpu_us_per_request": _per(usage["server_cpu_share"] * usage["wall_s"] * 1e6, len(latencies)),
        "latency_ms": summary(latencies),
        **usage,
    }


# --- payments and the stream -------------------------------------------------------------------


class Tracker:
    """Matches stream events to payments by delivery id and records when each arrived."""

    def __init__(self, expected_runs: int) -> None:
        self.expected_runs = expected_runs
        self.receptions: dict[int, float] = {}
        self.attempts: dict[int, float] = {}
        self.complete: list[float] = []  # arrival of every reception whose runs all ran
        self.bad_receptions = 0
        self._waiters: dict[int, asyncio.Future[tuple[float, float]]] = {}

    def on_event(self, kind: str, data: dict[str, Any], arrived: float) -> None:
        if kind == "reception":
            delivery_id = data.get("delivery_id")
            runs = data.get("runs") or []
            if data.get("accepted") and len(runs) == self.expected_runs and all(r["status"] == "ran" for r in runs):
                self.complete.append(arrived)
            else:
                self.bad_receptions += 1
            if isinstance(delivery_id, int):
                self.receptions[delivery_id] = arrived
                self._check(delivery_id)
        elif kind == "attempt":
            delivery_id = data.get("delivery_id")
            if isinstance(delivery_id, int):
                self.attempts[delivery_id] = arrived
                self._check(delivery_id)

    def _check(self, delivery_id: int) -> None:
        waiter = self._waiters.get(delivery_id)
        if waiter and not waiter.done() and delivery_id in self.receptions and delivery_id in self.attempts:
            waiter.set_result((self.receptions[delivery_id], self.attempts[delivery_id]))

    async def wait(self, delivery_id: int, timeout: float) -> tuple[float, float]:
        """(reception arrival, attempt arrival) of a delivery, whichever order they came in."""
        waiter: asyncio.Future[tuple[float, float]] = asyncio.get_running_loop().create_future()
        self._waiters[delivery_id] = waiter
        self._check(delivery_id)
        try:
            return await asyncio.wait_for(waiter, timeout)
        finally:
            del self._waiters[delivery_id]


def zapier_delivery(body: bytes) -> int:
    """The id of the payment event's delivery that is sent (to the Zapier hook)."""
    data = json.loads(body)
    for event in data["events"]:
        for delivery in event["deliveries"]:
            if delivery["send"]:
                return int(delivery["id"])
    raise RuntimeError("the payment has no delivery to send: is the Zapier connection on?")


@dataclass
class Probe:
    """One payment at a time, each timed from the API call to its last stream event.

    Then, as the events panel does once the stream tells it something changed, it reloads
    the event list (``refresh``), to time the server's whole share of what the reader waits.
    """

    connection: Connection
    request: bytes
    tracker: Tracker
    refresh_connection: Connection
    refresh: bytes
    to_last: list[float] = field(default_factory=list)
    to_reception: list[float] = field(default_factory=list)
    to_response: list[float] = field(default_factory=list)
    to_refreshed: list[float] = field(default_factory=list)
    errors: int = 0

    async def once(self, record: bool = True) -> None:
        started = time.perf_counter()
        status, body = await asyncio.wait_for(self.connection.request(self.request), REQUEST_TIMEOUT)
        answered = time.perf_counter()
        if status != 201:
            self.errors += 1
            return
        try:
            reception, attempt = await self.tracker.wait(zapier_delivery(body), REQUEST_TIMEOUT)
        except TimeoutError:
            self.errors += 1
            return
        status, _ = await asyncio.wait_for(self.refresh_connection.request(self.refresh), REQUEST_TIMEOUT)
        refreshed = time.perf_counter()
        if status != 200:
            self.errors += 1
            return
        if record:
            self.to_last.append((max(reception, attempt) - started) * 1000)
            self.to_reception.append((reception - started) * 1000)
            self.to_response.append((answered - started) * 1000)
            self.to_refreshed.append((refreshed - started) * 1000)

    def result(self) -> dict[str, Any]:
        return {
            "errors": self.errors,
            "click_to_screen_ms": summary(self.to_last),
            "to_reception_ms": summary(self.to_reception),
            "api_response_ms": summary(self.to_response),
            "with_panel_refresh_ms": summary(self.to_refreshed),
        }


async def _stream(host: str, port: int, tracker: Tracker) -> EventStream:
    stream = EventStream(host, port, tracker.on_event)
    stream.start()
    await asyncio.wait_for(stream.ready.wait(), 10)
    return stream


def payment_request(spec: dict[str, Any], wait: bool) -> bytes:
    path = "/api/test-payments" if wait else "/api/test-payments?wait=0"
    return json_request("POST", spec["host"], int(spec["port"]), path, {"product_id": spec["product_id"]})


async def latency(spec: dict[str, Any]) -> dict[str, Any]:
    host, port = spec["host"], int(spec["port"])
    tracker = Tracker(int(spec["zaps"]))
    stream = await _stream(host, port, tracker)
    probe = Probe(
        Connection(host, port),
        payment_request(spec, wait=False),
        tracker,
        Connection(host, port),
        build_request("GET", host, port, PANEL_REFRESH),
    )
    for _ in range(int(spec.get("warmup", 20))):
        await probe.once(record=False)
    meter = Meter(int(spec.get("server_pid", 0)))
    for _ in range(int(spec["count"])):
        await probe.once()
    usage = meter.result()
    # The guide's payment panel calls with the default wait and shows the answer's events.
    waited = Connection(host, port)
    request = payment_request(spec, wait=True)
    answers: list[float] = []
    for _ in range(int(spec.get("wait_count", 0))):
        started = time.perf_counter()
        status, _ = await asyncio.wait_for(waited.request(request), REQUEST_TIMEOUT)
        if status == 201:
            answers.append((time.perf_counter() - started) * 1000)
    await stream.stop()
    return {
        **probe.result(),
        "pay_panel_answer_ms": summary(answers),
        "bad_receptions": tracker.bad_receptions,
        **usage,
    }


async def pipeline(spec: dict[str, Any]) -> dict[str, Any]:
    """Throughput with the default wait, and every load payment timed to its last stream event."""
    host, port = spec["host"], int(spec["port"])
    tracker = Tracker(int(spec["zaps"]))
    stream = await _stream(host, port, tracker)
    request = payment_request(spec, wait=True)
    to_last: list[float] = []
    to_response: list[float] = []
    errors = 0
    measuring = False

    async def worker(stop_at: float) -> None:
        nonlocal errors
        connection = Connection(host, port)
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            status, body = await asyncio.wait_for(connection.request(request), REQUEST_TIMEOUT)
            answered = time.perf_counter()
            if status != 201:
                if measuring:
                    errors += 1
                continue
            # The answer comes after the attempt was recorded; the stream events usually came first.
            reception, attempt = await tracker.wait(zapier_delivery(body), REQUEST_TIMEOUT)
            if measuring:
                to_last.append((max(reception, attempt) - started) * 1000)
                to_response.append((answered - started) * 1000)
        await connection.close()

    connections = int(spec["connections"])
    warmup = float(spec.get("warmup", 2.0))
    duration = float(spec["duration"])
    began = time.perf_counter()
    tasks = [asyncio.create_task(worker(began + warmup + duration)) for _ in range(connections)]
    await asyncio.sleep(warmup)
    measuring = True
    meter = Meter(int(spec.get("server_pid", 0)))
    window_start = time.perf_counter()
    await asyncio.sleep(duration)
    window_end = time.perf_counter()
    usage = meter.result()
    measuring = False
    await asyncio.gather(*tasks)
    await stream.stop()
    streamed = sum(1 for arrived in tracker.complete if window_start <= arrived < window_end)
    window = window_end - window_start
    return {
        "connections": connections,
        "window_s": round(window, 3),
        "payments_streamed": streamed,
        "per_second": round(streamed / window, 1),
        "server_cpu_ms_per_payment": _per(usage["server_cpu_share"] * usage["wall_s"] * 1e3, streamed),
        "errors": errors,
        "bad_receptions": tracker.bad_receptions,
        "click_to_screen_ms": summary(to_last),
        "api_response_ms": summary(to_response),
        **usage,
    }


async def create(spec: dict[str, Any]) -> dict[str, Any]:
    host, port = spec["host"], int(spec["port"])
    request = payment_request(spec, wait=False)
    created = 0
    errors = 0

    async def worker(stop_at: float) -> None:
        nonlocal created, errors
        connection = Connection(host, port)
        while time.perf_counter() < stop_at:
            status, _ = await asyncio.wait_for(connection.request(request), REQUEST_TIMEOUT)
            if status == 201:
                created += 1
            else:
                errors += 1
        await connection.close()

    meter = Meter(int(spec.get("server_pid", 0)))
    started = time.time()
    stop_at = time.perf_counter() + float(spec["duration"])
    await asyncio.gather(*(worker(stop_at) for _ in range(int(spec["connections"]))))
    ended = time.time()
    return {
        "created": created,
        "errors": errors,
        "started": started,
        "ended": ended,
        "per_second": round(created / (ended - started), 1),
        **meter.result(),
    }


MODES = {"closed": closed, "latency": latency, "pipeline": pipeline, "create": create}


def main() -> None:
    spec = json.loads(sys.argv[1])
    coroutine = MODES[spec["mode"]](spec)
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(coroutine)
    else:
        result = uvloop.run(coroutine)  # the cheaper loop: the generator must stay far from saturation
    print(json.dumps(result))


if __name__ == "__main__":
    main()
