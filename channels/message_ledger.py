"""Each message processed at most once, by its client-chosen ID, whichever replica it reaches.

A client that got no answer (a replica died, the network dropped) sends the same message again
with the same `message_id`. The first copy to arrive claims the ID; when it has been answered,
its replies are kept for ten minutes (masked as the tracker store masks them: a signed link
comes back masked), so a resent copy gets those replies again without the
assistant seeing the message twice (a payment is never made twice by a retry). A copy that
arrives while the first is still being answered waits a few seconds for its replies; a claim
whose replica died expires after CLAIM_S, so a later resend is processed then.

Shared by the replicas in Redis (REDIS_URL); one process alone keeps them in memory. Keys hold
hashes of the conversation and the message ID, never either.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Protocol

logger = logging.getLogger(__name__)


def redacted(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replies as they may be kept: codes, card numbers, birth dates and signed links masked."""
    from privacy.redaction import redact

    def masked(value: Any) -> Any:
        if isinstance(value, str):
            return redact(value)
        if isinstance(value, list):
            return [masked(item) for item in value]
        if isinstance(value, dict):
            return {key: masked(item) for key, item in value.items()}
        return value

    def kept(reply: Any) -> Any:
        if not isinstance(reply, dict):
            return masked(reply)
        # The recipient is the client's own conversation ID, given back as it came: masking a
        # run of digits in it ("ids-d625543f43be") answered a resend with another recipient.
        return {key: item if key == "recipient_id" else masked(item) for key, item in reply.items()}

    return [kept(reply) for reply in replies]


CLAIM_S = 40  # the lock's max wait (30 s) and a turn
# A client resends within seconds or minutes; replies (personal data) are not kept longer.
KEEP_S = 10 * 60
FAILED_S = 5
WAIT_FOR_FIRST_S = 8.0
PENDING = "pending"
MAX_MESSAGE_ID = 64


@dataclass(frozen=True)
class Claim:
    """new: process it; answered: these replies were given already; busy: still being answered."""

    state: str
    replies: list[dict[str, Any]] | None = None


def valid_message_id(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_MESSAGE_ID and value.isprintable()


def ledger_key(conversation: str, message_id: str) -> str:
    digest = hashlib.sha256(f"{conversation}\x00{message_id}".encode()).hexdigest()[:40]
    return f"msg:{digest}"


class Store(Protocol):
    async def set_if_absent(self, key: str, value: str, seconds: int) -> bool: ...
    async def get(self, key: str) -> str | None: ...
    async def put(self, key: str, value: str, seconds: int) -> None: ...
    async def delete(self, key: str) -> None: ...


class MemoryStore:
    """One process: a bounded map with expiry."""

    def __init__(self, limit: int = 100_000) -> None:
        self._entries: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._limit = limit

    def _live(self, key: str) -> str | None:
        entry = self._entries.get(key)
        if entry is None or entry[1] < time.monotonic():
            self._entries.pop(key, None)
            return None
        return entry[0]

    async def set_if_absent(self, key: str, value: str, seconds: int) -> bool:
        if self._live(key) is not None:
            return False
        await self.put(key, value, seconds)
        return True

    async def get(self, key: str) -> str | None:
        return self._live(key)

    async def put(self, key: str, value: str, seconds: int) -> None:
        self._entries[key] = (value, time.monotonic() + seconds)
        self._entries.move_to_end(key)
        while len(self._entries) > self._limit:
            self._entries.popitem(last=False)

    async def delete(self, key: str) -> None:
        self._entries.pop(key, None)


class RedisStore:
    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    async def set_if_absent(self, key: str, value: str, seconds: int) -> bool:
        return bool(await self.redis.set(key, value, nx=True, ex=seconds))

    async def get(self, key: str) -> str | None:
        value = await self.redis.get(key)
        return value.decode() if isinstance(value, bytes) else value

    async def put(self, key: str, value: str, seconds: int) -> None:
        await self.redis.set(key, value, ex=seconds)

    async def delete(self, key: str) -> None:
        await self.redis.delete(key)


class MessageLedger:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def claim(self, conversation: str, message_id: str) -> Claim:
        """Raises the store's error when it cannot be asked (the caller answers "try again")."""
        key = ledger_key(conversation, message_id)
        if await self.store.set_if_absent(key, PENDING, CLAIM_S):
            return Claim("new")
        deadline = time.monotonic() + WAIT_FOR_FIRST_S
        while True:
            value = await self.store.get(key)
            if value is None:  # the first copy's claim expired (its replica died): this one goes
                return (
                    Claim("new") if await self.store.set_if_absent(key, PENDING, CLAIM_S) else Claim("busy")
                )
            if value != PENDING:
                return Claim("answered", json.loads(value))
            if time.monotonic() >= deadline:
                return Claim("busy")
            await asyncio.sleep(0.2)

    async def answered(self, conversation: str, message_id: str, replies: list[dict[str, Any]]) -> None:
        try:
            kept = json.dumps(redacted(replies))
            await self.store.put(ledger_key(conversation, message_id), kept, KEEP_S)
        except Exception as error:  # the answer was given; a later resend may then be processed
            logger.warning("could not record an answered message (%s)", type(error).__name__)

    async def failed(self, conversation: str, message_id: str) -> None:
        """The turn failed part-way: a resend waits FAILED_S (not the whole claim), so a part
        that was down a moment (PostgreSQL restarting) does not keep the customer waiting long."""
        try:
            await self.store.put(ledger_key(conversation, message_id), PENDING, FAILED_S)
        except Exception as error:
            logger.warning("could not shorten a message claim (%s)", type(error).__name__)

    async def release(self, conversation: str, message_id: str) -> None:
        """The message was not processed (nothing was done): a resend may be processed."""
        try:
            await self.store.delete(ledger_key(conversation, message_id))
        except Exception as error:
            logger.warning("could not release a message claim (%s)", type(error).__name__)


def message_ledger(redis_url: str | None) -> MessageLedger:
    return MessageLedger(RedisStore(redis_url) if redis_url else MemoryStore())
