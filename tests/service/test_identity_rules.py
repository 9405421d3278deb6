"""Identity rules tested directly on the business module (account_service.identity), with time
passed in explicitly and codes taken from what a real SMS gateway would have been handed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import identity
from account_service.database import Database
from account_service.errors import ServiceError
from account_service.messaging import Messenger
from account_service.models import AuditEntry, OutboxMessage
from account_service.settings import IdentityLimits
from tests.service.api import CODE_IN_TEXT, other_code

pytestmark = pytest.mark.asyncio

SECRET = "test-secret-" + "x" * 30


class CapturingGateway:
    """Stands in for an SMS/email provider: keeps what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    async def send(self, channel: str, to: str, text: str) -> None:
        self.sent.append((channel, to, text))


class Desk:
    """Runs identity operations the way a request does: one transaction each, committed even
    when the answer is a refusal, messages delivered after commit."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.gateway = CapturingGateway()
        self.messenger = Messenger(self.gateway, keep_codes_in_outbox=False)
        self.now = datetime.now(timezone.utc).replace(microsecond=0)
        self.limits = IdentityLimits(min_answer_ms=0)

    def later(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    async def run(self, operation: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
        async with self.database.sessions() as session:
            try:
                result = await operation(session)
            except ServiceError as refusal:
                result = refusal
            await session.commit()
            await self.messenger.deliver(session)
            return result

    async def send(self, conversation: str = "c1", **fields: Any) -> Any:
        if not any(key in fields for key in ("user_id", "card_last_four", "purpose")):
            fields["user_id"] = "alex.morgan"
        return await self.run(
            lambda session: identity.start_challenge(
                session,
                now=self.now,
                secret_key=SECRET,
                issuer_name="American Express",
                messenger=self.messenger,
                conversation_id=conversation,
                limits=self.limits,
                **fields,
            )
        )

    async def check(
        self, challenge_id: str, code: str, conversation: str = "c1", purpose: str = "verify"
    ) -> Any:
        return await self.run(
            lambda session: identity.verify_code(
                session,
                now=self.now,
                secret_key=SECRET,
                challenge_id=challenge_id,
                conversation_id=conversation,
                code=code,
                purpose=purpose,
            )
        )

    async def acting_customer(self, conversation: str = "c1", fresh: bool = False) -> Any:
        return await self.run(
            lambda session: identity.require_customer(session, conversation, self.now, fresh=fresh)
        )

    async def audit_outcomes(self, action: str) -> list[str]:
        async with self.database.sessions() as session:
            rows = await session.scalars(
                select(AuditEntry.outcome).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
            return list(rows)

    def last_code(self) -> str:
        found = CODE_IN_TEXT.search(self.gateway.sent[-1][2])
        assert found is not None
        return found.group(1)

    async def verified(self, conversation: str = "c1", user_id: str = "alex.morgan") -> None:
        sent = await self.send(conversation, user_id=user_id)
        customer = await self.check(sent.challenge_id, self.last_code(), conversation)
        assert customer.user_id == user_id


@pytest_asyncio.fixture
async def desk(db_path: Path) -> AsyncIterator[Desk]:
    database = Database(f"sqlite+aiosqlite:///{db_path}")
    try:
        yield Desk(database)
    finally:
        await database.close()


def refused(result: Any, status: int, error: str) -> ServiceError:
    assert isinstance(result, ServiceError), result
    assert (result.status, result.error) == (status, error), result.body()
    return result


async def test_the_code_goes_by_sms_to_the_registered_phone_and_nothing_about_it_is_answered(
    desk: Desk,
) -> None:
    sent = await desk.send()
    assert (sent.masked_destination, sent.expires_in, sent.purpose) == (None, 300, "verify")
    channel, to, text = desk.gateway.sent[-1]
    assert (channel, to) == ("sms", "+1 555 010 2002")
    assert "American Express" in text


async def test_by_email_when_asked(desk: Desk) -> None:
    sent = await desk.send(channel="email")
    assert (sent.channel, sent.masked_destination) == ("email", None)
    assert desk.gateway.sent[-1][:2] == ("email", "alex.morgan@example.com")


async def test_a_customer_is_found_by_card_last_four_and_date_of_birth(desk: Desk) -> None:
    await desk.send(card_last_four="1005", date_of_birth=date(1990, 4, 12))
    assert desk.gateway.sent[-1][1] == "+91 98200 41005"


async def test_no_match_answers_like_a_match_with_a_decoy_and_sends_nothing(desk: Desk) -> None:
    real = await desk.send("c0")
    answers = [
        await desk.send("c1", user_id="alex.morgen"),
        await desk.send("c2", card_last_four="1005", date_of_birth=date(1990, 4, 13)),
        await desk.send("c3", card_last_four="1006", date_of_birth=date(1990, 4, 12)),
    ]
    for answer in answers:
        assert not isinstance(answer, ServiceError)
        assert {**answer.body(), "challenge_id": "x"} == {**real.body(), "challenge_id": "x"}
        assert len(answer.challenge_id) == len(real.challenge_id)
    assert len(desk.gateway.sent) == 1  # only the real one
    assert await desk.audit_outcomes("code_sent") == ["sent", "no_match", "no_match", "no_match"]


async def test_a_decoy_refuses_every_code_and_locks_its_conversation_like_a_real_one(desk: Desk) -> None:
    decoy = await desk.send("c1", user_id="nobody.here")
    for attempts_left, guess in ((2, "000000"), (1, "123456")):
        assert refused(await desk.check(decoy.challenge_id, guess, "c1"), 400, "wrong_code").fields == {
            "attempts_left": attempts_left
        }
    refused(await desk.check(decoy.challenge_id, "999999", "c1"), 423, "locked")
    refused(await desk.send("c1"), 423, "locked")


async def test_a_code_is_accepted_within_five_minutes(desk: Desk) -> None:
    sent = await desk.send()
    desk.later(minutes=4, seconds=59)
    assert (await desk.check(sent.challenge_id, desk.last_code())).user_id == "alex.morgan"


async def test_a_code_expires_after_five_minutes(desk: Desk) -> None:
    sent = await desk.send()
    desk.later(minutes=5)
    refused(await desk.check(sent.challenge_id, desk.last_code()), 410, "expired")


async def test_a_code_is_accepted_once(desk: Desk) -> None:
    sent = await desk.send()
    code = desk.last_code()
    await desk.check(sent.challenge_id, code)
    refused(await desk.check(sent.challenge_id, code), 410, "expired")


async def test_three_wrong_codes_lock_only_their_own_conversation_for_30_minutes(desk: Desk) -> None:
    first = await desk.send("c1")
    first_code = desk.last_code()
    second = await desk.send("c2")
    second_code = desk.last_code()

    for attempts_left in (2, 1):
        assert refused(
            await desk.check(first.challenge_id, other_code(first_code), "c1"), 400, "wrong_code"
        ).fields == {"attempts_left": attempts_left}
    assert refused(
        await desk.check(second.challenge_id, other_code(second_code), "c2"), 400, "wrong_code"
    ).fields == {"attempts_left": 2}
    locked = refused(await desk.check(first.challenge_id, other_code(first_code), "c1"), 423, "locked")
    assert locked.fields["locked_until"] == (desk.now + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")

    # The locked conversation: even its right code is refused, and no new code is sent there.
    refused(await desk.check(first.challenge_id, first_code, "c1"), 423, "locked")
    messages_before = len(desk.gateway.sent)
    refused(await desk.send("c1"), 423, "locked")
    assert len(desk.gateway.sent) == messages_before
    # The other conversation is untouched: the customer is not locked out.
    assert (await desk.check(second.challenge_id, second_code, "c2")).user_id == "alex.morgan"

    # After the lock the challenge stays ended; a new one works.
    desk.later(minutes=30, seconds=1)
    refused(await desk.check(first.challenge_id, first_code, "c1"), 410, "expired")
    assert (await desk.verified("c1")) is None


async def test_wrong_codes_in_one_conversation_never_end_a_verified_session_in_another(desk: Desk) -> None:
    await desk.verified("c1")
    sent = await desk.send("c2")
    code = desk.last_code()
    for _ in range(3):
        await desk.check(sent.challenge_id, other_code(code), "c2")
    assert (await desk.acting_customer("c1")).user_id == "alex.morgan"
    assert await desk.audit_outcomes("lockout") == ["conversation_locked"]


async def test_the_locked_conversations_own_session_ends(desk: Desk) -> None:
    await desk.verified("c1")
    sent = await desk.send("c1", purpose="confirm")
    code = desk.last_code()
    for _ in range(3):
        await desk.check(sent.challenge_id, other_code(code), "c1", purpose="confirm")
    refused(await desk.acting_customer("c1"), 401, "not_verified")


async def test_a_correct_code_resets_the_conversations_count(desk: Desk) -> None:
    sent = await desk.send()
    code = desk.last_code()
    await desk.check(sent.challenge_id, other_code(code))
    await desk.check(sent.challenge_id, other_code(code))
    await desk.check(sent.challenge_id, code)

    again = await desk.send()
    answer = refused(await desk.check(again.challenge_id, other_code(desk.last_code())), 400, "wrong_code")
    assert answer.fields == {"attempts_left": 2}


async def test_ten_wrong_codes_from_any_conversations_lock_the_customers_code_checks(desk: Desk) -> None:
    await desk.verified("mine")  # the customer's own session, elsewhere
    conversations = [f"stranger-{n}" for n in range(5)]
    for conversation in conversations:
        sent = await desk.send(conversation)
        code = desk.last_code()
        for _ in range(2):
            refused(await desk.check(sent.challenge_id, other_code(code), conversation), 400, "wrong_code")
        desk.later(minutes=8)  # the send limit is 3 per 15 minutes
        assert (await desk.acting_customer("mine")).user_id == "alex.morgan"  # still in use
    assert await desk.audit_outcomes("lockout") == ["customer_codes_locked"]

    # Locked: no code goes out (the answer looks the same), and even the right code is wrong.
    messages_before = len(desk.gateway.sent)
    locked = await desk.send("new")
    assert not isinstance(locked, ServiceError) and locked.masked_destination is None
    assert len(desk.gateway.sent) == messages_before
    refused(await desk.check(locked.challenge_id, "000000", "new"), 400, "wrong_code")
    # The customer's verified session is not ended.
    assert (await desk.acting_customer("mine")).user_id == "alex.morgan"

    desk.later(minutes=30, seconds=1)
    await desk.verified("later")


async def test_at_most_three_codes_per_customer_in_15_minutes_then_silently_none(desk: Desk) -> None:
    for conversation in ("c1", "c2", "c3"):
        await desk.send(conversation)
        desk.later(minutes=1)
    messages = len(desk.gateway.sent)

    quiet = await desk.send("c4")
    assert not isinstance(quiet, ServiceError), "a 429 here would tell that the customer exists"
    assert len(desk.gateway.sent) == messages
    assert (await desk.audit_outcomes("code_sent"))[-1] == "too_many_codes"
    refused(await desk.check(quiet.challenge_id, desk.last_code(), "c4"), 400, "wrong_code")

    # The first of the three was sent 3 minutes ago: 12 minutes until the window frees a slot.
    desk.later(minutes=12)
    await desk.send("c5")
    assert len(desk.gateway.sent) == messages + 1


async def test_a_load_test_environment_can_raise_the_send_limit(desk: Desk) -> None:
    # IDENTITY_CODES_PER_CUSTOMER: many simulated customers share the two demo ones.
    desk.limits = IdentityLimits(codes_per_customer=5, min_answer_ms=0)
    for conversation in ("c1", "c2", "c3", "c4", "c5", "c6"):
        await desk.send(conversation)
    assert len(desk.gateway.sent) == 5
    assert (await desk.audit_outcomes("code_sent"))[-1] == "too_many_codes"


async def test_the_send_limit_is_per_customer(desk: Desk) -> None:
    for conversation in ("c1", "c2", "c3", "c4"):
        await desk.send(conversation)
    assert len(desk.gateway.sent) == 3
    await desk.send("c5", user_id="priya.sharma")
    assert desk.gateway.sent[-1][1] == "+91 98200 41005"


async def test_too_many_attempts_from_one_conversation_are_429_with_a_wait(desk: Desk) -> None:
    for _ in range(5):
        await desk.send("c1", user_id="nobody.here")
        desk.later(minutes=1)
    limited = refused(await desk.send("c1"), 429, "too_many_attempts")
    assert limited.fields == {"retry_after": 10 * 60}  # the first attempt leaves the window then
    assert (await desk.send("c2")).challenge_id  # another conversation is not limited
    desk.later(minutes=10)
    assert (await desk.send("c1")).challenge_id


async def test_too_many_attempts_from_one_client_are_429_across_conversations(desk: Desk) -> None:
    desk.limits = IdentityLimits(per_client=4, min_answer_ms=0)
    for n in range(4):
        await desk.send(f"c{n}", user_id="nobody.here", client="client-a")
    refused(await desk.send("c9", client="client-a"), 429, "too_many_attempts")
    assert (await desk.send("c9", client="client-b")).challenge_id
    assert (await desk.send("c8")).challenge_id  # no client key known: only the other limits


async def test_a_code_is_bound_to_its_purpose(desk: Desk) -> None:
    sent = await desk.send()
    refused(await desk.check(sent.challenge_id, desk.last_code(), purpose="confirm"), 404, "no_challenge")


async def test_a_code_is_bound_to_its_conversation_and_a_try_from_another_does_not_count(desk: Desk) -> None:
    sent = await desk.send("c1")
    code = desk.last_code()
    refused(await desk.check(sent.challenge_id, code, "c2"), 404, "no_challenge")
    answer = refused(await desk.check(sent.challenge_id, other_code(code), "c1"), 400, "wrong_code")
    assert answer.fields == {"attempts_left": 2}
    assert (await desk.check(sent.challenge_id, code, "c1")).user_id == "alex.morgan"


async def test_customer_as_code_is_useless_for_customer_b(desk: Desk) -> None:
    await desk.send("c-alex")
    alex_code = desk.last_code()
    priya = await desk.send("c-priya", user_id="priya.sharma")
    priya_code = desk.last_code()
    if alex_code == priya_code:
        pytest.skip("the two random codes happen to be equal (one run in a million)")
    refused(await desk.check(priya.challenge_id, alex_code, "c-priya"), 400, "wrong_code")
    refused(await desk.acting_customer("c-priya"), 401, "not_verified")


async def test_a_confirm_code_needs_a_verified_conversation(desk: Desk) -> None:
    refused(await desk.send(purpose="confirm"), 401, "not_verified")
    assert desk.gateway.sent == []


async def test_a_confirm_code_goes_to_the_sessions_customer_whatever_the_request_names(desk: Desk) -> None:
    await desk.verified("c1", "alex.morgan")
    sent = await desk.send("c1", purpose="confirm", user_id="priya.sharma")
    assert (sent.purpose, sent.masked_destination) == ("confirm", "•••• ••• 2002")
    assert desk.gateway.sent[-1][1] == "+1 555 010 2002"
    assert "confirm" in desk.gateway.sent[-1][2]


async def test_a_confirm_code_makes_the_session_fresh_again(desk: Desk) -> None:
    await desk.verified()
    desk.later(minutes=5)
    assert (await desk.acting_customer(fresh=True)).user_id == "alex.morgan"
    desk.later(seconds=1)
    refused(await desk.acting_customer(fresh=True), 403, "fresh_code_needed")

    sent = await desk.send(purpose="confirm")
    await desk.check(sent.challenge_id, desk.last_code(), purpose="confirm")
    assert (await desk.acting_customer(fresh=True)).user_id == "alex.morgan"


async def test_a_verified_session_ends_after_15_minutes_idle_and_activity_keeps_it(desk: Desk) -> None:
    await desk.verified()
    for _ in range(3):
        desk.later(minutes=14)
        assert (await desk.acting_customer()).user_id == "alex.morgan"
    desk.later(minutes=15, seconds=1)
    refused(await desk.acting_customer(), 401, "not_verified")


async def test_outside_demo_mode_the_outbox_keeps_no_code_but_the_gateway_gets_it(desk: Desk) -> None:
    await desk.send()
    code = desk.last_code()
    async with desk.database.sessions() as session:
        stored = (await session.scalars(select(OutboxMessage.text))).all()
    assert len(stored) == 1
    assert code not in stored[0]
    assert "••••••" in stored[0]
