"""Payments and autopay."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import payments
from account_service.accounts import current_cards, customer_accounts, find_card
from account_service.errors import bad_request
from account_service.models import Card, CardAccount, Payment
from account_service.routes.common import json, me, now, transaction
from account_service.validation import (
    amount_cents,
    choice,
    conversation_id,
    iso_date,
    query_conversation_id,
    query_last_four,
    read_json,
    required_last_four,
    required_text,
)
from account_service.views import autopay_view, payment_view

routes = web.RouteTableDef()


async def _payment_body(session: AsyncSession, payment: Payment) -> dict[str, Any]:
    card = await session.get(Card, payment.card_id)
    account = await session.get(CardAccount, payment.account_id)
    assert card is not None and account is not None
    return payment_view(payment, card, account)


@routes.post("/me/payments")
async def make_payment(request: web.Request) -> web.Response:
    data = await read_json(request)
    conversation = conversation_id(data)
    card_last_four = required_last_four(data)
    amount = amount_cents(data, "amount")
    assert amount is not None
    pay_on = iso_date(data, "pay_on")
    key = required_text(data, "idempotency_key", max_length=128)
    try:
        async with transaction(request) as session:
            customer = await me(request, session, conversation, fresh=True)
            earlier = await payments.payment_by_key(session, customer, key)
            if earlier is not None:
                # The same request again (a retry): the first answer, and nothing paid twice.
                return json(await _payment_body(session, earlier))
            card, account = await find_card(session, customer, card_last_four, for_update=True)
            payment = await payments.make_payment(
                session,
                customer=customer,
                card=card,
                account=account,
                amount_cents=amount,
                pay_on=pay_on,
                idempotency_key=key,
                today=now(request).date(),
                now=now(request),
                conversation_id=conversation,
            )
            body = payment_view(payment, card, account)
        return json(body, status=201)
    except IntegrityError:
        # A concurrent request with the same key committed first; its payment is the answer.
        async with transaction(request) as session:
            customer = await me(request, session, conversation)
            earlier = await payments.payment_by_key(session, customer, key)
            if earlier is None:
                raise
            return json(await _payment_body(session, earlier))


@routes.get("/me/payments")
async def list_payments(request: web.Request) -> web.Response:
    conversation = query_conversation_id(request)
    card_filter = query_last_four(request)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        account_id = None
        if card_filter is not None:
            _card, account = await find_card(session, customer, card_filter)
            account_id = account.id
        rows = await payments.recent_payments(session, customer, now(request).date(), account_id)
        body = [payment_view(payment, card, account) for payment, card, account in rows]
    return json({"payments": body})


@routes.get("/me/autopay")
async def get_autopay(request: web.Request) -> web.Response:
    conversation = query_conversation_id(request)
    card_filter = query_last_four(request)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        cards = await current_cards(session, customer)
        if card_filter is not None:
            card, account = await find_card(session, customer, card_filter)
            targets = [(card, account)]
        else:
            targets = [(cards[account.id], account) for account in await customer_accounts(session, customer)]
        body = [
            autopay_view(await payments.autopay_setting(session, account), card, account)
            for card, account in targets
        ]
    return json({"autopay": body})


@routes.put("/me/autopay")
async def set_autopay(request: web.Request) -> web.Response:
    data = await read_json(request)
    conversation = conversation_id(data)
    card_last_four = required_last_four(data)
    amount_type = choice(data, "amount_type", payments.AMOUNT_TYPES)
    fixed = amount_cents(data, "fixed_amount", required=amount_type == "fixed")
    if amount_type != "fixed" and fixed is not None:
        raise bad_request("fixed_amount is only for amount_type fixed.")
    async with transaction(request) as session:
        customer = await me(request, session, conversation, fresh=True)
        card, account = await find_card(session, customer, card_last_four)
        setting = await payments.set_autopay(
            session,
            customer=customer,
            card=card,
            account=account,
            amount_type=amount_type,
            fixed_amount_cents=fixed,
            now=now(request),
            conversation_id=conversation,
        )
        body = autopay_view(setting, card, account)
    return json(body)


@routes.delete("/me/autopay")
async def cancel_autopay(request: web.Request) -> web.Response:
    conversation = query_conversation_id(request)
    card_last_four = query_last_four(request, required=True)
    assert card_last_four is not None
    async with transaction(request) as session:
        customer = await me(request, session, conversation, fresh=True)
        card, account = await find_card(session, customer, card_last_four)
        setting = await payments.cancel_autopay(
            session,
            customer=customer,
            card=card,
            account=account,
            now=now(request),
            conversation_id=conversation,
        )
        body = autopay_view(setting, card, account)
    return json(body)
