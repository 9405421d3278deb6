"""Demo mode only: what was "sent" to a customer, and a clock tests can move."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import demo_state
from account_service.accounts import current_cards, customer_accounts, customer_cards
from account_service.alerts import AlertSender
from account_service.app_keys import CLOCK, MESSENGER
from account_service.clock import iso_instant
from account_service.endpoints import PUBLIC, Reply, Routes, fail
from account_service.errors import ServiceError, bad_request
from account_service.models import Card, CardAccount, Customer, OutboxMessage, SentAlert
from account_service.routes.common import now, settings, transaction
from account_service.schemas.alerts import (
    DemoPaymentDue,
    DemoTransaction,
    PostedTransaction,
    SentAlertOut,
    SentAlerts,
)
from account_service.schemas.meta import (
    AgentHoursMode,
    AgentHoursSwitch,
    ClockAdvance,
    ClockNow,
    Outbox,
    OutboxMessageOut,
    OutboxQuery,
)

routes = Routes("demo")


@routes.get(
    "/demo/outbox",
    "Demo mode only: what was sent to a customer, oldest first",
    scopes=PUBLIC,
    query=OutboxQuery,
    answer=Outbox,
)
async def outbox(request: web.Request, query: OutboxQuery) -> Outbox:
    async with transaction(request) as session:
        rows = (
            await session.scalars(
                select(OutboxMessage)
                .join(Customer, OutboxMessage.customer_id == Customer.id)
                .where(func.lower(Customer.user_id) == query.user_id.lower())
                .order_by(OutboxMessage.sent_at, OutboxMessage.id)
            )
        ).all()
    return Outbox(
        __root__=[
            OutboxMessageOut(
                channel=row.channel, to=row.recipient, text=row.text, sent_at=iso_instant(row.sent_at)
            )
            for row in rows
        ]
    )


@routes.post(
    "/demo/clock",
    "Demo mode only: move the service clock forward",
    scopes=PUBLIC,
    body=ClockAdvance,
    answer=ClockNow,
)
async def advance_clock(request: web.Request, body: ClockAdvance) -> ClockNow:
    await demo_state.advance_clock(request.app, body.advance_seconds)
    return ClockNow(now=iso_instant(request.app[CLOCK].now()))


@routes.delete("/demo/clock", "Demo mode only: reset the service clock", scopes=PUBLIC, answer=ClockNow)
async def reset_clock(request: web.Request) -> ClockNow:
    await demo_state.reset_clock(request.app)
    return ClockNow(now=iso_instant(request.app[CLOCK].now()))


@routes.post(
    "/demo/agent-hours",
    "Demo mode only: agents always or never available, or as configured again",
    scopes=PUBLIC,
    body=AgentHoursSwitch,
    answer=AgentHoursMode,
)
async def switch_agent_hours(request: web.Request, body: AgentHoursSwitch) -> AgentHoursMode:
    """always or never, or configured (issuer.yml / AGENT_HOURS) again."""
    await demo_state.switch_hours(request.app, None if body.mode == "configured" else body.mode)
    return AgentHoursMode(mode=body.mode)


@routes.post(
    "/demo/transactions",
    "Demo mode only: post a purchase on a customer's card; the alerts their settings ask for are sent",
    scopes=PUBLIC,
    body=DemoTransaction,
    answer=PostedTransaction,
    status=201,
    errors=[
        fail(404, "No such customer or card", "no_such_customer", "no_such_card"),
        fail(400, "Not a purchase", "bad_request"),
    ],
)
async def post_transaction(request: web.Request, body: DemoTransaction) -> Reply:
    if body.amount <= 0:
        raise bad_request("amount must be more than zero (a purchase).")
    async with transaction(request) as session:
        customer, card, account = await _customer_card(session, body.user_id, body.card_last_four)
        sender = AlertSender(session, request.app[MESSENGER], settings(request).issuer_name, now(request))
        posted, sent = await sender.purchase(
            customer,
            card,
            account,
            merchant=body.merchant,
            amount_cents=body.amount,
            online=body.online,
            pending=body.pending,
            today=request.app[CLOCK].today(),
        )
        answer = PostedTransaction(transaction_id=posted.id, alerts=[_alert_out(alert) for alert in sent])
    return Reply(answer, 201)


@routes.post(
    "/demo/alerts/payment-due",
    "Demo mode only: send a customer's payment-due reminders now, as if their due dates were near",
    scopes=PUBLIC,
    body=DemoPaymentDue,
    answer=SentAlerts,
    errors=[fail(404, "No such customer", "no_such_customer")],
)
async def payment_due_now(request: web.Request, body: DemoPaymentDue) -> SentAlerts:
    async with transaction(request) as session:
        customer = await _customer(session, body.user_id)
        sender = AlertSender(session, request.app[MESSENGER], settings(request).issuer_name, now(request))
        current = await current_cards(session, customer)
        sent = []
        for account in await customer_accounts(session, customer):
            card = current.get(account.id)
            if card is None:
                continue
            alert = await sender.payment_due(customer, card, account, request.app[CLOCK].today(), near=True)
            if alert is not None:
                sent.append(_alert_out(alert))
        return SentAlerts(alerts=sent)


async def _customer(session: AsyncSession, user_id: str) -> Customer:
    customer = await session.scalar(select(Customer).where(func.lower(Customer.user_id) == user_id.lower()))
    if customer is None:
        raise ServiceError(404, "no_such_customer", "No customer has that User ID.")
    return customer


async def _customer_card(
    session: AsyncSession, user_id: str, last_four: str
) -> tuple[Customer, Card, CardAccount]:
    customer = await _customer(session, user_id)
    for card, account in await customer_cards(session, customer):
        if card.last_four == last_four:
            return customer, card, account
    raise ServiceError(404, "no_such_card", "The customer has no card with those last four digits.")


def _alert_out(alert: SentAlert) -> SentAlertOut:
    return SentAlertOut(kind=alert.kind, question=alert.question, channel=alert.channel)
