"""Demo mode only: what was "sent" to a customer, and a clock tests can move."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import func, select

from account_service.app_keys import CLOCK, HOURS_SWITCH
from account_service.clock import iso_instant
from account_service.models import Customer, OutboxMessage
from account_service.routes.common import json, transaction
from account_service.validation import choice, integer, read_json, required_text

routes = web.RouteTableDef()

MAX_ADVANCE_SECONDS = 400 * 24 * 3600


@routes.get("/demo/outbox")
async def outbox(request: web.Request) -> web.Response:
    user_id = required_text(dict(request.query), "user_id", max_length=64)
    async with transaction(request) as session:
        rows = (
            await session.scalars(
                select(OutboxMessage)
                .join(Customer, OutboxMessage.customer_id == Customer.id)
                .where(func.lower(Customer.user_id) == user_id.lower())
                .order_by(OutboxMessage.sent_at, OutboxMessage.id)
            )
        ).all()
    return json(
        [
            {
                "channel": row.channel,
                "to": row.recipient,
                "text": row.text,
                "sent_at": iso_instant(row.sent_at),
            }
            for row in rows
        ]
    )


@routes.post("/demo/clock")
async def advance_clock(request: web.Request) -> web.Response:
    seconds = integer(await read_json(request), "advance_seconds", minimum=0, maximum=MAX_ADVANCE_SECONDS)
    clock = request.app[CLOCK]
    clock.advance(seconds)
    return json({"now": iso_instant(clock.now())})


@routes.delete("/demo/clock")
async def reset_clock(request: web.Request) -> web.Response:
    clock = request.app[CLOCK]
    clock.reset()
    return json({"now": iso_instant(clock.now())})


@routes.post("/demo/agent-hours")
async def switch_agent_hours(request: web.Request) -> web.Response:
    """always or never, or configured (issuer.yml / AGENT_HOURS) again."""
    mode = choice(await read_json(request), "mode", ("always", "never", "configured"))
    request.app[HOURS_SWITCH].mode = None if mode == "configured" else mode
    return json({"mode": mode})
