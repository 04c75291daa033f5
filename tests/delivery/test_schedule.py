"""The retry schedule: 3 minutes, doubling, capped at a day, 20 retries, then nothing."""

from __future__ import annotations

import itertools

import pytest

from sandbox.delivery import schedule


def test_the_first_retry_comes_after_three_minutes_then_the_wait_doubles() -> None:
    delays = [schedule.next_delay(attempts) for attempts in range(1, 21)]

    assert delays[0] == 180
    for before, after in itertools.pairwise(delays):
        assert after == min(before * 2, 86_400)


def test_the_wait_is_capped_at_a_day_and_reaches_it_after_about_ten_attempts() -> None:
    delays = [schedule.next_delay(attempts) for attempts in range(1, 21)]

    assert max(delays) == 86_400
    first_capped = delays.index(86_400) + 1
    assert 9 <= first_capped <= 11
    assert all(delay == 86_400 for delay in delays[first_capped - 1 :])


def test_twenty_retries_spread_over_about_ten_days_then_none() -> None:
    delays = [schedule.next_delay(attempts) for attempts in range(1, 21)]

    assert None not in delays
    assert schedule.next_delay(21) is None
    assert schedule.next_delay(100) is None
    assert 9 * 86_400 <= sum(delays) <= 14 * 86_400
    assert schedule.retry_delays() == tuple(delays)


@pytest.mark.parametrize("attempts", [0, -1])
def test_no_delay_before_any_attempt(attempts: int) -> None:
    assert schedule.next_delay(attempts) is None


@pytest.mark.parametrize("speed", [2, 60, 1000, 0.5])
def test_the_speed_factor_divides_every_delay(speed: float) -> None:
    for attempts in range(1, 21):
        assert schedule.next_delay(attempts, speed) == pytest.approx(schedule.next_delay(attempts) / speed)
    assert schedule.next_delay(21, speed) is None
