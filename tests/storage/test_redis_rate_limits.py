"""The chat limits shared by replicas, against a real Redis: two limiters (two Rasa processes)
count together, and a Redis outage lets messages through rather than stopping every chat."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from channels.guard import ChatGuard
from common.rate_limits import MemoryRateLimiter, RedisRateLimiter
from common.settings import RasaServerSettings


@pytest.mark.asyncio
async def test_two_replicas_share_one_limit(redis_server):
    first, second = RedisRateLimiter(redis_server.url), RedisRateLimiter(redis_server.url)
    key = f"conversation:{uuid.uuid4().hex}"
    allowed = [await (first if n % 2 else second).allow(key, 5, 60) for n in range(8)]
    assert allowed == [True] * 5 + [False] * 3
    assert await first.allow(f"conversation:{uuid.uuid4().hex}", 5, 60)  # other keys unaffected


@pytest.mark.asyncio
async def test_redis_down_counts_per_process_and_says_so_once(caplog):
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0", timeout_s=0.5)
    started = time.monotonic()
    assert [await limiter.allow("conversation:any", 2, 60) for _ in range(4)] == [True, True, False, False]
    assert time.monotonic() - started < 2  # Redis is tried once, not for every message
    assert caplog.text.count("Redis unreachable") == 1


def test_the_guard_uses_redis_when_redis_url_is_set(redis_server):
    shared = RasaServerSettings.load({"DEMO_MODE": "1", "REDIS_URL": redis_server.url}, check_secrets=False)
    alone = RasaServerSettings.load({"DEMO_MODE": "1"}, check_secrets=False)
    assert isinstance(ChatGuard(shared).limiter, RedisRateLimiter)
    assert isinstance(ChatGuard(alone).limiter, MemoryRateLimiter)


@pytest.mark.asyncio
async def test_the_message_ledger_is_shared_by_replicas_in_redis(redis_server, monkeypatch) -> None:
    from channels import message_ledger
    from channels.message_ledger import MessageLedger, RedisStore

    monkeypatch.setattr(message_ledger, "WAIT_FOR_FIRST_S", 0.5)
    first, second = MessageLedger(RedisStore(redis_server.url)), MessageLedger(RedisStore(redis_server.url))
    claims = await asyncio.gather(first.claim("rest:x", "m1"), second.claim("rest:x", "m1"))
    assert sorted(claim.state for claim in claims) == ["busy", "new"]
    await first.answered("rest:x", "m1", [{"text": "once"}])
    replayed = await second.claim("rest:x", "m1")
    assert (replayed.state, replayed.replies) == ("answered", [{"text": "once"}])
