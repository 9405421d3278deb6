"""Cases: fraud reports, disputes, replacements and handoffs to a person."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import audit
from account_service.errors import ServiceError
from account_service.models import Case, Customer, Transaction, VerifiedSession
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


async def open_handoff(
    session: AsyncSession,
    *,
    conversation_id: str,
    topic: str,
    transcript: list[dict[str, str]],
    now: datetime,
) -> tuple[Case, int]:
    """The case and its place in the queue (1 = next). The transcript is redacted again here:
    whatever the caller did, no card number or code is stored."""
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
    await session.flush()
    position = await session.scalar(
        select(func.count()).select_from(Case).where(Case.type == "handoff", Case.status == "open")
    )
    return case, int(position or 1)
