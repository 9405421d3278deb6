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

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

logger = logging.getLogger(__name__)

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


# KEYS: the counter prefix. ARGV: limit, window in seconds. Redis's own clock, so every replica
# counts in the same windows. 1 = allowed (and counted), 0 = over the limit.
SLIDING_WINDOW = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local window_s = tonumber(ARGV[2])
local window = math.floor(now / window_s)
local current_key = KEYS[1] .. ':' .. window
local current = tonumber(redis.call('GET', current_key) or '0')
local previous = tonumber(redis.call('GET', KEYS[1] .. ':' .. (window - 1)) or '0')
local elapsed = (now % window_s) / window_s
if previous * (1 - elapsed) + current + 1 <= tonumber(ARGV[1]) then
  redis.call('INCR', current_key)
  redis.call('EXPIRE', current_key, 2 * window_s + 1)
  return 1
end
return 0
"""


class RedisRateLimiter:
    """The same sliding window, counted in Redis by one script per request, so every replica
    shares the counts. While Redis cannot be reached, each process counts alone (in memory) and
    tries Redis again every few seconds, saying so at most once a minute: these limits stop
    floods, and a Redis outage must not stop every conversation (the account service keeps its
    own limits on codes and sign-ins in its database)."""

    RETRY_AFTER_S = 5.0
    WARN_EVERY_S = 60.0

    def __init__(
        self,
        url: str,
        key_prefix: str = "limit",
        timeout_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import redis.asyncio as redis

        self._redis = redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
        self._count = self._redis.register_script(SLIDING_WINDOW)
        self._prefix = key_prefix
        self._clock = clock
        self._alone = MemoryRateLimiter(clock)
        self._down_until = self._warned_at = float("-inf")

    async def allow(self, key: str, limit: int, window_s: int) -> bool:
        import redis.exceptions

        now = self._clock()
        if now < self._down_until:
            return await self._alone.allow(key, limit, window_s)
        try:
            return bool(await self._count(keys=[f"{self._prefix}:{key}"], args=[limit, window_s]))
        except (redis.exceptions.RedisError, OSError) as error:
            self._down_until = now + self.RETRY_AFTER_S
            if now - self._warned_at >= self.WARN_EVERY_S:
                self._warned_at = now
                logger.warning(
                    "rate limits counted per process: Redis unreachable (%s)", type(error).__name__
                )
            return await self._alone.allow(key, limit, window_s)
