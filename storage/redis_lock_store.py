"""A conversation lock shared by every Rasa replica, on atomic Redis operations.

Rasa processes one message of a conversation at a time by holding that conversation's lock.
Rasa 3.6's own RedisLockStore reads the lock, adds a ticket in Python and writes it back, so two
replicas receiving two messages of one conversation at the same moment can both hold it
(../shared/platform-notes.md). Here every step is one Redis command or one Lua script, so it is
atomic across replicas:

- a ticket is a number from INCR, queued in a sorted set: messages are served in arrival order;
- each ticket has an "alive" key holding a random token, with a short lifetime (15 s by default)
  that its replica renews while it waits or works (with the queue and the counter), so the lock
  of a replica that died is free again within seconds, and a ticket is only ever released by the
  replica that holds its token;
- ticket numbers only grow, even if the counter was lost (a Redis restart), so two tickets never
  share a number;
- a ticket may go when it reaches the head of the queue and every ticket before it has ended or
  died (checked and cleaned in one script).

Configured in endpoints.yml:

    lock_store:
      type: storage.redis_lock_store.AtomicRedisLockStore
      url: ${REDIS_URL}          # redis://[:password@]host:port/db
      lock_lifetime: 15          # seconds a dead (or stalled) replica can hold a conversation
      max_wait: 30               # seconds a message waits for its turn before it fails

Redis must keep these keys: run it with `maxmemory-policy noeviction` (ideally its own instance).
Keys name a conversation only by a hash of its ID (IDs are credential-like: channels/conversations.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
import time
from collections import deque
from collections.abc import AsyncGenerator
from typing import Any

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

DEFAULT_LIFETIME_S = 15.0
DEFAULT_MAX_WAIT_S = 30.0
SOCKET_TIMEOUT_S = 2.0
FIRST_POLL_S, LONGEST_POLL_S = 0.01, 0.1

# KEYS: queue, counter, alive prefix. ARGV: lifetime in ms, token. Returns the new ticket, always
# above every ticket still queued (a lost counter must not hand out a number twice).
ISSUE = """
local ticket = redis.call('INCR', KEYS[2])
local last = redis.call('ZRANGE', KEYS[1], -1, -1)[1]
if last and tonumber(last) >= ticket then
  ticket = tonumber(last) + 1
  redis.call('SET', KEYS[2], ticket)
