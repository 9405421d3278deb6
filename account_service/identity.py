"""Identity check: one-time codes, lockouts, limits and verified sessions.

The rules (docs/account-service.md, "Identity check"):
- a code lives 5 minutes and is accepted once (a conditional UPDATE consumes it, so two
  concurrent checks of the same code cannot both pass), for the conversation, customer and
  purpose it was sent for;
- no oracle: a verify request answers the same 201 whether or not the details match a customer
  and whether or not a code was really sent. No match makes a decoy challenge (no customer,
  never verifiable) that then behaves like any other;
- per customer at most 3 codes per 15 minutes (IDENTITY_CODES_PER_CUSTOMER); beyond that the
  request still answers 201 but nothing is sent (an audit row says why), because a 429 would tell
  that the customer exists;
- identity attempts (code requests, any outcome) are limited per conversation and per client
  address (429 too_many_attempts: that says nothing about customers);
- 3 wrong codes in one conversation lock identity checks in that conversation for 30 minutes
  (423) and end its open challenges and its own verified session, nothing elsewhere. 10 wrong
  codes for one customer within 24 hours, from any conversations, lock that customer's code
  checks for 30 minutes: codes are silently not sent and any code is refused as wrong; verified
  sessions stay. A correct code resets the conversation's count;
- a verified session belongs to one conversation (and records its channel), ends after 15
  minutes idle, and is "fresh" for 5 minutes after the last code; a `confirm` code makes it
  fresh again;
- the mobile app's login can stand in for the first code (`open_app_session`, method
  `app_login`): such a session reads account data but is never fresh by itself. It is refused
  for unknown customers, for a locked conversation and for a login older than the maximum age.

Refusals are raised as ServiceError after recording what must be kept (the failed attempt, the
lock, the audit row): the request's transaction commits them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import audit, guards
from account_service.clock import iso_instant
from account_service.errors import ServiceError, not_verified
from account_service.masking import mask_email, mask_phone
from account_service.messaging import Messenger
from account_service.models import (
    Card,
    CardAccount,
    Challenge,
    CodeFailure,
    Customer,
    IdentityGuard,
    VerifiedSession,
)
from account_service.otp import code_matches, hash_code, new_challenge_code, normalize_code
from account_service.settings import IdentityLimits

CODE_LIFETIME = timedelta(minutes=5)
WRONG_CODES_PER_CONVERSATION = 3
CONVERSATION_LOCK = timedelta(minutes=30)
WRONG_CODES_PER_CUSTOMER = 10
CUSTOMER_WRONG_CODE_WINDOW = timedelta(hours=24)
CUSTOMER_CODE_LOCK = timedelta(minutes=30)
SEND_WINDOW = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=15)
FRESH_FOR = timedelta(minutes=5)

PURPOSES = ("verify", "confirm")
AppSessionOutcome = Literal["created", "refreshed", "replaced"]
CHANNELS = ("sms", "email")
CODE = "code"
APP_LOGIN = "app_login"
# How far ahead of the service's clock an app login may claim to be (clock skew between machines).
LOGIN_CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class ChallengeSent:
    challenge_id: str
    channel: str
    masked_destination: str | None
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


def codes_locked(customer: Customer, now: datetime) -> bool:
    """Whether the customer's code checks are locked (10 wrong codes in 24 hours)."""
    return customer.locked_until is not None and customer.locked_until > now


def locked_error(until: datetime) -> ServiceError:
    return ServiceError(
        423,
        "locked",
        "Identity checks in this conversation are locked after too many wrong codes; they unlock by "
        "themselves.",
        locked_until=iso_instant(until),
    )


_CHANNEL_PREFIX = re.compile(r"^([a-z][a-z0-9_]{0,31}):")


