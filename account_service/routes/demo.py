"""Demo mode only: what was "sent" to a customer, and a clock tests can move."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import func, select

from account_service import demo_state
from account_service.app_keys import CLOCK
from account_service.clock import iso_instant
from account_service.endpoints import PUBLIC, Routes
from account_service.models import Customer, OutboxMessage
from account_service.routes.common import transaction
from account_service.schemas.meta import (
    AgentHoursMode,
    AgentHoursSwitch,
    ClockAdvance,
    ClockNow,
    Outbox,
    OutboxMessageOut,
    OutboxQuery,
)

routes = Routes("demo")


@routes.get(
    "/demo/outbox",
    "Demo mode only: what was sent to a customer, oldest first",
    scopes=PUBLIC,
    query=OutboxQuery,
    answer=Outbox,
)
async def outbox(request: web.Request, query: OutboxQuery) -> Outbox:
    async with transaction(request) as session:
        rows = (
            await session.scalars(
                select(OutboxMessage)
                .join(Customer, OutboxMessage.customer_id == Customer.id)
                .where(func.lower(Customer.user_id) == query.user_id.lower())
                .order_by(OutboxMessage.sent_at, OutboxMessage.id)
            )
        ).all()
    return Outbox(
        __root__=[
            OutboxMessageOut(
                channel=row.channel, to=row.recipient, text=row.text, sent_at=iso_instant(row.sent_at)
            )
            for row in rows
        ]
    )


@routes.post(
    "/demo/clock",
    "Demo mode only: move the service clock forward",
    scopes=PUBLIC,
    body=ClockAdvance,
    answer=ClockNow,
)
async def advance_clock(request: web.Request, body: ClockAdvance) -> ClockNow:
    await demo_state.advance_clock(request.app, body.advance_seconds)
    return ClockNow(now=iso_instant(request.app[CLOCK].now()))


@routes.delete("/demo/clock", "Demo mode only: reset the service clock", scopes=PUBLIC, answer=ClockNow)
async def reset_clock(request: web.Request) -> ClockNow:
    await demo_state.reset_clock(request.app)
    return ClockNow(now=iso_instant(request.app[CLOCK].now()))


@routes.post(
    "/demo/agent-hours",
    "Demo mode only: agents always or never available, or as configured again",
    scopes=PUBLIC,
    body=AgentHoursSwitch,
    answer=AgentHoursMode,
)
async def switch_agent_hours(request: web.Request, body: AgentHoursSwitch) -> AgentHoursMode:
    """always or never, or configured (issuer.yml / AGENT_HOURS) again."""
    await demo_state.switch_hours(request.app, None if body.mode == "configured" else body.mode)
    return AgentHoursMode(mode=body.mode)
