"""Rewards points and redemptions."""

from __future__ import annotations

from aiohttp import web

from account_service import rewards
from account_service.endpoints import ACTIONS, Routes, fail
from account_service.routes.common import me, now, transaction
from account_service.schemas.care import Redeemed, RedemptionRequest, Rewards
from account_service.schemas.common import FRESH_NEEDED, NOT_VERIFIED, ConversationQuery

routes = Routes("rewards")


@routes.get(
    "/me/rewards",
    "Points and redemption options",
    scopes=ACTIONS,
    query=ConversationQuery,
    answer=Rewards,
    errors=[NOT_VERIFIED, fail(404, "Not enrolled in a rewards program", "no_rewards")],
)
async def summary(request: web.Request, query: ConversationQuery) -> Rewards:
    async with transaction(request) as session:
        customer = await me(request, session, query.conversation_id)
        return Rewards(**await rewards.rewards_summary(session, customer))


@routes.post(
    "/me/rewards/redemptions",
    "Redeem points (a multiple of the option's points_needed). Fresh.",
    scopes=ACTIONS,
    body=RedemptionRequest,
    answer=Redeemed,
    status=201,
    errors=[
        NOT_VERIFIED,
        FRESH_NEEDED,
        fail(404, "No such option", "no_such_option", "no_rewards"),
        fail(422, "Not enough points", "not_enough_points", points_available=int),
    ],
)
async def redeem(request: web.Request, body: RedemptionRequest) -> Redeemed:
    async with transaction(request) as session:
        customer = await me(request, session, body.conversation_id, fresh=True)
        redeemed = await rewards.redeem(
            session, customer, body.option, body.points, now(request), body.conversation_id
        )
    return Redeemed(**redeemed)