def channel_of(conversation_id: str) -> str:
    """The channel a conversation is on: its ID's prefix ("socketio:…" is socketio), else "unnamed"."""
    found = _CHANNEL_PREFIX.match(conversation_id)
    return found.group(1) if found else "unnamed"


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
    concurrent sends and wrong codes are counted one after another."""
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


def is_fresh(verified: VerifiedSession, now: datetime) -> bool:
    """Only a code makes a session fresh: an app login never does by itself."""
    return verified.method != APP_LOGIN and now - verified.verified_at <= FRESH_FOR


# --- asking for a code ----------------------------------------------------------------------------


async def _check_conversation_lock(session: AsyncSession, conversation_id: str, now: datetime) -> None:
    guard = await guards.lock_guard(session, guards.conversation_key(conversation_id))
    until = guards.locked_until(guard, now)
    if until is not None:
        audit.record(session, "code_sent", "conversation_locked", now, conversation_id=conversation_id)
        raise locked_error(until)


async def _check_attempt_limits(
    session: AsyncSession,
    *,
    now: datetime,
    conversation_id: str,
    client: str | None,
    limits: IdentityLimits,
) -> None:
    """423 when the conversation's identity checks are locked; 429 when the conversation or the
    client address has made too many attempts; otherwise the attempt is counted."""
    conversation_key = guards.conversation_key(conversation_id)
    guard = await guards.lock_guard(session, conversation_key)
    until = guards.locked_until(guard, now)
    if until is not None:
        audit.record(session, "code_sent", "conversation_locked", now, conversation_id=conversation_id)
        raise locked_error(until)
    window = timedelta(seconds=limits.window_s)
    keys = [(conversation_key, limits.per_conversation, "conversation")]
    if client:
        client_key = guards.client_key(client)
        await guards.lock_guard(session, client_key)
        keys.append((client_key, limits.per_client, "client"))
    for key, limit, scope in keys:
        wait = await guards.attempts_wait(session, key, now, limit=limit, window=window)
        if wait is not None:
            audit.record(
                session, "code_sent", "too_many_attempts", now, conversation_id=conversation_id, per=scope
            )
            raise ServiceError(
                429,
                "too_many_attempts",
                "Too many identity attempts from this conversation or place; try again later.",
                retry_after=wait,
            )
    for key, _limit, _scope in keys:
        guards.record_attempt(session, key, now)


async def _recent_sends(
    session: AsyncSession, customer: Customer, now: datetime, purpose: str, conversation_id: str
) -> int:
    """Codes sent in the window that count against this request: for a new verification, every
    verification code the customer was sent (a stranger can ask for those); for a confirmation,
    only this conversation's confirm codes, so nobody else can use up what a verified customer
    needs to pay or make a change."""
    query = (
        select(func.count())
        .select_from(Challenge)
        .where(
            Challenge.customer_id == customer.id,
            Challenge.code_hash.is_not(None),
            Challenge.created_at > now - SEND_WINDOW,
            Challenge.purpose == purpose,
        )
    )
    if purpose == "confirm":
        query = query.where(Challenge.conversation_id == conversation_id)
    return int(await session.scalar(query) or 0)


async def start_challenge(
    session: AsyncSession,
    *,
    now: datetime,
    secret_key: str,
    issuer_name: str,
    messenger: Messenger,
    conversation_id: str,
    limits: IdentityLimits,
    purpose: str = "verify",
    channel: str = "sms",
    user_id: str | None = None,
    card_last_four: str | None = None,
    date_of_birth: date | None = None,
    client: str | None = None,
) -> ChallengeSent:
    """A challenge for the conversation, with a code sent when the details match a customer who
    may get one. For purpose verify the answer is the same in every case (masked_destination
    None); for confirm the code goes to the session's customer and the destination is shown."""
    if purpose == "confirm":
        # Asked by a verified session for its own customer: no lookup, so nothing to enumerate and
        # no attempt counted; only this conversation's lock applies.
        await _check_conversation_lock(session, conversation_id, now)
    else:
        await _check_attempt_limits(
            session, now=now, conversation_id=conversation_id, client=client, limits=limits
        )
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
    customer = await _locked_row(session, found.id) if found is not None else None

    if customer is None:
        outcome = "no_match"
    elif purpose == "verify" and codes_locked(customer, now):
        # Only new verifications: a stranger's wrong codes never block a verified customer's
        # confirmation codes.
        outcome = "customer_locked"
    elif await _recent_sends(session, customer, now, purpose, conversation_id) >= limits.codes_per_customer:
        outcome = "too_many_codes"
    else:
        outcome = "sent"
    if purpose == "confirm" and outcome != "sent":
        # The session's own customer: saying so reveals nothing, and the assistant must not
        # claim a code went out when none did.
        audit.record(
            session,
            "code_sent",
            outcome,
            now,
            customer_id=found.id if found else None,
            conversation_id=conversation_id,
            purpose=purpose,
        )
        raise ServiceError(
            429,
            "too_many_codes",
            "Several confirmation codes were sent in the last 15 minutes; try again later.",
            retry_after=int(SEND_WINDOW.total_seconds()),
        )

    challenge_id = secrets.token_urlsafe(24)
    code_hash = None
    if outcome == "sent":
        assert customer is not None
        code = new_challenge_code()
        code_hash = hash_code(secret_key, challenge_id, code)
        messenger.queue(session, customer, channel, code_text(issuer_name, code, purpose), now)
    session.add(
        Challenge(
            id=challenge_id,
            customer_id=customer.id if customer is not None else None,
            conversation_id=conversation_id,
            purpose=purpose,
            channel=channel,
            code_hash=code_hash,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
            ended=False,
        )
    )
    details: dict[str, Any] = {"purpose": purpose, "channel": channel}
    if customer is None:
        details["lookup"] = "user_id" if user_id is not None else "card_and_birth_date"
    audit.record(
        session,
        "code_sent",
        outcome,
        now,
        customer_id=customer.id if customer is not None else None,
        conversation_id=conversation_id,
        **details,
    )
    masked = None
    if purpose == "confirm" and customer is not None:
        masked = mask_phone(customer.phone) if channel == "sms" else mask_email(customer.email)
    return ChallengeSent(
        challenge_id=challenge_id, channel=channel, masked_destination=masked, purpose=purpose
    )


