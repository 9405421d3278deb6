"""Identity check: one-time codes, lockout, send limits and verified sessions.

The rules (docs/account-service.md, "Identity check"):
- a code lives 5 minutes and is accepted once, for the conversation, customer and purpose it
  was sent for;
- 3 wrong codes per customer (across conversations) lock online access for 30 minutes, end the
  customer's open challenges and verified sessions; a correct code resets the count;
- at most 3 codes per customer per 15 minutes;
- a verified session belongs to one conversation and ends after 15 minutes idle; it is "fresh"
  for 5 minutes after the last code, and a `confirm` code makes it fresh again;
- the mobile app's login can stand in for the first code (`open_app_session`, method
  `app_login`): such a session reads account data but is never fresh by itself, so payments and
  changes still need a `confirm` code. It is refused for unknown or locked customers and for a
  login older than the configured maximum age.

Refusals are raised as ServiceError after recording what must be kept (the failed attempt, the
lock, the audit row): the request's transaction commits them.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import audit
from account_service.clock import iso_instant
from account_service.errors import ServiceError, not_verified
from account_service.masking import mask_email, mask_phone
from account_service.messaging import Messenger
from account_service.models import Card, CardAccount, Challenge, Customer, VerifiedSession
from account_service.otp import code_matches, hash_code, new_challenge_code, normalize_code

CODE_LIFETIME = timedelta(minutes=5)
WRONG_CODES_BEFORE_LOCK = 3
LOCKOUT = timedelta(minutes=30)
CODES_PER_WINDOW = 3
SEND_WINDOW = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=15)
FRESH_FOR = timedelta(minutes=5)

PURPOSES = ("verify", "confirm")
CHANNELS = ("sms", "email")
CODE = "code"
APP_LOGIN = "app_login"
# How far ahead of the service's clock an app login may claim to be (clock skew between machines).
LOGIN_CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class ChallengeSent:
    challenge_id: str
    channel: str
    masked_destination: str
    purpose: str
    expires_in: int = int(CODE_LIFETIME.total_seconds())

    def body(self) -> dict[str, Any]:
        return {
            "challenge_id": self.challenge_id,
            "channel": self.channel,
            "masked_destination": self.masked_destination,
            "expires_in": self.expires_in,
            "purpose": self.purpose,
        }


def code_text(issuer_name: str, code: str, purpose: str) -> str:
    if purpose == "confirm":
        return (
            f"{issuer_name}: {code} is your code to confirm a change to your account. It expires in "
            f"5 minutes. If you did not ask for it, do not share it."
        )
    return (
        f"{issuer_name}: {code} is your verification code. It expires in 5 minutes. "
        f"Never share it: we will never ask you for it."
    )


def locked_until(customer: Customer, now: datetime) -> datetime | None:
    return (
        customer.locked_until if customer.locked_until is not None and customer.locked_until > now else None
    )


def locked_error(until: datetime) -> ServiceError:
    return ServiceError(
        423,
        "locked",
        "Online access is locked after too many wrong codes; it unlocks by itself.",
        locked_until=iso_instant(until),
    )


async def find_customer(
    session: AsyncSession,
    *,
    user_id: str | None = None,
    card_last_four: str | None = None,
    date_of_birth: date | None = None,
) -> Customer | None:
    """By User ID (case-insensitive), or by a card's last four plus date of birth (both must match
    one customer; an ambiguous match is no match)."""
    if user_id is not None:
        return await session.scalar(
            select(Customer).where(func.lower(Customer.user_id) == user_id.strip().lower())
        )
    if card_last_four is None or date_of_birth is None:
        return None
    matches = (
        await session.scalars(
            select(Customer)
            .join(CardAccount, CardAccount.customer_id == Customer.id)
            .join(Card, Card.account_id == CardAccount.id)
            .where(Card.last_four == card_last_four, Customer.date_of_birth == date_of_birth)
            .distinct()
        )
    ).all()
    return matches[0] if len(matches) == 1 else None


async def _locked_row(session: AsyncSession, customer_id: int) -> Customer:
    """The customer row, locked for this transaction where the database can (PostgreSQL), so that
    concurrent guesses or sends are counted one after another."""
    customer = await session.scalar(
        select(Customer)
        .where(Customer.id == customer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert customer is not None
    return customer


async def active_session(
    session: AsyncSession, conversation_id: str, now: datetime
) -> VerifiedSession | None:
    verified = await session.scalar(
        select(VerifiedSession).where(VerifiedSession.conversation_id == conversation_id)
    )
    if verified is None:
        return None
    if now - verified.last_seen_at > SESSION_IDLE:
        await session.delete(verified)
        return None
    return verified


_CHANNEL_PREFIX = re.compile(r"^([a-z][a-z0-9_]{0,31}):")


def channel_of(conversation_id: str) -> str:
    """The channel a conversation is on: its ID's prefix ("socketio:…" is socketio), else "unnamed"."""
    found = _CHANNEL_PREFIX.match(conversation_id)
    return found.group(1) if found else "unnamed"


