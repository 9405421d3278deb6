"""Database tables (SQLAlchemy 1.4 declarative). Money is integer cents; instants are UTC.

Relationships are deliberately not declared: under asyncio a lazy load would fail at run time,
so every read is an explicit query.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

# Named constraints keep the hand-written migration and the models comparable on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base: Any = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


class UtcDateTime(TypeDecorator):
    """Stored as naive UTC (portable to SQLite and PostgreSQL), handed out as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Customer(Base):
    __tablename__ = "customers"
    id = Column(Integer, primary_key=True)
    user_id = Column(String(64), nullable=False, unique=True)
    first_name = Column(String(64), nullable=False)
    last_name = Column(String(64), nullable=False)
    date_of_birth = Column(Date, nullable=False)
    region = Column(String(2), nullable=False)  # US or IN
    phone = Column(String(32), nullable=False)
    email = Column(String(254), nullable=False)
    mailing_address = Column(String(300), nullable=False)
    # Code checks for this customer are locked until then (10 wrong codes in 24 hours, from any
    # conversations): no code is sent and any code is refused as wrong. Verified sessions stay.
    locked_until = Column(UtcDateTime, nullable=True)


class CardAccount(Base):
    __tablename__ = "card_accounts"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    product = Column(String(64), nullable=False)
    currency = Column(String(3), nullable=False)
    balance_cents = Column(BigInteger, nullable=False)
    credit_limit_cents = Column(BigInteger, nullable=False)
    statement_balance_cents = Column(BigInteger, nullable=False)
    minimum_due_cents = Column(BigInteger, nullable=False)
    due_date = Column(Date, nullable=False)
    bank_name = Column(String(64), nullable=False)
    bank_last_four = Column(String(4), nullable=False)


class Card(Base):
    __tablename__ = "cards"
    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("card_accounts.id"), nullable=False, index=True)
    last_four = Column(String(4), nullable=False)
    status = Column(String(16), nullable=False)  # active, inactive, frozen, replaced
    expiry_month = Column(Integer, nullable=False)
    expiry_year = Column(Integer, nullable=False)
    fraud_hold = Column(Boolean, nullable=False, default=False)
    # A replacement card points at the card it replaces; activating it retires that card.
    replaces_card_id = Column(Integer, ForeignKey("cards.id"), nullable=True)


class Transaction(Base):
    __tablename__ = "transactions"
    __table_args__ = (Index("ix_transactions_card_id_posted_on", "card_id", "posted_on"),)
    id = Column(Integer, primary_key=True)
    card_id = Column(Integer, ForeignKey("cards.id"), nullable=False)
    posted_on = Column(Date, nullable=False)
    merchant = Column(String(100), nullable=False)
    amount_cents = Column(BigInteger, nullable=False)  # purchases positive, payments and credits negative
    pending = Column(Boolean, nullable=False, default=False)
    disputed = Column(Boolean, nullable=False, default=False)
    # Card not present (a web or app purchase): what the online-transactions alert watches.
    online = Column(Boolean, nullable=False, default=False, server_default=false())


class Statement(Base):
    __tablename__ = "statements"
    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("card_accounts.id"), nullable=False, index=True)
    period = Column(String(7), nullable=False)  # YYYY-MM of the closing date
    opening_date = Column(Date, nullable=False)
    closing_date = Column(Date, nullable=False)
    balance_cents = Column(BigInteger, nullable=False)
    minimum_due_cents = Column(BigInteger, nullable=False)
    due_date = Column(Date, nullable=False)


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("customer_id", "idempotency_key"),)
    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    account_id = Column(Integer, ForeignKey("card_accounts.id"), nullable=False, index=True)
    card_id = Column(Integer, ForeignKey("cards.id"), nullable=False)
    amount_cents = Column(BigInteger, nullable=False)
    pay_on = Column(Date, nullable=False)
    status = Column(String(16), nullable=False)  # completed, scheduled
    idempotency_key = Column(String(128), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)


class AutopaySetting(Base):
    __tablename__ = "autopay_settings"
    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("card_accounts.id"), nullable=False, unique=True)
    enrolled = Column(Boolean, nullable=False, default=False)
    amount_type = Column(String(24), nullable=True)  # statement_balance, minimum_due, fixed
    fixed_amount_cents = Column(BigInteger, nullable=True)
    updated_at = Column(UtcDateTime, nullable=True)


class RewardAccount(Base):
    __tablename__ = "reward_accounts"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, unique=True)
    program = Column(String(64), nullable=False)
    points = Column(Integer, nullable=False)


