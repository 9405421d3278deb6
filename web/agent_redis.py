"""The agent console's state in Redis, shared by every website replica (REDIS_URL):

- sessions: a hash per session under the SHA-256 of its ID (whoever reads Redis still cannot
  present a session), expiring when it has been idle too long; a set per agent for "log out
  everywhere";
- login attempts: failures and the attempts still running, per key, in sorted sets scored by
  Redis's own clock, counted and reserved by one script so parallel guesses on two replicas are
  counted like sequential ones on one;
- app codes: the newest TOTP step each agent used, raised only by a script (a code used on one
  replica is a replay on the other).

When Redis cannot be reached the console refuses rather than guesses: a login, a page or an
action answers 503 ("try again in a moment"), nobody is let in on a session that cannot be
checked, and the attempt limits are never skipped.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from web.agent_login import FAILURE_WINDOW_S, MAX_FAILURES, Reservation
from web.agent_sessions import IDLE_S, SESSION_S, AgentSession

TIMEOUT_S = 1.0  # every Redis call: a slow Redis must not hold an agent's page
PENDING_S = 60  # an attempt still "running" after this long died with its replica


class SharedStateUnavailable(Exception):
    """Redis did not answer: the console answers 503 and lets nobody in."""


def connect(url: str) -> Any:
    import redis.asyncio as redis

    return redis.Redis.from_url(
        url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S, decode_responses=True
    )


async def _call(operation: Any) -> Any:
    import redis.exceptions

    try:
        return await operation
    except (redis.exceptions.RedisError, OSError) as error:
        raise SharedStateUnavailable(type(error).__name__) from None


def _session_key(session_id: str) -> str:
    return "agent-session:" + hashlib.sha256(session_id.encode()).hexdigest()


class RedisSessionStore:
    def __init__(
        self,
        client: Any,
        *,
        lifetime_s: float = SESSION_S,
        idle_s: float = IDLE_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis, self._lifetime_s, self._idle_s, self._clock = client, lifetime_s, idle_s, clock

    def _expiry_s(self, session: AgentSession, now: float) -> int:
        left = min(self._idle_s - (now - session.last_seen_at), self._lifetime_s - (now - session.created_at))
        return max(1, int(left) + 1)

    async def create(self, agent: str, credential_tag: str) -> AgentSession:
        now = self._clock()
        session = AgentSession(
            id=secrets.token_urlsafe(32),
            agent=agent,
            created_at=now,
            last_seen_at=now,
            csrf_token=secrets.token_urlsafe(32),
            credential_tag=credential_tag,
        )
        key = _session_key(session.id)
        fields = {
            "agent": agent,
            "created_at": repr(now),
            "last_seen_at": repr(now),
            "csrf_token": session.csrf_token,
            "credential_tag": credential_tag,
        }
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields).expire(key, self._expiry_s(session, now))
            pipe.sadd(f"agent-sessions:{agent}", key).expire(f"agent-sessions:{agent}", int(self._lifetime_s))
            await _call(pipe.execute())
        return session

    async def get(self, session_id: str) -> AgentSession | None:
        fields = await _call(self._redis.hgetall(_session_key(session_id)))
        if not fields:
            return None
        try:
            session = AgentSession(
                id=session_id,
                agent=fields["agent"],
                created_at=float(fields["created_at"]),
                last_seen_at=float(fields["last_seen_at"]),
                csrf_token=fields["csrf_token"],
                credential_tag=fields["credential_tag"],
            )
        except (KeyError, ValueError):  # half written or not ours: not a session
            return None
        now = self._clock()
        if now - session.created_at >= self._lifetime_s or now - session.last_seen_at >= self._idle_s:
            await self.revoke(session_id)
            return None
        return session

    async def touch(self, session_id: str) -> None:
        session = await self.get(session_id)
        if session is None:
            return
        now = self._clock()
        key = _session_key(session_id)
        # A logout just before this leaves a hash of last_seen_at alone: not a session (see get).
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, "last_seen_at", repr(now))
            pipe.expire(key, self._expiry_s(replace(session, last_seen_at=now), now))
            await _call(pipe.execute())

    async def revoke(self, session_id: str) -> None:
        key = _session_key(session_id)
        agent = await _call(self._redis.hget(key, "agent"))
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            if agent:
                pipe.srem(f"agent-sessions:{agent}", key)
            await _call(pipe.execute())

    async def revoke_all_for_agent(self, agent: str) -> int:
        keys = await _call(self._redis.smembers(f"agent-sessions:{agent}"))
        if not keys:
            return 0
        ended = await _call(self._redis.delete(*keys))
        await _call(self._redis.delete(f"agent-sessions:{agent}"))
        return int(ended)

    async def live_sessions(self, agent: str) -> int:
        """The agent's session hashes that still hold a whole session (they expire when idle;
        one past its lifetime or half written by a touch after a logout does not count)."""
        keys = sorted(await _call(self._redis.smembers(f"agent-sessions:{agent}")))
        if not keys:
            return 0
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.hmget(key, "agent", "created_at", "last_seen_at")
            found = await _call(pipe.execute())
        now = self._clock()
        live = 0
        for owner, created_at, last_seen_at in found:
            try:
                alive = (
                    owner == agent
                    and now - float(created_at) < self._lifetime_s
                    and now - float(last_seen_at) < self._idle_s
                )
            except (TypeError, ValueError):  # gone, or half written
                alive = False
            live += alive
        return live


# KEYS: the keys to count under. ARGV: reservation id, max failures, window, pending lifetime.
# Returns 0 and takes a place under every key, or the seconds to wait (nothing taken).
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local max, window, pending_s = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local wait = 0
for _, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key .. ':failed', '-inf', now - window)
  redis.call('ZREMRANGEBYSCORE', key .. ':pending', '-inf', now - pending_s)
  if redis.call('ZCARD', key .. ':failed') + redis.call('ZCARD', key .. ':pending') >= max then
    local oldest = redis.call('ZRANGE', key .. ':failed', 0, 0, 'WITHSCORES')
    local seconds = 1
    if oldest[2] then seconds = math.max(1, math.ceil(tonumber(oldest[2]) + window - now)) end
    wait = math.max(wait, seconds)
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key .. ':pending', now, ARGV[1])
  redis.call('EXPIRE', key .. ':pending', pending_s)
end
return 0
"""

