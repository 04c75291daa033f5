"""What machine and software a result was measured on, so two runs can be compared fairly."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from benchmarks.processes import ROOT

PACKAGES = (
    "uvicorn",
    "starlette",
    "httpx",
    "httpcore",
    "aiohttp",
    "uvloop",
    "httptools",
    "mkdocs",
    "mkdocs-material",
    "mkdocs-static-i18n",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def _package(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _git() -> dict[str, Any]:
    def run(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
        return done.stdout.strip() if done.returncode == 0 else ""

    return {"commit": run("rev-parse", "HEAD"), "dirty": bool(run("status", "--porcelain", "--untracked-files=no"))}


def describe() -> dict[str, Any]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "packages": {name: _package(name) for name in PACKAGES},
        "git": _git(),
    }


def _cpu_times() -> tuple[int, int]:
    values = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values), idle


def busy_cores(seconds: float = 0.5) -> float | None:
    """Cores' worth of CPU that something is using right now (``/proc/stat``), None where unknown.

    Other work on a 2-core machine (a test suite, a build) shifts every figure here, so
    each phase records this just before it starts and the table flags a busy machine.
    """
    try:
        total, idle = _cpu_times()
        time.sleep(seconds)
        total_after, idle_after = _cpu_times()
    except (OSError, IndexError, ValueError):
        return None
    elapsed = total_after - total
    if elapsed <= 0:
        return None
    return round((elapsed - (idle_after - idle)) / elapsed * (os.cpu_count() or 1), 2)


def wait_until_quiet(limit_seconds: float, threshold: float) -> float | None:
    """Wait (up to ``limit_seconds``) for three quiet half-seconds in a row; return the last reading."""
    deadline = time.monotonic() + limit_seconds
    quiet = 0
    busy = busy_cores()
    while busy is not None and time.monotonic() < deadline:
        quiet = quiet + 1 if busy <= threshold else 0
        if quiet >= 3:
            break
        busy = busy_cores()
    return busy


def _own_cpu() -> float:
    """CPU seconds of this process and of every child it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Interference:
    """Cores' worth of CPU used by other processes while a phase ran.

    The machine's busy time (``/proc/stat``) minus the CPU of the benchmark and the servers
    and load generators it started (all reaped by the end of a phase), over the wall time.
    """

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.own = _own_cpu()
        try:
            total, idle = _cpu_times()
            self.busy: float | None = (total - idle) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            self.busy = None

    def others_cores(self) -> float | None:
        if self.busy is None:
            return None
        total, idle = _cpu_times()
        busy = (total - idle) / os.sysconf("SC_CLK_TCK") - self.busy
        wall = time.perf_counter() - self.started
        return round(max(0.0, busy - (_own_cpu() - self.own)) / wall, 2) if wall > 0 else None
