"""Card actions and cases about cards: status changes, decline check, fraud, disputes, replacements."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from account_service import cards, cases, identity
from account_service.accounts import available_credit_cents, find_card
from account_service.endpoints import ACTIONS, Routes, fail
from account_service.errors import ServiceError
from account_service.models import Card, CardAccount, Transaction
from account_service.money import format_cents
from account_service.routes.common import me, now, transaction
from account_service.schemas.accounts import CardOut, TransactionOut
from account_service.schemas.cards import (
    DeclineCheck,
    DisputeOpened,
    DisputeRequest,
    FraudReported,
    FraudReportRequest,
    Replacement,
    ReplacementRequest,
)
from account_service.schemas.common import (
    FRESH_NEEDED,
    NO_CARD,
    NOT_VERIFIED,
    CardPath,
    ConversationBody,
    ConversationQuery,
)

routes = Routes("cards")

WRONG_STATUS = fail(409, "Not possible in the card's status", "wrong_status", status=str)
CARD_ACTION = {
    "scopes": ACTIONS,
    "path_model": CardPath,
    "body": ConversationBody,
    "answer": CardOut,
    "errors": [NOT_VERIFIED, NO_CARD, WRONG_STATUS],
}


async def _change_status(
    request: web.Request, path: CardPath, body: ConversationBody, action: str, *, fresh: bool = False
) -> CardOut:
    async with transaction(request) as session:
        customer = await me(request, session, body.conversation_id, fresh=fresh)
        card, account = await find_card(session, customer, path.last4, for_update=True)
        await cards.change_status(session, card, action, now(request), customer, body.conversation_id)
        return CardOut.of(card, account)


@routes.post(
    "/me/cards/{last4}/activate",
    "Activate an inactive card (a replacement retires the card it replaces)",
    **CARD_ACTION,
)
async def activate(request: web.Request, path: CardPath, body: ConversationBody) -> CardOut:
    return await _change_status(request, path, body, "activate")


@routes.post("/me/cards/{last4}/freeze", "Freeze an active card", **CARD_ACTION)
async def freeze(request: web.Request, path: CardPath, body: ConversationBody) -> CardOut:
    return await _change_status(request, path, body, "freeze")


@routes.post(
    "/me/cards/{last4}/unfreeze",
    "Unfreeze a frozen card (not one reported for fraud); it spends again, so a fresh code is needed",
    **{**CARD_ACTION, "errors": [NOT_VERIFIED, FRESH_NEEDED, NO_CARD, WRONG_STATUS]},
)
async def unfreeze(request: web.Request, path: CardPath, body: ConversationBody) -> CardOut:
    return await _change_status(request, path, body, "unfreeze", fresh=True)


@routes.get(
    "/me/cards/{last4}/decline-check",
    "Why a purchase would be declined",
    scopes=ACTIONS,
    path_model=CardPath,
    query=ConversationQuery,
    answer=DeclineCheck,
    errors=[NOT_VERIFIED, NO_CARD],
)
async def decline_check(request: web.Request, path: CardPath, query: ConversationQuery) -> DeclineCheck:
    async with transaction(request) as session:
        customer = await me(request, session, query.conversation_id)
        card, account = await find_card(session, customer, path.last4)
        return DeclineCheck(
            card_last_four=card.last_four,
            reason=cards.decline_reason(card, account),
            available_credit=format_cents(available_credit_cents(account)),
            currency=account.currency,
        )


@routes.post(
    "/me/fraud-reports",
    "Report fraud: freeze and fraud case at once; the replacement too when the check is fresh",
    scopes=ACTIONS,
    body=FraudReportRequest,
    answer=FraudReported,
    status=201,
    errors=[
        NOT_VERIFIED,
        fail(404, "No such card or transaction", "no_such_card", "no_such_transaction"),
        fail(409, "Card already replaced", "wrong_status", status=str),
    ],
)
async def fraud_report(request: web.Request, body: FraudReportRequest) -> FraudReported:
    async with transaction(request) as session:
        customer = await me(request, session, body.conversation_id)
        card, account = await find_card(session, customer, body.card_last_four, for_update=True)
        # Freezing and the case protect the customer at once; a new card goes out to an address,
        # which (like any replacement) needs a code younger than 5 minutes.
        order_new_card = await identity.session_is_fresh(session, body.conversation_id, now(request))
        reported = await cards.report_fraud(
            session,
            card=card,
            account=account,
            transaction_ids=list(body.transaction_ids),
            today=now(request).date(),
            now=now(request),
            conversation_id=body.conversation_id,
            order_new_card=order_new_card,
        )
    return FraudReported(**reported)


@routes.post(
    "/me/disputes",
    "Dispute a charge",
    scopes=ACTIONS,
    body=DisputeRequest,
    answer=DisputeOpened,
    status=201,
    errors=[
        NOT_VERIFIED,
        fail(404, "No such transaction", "no_such_transaction"),
        fail(409, "Already disputed, or a payment/credit", "already_disputed", "not_disputable"),
    ],
)
async def dispute(request: web.Request, body: DisputeRequest) -> DisputeOpened:
    async with transaction(request) as session:
        customer = await me(request, session, body.conversation_id)
        row = (
            await session.execute(
                select(Transaction, Card, CardAccount)
                .join(Card, Transaction.card_id == Card.id)
                .join(CardAccount, Card.account_id == CardAccount.id)
                .where(Transaction.id == body.transaction_id, CardAccount.customer_id == customer.id)
                .with_for_update()
            )
        ).first()
        if row is None:
            raise ServiceError(404, "no_such_transaction", "The customer has no transaction with that ID.")
        disputed, card, account = row
        case = await cases.open_dispute(
            session, customer, disputed, body.reason, now(request), body.conversation_id
        )
        return DisputeOpened(reference=case.reference, transaction=TransactionOut.of(disputed, card, account))


@routes.post(
    "/me/replacements",
    "Replace a card: lost/stolen blocks it and issues a new number; damaged reissues the same. Fresh.",
    scopes=ACTIONS,
    body=ReplacementRequest,
    answer=Replacement,
    status=201,
    errors=[NOT_VERIFIED, FRESH_NEEDED, NO_CARD, WRONG_STATUS],
)
async def replacement(request: web.Request, body: ReplacementRequest) -> Replacement:
    async with transaction(request) as session:
        customer = await me(request, session, body.conversation_id, fresh=True)
        card, account = await find_card(session, customer, body.card_last_four, for_update=True)
        ordered = await cards.replace_card(
            session,
            card=card,
            account=account,
            reason=body.reason,
            today=now(request).date(),
            now=now(request),
            conversation_id=body.conversation_id,
        )
    return Replacement(**ordered)
