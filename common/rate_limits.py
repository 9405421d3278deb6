"""Counting requests per key: "at most N per conversation per minute".

A sliding window, approximated from two fixed windows (the current one and the one before,
weighted by how much of it still lies inside the last `window_s` seconds), so a burst just after
a window starts is still counted against what came just before it. Two counters per key: a
shared store does the same atomically (Redis INCR + EXPIRE), so this interface serves several
replicas later; this in-memory store serves one process. Memory is bounded: old keys are dropped
as time moves on, and beyond MAX_KEYS the least recently used go first. Only allowed requests
are counted, so a client that keeps going is let through at the limit's rate, never faster.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

MAX_KEYS = 100_000


class RateLimiter(Protocol):
    async def allow(self, key: str, limit: int, window_s: int) -> bool:
        """Counts one request for `key`; False (and not counted) when it is over `limit` in the
        last `window_s` seconds."""
        ...


class MemoryRateLimiter:
    def __init__(self, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS) -> None:
        self._clock = clock
        self._max_keys = max_keys
        # key -> (window number, count in it, count in the window before); least recently used first.
        self._counts: OrderedDict[str, tuple[int, int, int, float]] = OrderedDict()

    async def allow(self, key: str, limit: int, window_s: int) -> bool:
        now = self._clock()
        window = int(now // window_s)
        seen, current, previous, _ = self._counts.pop(key, (window, 0, 0, 0.0))
        if seen != window:
            previous = current if seen == window - 1 else 0
            current = 0
        elapsed = (now % window_s) / window_s
        allowed = previous * (1 - elapsed) + current + 1 <= limit
        if allowed:
            current += 1
        self._counts[key] = (window, current, previous, (window + 2) * window_s)
        self._forget_old(now)
        return allowed

    def _forget_old(self, now: float) -> None:
        while len(self._counts) > self._max_keys:
            self._counts.popitem(last=False)
        while self._counts:
            _, (_, _, _, forgotten_at) = next(iter(self._counts.items()))
            if forgotten_at > now:
                break
            self._counts.popitem(last=False)
