"""Counting requests per key in fixed windows: "at most N per conversation per 10 seconds".

Fixed windows are one counter per key and window, which a shared store does atomically
(Redis INCR + EXPIRE), so the same interface serves several replicas later; this in-memory
store serves one process. Memory is bounded: old windows are dropped as time moves on, and
beyond MAX_KEYS the oldest keys go first.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

MAX_KEYS = 100_000


class RateLimiter(Protocol):
    async def allow(self, key: str, limit: int, window_s: int) -> bool:
        """Counts one request for `key`; False when it is over `limit` in the current window."""
        ...


class MemoryRateLimiter:
    def __init__(self, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS) -> None:
        self._clock = clock
        self._max_keys = max_keys
        # key -> (window number, count, when the window ends); least recently used first.
        self._counts: OrderedDict[str, tuple[int, int, float]] = OrderedDict()

    async def allow(self, key: str, limit: int, window_s: int) -> bool:
        now = self._clock()
        window = int(now // window_s)
        seen_window, count, _ = self._counts.pop(key, (window, 0, 0.0))
        count = count + 1 if seen_window == window else 1
        self._counts[key] = (window, count, (window + 1) * window_s)
        self._forget_old(now)
        return count <= limit

    def _forget_old(self, now: float) -> None:
        while len(self._counts) > self._max_keys:
            self._counts.popitem(last=False)
        while self._counts:
            _, (_, _, ends) = next(iter(self._counts.items()))
            if ends > now:
                break
            self._counts.popitem(last=False)
