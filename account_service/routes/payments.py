"""Payments and autopay."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import payments
from account_service.accounts import current_cards, customer_accounts, find_card
from account_service.endpoints import ACTIONS, Reply, Routes, fail
from account_service.errors import bad_request
from account_service.models import Card, CardAccount, Payment
from account_service.routes.common import me, now, transaction
from account_service.schemas.common import FRESH_NEEDED, NO_CARD, NOT_VERIFIED, CardFilterQuery
from account_service.schemas.payments import (
    AutopayCancelQuery,
    AutopayChange,
    AutopayOut,
    AutopaySettings,
    PaymentOut,
    PaymentRequest,
    Payments,
)

routes = Routes("payments")


async def _payment_out(session: AsyncSession, payment: Payment) -> PaymentOut:
    card = await session.get(Card, payment.card_id)
    account = await session.get(CardAccount, payment.account_id)
    assert card is not None and account is not None
    return PaymentOut.of(payment, card, account)


@routes.post(
    "/me/payments",
    "Pay from the bank account on file today (completed) or by the due date (scheduled). Fresh.",
    scopes=ACTIONS,
    body=PaymentRequest,
    answer=PaymentOut,
    status=201,
    other_statuses=[(200, "The same idempotency_key again: the first payment, nothing paid")],
    errors=[
        NOT_VERIFIED,
        FRESH_NEEDED,
        NO_CARD,
        fail(422, "Amount or date not allowed", "invalid_amount", "invalid_date"),
    ],
)
async def make_payment(request: web.Request, body: PaymentRequest) -> Reply:
    conversation, key = body.conversation_id, body.idempotency_key
    try:
        async with transaction(request) as session:
            customer = await me(request, session, conversation, fresh=True)
            earlier = await payments.payment_by_key(session, customer, key)
            if earlier is not None:
                # The same request again (a retry): the first answer, and nothing paid twice.
                return Reply(await _payment_out(session, earlier), 200)
            card, account = await find_card(session, customer, body.card_last_four, for_update=True)
            payment = await payments.make_payment(
                session,
                customer=customer,
                card=card,
                account=account,
                amount_cents=body.amount,
                pay_on=body.pay_on,
                idempotency_key=key,
                today=now(request).date(),
                now=now(request),
                conversation_id=conversation,
            )
            answer = PaymentOut.of(payment, card, account)
        return Reply(answer, 201)
    except IntegrityError:
        # A concurrent request with the same key committed first; its payment is the answer.
        async with transaction(request) as session:
            customer = await me(request, session, conversation)
            earlier = await payments.payment_by_key(session, customer, key)
            if earlier is None:
                raise
            return Reply(await _payment_out(session, earlier), 200)


@routes.get(
    "/me/payments",
    "Scheduled payments and those of the last 90 days",
    scopes=ACTIONS,
    query=CardFilterQuery,
    answer=Payments,
    errors=[NOT_VERIFIED, NO_CARD],
)
async def list_payments(request: web.Request, query: CardFilterQuery) -> Payments:
    async with transaction(request) as session:
        customer = await me(request, session, query.conversation_id)
        account_id = None
        if query.card is not None:
            _card, account = await find_card(session, customer, query.card)
            account_id = account.id
        rows = await payments.recent_payments(session, customer, now(request).date(), account_id)
        return Payments(payments=[PaymentOut.of(payment, card, account) for payment, card, account in rows])


@routes.get(
    "/me/autopay",
    "Autopay settings, one per card account",
    scopes=ACTIONS,
    query=CardFilterQuery,
    answer=AutopaySettings,
    errors=[NOT_VERIFIED, NO_CARD],
)
async def get_autopay(request: web.Request, query: CardFilterQuery) -> AutopaySettings:
    async with transaction(request) as session:
        customer = await me(request, session, query.conversation_id)
        cards = await current_cards(session, customer)
        if query.card is not None:
            targets = [await find_card(session, customer, query.card)]
        else:
            targets = [(cards[account.id], account) for account in await customer_accounts(session, customer)]
        return AutopaySettings(
            autopay=[
                AutopayOut.of(await payments.autopay_setting(session, account), card, account)
                for card, account in targets
            ]
        )


@routes.put(
    "/me/autopay",
    "Enrol in autopay or change it. Fresh.",
    scopes=ACTIONS,
    body=AutopayChange,
    answer=AutopayOut,
    errors=[NOT_VERIFIED, FRESH_NEEDED, NO_CARD, fail(422, "Fixed amount not above zero", "invalid_amount")],
)
async def set_autopay(request: web.Request, body: AutopayChange) -> AutopayOut:
    if body.amount_type == "fixed" and body.fixed_amount is None:
        raise bad_request("fixed_amount is needed.")
    if body.amount_type != "fixed" and body.fixed_amount is not None:
        raise bad_request("fixed_amount is only for amount_type fixed.")
    async with transaction(request) as session:
        customer = await me(request, session, body.conversation_id, fresh=True)
        card, account = await find_card(session, customer, body.card_last_four)
        setting = await payments.set_autopay(
            session,
            customer=customer,
            card=card,
            account=account,
            amount_type=body.amount_type,
            fixed_amount_cents=body.fixed_amount,
            now=now(request),
            conversation_id=body.conversation_id,
        )
        return AutopayOut.of(setting, card, account)


@routes.delete(
    "/me/autopay",
    "Cancel autopay. Fresh.",
    scopes=ACTIONS,
    query=AutopayCancelQuery,
    answer=AutopayOut,
    errors=[NOT_VERIFIED, FRESH_NEEDED, NO_CARD],
)
async def cancel_autopay(request: web.Request, query: AutopayCancelQuery) -> AutopayOut:
    async with transaction(request) as session:
        customer = await me(request, session, query.conversation_id, fresh=True)
        card, account = await find_card(session, customer, query.card)
        setting = await payments.cancel_autopay(
            session,
            customer=customer,
            card=card,
            account=account,
            now=now(request),
            conversation_id=query.conversation_id,
        )
        return AutopayOut.of(setting, card, account)
