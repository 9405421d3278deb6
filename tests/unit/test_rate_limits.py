"""The sliding-window counter behind the chat limits."""

from __future__ import annotations

import asyncio

from common.rate_limits import MemoryRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def allowed(limiter: MemoryRateLimiter, key: str, count: int, limit: int = 10, window_s: int = 60) -> int:
    return sum(asyncio.run(limiter.allow(key, limit, window_s)) for _ in range(count))


def test_at_most_the_limit_in_a_window_and_keys_are_separate():
    clock = Clock()
    limiter = MemoryRateLimiter(clock)
    assert allowed(limiter, "a", 15) == 10
    assert allowed(limiter, "b", 3) == 3


def test_a_burst_just_after_a_window_starts_still_counts_what_came_before():
    clock = Clock()
    clock.now = 1019.0  # 59 s into a 60 s window (windows start at multiples of 60)
    limiter = MemoryRateLimiter(clock)
    assert allowed(limiter, "a", 10) == 10
    clock.now = 1021.0  # 1 s into the next window: the last minute still holds those 10
    assert allowed(limiter, "a", 10) == 0
    clock.now = 1020.0 + 30  # half of the previous window has slid out
    assert allowed(limiter, "a", 10) == 5
    clock.now += 120  # two windows later nothing of it is left
    assert allowed(limiter, "a", 10) == 10


def test_a_client_that_keeps_going_gets_through_at_the_limits_rate_only():
    clock = Clock()
    limiter = MemoryRateLimiter(clock)
    through = 0
    for _ in range(600):  # 10 minutes at one request a second, limit 10 a minute
        through += allowed(limiter, "a", 1)
        clock.now += 1
    assert 95 <= through <= 110


def test_memory_is_bounded():
    clock = Clock()
    limiter = MemoryRateLimiter(clock, max_keys=100)
    for number in range(1000):
        allowed(limiter, f"key-{number}", 1)
    assert len(limiter._counts) <= 100
    clock.now += 1000
    allowed(limiter, "fresh", 1)
    assert len(limiter._counts) == 1
