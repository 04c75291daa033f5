"""When a failed IPN is tried again, modelled on Digistore24's published behaviour.

The reference: first retry after about 3 minutes, the interval growing to 24 hours after
about 10 attempts, at least 20 retries over roughly ten days. A speed factor compresses
the schedule so a reader can watch it in a demo.
"""

from __future__ import annotations

FIRST_DELAY = 180.0  # seconds
MAX_DELAY = 86_400.0
RETRIES = 20


def retry_delays() -> tuple[float, ...]:
    """The waits before retry 1, 2, … 20: doubling from 3 minutes, capped at a day."""
    return tuple(min(FIRST_DELAY * 2**index, MAX_DELAY) for index in range(RETRIES))


def next_delay(attempts_made: int, speed: float = 1.0) -> float | None:
    """Seconds to wait after ``attempts_made`` attempts, or None when Digistore24 gives up."""
    delays = retry_delays()
    if attempts_made < 1 or attempts_made > len(delays):
        return None
    return delays[attempts_made - 1] / max(speed, 1e-9)