# KEYS: the reservation's keys. ARGV: reservation id, 1 when it failed, window.
SETTLE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
for _, key in ipairs(KEYS) do
  redis.call('ZREM', key .. ':pending', ARGV[1])
  if ARGV[2] == '1' then
    redis.call('ZADD', key .. ':failed', now, ARGV[1])
    redis.call('EXPIRE', key .. ':failed', tonumber(ARGV[3]))
  end
end
return 0
"""


class RedisLoginLimiter:
    """web.agent_login.LoginLimiter's rule (five failures per five minutes per key, running
    attempts counted as failed), counted in Redis."""

    def __init__(self, client: Any, *, max_failures: int = MAX_FAILURES, window_s: int = FAILURE_WINDOW_S):
        self._reserve = client.register_script(RESERVE)
        self._settle = client.register_script(SETTLE)
        self._max, self._window_s = max_failures, window_s

    @staticmethod
    def _keys(keys: Iterable[str]) -> list[str]:
        # Names and addresses come from the request: hashed, they cannot shape a Redis key.
        return ["agent-login:" + hashlib.sha256(key.encode()).hexdigest() for key in keys]

    async def reserve(self, keys: Iterable[str]) -> Reservation | float:
        reservation = Reservation(tuple(dict.fromkeys(keys)))
        wait = await _call(
            self._reserve(
                keys=self._keys(reservation.keys), args=[reservation.id, self._max, self._window_s, PENDING_S]
            )
        )
        return reservation if int(wait) == 0 else float(wait)

    async def failed(self, reservation: Reservation) -> None:
        await _call(self._settle(keys=self._keys(reservation.keys), args=[reservation.id, 1, self._window_s]))

    async def succeeded(self, reservation: Reservation) -> None:
        await _call(self._settle(keys=self._keys(reservation.keys), args=[reservation.id, 0, self._window_s]))


# KEYS: the agent's key. ARGV: the step, how long to keep it. 1 when newer (and kept), else 0.
NEWER_STEP = """
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) <= last then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
return 1
"""
STEP_KEPT_S = 3600  # far longer than a code lives (30 s steps, one step of drift)


class RedisCodeSteps:
    def __init__(self, client: Any) -> None:
        self._newer = client.register_script(NEWER_STEP)

    async def accept(self, name: str, step: int) -> bool:
        key = "agent-code-step:" + hashlib.sha256(name.encode()).hexdigest()
        return bool(await _call(self._newer(keys=[key], args=[step, STEP_KEPT_S])))
