"""Read-only customer data: accounts, cards, transactions."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from account_service.accounts import current_cards, customer_accounts, customer_cards, find_card
from account_service.endpoints import ACTIONS, Routes
from account_service.models import Card, CardAccount, Transaction
from account_service.routes.common import me, transaction
from account_service.schemas.accounts import (
    AccountOut,
    Accounts,
    CardOut,
    Cards,
    TransactionOut,
    Transactions,
    TransactionsQuery,
)
from account_service.schemas.common import NO_CARD, NOT_VERIFIED, ConversationQuery

routes = Routes("accounts")


@routes.get(
    "/me/accounts",
    "Card accounts",
    scopes=ACTIONS,
    query=ConversationQuery,
    answer=Accounts,
    errors=[NOT_VERIFIED],
)
async def accounts(request: web.Request, query: ConversationQuery) -> Accounts:
    async with transaction(request) as session:
        customer = await me(request, session, query.conversation_id)
        cards = await current_cards(session, customer)
        listed = [
            AccountOut.of(account, cards[account.id])
            for account in await customer_accounts(session, customer)
        ]
    return Accounts(accounts=listed)


@routes.get(
    "/me/cards", "Cards", scopes=ACTIONS, query=ConversationQuery, answer=Cards, errors=[NOT_VERIFIED]
)
async def cards(request: web.Request, query: ConversationQuery) -> Cards:
    async with transaction(request) as session:
        customer = await me(request, session, query.conversation_id)
        listed = [CardOut.of(card, account) for card, account in await customer_cards(session, customer)]
    return Cards(cards=listed)


@routes.get(
    "/me/transactions",
    "Transactions, newest first",
    scopes=ACTIONS,
    query=TransactionsQuery,
    answer=Transactions,
    errors=[NOT_VERIFIED, NO_CARD],
)
async def transactions(request: web.Request, query: TransactionsQuery) -> Transactions:
    async with transaction(request) as session:
        customer = await me(request, session, query.conversation_id)
        selected = (
            select(Transaction, Card, CardAccount)
            .join(Card, Transaction.card_id == Card.id)
            .join(CardAccount, Card.account_id == CardAccount.id)
            .where(CardAccount.customer_id == customer.id)
            .order_by(Transaction.posted_on.desc(), Transaction.id.desc())
            .limit(query.limit)
        )
        if query.card is not None:
            card, _account = await find_card(session, customer, query.card)
            selected = selected.where(Transaction.card_id == card.id)
        rows = (await session.execute(selected)).all()
    return Transactions(transactions=[TransactionOut.of(t, card, account) for t, card, account in rows])