# --- checking a code ------------------------------------------------------------------------------


async def _lock_conversation(
    session: AsyncSession, guard: IdentityGuard, conversation_id: str, now: datetime, customer_id: int | None
) -> datetime:
    """Locks identity checks in this conversation: its open challenges end and its own verified
    session ends (whoever guessed holds this conversation). Nothing in other conversations."""
    guard.wrong_codes = 0  # the lock is the consequence; afterwards a clean start
    guard.locked_until = now + CONVERSATION_LOCK
    await session.execute(
        update(Challenge)
        .where(
            Challenge.conversation_id == conversation_id,
            Challenge.used_at.is_(None),
            Challenge.ended.is_(False),
        )
        .values(ended=True)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        delete(VerifiedSession)
        .where(VerifiedSession.conversation_id == conversation_id)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        "lockout",
        "conversation_locked",
        now,
        customer_id=customer_id,
        conversation_id=conversation_id,
        minutes=int(CONVERSATION_LOCK.total_seconds() // 60),
    )
    return guard.locked_until


async def _count_customer_failure(
    session: AsyncSession, customer: Customer, conversation_id: str, now: datetime
) -> None:
    """One more wrong code for the customer; the tenth within 24 hours locks their code checks.
    While locked, wrong codes are not counted (the lock is not extended by strangers)."""
    if codes_locked(customer, now):
        return
    session.add(CodeFailure(customer_id=customer.id, at=now))
    await session.flush()
    failures = await session.scalar(
        select(func.count())
        .select_from(CodeFailure)
        .where(CodeFailure.customer_id == customer.id, CodeFailure.at > now - CUSTOMER_WRONG_CODE_WINDOW)
    )
    if (failures or 0) >= WRONG_CODES_PER_CUSTOMER:
        customer.locked_until = now + CUSTOMER_CODE_LOCK
        await session.execute(
            delete(CodeFailure)
            .where(CodeFailure.customer_id == customer.id)
            .execution_options(synchronize_session=False)
        )
        audit.record(
            session,
            "lockout",
            "customer_codes_locked",
            now,
            customer_id=customer.id,
            conversation_id=conversation_id,
            minutes=int(CUSTOMER_CODE_LOCK.total_seconds() // 60),
        )


async def consume_challenge(session: AsyncSession, challenge_id: str, now: datetime) -> bool:
    """Marks the challenge used if it is still unused, unexpired and not ended at this instant.
    One conditional UPDATE: of concurrent consumers exactly one changes the row (PostgreSQL
    re-checks the condition after the first one commits; SQLite runs them one after another)."""
    consumed = await session.execute(
        update(Challenge)
        .where(
            Challenge.id == challenge_id,
            Challenge.used_at.is_(None),
            Challenge.ended.is_(False),
            Challenge.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return consumed.rowcount == 1


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
    # Checks in one conversation queue on its guard row: wrong codes are counted in turn.
    guard = await guards.lock_guard(session, guards.conversation_key(conversation_id))
    challenge = await session.get(Challenge, challenge_id, populate_existing=True)
    if challenge is None or challenge.conversation_id != conversation_id or challenge.purpose != purpose:
        audit.record(session, "code_checked", "no_challenge", now, conversation_id=conversation_id)
        raise ServiceError(404, "no_challenge", "There is no such code request for this conversation.")
    scope = {"customer_id": challenge.customer_id, "conversation_id": conversation_id}

    until = guards.locked_until(guard, now)
    if until is not None:
        audit.record(session, "code_checked", "conversation_locked", now, **scope, purpose=purpose)
        raise locked_error(until)
    if challenge.used_at is not None or challenge.ended or now >= challenge.expires_at:
        audit.record(session, "code_checked", "expired", now, **scope, purpose=purpose)
        raise ServiceError(410, "expired", "That code has expired or was already used; ask for a new one.")

    customer = await _locked_row(session, challenge.customer_id) if challenge.customer_id else None
    right = (
        customer is not None
        and challenge.code_hash is not None
        # A customer lock stops new verifications only, never a verified customer's confirmation.
        and not (purpose == "verify" and codes_locked(customer, now))
        and code_matches(secret_key, challenge.id, normalize_code(code), challenge.code_hash)
    )
    if not right:
        guard.wrong_codes = (guard.wrong_codes or 0) + 1
        if customer is not None:
            await _count_customer_failure(session, customer, conversation_id, now)
        if guard.wrong_codes >= WRONG_CODES_PER_CONVERSATION:
            raise locked_error(
                await _lock_conversation(session, guard, conversation_id, now, challenge.customer_id)
            )
        attempts_left = WRONG_CODES_PER_CONVERSATION - guard.wrong_codes
        audit.record(
            session, "code_checked", "wrong_code", now, **scope, purpose=purpose, attempts_left=attempts_left
        )
        raise ServiceError(400, "wrong_code", "That code is not right.", attempts_left=attempts_left)
    assert customer is not None

    if not await consume_challenge(session, challenge.id, now):
        audit.record(session, "code_checked", "expired", now, **scope, purpose=purpose)
        raise ServiceError(410, "expired", "That code has expired or was already used; ask for a new one.")
    guard.wrong_codes = 0

    verified = await active_session(session, conversation_id, now)
    if purpose == "confirm" and (verified is None or verified.customer_id != customer.id):
        # The session this confirmation was for is gone (idle, ended or re-verified as someone else).
        audit.record(session, "code_checked", "session_gone", now, **scope, purpose=purpose)
        raise not_verified()
    if verified is None:
        session.add(
            VerifiedSession(
                conversation_id=conversation_id,
                channel=channel_of(conversation_id),
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


# --- sessions -------------------------------------------------------------------------------------


async def require_customer(
    session: AsyncSession, conversation_id: str, now: datetime, *, fresh: bool = False
) -> Customer:
    """The customer a /me call acts for; refreshes the idle timer."""
    verified = await active_session(session, conversation_id, now)
    if verified is None:
        raise not_verified()
    customer = await session.get(Customer, verified.customer_id)
    if customer is None:
        raise not_verified()
    verified.last_seen_at = now
    if fresh and not is_fresh(verified, now):
        raise ServiceError(
            403, "fresh_code_needed", "This change needs a new code; ask for one with purpose confirm."
        )
    return customer


async def session_is_fresh(session: AsyncSession, conversation_id: str, now: datetime) -> bool:
    """Whether the conversation's check is young enough for a change (a code in the last 5 minutes)."""
    verified = await active_session(session, conversation_id, now)
    return verified is not None and is_fresh(verified, now)


async def session_info(session: AsyncSession, conversation_id: str, now: datetime) -> dict[str, Any] | None:
    verified = await active_session(session, conversation_id, now)
    if verified is None:
        return None
    customer = await session.get(Customer, verified.customer_id)
    if customer is None:
        return None
    return {
        "verified": True,
        "user_id": customer.user_id,
        "first_name": customer.first_name,
        "region": customer.region,
        "verified_at": iso_instant(verified.verified_at),
        "method": verified.method,
        "fresh": is_fresh(verified, now),
        "channel": verified.channel,
    }


async def open_app_session(
    session: AsyncSession,
    *,
    now: datetime,
    conversation_id: str,
    user_id: str,
    logged_in_at: datetime,
    max_login_age: timedelta,
) -> tuple[Customer, VerifiedSession, AppSessionOutcome]:
    """Binds the conversation to the customer logged in to the mobile app (the service checked
    the app's signed token). Creates the verified session, refreshes its idle timer, or takes it
    over from another customer; answers (customer, session, outcome) with outcome "created",
    "refreshed" or "replaced".

    The session has method app_login and is not fresh: a payment or a change still needs a
    `confirm` code. A session already made fresh by such a code for the same customer stays as
    it is (only its idle timer moves), so the next message does not undo the confirmation.
    """
    guard = await guards.lock_guard(session, guards.conversation_key(conversation_id))
    found = await find_customer(session, user_id=user_id)
    if found is None:
        audit.record(session, "app_session", "no_match", now, conversation_id=conversation_id)
        raise ServiceError(404, "no_match", "No customer has that User ID.")
    customer = await _locked_row(session, found.id)
    scope = {"customer_id": customer.id, "conversation_id": conversation_id}

    until = guards.locked_until(guard, now)
    if until is not None:
        audit.record(session, "app_session", "conversation_locked", now, **scope)
        raise locked_error(until)
    if logged_in_at > now + LOGIN_CLOCK_SKEW:
        audit.record(session, "app_session", "login_in_future", now, **scope)
        raise ServiceError(400, "bad_request", "The login time is in the future.")
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
    outcome: AppSessionOutcome | Literal["kept"]
    if verified is None:
        verified = VerifiedSession(
            conversation_id=conversation_id,
            channel=channel_of(conversation_id),
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


async def lock_status(session: AsyncSession, conversation_id: str, now: datetime) -> datetime | None:
    """Until when identity checks in the conversation are locked (None: they are not)."""
    return guards.locked_until(
        await guards.read_guard(session, guards.conversation_key(conversation_id)), now
    )
