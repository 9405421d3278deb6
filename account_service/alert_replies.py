"""Replies on the alert channels: answers to an alert's question, STOP and START, Telegram links.

The channels hand every message from SMS, WhatsApp and Telegram here first (POST /alerts/replies)
and do what the answer says: nothing (the assistant answers as usual), say a text (the message
was for an alert), or hand the assistant another message instead (a payload such as /pay_bill,
which starts that task with its identity check).

- STOP / START (whole message) switch off / on the alerts of the customers whose address this
  is, on this channel only.
- "/link CODE" or Telegram's deep link "/start link-CODE" links the chat to the customer who got
  the code from the assistant after an identity check (LINK_CODE_LIFETIME, once).
- With a question open in this conversation (alerts.OPEN, not expired), the newest one is
  answered: a fraud check takes YES (confirmed) or NO (card frozen, fraud case, replacement
  offered); anything else is asked again, at most MAX_REASKS times, after which the question is
  left and the message goes to the assistant (so a customer is never stuck). A replacement
  offer takes NEW CARD or YES (the replacement task, with its identity check) or NO; a pay-now
  offer takes PAY or YES (the payment task) or NO. To those offers anything else closes the
  offer and goes to the assistant.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import alert_texts, audit, guards
from account_service.accounts import REGION_CURRENCY
from account_service.alert_answers import read_answer
from account_service.alert_texts import CHANNEL_NAMES, Button, answer, reply_language
from account_service.alerts import OPEN, address_of, customers_at
from account_service.cards import report_fraud
from account_service.cases import open_case
from account_service.messaging import Messenger
from account_service.models import (
    AlertOptOut,
    Card,
    CardAccount,
    Customer,
    SentAlert,
    TelegramLink,
    TelegramLinkCode,
    Transaction,
    WhatsAppWindow,
)
from account_service.profile import alert_settings

MAX_REASKS = 2
LINK_CODE_LIFETIME = timedelta(minutes=10)
# No 0/O, 1/I/L: read from one screen and typed on another.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LINK_CODE_LENGTH = 8
# Wrong codes one Telegram chat may send in LINK_FAILURE_WINDOW before no code is checked from it
# (not even a right one) until the window has room: guessing stays far slower than a code lives.
LINK_FAILURES_PER_HOUR = 10
LINK_FAILURE_WINDOW = timedelta(hours=1)
_LINK = re.compile(r"^/(?:link(?:@\w+)?\s+|start(?:@\w+)?\s+link-)([A-Za-z0-9]{4,16})\s*$")
PAY_PAYLOAD, REPLACE_PAYLOAD = "/pay_bill", "/replace_card"


@dataclass(frozen=True)
class ReplyOutcome:
    outcome: Literal["none", "answered", "hand_over"]
    text: str | None = None
    buttons: tuple[Button, ...] = field(default=())
    message: str | None = None


NOT_FOR_ALERTS = ReplyOutcome("none")


@dataclass
class ReplyContext:
    session: AsyncSession
    conversation_id: str
    text: str
    now: datetime
    today: date
    issuer: str
    secret: str
    messenger: Messenger

    @property
    def language(self) -> str:
        return reply_language(self.text)

    def say(self, key: str, **values: str) -> ReplyOutcome:
        return ReplyOutcome("answered", answer(key, self.language, **values))


async def handle_reply(context: ReplyContext) -> ReplyOutcome:
    where = address_of(context.conversation_id)
    if where is None:
        return NOT_FOR_ALERTS
    channel, address = where
    session, now = context.session, context.now
    if channel == "whatsapp":
        await note_whatsapp_inbound(session, address, now)
    link = _LINK.match(context.text.strip()) if channel == "telegram" else None
    if link:
        return await link_chat(context, address, link.group(1).upper())
    said = read_answer(context.text)
    if said in ("stop", "start"):
        customers = await customers_at(session, channel, address)
        if customers:
            for customer in customers:
                await opt(session, customer, channel, said, now, context.conversation_id)
            name = CHANNEL_NAMES[context.language][channel]
            return context.say(
                "stopped" if said == "stop" else "started", issuer=context.issuer, channel=name
            )
    alert = await open_alert(session, context.conversation_id, now)
    if alert is None:
        return NOT_FOR_ALERTS
    if alert.question == "fraud_check" and alert.status == "awaiting":
        return await answer_fraud_check(context, alert, said)
    if alert.question == "fraud_check":  # reported: a replacement is on offer
        return await answer_offer(context, alert, said, REPLACE_PAYLOAD, ("yes", "new_card"), "no_new_card")
    return await answer_offer(context, alert, said, PAY_PAYLOAD, ("yes", "pay"), "not_paying")


async def open_alert(session: AsyncSession, conversation_id: str, now: datetime) -> SentAlert | None:
    """The newest question still open in the conversation (an older one waits its turn)."""
    found: SentAlert | None = await session.scalar(
        select(SentAlert)
        .where(
            SentAlert.conversation_id == conversation_id,
            SentAlert.status.in_(OPEN),
            SentAlert.expires_at > now,
        )
        .order_by(SentAlert.created_at.desc(), SentAlert.id.desc())
        .limit(1)
    )
    return found


async def answer_fraud_check(context: ReplyContext, alert: SentAlert, said: str | None) -> ReplyOutcome:
    session, now = context.session, context.now
    transaction = await session.get(Transaction, alert.transaction_id) if alert.transaction_id else None
    card = await session.get(Card, alert.card_id) if alert.card_id else None
    if said not in ("yes", "no") or transaction is None or card is None:
        if alert.reasks >= MAX_REASKS or transaction is None or card is None:
            _close(alert, "closed", now)
            _audit(context, alert, "left")
            return NOT_FOR_ALERTS
        alert.reasks += 1
        customer = await session.get(Customer, alert.customer_id)
        currency = REGION_CURRENCY[customer.region] if customer else "USD"
        amount = alert_texts.money(transaction.amount_cents, currency)
        outcome = context.say("reask", amount=amount, merchant=transaction.merchant)
        return ReplyOutcome("answered", outcome.text, buttons=_yes_no_buttons(alert.channel))
    if said == "yes":
        _close(alert, "confirmed", now)
        _audit(context, alert, "confirmed")
        return await _then_next(context, context.say("confirmed"))
    account = await session.get(CardAccount, card.account_id)
    assert account is not None
    if card.status == "replaced":
        case = await open_case(
            session,
            "fraud",
            now,
            customer_id=alert.customer_id,
            conversation_id=context.conversation_id,
            card_id=card.id,
            details={"transaction_ids": [transaction.id], "amount_cents": transaction.amount_cents},
        )
        transaction.disputed = True
        _close(alert, "closed", now)
        _audit(context, alert, "reported")
        return await _then_next(
            context, context.say("reported_card_gone", reference=case.reference, last_four=card.last_four)
        )
    report = await report_fraud(
        session,
        card=card,
        account=account,
        transaction_ids=[transaction.id],
        today=context.today,
        now=now,
        conversation_id=context.conversation_id,
        order_new_card=False,
    )
    alert.status, alert.answered_at = "reported", now
    _audit(context, alert, "reported")
    said_back = context.say("reported", last_four=card.last_four, reference=str(report["reference"]))
    buttons = (Button("Order a new card", "NEW CARD"),) if alert.channel == "telegram" else ()
    return ReplyOutcome("answered", said_back.text, buttons=buttons)


async def answer_offer(
    context: ReplyContext,
    alert: SentAlert,
    said: str | None,
    payload: str,
    takes: tuple[str, ...],
    declined: str,
) -> ReplyOutcome:
    """A replacement or pay-now offer: taken (the assistant's task), declined, or left."""
    _close(alert, "closed", context.now)
    if said in takes:
        _audit(context, alert, "taken")
        return ReplyOutcome("hand_over", message=payload)
    if said == "no":
        _audit(context, alert, "declined")
        return context.say(declined)
    _audit(context, alert, "left")
    return NOT_FOR_ALERTS


async def _then_next(context: ReplyContext, said: ReplyOutcome) -> ReplyOutcome:
    """After an answer, the next open fraud check in the conversation, if any, is asked again."""
    following = await open_alert(context.session, context.conversation_id, context.now)
    if following is None or following.question != "fraud_check" or following.status != "awaiting":
        return said
    transaction = await context.session.get(Transaction, following.transaction_id)
    customer = await context.session.get(Customer, following.customer_id)
    if transaction is None or customer is None:
        return said
    amount = alert_texts.money(transaction.amount_cents, REGION_CURRENCY[customer.region])
    question = answer("next_question", context.language, amount=amount, merchant=transaction.merchant)
    return ReplyOutcome("answered", f"{said.text}\n\n{question}", buttons=_yes_no_buttons(following.channel))


def _yes_no_buttons(channel: str) -> tuple[Button, ...]:
    return (Button("Yes, it was me", "YES"), Button("No, not me", "NO")) if channel == "telegram" else ()


def _close(alert: SentAlert, status: str, now: datetime) -> None:
    alert.status = status
    alert.answered_at = alert.answered_at or now


def _audit(context: ReplyContext, alert: SentAlert, outcome: str) -> None:
    audit.record(
        context.session,
        "alert_answer",
        outcome,
        context.now,
        customer_id=alert.customer_id,
        conversation_id=context.conversation_id,
        kind=alert.kind,
        question=alert.question,
    )


# --- STOP and START --------------------------------------------------------------------------------
async def opt(
    session: AsyncSession, customer: Customer, channel: str, said: str, now: datetime, conversation_id: str
) -> None:
    existing = await session.scalar(
        select(AlertOptOut).where(AlertOptOut.customer_id == customer.id, AlertOptOut.channel == channel)
    )
    if said == "stop" and existing is None:
        session.add(AlertOptOut(customer_id=customer.id, channel=channel, at=now))
    elif said == "start" and existing is not None:
        await session.delete(existing)
    audit.record(
        session,
        "alerts_opt",
        said,
        now,
        customer_id=customer.id,
        conversation_id=conversation_id,
        channel=channel,
    )


# --- the WhatsApp window ---------------------------------------------------------------------------
async def note_whatsapp_inbound(session: AsyncSession, number: str, now: datetime) -> None:
    window = await session.get(WhatsAppWindow, number)
    if window is None:
        session.add(WhatsAppWindow(number=number, last_inbound_at=now))
    else:
        window.last_inbound_at = now


# --- Telegram links --------------------------------------------------------------------------------
def hash_link_code(secret: str, code: str) -> str:
    return hmac.new(secret.encode(), f"telegram-link:{code}".encode(), hashlib.sha256).hexdigest()


async def new_link_code(session: AsyncSession, customer: Customer, secret: str, now: datetime) -> str:
    """A code for the verified customer to send from their Telegram chat; earlier unused codes of
    theirs stop working. Only its keyed hash is stored."""
    await session.execute(
        delete(TelegramLinkCode).where(
            TelegramLinkCode.customer_id == customer.id, TelegramLinkCode.used_at.is_(None)
        )
    )
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(LINK_CODE_LENGTH))
    session.add(
        TelegramLinkCode(
            customer_id=customer.id,
            code_hash=hash_link_code(secret, code),
            created_at=now,
            expires_at=now + LINK_CODE_LIFETIME,
        )
    )
    audit.record(session, "telegram_link_code", "issued", now, customer_id=customer.id)
    return code