end
redis.call('ZADD', KEYS[1], ticket, ticket)
redis.call('SET', KEYS[3] .. ticket, ARGV[2], 'PX', ARGV[1])
local idle = 2 * tonumber(ARGV[1]) + 60000
redis.call('PEXPIRE', KEYS[1], idle)
redis.call('PEXPIRE', KEYS[2], idle)
return ticket
"""
# KEYS: queue, counter, alive prefix. ARGV: ticket, token, lifetime in ms. Renews the ticket and,
# while it lives, the queue and counter with it. 1 = renewed, 0 = the ticket was lost.
RENEW = """
if redis.call('GET', KEYS[3] .. ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('PEXPIRE', KEYS[3] .. ARGV[1], ARGV[3])
local idle = 2 * tonumber(ARGV[3]) + 60000
redis.call('PEXPIRE', KEYS[1], idle)
redis.call('PEXPIRE', KEYS[2], idle)
return 1
"""
# KEYS: queue, alive prefix. ARGV: ticket. 1 = this ticket's turn, 0 = wait, -1 = it expired.
TRY_ACQUIRE = """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return -1 end
while true do
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if head == ARGV[1] then
    if redis.call('EXISTS', KEYS[2] .. head) == 1 then return 1 end
    redis.call('ZREM', KEYS[1], head)
    return -1
  end
  if redis.call('EXISTS', KEYS[2] .. head) == 1 then return 0 end
  redis.call('ZREM', KEYS[1], head)
end
"""
# KEYS: queue, alive prefix. ARGV: ticket, token. Only the ticket's own holder releases it.
RELEASE = """
if redis.call('GET', KEYS[2] .. ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2] .. ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1]) end
return 1
"""


class AtomicRedisLockStore(LockStore):
    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        *,
        url: str | None = None,
        lock_lifetime: float | None = None,
        max_wait: float | None = None,
        key_prefix: str = "lock",
    ) -> None:
        import redis.asyncio as redis

        options: dict[str, Any] = dict(endpoint_config.kwargs) if endpoint_config else {}
        url = url or (endpoint_config.url if endpoint_config else None) or "redis://localhost:6379/0"
        self.lifetime_s = float(lock_lifetime or options.get("lock_lifetime") or DEFAULT_LIFETIME_S)
        self.max_wait_s = float(max_wait or options.get("max_wait") or DEFAULT_MAX_WAIT_S)
        if self.lifetime_s <= 0 or self.max_wait_s <= 0:
            raise ValueError("lock_lifetime and max_wait must be positive")
        self.key_prefix = str(options.get("key_prefix") or key_prefix)
        self.redis = redis.Redis.from_url(
            url, socket_timeout=SOCKET_TIMEOUT_S, socket_connect_timeout=SOCKET_TIMEOUT_S
        )
        self._issue = self.redis.register_script(ISSUE)
        self._renew = self.redis.register_script(RENEW)
        self._try_acquire = self.redis.register_script(TRY_ACQUIRE)
        self._release = self.redis.register_script(RELEASE)
        super().__init__()

    def _keys(self, conversation_id: str) -> tuple[str, str, str]:
        # A hash of the ID, never the ID itself; the braces keep one conversation's keys together.
        digest = hashlib.sha256(conversation_id.encode()).hexdigest()[:32]
        base = f"{self.key_prefix}:{{{digest}}}"
        return f"{base}:queue", f"{base}:next", f"{base}:alive:"

    @property
    def _lifetime_ms(self) -> int:
        return max(1, int(self.lifetime_s * 1000))

    async def issue(self, conversation_id: str, token: str) -> int:
        queue, counter, alive = self._keys(conversation_id)
        return int(await self._issue(keys=[queue, counter, alive], args=[self._lifetime_ms, token]))

    async def release(self, conversation_id: str, ticket: int, token: str) -> None:
        queue, _, alive = self._keys(conversation_id)
        await self._release(keys=[queue, alive], args=[ticket, token])

    async def _issue_shielded(self, conversation_id: str, token: str) -> int:
        """The ticket; if the waiting message is cancelled meanwhile (the client left), the ticket
        is still released once Redis has issued it, so it never blocks the next message."""
        issuing = asyncio.ensure_future(self.issue(conversation_id, token))
        try:
            return await asyncio.shield(issuing)
        except asyncio.CancelledError:
            issuing.add_done_callback(lambda done: self._release_later(conversation_id, done, token))
            raise

    def _release_later(self, conversation_id: str, issued: asyncio.Future[int], token: str) -> None:
        if not issued.cancelled() and issued.exception() is None:
            asyncio.ensure_future(self.release(conversation_id, issued.result(), token))

    async def _keep_alive(self, conversation_id: str, ticket: int, token: str) -> None:
        """Renews the ticket while this replica waits or works (a third of its lifetime apart)."""
        keys = list(self._keys(conversation_id))
        while True:
            await asyncio.sleep(self.lifetime_s / 3)
            try:
                renewed = await self._renew(keys=keys, args=[ticket, token, self._lifetime_ms])
            except Exception as error:  # retried at the next beat; expiry is the backstop
                logger.warning("lock renewal failed (%s)", type(error).__name__)
                continue
            if not renewed:
                logger.warning("a conversation lock expired while held (replica stalled or Redis lost it)")
                return

    async def _wait_for_turn(self, conversation_id: str, ticket: int) -> None:
        queue, _, alive = self._keys(conversation_id)
        deadline, pause = time.monotonic() + self.max_wait_s, FIRST_POLL_S
        while True:
            turn = int(await self._try_acquire(keys=[queue, alive], args=[ticket]))
            if turn == 1:
                return
            if turn == -1:
                raise LockError(f"the lock ticket of a conversation expired while waiting ({ticket})")
            if time.monotonic() > deadline:
                raise LockError(f"a conversation stayed locked for over {self.max_wait_s:.0f} s")
            await asyncio.sleep(pause)
            pause = min(pause * 2, LONGEST_POLL_S)

    @contextlib.asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = DEFAULT_LIFETIME_S,
        wait_time_in_seconds: float = FIRST_POLL_S,
    ) -> AsyncGenerator[TicketLock, None]:
        """Waits for the conversation's turn, holds it while the body runs, then frees it.
        (Rasa's lock_lifetime and poll interval are replaced by this store's own settings.)"""
        import redis.exceptions

        unreachable = (redis.exceptions.RedisError, OSError)
        token = secrets.token_hex(16)
        try:
            ticket = await self._issue_shielded(conversation_id, token)
        except unreachable as error:
            raise LockError(f"the lock store cannot be reached ({type(error).__name__})") from None
        keeper = asyncio.create_task(self._keep_alive(conversation_id, ticket, token))
        try:
            try:
                await self._wait_for_turn(conversation_id, ticket)
            except unreachable as error:
                raise LockError(f"the lock store cannot be reached ({type(error).__name__})") from None
            expires = time.time() + self.lifetime_s
            yield TicketLock(conversation_id, deque([Ticket(ticket, expires)]))
        finally:
            keeper.cancel()
            with contextlib.suppress(Exception):  # an unreleased ticket expires by itself
                await self.release(conversation_id, ticket, token)

    # Rasa's synchronous ticket API is not used by Rasa 3.6 outside `lock`; it is not offered here
    # rather than offered without atomicity.
    def get_lock(self, conversation_id: str) -> TicketLock | None:
        raise NotImplementedError("AtomicRedisLockStore is used through lock()")

    def delete_lock(self, conversation_id: str) -> None:
        raise NotImplementedError("AtomicRedisLockStore is used through lock()")

    def save_lock(self, lock: TicketLock) -> None:
        raise NotImplementedError("AtomicRedisLockStore is used through lock()")
