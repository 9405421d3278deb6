"""Telling the customers still waiting that the queue moved.

When a waiting handoff leaves the queue (an agent takes it, its customer cancels, an agent closes
it) everyone queued behind it moves up one place. The account service changes the queue, so it
is the one that knows who moved: in the same transaction it stores each of them a team notice
(sender "assistant", as "joined" and "left") and gives the caller the list to relay to the
channels (the agent console after take and close, the Rasa server after a cancel). Polling apps
(REST, in-app) collect the stored notice with the agents' lines.

Bounded so a busy queue cannot flood SMS: only the first MAX_TOLD waiting customers, at most one
notice per customer per NOTICE_GAP, and nobody whose place did not change (those ahead of the
case that left). A customer skipped by the gap learns their place at the next move after it,
when they write (channels/handoff.py), or from the poll's `position`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import cases
from account_service.models import Case, HandoffMessage
from account_service.schemas.handoffs import QueueNotice
from localization import texts

MAX_TOLD = 10
NOTICE_GAP = timedelta(seconds=30)
TOLD_AT = "queue_notice_at"  # in Case.details: when the customer was last told their new place


def queue_moved_text(position: int, language_sample: str) -> str:
    lines = texts.QUEUE_NEXT if position == 1 else texts.QUEUE_MOVED
    wait = position * cases.MINUTES_PER_WAITING_CUSTOMER
    return texts.for_message(lines, language_sample).format(position=position, wait=wait)


def told_recently(case: Case, now: datetime) -> bool:
    told = case.details.get(TOLD_AT) if isinstance(case.details, dict) else None
    try:
        return isinstance(told, str) and now - datetime.fromisoformat(told) < NOTICE_GAP
    except (TypeError, ValueError):  # a malformed stamp must not silence the notices for good
        return False


async def language_samples(session: AsyncSession, waiting: list[Case]) -> dict[int, str]:
    """Each case's latest customer line (its messages, else its transcript): notices follow it."""
    samples = {
        case.id: next(
            (
                str(turn.get("text", ""))
                for turn in reversed(case.details.get("transcript", []))
                if isinstance(turn, dict) and turn.get("from") == "customer"
            ),
            "",
        )
        for case in waiting
    }
    found = await session.execute(
        select(HandoffMessage.case_id, HandoffMessage.text)
        .where(HandoffMessage.case_id.in_(list(samples)), HandoffMessage.sender == "customer")
        .order_by(HandoffMessage.id)
    )
    for case_id, text in found:
        samples[case_id] = text
    return samples


async def tell_queue_moved(session: AsyncSession, left: Case, now: datetime) -> list[QueueNotice]:
    """`left` has just stopped waiting: stores a notice for each customer behind it among the
    first MAX_TOLD still waiting (unless told within NOTICE_GAP) and returns them to relay."""
    await session.flush()  # the queue below must already see `left` gone
    waiting = list(
        await session.scalars(
            select(Case)
            .where(Case.type == "handoff", Case.status == "waiting")
            .order_by(Case.id)
            .limit(MAX_TOLD)
        )
    )
    moved = [(place, case) for place, case in enumerate(waiting, start=1) if case.id > left.id]
    moved = [(place, case) for place, case in moved if case.conversation_id and not told_recently(case, now)]
    if not moved:
        return []
    samples = await language_samples(session, [case for _, case in moved])
    notices = []
    for place, case in moved:
        text = queue_moved_text(place, samples.get(case.id, ""))
        cases.add_message(session, case, "assistant", text, now)
        # A new dict: the JSON column notices only a replaced value.
        case.details = {**case.details, TOLD_AT: now.isoformat()}
        notices.append(QueueNotice(conversation_id=str(case.conversation_id), text=text))
    return notices
