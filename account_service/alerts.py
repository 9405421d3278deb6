"""Sending alerts: a posted purchase or a coming due date, the customer's settings, the channel.

The alert row (SentAlert), the outbox row and the transaction are written in the caller's one
transaction; the platform is called after commit (messaging.py), so a rolled-back purchase
never alerts.

Where an alert goes: the customer's preferred channel (alert_settings.channel), unless they sent
STOP there, or it is Telegram and no chat is linked, or it is WhatsApp outside the 24-hour window
with no approved template configured for that alert; then SMS, then email. An email cannot be
answered here, so it asks nothing and says where to act instead.

A question (a fraud check, a pay-now offer) is bound to the conversation its answer must come
from, the one the channel gives the customer's address ("twilio:+1555…", "twilio:whatsapp:+1555…",
"telegram:<chat>": channels/conversations.py), and expires REPLY_WINDOW after it was sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import alert_rules, alert_texts, audit
from account_service.accounts import REGION_CURRENCY
from account_service.alert_delivery import Outgoing, TwilioDelivery
from account_service.alert_rules import AlertChoices, Purchase
from account_service.alert_texts import AlertText
from account_service.messaging import Messenger
from account_service.models import (
    AlertOptOut,
    AlertSetting,
    Card,
    CardAccount,
    Customer,
    SentAlert,
    TelegramLink,
    Transaction,
    WhatsAppWindow,
)
from account_service.profile import alert_settings

# A fraud check or a pay-now offer may be answered for a day: long enough for a purchase made in
# the evening to be answered the next morning, short enough that "yes" a week later in the same
# chat is not taken as an answer to a question long forgotten.
REPLY_WINDOW = timedelta(hours=24)
# WhatsApp's customer-service window: free text only this long after the customer last wrote.
WHATSAPP_WINDOW = timedelta(hours=24)
ALERT_CHANNELS = ("sms", "whatsapp", "telegram", "email")
# Open questions (an answer is still awaited) and reported frauds (a replacement is on offer).
OPEN = ("awaiting", "reported")


def e164(phone: str) -> str:
    """+1 555 010 2002 -> +15550102002 (the form Twilio gives a sender)."""
    return "+" + re.sub(r"\D", "", phone)


def conversation_for(channel: str, address: str) -> str | None:
    """The conversation a reply to an alert sent to this address arrives in (None: email)."""
    return {
        "sms": f"twilio:{address}",
        "whatsapp": f"twilio:whatsapp:{address}",
        "telegram": f"telegram:{address}",
    }.get(channel)


def address_of(conversation_id: str) -> tuple[str, str] | None:
    """(channel, address) of a messaging conversation an alert can go to, else None."""
    if conversation_id.startswith("twilio:whatsapp:+"):
        return "whatsapp", conversation_id.removeprefix("twilio:whatsapp:")
    if conversation_id.startswith("twilio:+"):
        return "sms", conversation_id.removeprefix("twilio:")
    if conversation_id.startswith("telegram:"):
        return "telegram", conversation_id.removeprefix("telegram:")
    return None


def choices_of(settings: AlertSetting) -> AlertChoices:
    return AlertChoices(
        large_purchase_threshold_cents=settings.large_purchase_threshold_cents,
        online_transactions=bool(settings.online_transactions),
        payment_due=bool(settings.payment_due),
        balance_threshold_cents=settings.balance_threshold_cents,
    )


@dataclass(frozen=True)
class Route:
    channel: str
    address: str  # E.164, a chat ID or an email address
    template: str | None = None  # WhatsApp outside its window


class AlertSender:
    """Sends alerts for one request's transaction."""

    def __init__(self, session: AsyncSession, messenger: Messenger, issuer: str, now: datetime) -> None:
        self.session = session
        self.messenger = messenger
        self.issuer = issuer
        self.now = now

    async def purchase(
        self,
        customer: Customer,
        card: Card,
        account: CardAccount,
        *,
        merchant: str,
        amount_cents: int,
        online: bool,
        pending: bool,
        today: date,
    ) -> tuple[Transaction, list[SentAlert]]:
        """Posts the transaction on the card (the balance moves with it) and sends what the
        customer's settings ask for."""
        before = account.balance_cents
        transaction = Transaction(
            card_id=card.id,
            posted_on=today,
            merchant=merchant,
            amount_cents=amount_cents,
            pending=pending,
            disputed=False,
            online=online,
        )
        self.session.add(transaction)
        account.balance_cents = before + amount_cents
        await self.session.flush()
        settings = await alert_settings(self.session, customer)
        currency = REGION_CURRENCY[customer.region]
        sent = []
        for alert in alert_rules.purchase_alerts(
            choices_of(settings), Purchase(amount_cents, online, before)
        ):
            if alert.question == alert_rules.FRAUD_CHECK:
                text = alert_texts.fraud_check(self.issuer, amount_cents, currency, merchant, card.last_four)
            else:
                threshold = settings.balance_threshold_cents or 0
                text = alert_texts.balance(
                    self.issuer, card.last_four, account.balance_cents, threshold, currency
                )
            sent.append(
                await self.send(
                    customer, settings, alert, text, card_id=card.id, transaction_id=transaction.id
                )
            )
        return transaction, sent

    async def payment_due(
        self, customer: Customer, card: Card, account: CardAccount, today: date, *, near: bool = False
    ) -> SentAlert | None:
        """The reminder for this account's due date, once per due date. `near` treats the due
        date as near whatever it is (the demo's button: the seeded due dates are weeks away)."""
        settings = await alert_settings(self.session, customer)
        day = account.due_date - timedelta(days=alert_rules.REMINDER_DAYS) if near else today
        alert = alert_rules.payment_due_alert(
            choices_of(settings), account.minimum_due_cents, account.due_date, day
        )
        key = alert_rules.payment_due_key(account.id, account.due_date)
        if alert is None or await self.session.scalar(
            select(SentAlert.id).where(SentAlert.dedupe_key == key)
        ):
            return None
        currency = REGION_CURRENCY[customer.region]
        text = alert_texts.payment_due(
            self.issuer, account.minimum_due_cents, currency, card.last_four, account.due_date
        )
        return await self.send(customer, settings, alert, text, card_id=card.id, dedupe_key=key)

    async def send(
        self,
        customer: Customer,
        settings: AlertSetting,
        alert: alert_rules.Alert,
        text: AlertText,
        *,
        card_id: int | None = None,
        transaction_id: int | None = None,
        dedupe_key: str | None = None,
    ) -> SentAlert:
        route = await self.route(customer, settings, text.template)
        question = alert.question if route.channel != "email" else None
        if route.channel == "email":
            body = alert_texts.by_email(text, alert.question)
        elif route.template is not None:
            body = alert_texts.fill(route.template, text.variables)
        else:
            body = text.text
        outgoing = Outgoing(
            channel=route.channel,
            to=route.address,
            text=body,
            buttons=text.buttons if route.channel == "telegram" else (),
            template=route.template,
            variables=text.variables if route.template else (),
        )
        shown_to = f"whatsapp:{route.address}" if route.channel == "whatsapp" else route.address
        self.messenger.queue_alert(self.session, customer.id, outgoing, shown_to, self.now)
        sent = SentAlert(
            customer_id=customer.id,
            card_id=card_id,
            transaction_id=transaction_id,
            kind=alert.kind,
            question=question,
            channel=route.channel,
            conversation_id=conversation_for(route.channel, route.address) if question else None,
            status="awaiting" if question else "notice",
            reasks=0,
            created_at=self.now,
            expires_at=self.now + REPLY_WINDOW,
            dedupe_key=dedupe_key,
        )
        self.session.add(sent)
        audit.record(
            self.session,
            "alert_sent",
            route.channel,
            self.now,
            customer_id=customer.id,
            kind=alert.kind,
            question=question,
            template=route.template,
        )
        return sent

    async def route(self, customer: Customer, settings: AlertSetting, template: str) -> Route:
        stopped = set(
            (
                await self.session.scalars(
                    select(AlertOptOut.channel).where(AlertOptOut.customer_id == customer.id)
                )
            ).all()
        )
        preferred = settings.channel if settings.channel in ALERT_CHANNELS else "sms"
        for channel in dict.fromkeys((preferred, "sms", "email")):
            if channel in stopped:
                continue
            if channel == "email":
                return Route("email", customer.email)
            if channel == "sms":
                return Route("sms", e164(customer.phone))
            if channel == "telegram":
                chat = await self.session.scalar(
                    select(TelegramLink.chat_id).where(TelegramLink.customer_id == customer.id)
                )
                if chat is not None:
                    return Route("telegram", chat)
            if channel == "whatsapp":
                number = e164(customer.phone)
                if await self.whatsapp_window_open(number):
                    return Route("whatsapp", number)
                delivery = self.messenger.deliveries.get("whatsapp")
                if not isinstance(delivery, TwilioDelivery) or delivery.can_send_template(template):
                    return Route("whatsapp", number, template=template)
        return Route("email", customer.email)

    async def whatsapp_window_open(self, number: str) -> bool:
        last = await self.session.scalar(
            select(WhatsAppWindow.last_inbound_at).where(WhatsAppWindow.number == number)
        )
        return last is not None and self.now - last < WHATSAPP_WINDOW


