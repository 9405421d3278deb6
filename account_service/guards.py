"""Guards on identity attempts, kept in the database so that every service instance shares them.

A guard is a row per conversation (and per client address) keyed by a hash of it: it counts the
wrong codes since the last correct one, holds the conversation's identity-check lock, and is the
row that concurrent requests for the same key queue on (SELECT … FOR UPDATE on PostgreSQL; on
SQLite every transaction takes the write lock at its start anyway). Identity attempts are counted
per guard key in a sliding window.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from account_service.models import IdentityAttempt, IdentityGuard


def conversation_key(conversation_id: str) -> str:
    return _key("conversation", conversation_id)


def client_key(client: str) -> str:
    return _key("client", client)


def handoff_client_key(client: str) -> str:
    """New handoffs from one client address are counted under their own key."""
    return _key("handoff-client", client)


def link_chat_key(chat_id: str) -> str:
    """Wrong Telegram link codes from one chat are counted under their own key."""
    return _key("telegram-link", chat_id)


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}\0{value}".encode()).hexdigest()


async def lock_guard(session: AsyncSession, key: str) -> IdentityGuard:
    """The guard row for the key, created when new, locked until the transaction ends."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(IdentityGuard)
        .values(key=key, wrong_codes=0, locked_until=None)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    guard = await session.scalar(
        select(IdentityGuard)
        .where(IdentityGuard.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert guard is not None
    return guard


async def read_guard(session: AsyncSession, key: str) -> IdentityGuard | None:
    return await session.get(IdentityGuard, key)


def locked_until(guard: IdentityGuard | None, now: datetime) -> datetime | None:
    if guard is None or guard.locked_until is None or guard.locked_until <= now:
        return None
    return guard.locked_until


async def attempts_wait(
    session: AsyncSession, key: str, now: datetime, *, limit: int, window: timedelta
) -> int | None:
    """Seconds until the key may make another attempt, or None when it may now. The guard row
    of the key must be locked (lock_guard) so that concurrent attempts are counted in turn."""
    await session.execute(
        delete(IdentityAttempt)
        .where(IdentityAttempt.guard_key == key, IdentityAttempt.at <= now - window)
        .execution_options(synchronize_session=False)
    )
    recent = (
        await session.scalars(
            select(IdentityAttempt.at)
            .where(IdentityAttempt.guard_key == key, IdentityAttempt.at > now - window)
            .order_by(IdentityAttempt.at)
        )
    ).all()
    if len(recent) < limit:
        return None
    # A slot frees when the oldest of the last `limit` attempts leaves the window.
    frees_at = recent[-limit] + window
    return max(1, math.ceil((frees_at - now).total_seconds()))


def record_attempt(session: AsyncSession, key: str, now: datetime) -> None:
    session.add(IdentityAttempt(guard_key=key, at=now))
