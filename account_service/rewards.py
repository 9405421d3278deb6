"""Rewards points and their redemption."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import audit
from account_service.errors import ServiceError
from account_service.models import Customer, Redemption, RewardAccount, RewardOption
from account_service.money import format_cents
from account_service.references import REDEMPTION_PREFIX, unique_reference


async def _reward_account(
    session: AsyncSession, customer: Customer, *, for_update: bool = False
) -> RewardAccount:
    query = select(RewardAccount).where(RewardAccount.customer_id == customer.id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    account = await session.scalar(query)
    if account is None:
        raise ServiceError(404, "no_rewards", "This customer is not enrolled in a rewards program.")
    return account


async def _options(session: AsyncSession, customer: Customer) -> list[RewardOption]:
    rows = await session.scalars(
        select(RewardOption)
        .where(RewardOption.region == customer.region)
        .order_by(RewardOption.points_needed)
    )
    return list(rows.all())


def option_view(option: RewardOption) -> dict[str, Any]:
    return {
        "name": option.name,
        "points_needed": option.points_needed,
        "value": format_cents(option.value_cents),
        "currency": option.currency,
    }


async def rewards_summary(session: AsyncSession, customer: Customer) -> dict[str, Any]:
    account = await _reward_account(session, customer)
    return {
        "program": account.program,
        "points": account.points,
        "options": [option_view(option) for option in await _options(session, customer)],
    }


async def redeem(
    session: AsyncSession,
    customer: Customer,
    option_name: str,
    points: int,
    now: datetime,
    conversation_id: str,
) -> dict[str, Any]:
    """Points are redeemed in whole units of the option (e.g. 1,000 points per USD 6.00)."""
    options = {option.name.lower(): option for option in await _options(session, customer)}
    option = options.get(option_name.strip().lower())
    if option is None:
        raise ServiceError(404, "no_such_option", "There is no redemption option with that name.")
    if points < option.points_needed or points % option.points_needed:
        raise ServiceError(
            400,
            "bad_request",
            f"Points for this option must be a multiple of {option.points_needed}.",
            points_needed=option.points_needed,
        )
    account = await _reward_account(session, customer, for_update=True)
    scope = {"customer_id": customer.id, "conversation_id": conversation_id}
    if points > account.points:
        audit.record(session, "rewards_redemption", "not_enough_points", now, **scope, option=option.name)
        raise ServiceError(
            422, "not_enough_points", "There are not enough points for that.", points_available=account.points
        )
    account.points -= points
    units = points // option.points_needed
    redemption = Redemption(
        reference=await unique_reference(session, Redemption, REDEMPTION_PREFIX),
        customer_id=customer.id,
        option_name=option.name,
        points=points,
        value_cents=units * option.value_cents,
        currency=option.currency,
        created_at=now,
    )
    session.add(redemption)
    audit.record(session, "rewards_redemption", "redeemed", now, **scope, option=option.name, points=points)
    return {
        "reference": redemption.reference,
        "points_left": account.points,
        "value": format_cents(redemption.value_cents),
        "currency": redemption.currency,
    }