async def payment_due_sweep(session: AsyncSession, sender: AlertSender, today: date) -> int:
    """Reminders for every account due within REMINDER_DAYS (outside demo mode, periodically)."""
    horizon = today + timedelta(days=alert_rules.REMINDER_DAYS)
    rows = (
        await session.execute(
            select(Customer, CardAccount)
            .join(CardAccount, CardAccount.customer_id == Customer.id)
            .where(
                CardAccount.due_date >= today,
                CardAccount.due_date <= horizon,
                CardAccount.minimum_due_cents > 0,
            )
        )
    ).all()
    sent = 0
    for customer, account in rows:
        card = await session.scalar(
            select(Card)
            .where(Card.account_id == account.id, Card.status != "replaced")
            .order_by(Card.id.desc())
            .limit(1)
        )
        if card is not None and await sender.payment_due(customer, card, account, today):
            sent += 1
    return sent


async def customers_at(session: AsyncSession, channel: str, address: str) -> list[Customer]:
    """The customers an alert channel's address belongs to: the phone on file for SMS and
    WhatsApp (compared without spaces, dashes or brackets), the linked chat for Telegram."""
    if channel == "telegram":
        query = select(Customer).join(TelegramLink, TelegramLink.customer_id == Customer.id)
        return list((await session.scalars(query.where(TelegramLink.chat_id == address))).all())
    phone = Customer.phone
    for mark in (" ", "-", "(", ")"):
        phone = func.replace(phone, mark, "")
    return list((await session.scalars(select(Customer).where(phone == address))).all())