async def link_chat(context: ReplyContext, chat_id: str, code: str) -> ReplyOutcome:
    session, now = context.session, context.now
    key = guards.link_chat_key(chat_id)
    await guards.lock_guard(session, key)
    waiting = await guards.attempts_wait(
        session, key, now, limit=LINK_FAILURES_PER_HOUR, window=LINK_FAILURE_WINDOW
    )
    if waiting is not None:
        audit.record(session, "telegram_link", "paused", now, conversation_id=context.conversation_id)
        return context.say("link_paused")
    found = await session.scalar(
        select(TelegramLinkCode).where(TelegramLinkCode.code_hash == hash_link_code(context.secret, code))
    )
    if found is None or found.used_at is not None or found.expires_at <= now:
        guards.record_attempt(session, key, now)
        audit.record(session, "telegram_link", "refused", now, conversation_id=context.conversation_id)
        return context.say("link_failed")
    found.used_at = now
    customer = await session.get(Customer, found.customer_id)
    assert customer is not None
    # One chat per customer and one customer per chat: a new link replaces either old one.
    await session.execute(
        delete(TelegramLink).where(
            (TelegramLink.customer_id == customer.id) | (TelegramLink.chat_id == chat_id)
        )
    )
    await session.flush()
    session.add(TelegramLink(customer_id=customer.id, chat_id=chat_id, linked_at=now))
    await session.execute(
        delete(AlertOptOut).where(AlertOptOut.customer_id == customer.id, AlertOptOut.channel == "telegram")
    )
    settings = await alert_settings(session, customer)
    settings.channel = "telegram"  # the customer asked for Telegram alerts to get the code
    # Told where a thief holding the code could not answer: the phone on file.
    context.messenger.queue(
        session,
        customer,
        "sms",
        f"{context.issuer}: a Telegram chat was linked to your account and will get your alerts. If this "
        "wasn't you, call the number on the back of your card.",
        now,
    )
    audit.record(
        session,
        "telegram_link",
        "linked",
        now,
        customer_id=customer.id,
        conversation_id=context.conversation_id,
    )
    return context.say("linked", issuer=context.issuer)


async def telegram_linked(session: AsyncSession, customer: Customer) -> bool:
    found = await session.scalar(select(TelegramLink.id).where(TelegramLink.customer_id == customer.id))
    return found is not None
