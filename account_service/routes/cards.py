"""Card actions and cases about cards: status changes, decline check, fraud, disputes, replacements."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from account_service import cards, cases
from account_service.accounts import find_card
from account_service.errors import ServiceError
from account_service.models import Card, CardAccount, Transaction
from account_service.money import format_cents
from account_service.routes.common import json, me, now, transaction
from account_service.validation import (
    choice,
    conversation_id,
    query_conversation_id,
    read_json,
    record_id,
    record_ids,
    required_last_four,
)
from account_service.views import available_credit_cents, card_view, transaction_view

routes = web.RouteTableDef()

MAX_MARKED_TRANSACTIONS = 50


def _path_last_four(request: web.Request) -> str:
    return required_last_four({"last4": request.match_info["last4"]}, "last4")


async def _change_status(request: web.Request, action: str) -> web.Response:
    last_four = _path_last_four(request)
    conversation = conversation_id(await read_json(request))
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        card, account = await find_card(session, customer, last_four, for_update=True)
        await cards.change_status(session, card, action, now(request), customer, conversation)
        body = card_view(card, account)
    return json(body)


@routes.post("/me/cards/{last4}/activate")
async def activate(request: web.Request) -> web.Response:
    return await _change_status(request, "activate")


@routes.post("/me/cards/{last4}/freeze")
async def freeze(request: web.Request) -> web.Response:
    return await _change_status(request, "freeze")


@routes.post("/me/cards/{last4}/unfreeze")
async def unfreeze(request: web.Request) -> web.Response:
    return await _change_status(request, "unfreeze")


@routes.get("/me/cards/{last4}/decline-check")
async def decline_check(request: web.Request) -> web.Response:
    last_four = _path_last_four(request)
    conversation = query_conversation_id(request)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        card, account = await find_card(session, customer, last_four)
        body = {
            "card_last_four": card.last_four,
            "reason": cards.decline_reason(card, account),
            "available_credit": format_cents(available_credit_cents(account)),
            "currency": account.currency,
        }
    return json(body)


@routes.post("/me/fraud-reports")
async def fraud_report(request: web.Request) -> web.Response:
    data = await read_json(request)
    conversation = conversation_id(data)
    last_four = required_last_four(data)
    transaction_ids = record_ids(data, "transaction_ids", max_items=MAX_MARKED_TRANSACTIONS)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        card, account = await find_card(session, customer, last_four, for_update=True)
        body = await cards.report_fraud(
            session,
            card=card,
            account=account,
            transaction_ids=transaction_ids,
            today=now(request).date(),
            now=now(request),
            conversation_id=conversation,
        )
    return json(body, status=201)


@routes.post("/me/disputes")
async def dispute(request: web.Request) -> web.Response:
    data = await read_json(request)
    conversation = conversation_id(data)
    transaction_id = record_id(data, "transaction_id")
    reason = choice(data, "reason", cases.DISPUTE_REASONS)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        row = (
            await session.execute(
                select(Transaction, Card, CardAccount)
                .join(Card, Transaction.card_id == Card.id)
                .join(CardAccount, Card.account_id == CardAccount.id)
                .where(Transaction.id == transaction_id, CardAccount.customer_id == customer.id)
                .with_for_update()
            )
        ).first()
        if row is None:
            raise ServiceError(404, "no_such_transaction", "The customer has no transaction with that ID.")
        disputed, card, account = row
        case = await cases.open_dispute(session, customer, disputed, reason, now(request), conversation)
        body = {"reference": case.reference, "transaction": transaction_view(disputed, card, account)}
    return json(body, status=201)


@routes.post("/me/replacements")
async def replacement(request: web.Request) -> web.Response:
    data = await read_json(request)
    conversation = conversation_id(data)
    last_four = required_last_four(data)
    reason = choice(data, "reason", cards.REPLACEMENT_REASONS)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        card, account = await find_card(session, customer, last_four, for_update=True)
        body = await cards.replace_card(
            session,
            card=card,
            account=account,
            reason=reason,
            today=now(request).date(),
            now=now(request),
            conversation_id=conversation,
        )
    return json(body, status=201)
