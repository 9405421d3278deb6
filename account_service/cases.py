"""Cases: fraud reports, disputes, replacements and handoffs to a person."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import audit, guards
from account_service.errors import ServiceError
from account_service.models import Case, Customer, HandoffMessage, Transaction, VerifiedSession
from account_service.references import CASE_PREFIXES, unique_reference
from privacy.redaction import redact

DISPUTE_REASONS = ("not_received", "wrong_amount", "duplicate", "cancelled", "other")
# Agents work the queue in order; one conversation takes about this long on average.
MINUTES_PER_WAITING_CUSTOMER = 3


async def open_case(
    session: AsyncSession,
    case_type: str,
    now: datetime,
    *,
    customer_id: int | None,
    conversation_id: str | None,
    details: dict[str, Any],
    card_id: int | None = None,
) -> Case:
    case = Case(
        reference=await unique_reference(session, Case, CASE_PREFIXES[case_type]),
        type=case_type,
        customer_id=customer_id,
        card_id=card_id,
        conversation_id=conversation_id,
        details=details,
        status="open",
        created_at=now,
    )
    session.add(case)
    audit.record(
        session,
        "case_opened",
        "opened",
        now,
        customer_id=customer_id,
        conversation_id=conversation_id,
        case_type=case_type,
        reference=case.reference,
    )
    return case


async def open_fraud_case_exists(session: AsyncSession, card_id: int) -> bool:
    found = await session.scalar(
        select(Case.id).where(Case.type == "fraud", Case.card_id == card_id, Case.status == "open").limit(1)
    )
    return found is not None


async def open_dispute(
    session: AsyncSession,
    customer: Customer,
    transaction: Transaction,
    reason: str,
    now: datetime,
    conversation_id: str,
) -> Case:
    if transaction.disputed:
        raise ServiceError(409, "already_disputed", "That transaction is already disputed.")
    if transaction.amount_cents <= 0:
        raise ServiceError(409, "not_disputable", "Payments and credits cannot be disputed.")
    transaction.disputed = True
    return await open_case(
        session,
        "dispute",
        now,
        customer_id=customer.id,
        conversation_id=conversation_id,
        card_id=transaction.card_id,
        details={
            "transaction_id": transaction.id,
            "reason": reason,
            "amount_cents": transaction.amount_cents,
        },
    )


HANDOFFS_PER_HOUR = 3
HANDOFF_WINDOW = timedelta(hours=1)
# New conversations are free, so one client address is limited too: a queue full of one
# stranger's cases would hide every real customer from the agents.
HANDOFFS_PER_CLIENT_PER_HOUR = 10
# Messages one live handoff keeps; beyond it the assistant answers again (the channel's fallback).
MAX_MESSAGES_PER_CASE = 300
# What the queue shows at once (oldest first) and how much of each case's recent messages.
QUEUE_PAGE = 50
QUEUE_MESSAGES = 10


async def open_handoff(
    session: AsyncSession,
    *,
    conversation_id: str,
    topic: str,
    transcript: list[dict[str, str]],
    now: datetime,
    agents_available: bool = True,
    client: str | None = None,
) -> tuple[Case, bool]:
    """(The conversation's live handoff, False) when it has one already: asking again does not
    queue the customer twice. Otherwise (a new case, True), at most HANDOFFS_PER_HOUR per
    conversation (429 too_many_handoffs). The transcript is redacted again here: whatever the
    caller did, no card number or code is stored. Outside agent hours the case waits for the
    customer's message for the team (leave_message) instead of queueing."""
    # Requests for one conversation queue on its guard row: two at once cannot both open a case.
    await guards.lock_guard(session, guards.conversation_key(conversation_id))
    live = await active_handoff(session, conversation_id)
    if live is not None:
        return live, False
    recent = (
        await session.scalars(
            select(Case.created_at)
            .where(
                Case.type == "handoff",
                Case.conversation_id == conversation_id,
                Case.created_at > now - HANDOFF_WINDOW,
            )
            .order_by(Case.created_at)
        )
    ).all()
    if len(recent) >= HANDOFFS_PER_HOUR:
        frees_at = recent[-HANDOFFS_PER_HOUR] + HANDOFF_WINDOW
        audit.record(session, "handoff", "too_many_handoffs", now, conversation_id=conversation_id)
        raise ServiceError(
            429,
            "too_many_handoffs",
            "This conversation asked for a person several times in the last hour; try again later.",
            retry_after=max(1, math.ceil((frees_at - now).total_seconds())),
        )
    if client:
        key = guards.handoff_client_key(client)
        await guards.lock_guard(session, key)
        wait = await guards.attempts_wait(
            session, key, now, limit=HANDOFFS_PER_CLIENT_PER_HOUR, window=HANDOFF_WINDOW
        )
        if wait is not None:
            audit.record(
                session, "handoff", "too_many_handoffs", now, conversation_id=conversation_id, per="client"
            )
            raise ServiceError(
                429,
                "too_many_handoffs",
                "Many conversations from this place asked for a person in the last hour; try again later.",
                retry_after=wait,
            )
        guards.record_attempt(session, key, now)
    verified = await session.scalar(
        select(VerifiedSession).where(VerifiedSession.conversation_id == conversation_id)
    )
    clean = [{"from": turn["from"], "text": redact(turn["text"])} for turn in transcript]
    case = await open_case(
        session,
        "handoff",
        now,
        customer_id=verified.customer_id if verified is not None else None,
        conversation_id=conversation_id,
        details={"topic": redact(topic), "transcript": clean},
    )
    case.status = "waiting" if agents_available else "leave_message"
    await session.flush()
    return case, True


# --- live handoff ---------------------------------------------------------------------------------
# waiting → with_agent → released (the assistant resumes) | closed; outside agent hours:
# leave_message → message_left (the customer's next message kept for the team) → with_agent …
LIVE = ("waiting", "leave_message", "with_agent")  # the customer's messages go to the case
QUEUE = ("waiting", "message_left", "with_agent")  # what agents see
TAKEABLE = ("waiting", "message_left", "released")
SENDERS = ("customer", "agent", "assistant")


async def active_handoffs_for(session: AsyncSession, conversation_id: str) -> list[Case]:
    found = await session.scalars(
        select(Case)
        .where(Case.type == "handoff", Case.conversation_id == conversation_id, Case.status.in_(LIVE))
        .order_by(Case.id)
    )
    return list(found)


async def active_handoff(session: AsyncSession, conversation_id: str) -> Case | None:
    live = await active_handoffs_for(session, conversation_id)
    return live[-1] if live else None


async def queue_position(session: AsyncSession, case: Case) -> int:
    """1 = next. Counts the waiting handoffs queued before this one (and itself)."""
    ahead = await session.scalar(
        select(func.count())
        .select_from(Case)
        .where(Case.type == "handoff", Case.status == "waiting", Case.id < case.id)
    )
    return int(ahead or 0) + 1


async def handoff_by_reference(session: AsyncSession, reference: str) -> Case:
    case = await session.scalar(select(Case).where(Case.type == "handoff", Case.reference == reference))
    if case is None:
        raise ServiceError(404, "no_such_handoff", "There is no handoff with that reference.")
    return case


def add_message(
    session: AsyncSession, case: Case, sender: str, text: str, now: datetime, agent: str | None = None
) -> HandoffMessage:
    message = HandoffMessage(case_id=case.id, sender=sender, agent_name=agent, text=redact(text), at=now)
    session.add(message)
    return message


async def messages_after(
    session: AsyncSession, case: Case, after: int, limit: int = 200
) -> list[HandoffMessage]:
    found = await session.scalars(
        select(HandoffMessage)
        .where(HandoffMessage.case_id == case.id, HandoffMessage.id > after)
        .order_by(HandoffMessage.id)
        .limit(limit)
    )
    return list(found)


# What a customer's channel may read of its handoffs: what people and the team said to them.
FOR_CUSTOMER = ("agent", "assistant")


async def latest_handoff(session: AsyncSession, conversation_id: str) -> Case | None:
    """The conversation's newest handoff, in any status (a released one still has its notice)."""
    return await session.scalar(
        select(Case)
        .where(Case.type == "handoff", Case.conversation_id == conversation_id)
        .order_by(Case.id.desc())
        .limit(1)
    )


async def lines_for_customer(
    session: AsyncSession, conversation_id: str, after: int, limit: int = 50
) -> list[HandoffMessage]:
    """Agents' lines and notices of every handoff of this conversation after a line ID, oldest
    first. Keyed on the conversation the channel derived (never on a reference the caller names)."""
    found = await session.scalars(
        select(HandoffMessage)
        .join(Case, Case.id == HandoffMessage.case_id)
        .where(
            Case.type == "handoff",
            Case.conversation_id == conversation_id,
            HandoffMessage.sender.in_(FOR_CUSTOMER),
            HandoffMessage.id > after,
        )
        .order_by(HandoffMessage.id)
        .limit(limit)
    )
    return list(found)


async def queued_handoffs(
    session: AsyncSession, statuses: tuple[str, ...] = QUEUE, limit: int = QUEUE_PAGE
) -> list[Case]:
    found = await session.scalars(
        select(Case).where(Case.type == "handoff", Case.status.in_(statuses)).order_by(Case.id).limit(limit)
    )
    return list(found)


async def latest_messages(
    session: AsyncSession, case: Case, limit: int = QUEUE_MESSAGES
) -> list[HandoffMessage]:
    """The case's last `limit` messages, oldest first (the queue's preview of a case)."""
    found = await session.scalars(
        select(HandoffMessage)
        .where(HandoffMessage.case_id == case.id)
        .order_by(HandoffMessage.id.desc())
        .limit(limit)
    )
    return list(reversed(list(found)))


async def message_count(session: AsyncSession, case: Case) -> int:
    count = await session.scalar(
        select(func.count()).select_from(HandoffMessage).where(HandoffMessage.case_id == case.id)
    )
    return int(count or 0)


def _agent_audit(session: AsyncSession, case: Case, action: str, now: datetime, agent: str) -> None:
    audit.record(
        session,
        action,
        case.status,
        now,
        customer_id=case.customer_id,
        conversation_id=case.conversation_id,
        reference=case.reference,
        agent=agent,
    )


def take(session: AsyncSession, case: Case, agent: str, now: datetime) -> None:
    if case.status == "with_agent" and case.agent_name == agent:
        return
    if case.status not in TAKEABLE:
        raise ServiceError(409, "not_takeable", f"That conversation is {case.status.replace('_', ' ')}.")
    case.status, case.agent_name, case.taken_at, case.ended_at = "with_agent", agent, now, None
    _agent_audit(session, case, "handoff_taken", now, agent)


def end(session: AsyncSession, case: Case, agent: str, now: datetime, *, close: bool) -> None:
    """Hand back to the assistant (released) or close. Only the agent who has it may release
    it; any agent may close a case (e.g. a message left outside hours)."""
    if case.status in ("released", "closed"):
        raise ServiceError(409, "already_ended", f"That conversation is already {case.status}.")
    if case.status == "with_agent" and case.agent_name != agent:
        raise ServiceError(409, "another_agent", "Another agent has that conversation.")
    if not close and case.status != "with_agent":
        raise ServiceError(409, "not_with_agent", "Take the conversation before handing it back.")
    case.status, case.ended_at = ("closed" if close else "released"), now
    _agent_audit(session, case, "handoff_closed" if close else "handoff_released", now, agent)
