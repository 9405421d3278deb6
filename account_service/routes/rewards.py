"""Rewards points and redemptions."""

from __future__ import annotations

from aiohttp import web

from account_service import rewards
from account_service.routes.common import json, me, now, transaction
from account_service.validation import (
    conversation_id,
    integer,
    query_conversation_id,
    read_json,
    required_text,
)

routes = web.RouteTableDef()


@routes.get("/me/rewards")
async def summary(request: web.Request) -> web.Response:
    conversation = query_conversation_id(request)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        body = await rewards.rewards_summary(session, customer)
    return json(body)


@routes.post("/me/rewards/redemptions")
async def redeem(request: web.Request) -> web.Response:
    data = await read_json(request)
    conversation = conversation_id(data)
    option = required_text(data, "option", max_length=64)
    points = integer(data, "points", minimum=1, maximum=100_000_000)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        body = await rewards.redeem(session, customer, option, points, now(request), conversation)
    return json(body, status=201)