class RewardOption(Base):
    __tablename__ = "reward_options"
    __table_args__ = (UniqueConstraint("region", "name"),)
    id = Column(Integer, primary_key=True)
    region = Column(String(2), nullable=False)
    name = Column(String(64), nullable=False)
    points_needed = Column(Integer, nullable=False)  # points per unit of value
    value_cents = Column(BigInteger, nullable=False)
    currency = Column(String(3), nullable=False)


class Redemption(Base):
    __tablename__ = "redemptions"
    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    option_name = Column(String(64), nullable=False)
    points = Column(Integer, nullable=False)
    value_cents = Column(BigInteger, nullable=False)
    currency = Column(String(3), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)


class AlertSetting(Base):
    __tablename__ = "alert_settings"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, unique=True)
    large_purchase_threshold_cents = Column(BigInteger, nullable=True)
    online_transactions = Column(Boolean, nullable=False, default=False)
    payment_due = Column(Boolean, nullable=False, default=True)
    balance_threshold_cents = Column(BigInteger, nullable=True)
    # Where alerts go: sms, whatsapp, telegram (a linked chat) or email.
    channel = Column(String(16), nullable=False, default="sms", server_default="sms")


class SentAlert(Base):
    """An alert that was sent, and the question it asked (if any) with the conversation its answer
    must come from. The binding lives here, in the system of record: the channels only pass the
    reply on (POST /alerts/replies), whichever Rasa replica or channel process received it."""

    __tablename__ = "sent_alerts"
    __table_args__ = (Index("ix_sent_alerts_conversation_id_status", "conversation_id", "status"),)
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    card_id = Column(Integer, ForeignKey("cards.id"), nullable=True)
    transaction_id = Column(Integer, ForeignKey("transactions.id"), nullable=True)
    kind = Column(String(16), nullable=False)  # large_purchase, online_purchase, balance, payment_due
    question = Column(String(16), nullable=True)  # fraud_check, pay_now; None: a notice
    channel = Column(String(16), nullable=False)  # sms, whatsapp, telegram, email
    # The conversation a reply comes from ("twilio:+1555…", "telegram:<chat>"); None for email.
    conversation_id = Column(String(200), nullable=True)
    # awaiting (the question is open), confirmed, reported (not me: frozen, replacement offered),
    # closed (answered, declined or left), notice (nothing asked)
    status = Column(String(16), nullable=False)
    reasks = Column(Integer, nullable=False, default=0)
    created_at = Column(UtcDateTime, nullable=False)
    expires_at = Column(UtcDateTime, nullable=False)
    answered_at = Column(UtcDateTime, nullable=True)
    # One payment-due reminder per account and due date, whichever instance sends it.
    dedupe_key = Column(String(64), nullable=True, unique=True)


class AlertOptOut(Base):
    """STOP on a channel: no alerts there until START (per customer and channel)."""

    __tablename__ = "alert_opt_outs"
    __table_args__ = (UniqueConstraint("customer_id", "channel"),)
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    channel = Column(String(16), nullable=False)
    at = Column(UtcDateTime, nullable=False)


class TelegramLink(Base):
    """The Telegram chat a customer linked for alerts (one per customer, a chat for one customer)."""

    __tablename__ = "telegram_links"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, unique=True)
    chat_id = Column(String(32), nullable=False, unique=True)
    linked_at = Column(UtcDateTime, nullable=False)


class TelegramLinkCode(Base):
    """A code the assistant gave a verified customer, to be sent from the Telegram chat to link it."""

    __tablename__ = "telegram_link_codes"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    code_hash = Column(String(64), nullable=False, unique=True)  # HMAC-SHA256 hex; never the code
    created_at = Column(UtcDateTime, nullable=False)
    expires_at = Column(UtcDateTime, nullable=False)
    used_at = Column(UtcDateTime, nullable=True)


class WhatsAppWindow(Base):
    """When a WhatsApp number last wrote to us: free text may be sent for 24 hours after it,
    otherwise only a pre-approved template (WhatsApp's customer-service window)."""

    __tablename__ = "whatsapp_windows"
    number = Column(String(32), primary_key=True)  # E.164, without the whatsapp: prefix
    last_inbound_at = Column(UtcDateTime, nullable=False)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_type_status", "type", "status"),)
    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    type = Column(String(16), nullable=False)  # fraud, dispute, replacement, handoff
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=True, index=True)
    card_id = Column(Integer, ForeignKey("cards.id"), nullable=True)
    conversation_id = Column(String(200), nullable=True)
    details = Column(JSON, nullable=False)
    # open, closed; handoffs: waiting, leave_message, message_left, with_agent, released, closed
    status = Column(String(16), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    agent_name = Column(String(64), nullable=True)  # handoffs: the agent who took it
    taken_at = Column(UtcDateTime, nullable=True)
    ended_at = Column(UtcDateTime, nullable=True)


class HandoffMessage(Base):
    """One line of a live handoff: from the customer, an agent, or the assistant (notices)."""

    __tablename__ = "handoff_messages"
    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("cases.id"), nullable=False, index=True)
    sender = Column(String(16), nullable=False)  # customer, agent, assistant
    agent_name = Column(String(64), nullable=True)
    text = Column(Text, nullable=False)  # redacted before storage
    at = Column(UtcDateTime, nullable=False)


