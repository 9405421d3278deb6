"""Finding a customer's card accounts and cards."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from account_service.errors import no_such_card
from account_service.models import Card, CardAccount, Customer

Currency = Literal["USD", "INR"]
REGION_CURRENCY: dict[str, Currency] = {"US": "USD", "IN": "INR"}


def available_credit_cents(account: CardAccount) -> int:
    return account.credit_limit_cents - account.balance_cents


async def customer_accounts(session: AsyncSession, customer: Customer) -> list[CardAccount]:
    rows = await session.scalars(
        select(CardAccount).where(CardAccount.customer_id == customer.id).order_by(CardAccount.id)
    )
    return list(rows.all())


async def customer_cards(session: AsyncSession, customer: Customer) -> list[tuple[Card, CardAccount]]:
    rows = await session.execute(
        select(Card, CardAccount)
        .join(CardAccount, Card.account_id == CardAccount.id)
        .where(CardAccount.customer_id == customer.id)
        .order_by(CardAccount.id, Card.id)
    )
    return [(card, account) for card, account in rows.all()]


def current_card(cards: list[Card]) -> Card:
    """The card an account is known by: the newest one not replaced (else the newest)."""
    usable = [card for card in cards if card.status != "replaced"]
    return max(usable or cards, key=lambda card: card.id)


async def current_cards(session: AsyncSession, customer: Customer) -> dict[int, Card]:
    """Account ID -> its current card."""
    by_account: dict[int, list[Card]] = {}
    for card, account in await customer_cards(session, customer):
        by_account.setdefault(account.id, []).append(card)
    return {account_id: current_card(cards) for account_id, cards in by_account.items()}


async def find_card(
    session: AsyncSession, customer: Customer, last_four: str, *, for_update: bool = False
) -> tuple[Card, CardAccount]:
    """The customer's card with these last four digits and its account; 404 no_such_card.

    for_update locks both rows (on databases that can) so balance and status changes made by
    concurrent requests happen one after another."""
    query = (
        select(Card, CardAccount)
        .join(CardAccount, Card.account_id == CardAccount.id)
        .where(CardAccount.customer_id == customer.id, Card.last_four == last_four)
        # A number reused after replacement is not expected, but the live card wins if it is.
        .order_by((Card.status == "replaced").asc(), Card.id.desc())
        .limit(1)
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    row = (await session.execute(query)).first()
    if row is None:
        raise no_such_card()
    return row[0], row[1]