def is_fresh(verified: VerifiedSession, now: datetime) -> bool:
    """Only a code makes a session fresh: an app login never does by itself."""
    return verified.method != APP_LOGIN and now - verified.verified_at <= FRESH_FOR


async def start_challenge(
    session: AsyncSession,
    *,
    now: datetime,
    secret_key: str,
    issuer_name: str,
    messenger: Messenger,
    conversation_id: str,
    purpose: str = "verify",
    channel: str = "sms",
    user_id: str | None = None,
    card_last_four: str | None = None,
    date_of_birth: date | None = None,
) -> ChallengeSent:
    if purpose == "confirm":
        # Identifiers in the request are ignored: a confirm code goes to the session's customer.
        verified = await active_session(session, conversation_id, now)
        if verified is None:
            audit.record(
                session, "code_sent", "not_verified", now, conversation_id=conversation_id, purpose=purpose
            )
            raise not_verified()
        found: Customer | None = await session.get(Customer, verified.customer_id)
    else:
        found = await find_customer(
            session, user_id=user_id, card_last_four=card_last_four, date_of_birth=date_of_birth
        )
    if found is None:
        lookup = "user_id" if user_id is not None else "card_and_birth_date"
        audit.record(session, "code_sent", "no_match", now, conversation_id=conversation_id, lookup=lookup)
        raise ServiceError(404, "no_match", "No customer matches those details.")
    customer = await _locked_row(session, found.id)
    scope = {"customer_id": customer.id, "conversation_id": conversation_id}

    until = locked_until(customer, now)
    if until is not None:
        audit.record(session, "code_sent", "locked", now, **scope, purpose=purpose)
        raise locked_error(until)

    recent = (
        await session.scalars(
            select(Challenge.created_at)
            .where(Challenge.customer_id == customer.id, Challenge.created_at > now - SEND_WINDOW)
            .order_by(Challenge.created_at)
        )
    ).all()
    if len(recent) >= CODES_PER_WINDOW:
        # A send becomes possible when the oldest of the last three leaves the window.
        frees_at = recent[-CODES_PER_WINDOW] + SEND_WINDOW
        retry_after = max(1, math.ceil((frees_at - now).total_seconds()))
        audit.record(session, "code_sent", "too_many_codes", now, **scope, purpose=purpose)
        raise ServiceError(
            429,
            "too_many_codes",
            "Too many codes were sent recently; try again later.",
            retry_after=retry_after,
        )

    challenge_id = secrets.token_urlsafe(24)
    code = new_challenge_code()
    session.add(
        Challenge(
            id=challenge_id,
            customer_id=customer.id,
            conversation_id=conversation_id,
            purpose=purpose,
            channel=channel,
            code_hash=hash_code(secret_key, challenge_id, code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
            ended=False,
        )
    )
    destination = messenger.queue(session, customer, channel, code_text(issuer_name, code, purpose), now)
    audit.record(session, "code_sent", "sent", now, **scope, purpose=purpose, channel=channel)
    masked = mask_phone(destination) if channel == "sms" else mask_email(destination)
    return ChallengeSent(
        challenge_id=challenge_id, channel=channel, masked_destination=masked, purpose=purpose
    )


async def _end_access(session: AsyncSession, customer_id: int) -> None:
    """On lockout: no open challenge may still be answered and no session stays verified."""
    await session.execute(
        update(Challenge)
        .where(Challenge.customer_id == customer_id, Challenge.used_at.is_(None), Challenge.ended.is_(False))
        .values(ended=True)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        delete(VerifiedSession)
        .where(VerifiedSession.customer_id == customer_id)
        .execution_options(synchronize_session=False)
    )


async def verify_code(
    session: AsyncSession,
    *,
    now: datetime,
    secret_key: str,
    challenge_id: str,
    conversation_id: str,
    code: str,
    purpose: str = "verify",
) -> Customer:
    """The verified customer; the conversation's session is bound to them (and fresh)."""
    challenge = await session.get(Challenge, challenge_id)
    if challenge is None or challenge.conversation_id != conversation_id or challenge.purpose != purpose:
        audit.record(session, "code_checked", "no_challenge", now, conversation_id=conversation_id)
        raise ServiceError(404, "no_challenge", "There is no such code request for this conversation.")
    customer = await _locked_row(session, challenge.customer_id)
    scope = {"customer_id": customer.id, "conversation_id": conversation_id}

    until = locked_until(customer, now)
    if until is not None:
        audit.record(session, "code_checked", "locked", now, **scope, purpose=purpose)
        raise locked_error(until)
    if challenge.used_at is not None or challenge.ended or now >= challenge.expires_at:
        audit.record(session, "code_checked", "expired", now, **scope, purpose=purpose)
        raise ServiceError(410, "expired", "That code has expired or was already used; ask for a new one.")

    if not code_matches(secret_key, challenge.id, normalize_code(code), challenge.code_hash):
        customer.failed_code_attempts = (customer.failed_code_attempts or 0) + 1
        if customer.failed_code_attempts >= WRONG_CODES_BEFORE_LOCK:
            customer.failed_code_attempts = 0  # the lock is the consequence; afterwards a clean start
            customer.locked_until = now + LOCKOUT
            await _end_access(session, customer.id)
            audit.record(
                session, "lockout", "locked", now, **scope, minutes=int(LOCKOUT.total_seconds() // 60)
            )
            raise locked_error(customer.locked_until)
        attempts_left = WRONG_CODES_BEFORE_LOCK - customer.failed_code_attempts
        audit.record(
            session, "code_checked", "wrong_code", now, **scope, purpose=purpose, attempts_left=attempts_left
        )
        raise ServiceError(400, "wrong_code", "That code is not right.", attempts_left=attempts_left)

    challenge.used_at = now
    customer.failed_code_attempts = 0
    verified = await active_session(session, conversation_id, now)
    if purpose == "confirm" and (verified is None or verified.customer_id != customer.id):
        # The session this confirmation was for is gone (idle, ended or re-verified as someone else).
        audit.record(session, "code_checked", "session_gone", now, **scope, purpose=purpose)
        raise not_verified()
    if verified is None:
        session.add(
            VerifiedSession(
                conversation_id=conversation_id,
                customer_id=customer.id,
                verified_at=now,
                last_seen_at=now,
                method=CODE,
            )
        )
    else:
        if verified.customer_id != customer.id:
            verified.logged_in_at = None  # another customer's app login says nothing about this one
        verified.customer_id = customer.id
        verified.verified_at = now
        verified.last_seen_at = now
        verified.method = CODE  # a confirm code on an app-login session makes it fresh
    audit.record(session, "code_checked", "verified", now, **scope, purpose=purpose)
    return customer


async def require_customer(
    session: AsyncSession, conversation_id: str, now: datetime, *, fresh: bool = False
) -> Customer:
    """The customer a /me call acts for; refreshes the idle timer."""
    verified = await active_session(session, conversation_id, now)
    if verified is None:
        raise not_verified()
    customer = await session.get(Customer, verified.customer_id)
    if customer is None or locked_until(customer, now) is not None:
        raise not_verified()
    verified.last_seen_at = now
    if fresh and not is_fresh(verified, now):
        raise ServiceError(
            403, "fresh_code_needed", "This change needs a new code; ask for one with purpose confirm."
        )
    return customer


async def session_info(session: AsyncSession, conversation_id: str, now: datetime) -> dict[str, Any] | None:
    verified = await active_session(session, conversation_id, now)
    if verified is None:
        return None
    customer = await session.get(Customer, verified.customer_id)
    if customer is None or locked_until(customer, now) is not None:
        return None
    return {
        "verified": True,
        "user_id": customer.user_id,
        "first_name": customer.first_name,
        "region": customer.region,
        "verified_at": iso_instant(verified.verified_at),
        "method": verified.method,
        "fresh": is_fresh(verified, now),
        "channel": channel_of(conversation_id),
    }


async def open_app_session(
    session: AsyncSession,
    *,
    now: datetime,
    conversation_id: str,
    user_id: str,
    logged_in_at: datetime,
    max_login_age: timedelta,
) -> tuple[Customer, VerifiedSession, str]:
    """Binds the conversation to the customer logged in to the mobile app (the in-app channel
    vouches for the login with the app's signed token). Creates the verified session, refreshes
    its idle timer, or takes it over from another customer; answers (customer, session, outcome)
    with outcome "created", "refreshed" or "replaced".

    The session has method app_login and is not fresh: a payment or a change still needs a
    `confirm` code. A session already made fresh by such a code for the same customer stays as
    it is (only its idle timer moves), so the next message does not undo the confirmation.
    """
    found = await find_customer(session, user_id=user_id)
    if found is None:
        audit.record(session, "app_session", "no_match", now, conversation_id=conversation_id)
        raise ServiceError(404, "no_match", "No customer has that User ID.")
    customer = await _locked_row(session, found.id)
    scope = {"customer_id": customer.id, "conversation_id": conversation_id}

    until = locked_until(customer, now)
    if until is not None:
        audit.record(session, "app_session", "locked", now, **scope)
        raise locked_error(until)
    if logged_in_at > now + LOGIN_CLOCK_SKEW:
        audit.record(session, "app_session", "login_in_future", now, **scope)
        raise ServiceError(400, "bad_request", "logged_in_at is in the future.")
    if now - logged_in_at > max_login_age:
        audit.record(session, "app_session", "login_too_old", now, **scope)
        raise ServiceError(
            403,
            "login_too_old",
            "The app login is older than allowed; the customer must log in to the app again.",
            max_login_age_seconds=int(max_login_age.total_seconds()),
        )
    login_time = min(logged_in_at, now)

    verified = await active_session(session, conversation_id, now)
    if verified is None:
        verified = VerifiedSession(
            conversation_id=conversation_id,
            customer_id=customer.id,
            verified_at=login_time,
            last_seen_at=now,
            method=APP_LOGIN,
            logged_in_at=login_time,
        )
        session.add(verified)
        outcome = "created"
    elif verified.customer_id != customer.id:
        verified.customer_id = customer.id
        verified.verified_at = login_time
        verified.last_seen_at = now
        verified.method = APP_LOGIN
        verified.logged_in_at = login_time
        outcome = "replaced"
    else:
        verified.last_seen_at = now
        new_login = verified.logged_in_at is None or login_time > verified.logged_in_at
        if new_login:
            verified.logged_in_at = login_time
            if verified.method == APP_LOGIN:
                verified.verified_at = login_time
        outcome = "refreshed" if new_login else "kept"
    # A message that only keeps the session alive is not worth a row; a new login is.
    if outcome != "kept":
        audit.record(session, "app_session", outcome, now, **scope, logged_in_at=iso_instant(login_time))
    return customer, verified, "refreshed" if outcome == "kept" else outcome


async def end_session(session: AsyncSession, conversation_id: str, now: datetime) -> None:
    verified = await session.scalar(
        select(VerifiedSession).where(VerifiedSession.conversation_id == conversation_id)
    )
    if verified is not None:
        audit.record(
            session,
            "session_ended",
            "ended",
            now,
            customer_id=verified.customer_id,
            conversation_id=conversation_id,
        )
        await session.delete(verified)


async def lock_status(session: AsyncSession, user_id: str, now: datetime) -> datetime | None:
    """Until when the User ID is locked; None for an unlocked or unknown one (same answer)."""
    customer = await find_customer(session, user_id=user_id)
    return None if customer is None else locked_until(customer, now)