class Challenge(Base):
    __tablename__ = "challenges"
    __table_args__ = (Index("ix_challenges_customer_id_created_at", "customer_id", "created_at"),)
    id = Column(String(64), primary_key=True)  # random token, not guessable
    # None for a decoy: the details matched no customer, but the answer looked the same.
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=True)
    conversation_id = Column(String(200), nullable=False)
    purpose = Column(String(16), nullable=False)  # verify, confirm
    channel = Column(String(8), nullable=False)  # sms, email
    # HMAC-SHA256 hex; the code itself is never stored. None when no code was sent (a decoy, or a
    # send limit or code lock that tripped silently): such a challenge can never be verified.
    code_hash = Column(String(64), nullable=True)
    created_at = Column(UtcDateTime, nullable=False)
    expires_at = Column(UtcDateTime, nullable=False)
    used_at = Column(UtcDateTime, nullable=True)
    ended = Column(Boolean, nullable=False, default=False)


class VerifiedSession(Base):
    __tablename__ = "verified_sessions"
    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(200), nullable=False, unique=True)
    # The channel the conversation is on: the prefix of its ID (socketio, in_app, telegram …).
    channel = Column(String(32), nullable=False, server_default="unnamed")
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    verified_at = Column(UtcDateTime, nullable=False)
    last_seen_at = Column(UtcDateTime, nullable=False)
    # What verified the customer last: "code" (a one-time code; fresh for 5 minutes) or
    # "app_login" (the mobile app's login, vouched for by the in-app channel; never fresh).
    method = Column(String(16), nullable=False, default="code", server_default="code")
    # The app login's time, for app_login sessions (and kept when a confirm code follows).
    logged_in_at = Column(UtcDateTime, nullable=True)


class OutboxMessage(Base):
    __tablename__ = "outbox"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    channel = Column(String(8), nullable=False)  # sms, email, whatsapp, telegram
    recipient = Column(String(254), nullable=False)
    text = Column(Text, nullable=False)
    sent_at = Column(UtcDateTime, nullable=False)


class IdentityGuard(Base):
    """Per conversation (and per client address): the wrong codes since the last correct one and
    the identity-check lock. Its row is also what concurrent requests for the same key queue on
    (SELECT … FOR UPDATE), so counts and limits hold across service instances."""

    __tablename__ = "identity_guards"
    # SHA-256 hex of the kind and the conversation ID or client key: neither is stored in clear.
    key = Column(String(64), primary_key=True)
    wrong_codes = Column(Integer, nullable=False, default=0)
    locked_until = Column(UtcDateTime, nullable=True)


class IdentityAttempt(Base):
    """One identity attempt (a code request, any outcome) under a guard key, for the
    per-conversation and per-client limits (a sliding window)."""

    __tablename__ = "identity_attempts"
    __table_args__ = (Index("ix_identity_attempts_guard_key_at", "guard_key", "at"),)
    id = Column(Integer, primary_key=True)
    guard_key = Column(String(64), nullable=False)
    at = Column(UtcDateTime, nullable=False)


class CodeFailure(Base):
    """A wrong code for a customer, whichever conversation it came from (the 24-hour count)."""

    __tablename__ = "code_failures"
    __table_args__ = (Index("ix_code_failures_customer_id_at", "customer_id", "at"),)
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    at = Column(UtcDateTime, nullable=False)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id = Column(Integer, primary_key=True)
    action = Column(String(48), nullable=False)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=True, index=True)
    conversation_id = Column(String(200), nullable=True)
    outcome = Column(String(32), nullable=False)
    at = Column(UtcDateTime, nullable=False)
    details = Column(JSON, nullable=False)


class DemoState(Base):
    """Demo mode only: the demo clock's offset and the agent-hours switch, in one row shared by
    every service instance (a test that moves the clock on one instance moves it on all)."""

    __tablename__ = "demo_state"
    id = Column(Integer, primary_key=True)
    clock_offset_s = Column(Float, nullable=False, default=0.0)
    agent_hours_mode = Column(String(16), nullable=True)
