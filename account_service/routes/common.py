"""What every route needs: a transaction per request, the service's now, the acting customer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import identity
from account_service.app_keys import CLOCK, DATABASE, MESSENGER, SETTINGS
from account_service.errors import ServiceError
from account_service.models import Customer
from account_service.settings import Settings


@asynccontextmanager
async def transaction(request: web.Request, *, deliver_later: bool = False) -> AsyncIterator[AsyncSession]:
    """One database transaction for the request.

    Success commits. A ServiceError (a decided refusal) also commits, because the business code
    records what must be kept before refusing (a failed code attempt, an audit row) and never
    refuses after changing anything else. Any other exception rolls everything back: nothing
    is half done. Messages queued in the transaction are handed to the gateway only after commit
    (deliver_later: without waiting for the gateway).
    """
    messenger = request.app[MESSENGER]

    async def deliver(session: AsyncSession) -> None:
        if deliver_later:
            messenger.deliver_later(session)
        else:
            await messenger.deliver(session)

    async with request.app[DATABASE].sessions() as session:
        try:
            yield session
        except ServiceError:
            await session.commit()
            await deliver(session)
            raise
        except BaseException:
            await session.rollback()
            messenger.discard(session)
            raise
        await session.commit()
        await deliver(session)


def now(request: web.Request) -> datetime:
    return request.app[CLOCK].now()


def settings(request: web.Request) -> Settings:
    return request.app[SETTINGS]


async def me(
    request: web.Request, session: AsyncSession, conversation_id: str, *, fresh: bool = False
) -> Customer:
    """The customer whose verified session is bound to the conversation (401/403 otherwise)."""
    return await identity.require_customer(session, conversation_id, now(request), fresh=fresh)
