"""Read-only customer data: accounts, cards, transactions."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from account_service.accounts import current_cards, customer_accounts, customer_cards, find_card
from account_service.models import Card, CardAccount, Transaction
from account_service.routes.common import json, me, transaction
from account_service.validation import query_conversation_id, query_int, query_last_four
from account_service.views import account_view, card_view, transaction_view

routes = web.RouteTableDef()


@routes.get("/me/accounts")
async def accounts(request: web.Request) -> web.Response:
    conversation = query_conversation_id(request)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        cards = await current_cards(session, customer)
        body = [
            account_view(account, cards[account.id]) for account in await customer_accounts(session, customer)
        ]
    return json({"accounts": body})


@routes.get("/me/cards")
async def cards(request: web.Request) -> web.Response:
    conversation = query_conversation_id(request)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        body = [card_view(card, account) for card, account in await customer_cards(session, customer)]
    return json({"cards": body})


@routes.get("/me/transactions")
async def transactions(request: web.Request) -> web.Response:
    conversation = query_conversation_id(request)
    card_filter = query_last_four(request)
    limit = query_int(request, "limit", default=5, minimum=1, maximum=50)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        query = (
            select(Transaction, Card, CardAccount)
            .join(Card, Transaction.card_id == Card.id)
            .join(CardAccount, Card.account_id == CardAccount.id)
            .where(CardAccount.customer_id == customer.id)
            .order_by(Transaction.posted_on.desc(), Transaction.id.desc())
            .limit(limit)
        )
        if card_filter is not None:
            card, _account = await find_card(session, customer, card_filter)
            query = query.where(Transaction.card_id == card.id)
        rows = (await session.execute(query)).all()
    return json({"transactions": [transaction_view(t, card, account) for t, card, account in rows]})
