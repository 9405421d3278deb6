"""Handing a conversation to a person."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import cases, queue_moves
from account_service.app_keys import HOURS_SWITCH
from account_service.clock import iso_instant
from account_service.endpoints import ACTIONS, AGENTS, CHANNELS, Reply, Routes, fail
from account_service.errors import ServiceError, bad_request
from account_service.models import Case, HandoffMessage
from account_service.routes.common import now, settings, transaction
from account_service.schemas.handoffs import (
    ActiveQuery,
    AgentRequest,
    CustomerMessage,
    CustomerMessageStored,
    HandoffActed,
    HandoffCancelled,
    HandoffForAgent,
    HandoffForCustomer,
    HandoffMessageOut,
    HandoffOpened,
    HandoffQueue,
    HandoffRequest,
    LinePosted,
    LineRequest,
    LinesForCustomer,
    LinesQuery,
    MessagesPage,
    MessagesQuery,
    QueueQuery,
    ReferencePath,
)

routes = Routes("support")

NO_ACTIVE = fail(404, "The conversation is with the assistant", "no_active_handoff")
NO_SUCH_HANDOFF = fail(404, "No such handoff", "no_such_handoff")


@routes.post(
    "/handoffs",
    "Hand the conversation to a person; estimated wait = position x 3 minutes. Outside agent hours "
    "(agents_available false) the case waits for a message (leave_message). A conversation with a "
    "live handoff gets that one back (200); at most 3 new ones per conversation and 10 per client "
    "address per hour",
    scopes=ACTIONS,
    body=HandoffRequest,
    answer=HandoffOpened,
    status=201,
    other_statuses=[(200, "The conversation's live handoff, unchanged: nothing new was opened")],
    errors=[
        fail(
            429,
            "3 handoffs from this conversation, or 10 from this client, in the last hour",
            "too_many_handoffs",
            retry_after=int,
        )
    ],
)
async def handoff(request: web.Request, body: HandoffRequest) -> Reply:
    hours = request.app[HOURS_SWITCH].apply(settings(request).agent_hours)
    available = hours.open_at(now(request))
    transcript: list[dict[str, str]] = [{"from": turn.sender, "text": turn.text} for turn in body.transcript]
    async with transaction(request) as session:
        case, opened = await cases.open_handoff(
            session,
            conversation_id=body.conversation_id,
            topic=body.topic,
            transcript=transcript,
            now=now(request),
            agents_available=available,
            client=body.client,
        )
        view = await _customer_view(session, case)
        answer = HandoffOpened(**view.dict(), agents_available=available, agent_hours=hours.description)
    return Reply(answer, 201 if opened else 200)


async def _customer_view(session: AsyncSession, case: Case) -> HandoffForCustomer:
    """What the customer's channel may know: reference, status, place in the queue."""
    waiting = case.status == "waiting"
    position = await cases.queue_position(session, case) if waiting else None
    return HandoffForCustomer(
        reference=case.reference,
        status=case.status,
        position=position,
        estimated_wait_minutes=position * cases.MINUTES_PER_WAITING_CUSTOMER if position else None,
        agent=case.agent_name if case.status == "with_agent" else None,
    )


def _message(message: HandoffMessage) -> HandoffMessageOut:
    return HandoffMessageOut.parse_obj(
        {
            "id": message.id,
            "from": message.sender,
            "agent": message.agent_name,
            "text": message.text,
            "at": iso_instant(message.at),
        }
    )


async def _agent_view(
    session: AsyncSession, case: Case, moment: datetime, after: int = 0, *, preview: bool = False
) -> HandoffForAgent:
    # The queue shows each case's last few messages; one case shows them all (200 at a time).
    messages = (
        await cases.latest_messages(session, case)
        if preview
        else await cases.messages_after(session, case, after)
    )
    return HandoffForAgent(
        reference=case.reference,
        status=case.status,
        topic=case.details.get("topic", "general"),
        conversation_id=case.conversation_id,
        verified_customer=case.customer_id is not None,
        agent=case.agent_name,
        opened_at=iso_instant(case.created_at),
        waiting_seconds=max(0, int(((case.taken_at or moment) - case.created_at).total_seconds())),
        transcript=case.details.get("transcript", []),
        messages=[_message(message) for message in messages],
    )


# /handoffs/active… are registered before /handoffs/{reference} so they are not taken for one.
@routes.get(
    "/handoffs/active",
    "The conversation's live handoff (waiting, leave_message, with_agent) and queue position",
    scopes=ACTIONS | CHANNELS,
    query=ActiveQuery,
    answer=HandoffForCustomer,
    errors=[NO_ACTIVE],
)
async def active(request: web.Request, query: ActiveQuery) -> HandoffForCustomer:
    """The conversation's live handoff (waiting, leave_message or with_agent), or 404."""
    async with transaction(request) as session:
        case = await cases.active_handoff(session, query.conversation_id)
        if case is None:
            raise ServiceError(404, "no_active_handoff", "The conversation is with the assistant.")
        return await _customer_view(session, case)


@routes.post(
    "/handoffs/active/messages",
    "The customer's message into their live handoff (404: the assistant answers); outside hours "
    "the first one is kept for the team (message_left)",
    scopes=CHANNELS,
    body=CustomerMessage,
    answer=CustomerMessageStored,
    status=201,
    errors=[NO_ACTIVE, fail(429, "The handoff holds its most messages", "case_full")],
)
async def customer_message(request: web.Request, body: CustomerMessage) -> CustomerMessageStored:
    """The customer's message into their live handoff (404 when there is none: the assistant
    answers). Outside agent hours the first message is kept for the team and the assistant
    resumes (status message_left)."""
    moment = now(request)
    async with transaction(request) as session:
        case = await cases.active_handoff(session, body.conversation_id)
        if case is None:
            raise ServiceError(404, "no_active_handoff", "The conversation is with the assistant.")
        if await cases.message_count(session, case) >= cases.MAX_MESSAGES_PER_CASE:
            raise ServiceError(429, "case_full", "This handoff holds as many messages as it can keep.")
        message = cases.add_message(session, case, "customer", body.text, moment)
        if case.status == "leave_message":
            case.status = "message_left"
            cases.audit.record(
                session,
                "handoff_message_left",
                "saved",
                moment,
                customer_id=case.customer_id,
                conversation_id=body.conversation_id,
                reference=case.reference,
            )
        await session.flush()
        view = await _customer_view(session, case)
        return CustomerMessageStored(**view.dict(), message_id=message.id)


@routes.post(
    "/handoffs/active/cancel",
    "The customer leaves the queue (waiting or leave_message): closed, back to the assistant",
    scopes=CHANNELS,
    body=ActiveQuery,
    answer=HandoffCancelled,
    errors=[fail(404, "Nothing waiting", "nothing_waiting")],
)
async def cancel(request: web.Request, body: ActiveQuery) -> HandoffCancelled:
    """The customer leaves the queue (waiting or leave_message) and is back with the assistant;
    404 when nothing is waiting (with an agent, the agent hands it back or closes it)."""
    moment = now(request)
    async with transaction(request) as session:
        case = await cases.active_handoff(session, body.conversation_id)
        if case is None or case.status not in ("waiting", "leave_message"):
            raise ServiceError(404, "nothing_waiting", "No handoff of this conversation is waiting.")
        was_waiting = case.status == "waiting"
        case.status, case.ended_at = "closed", moment
        cases.audit.record(
            session,
            "handoff_cancelled",
            "closed",
            moment,
            customer_id=case.customer_id,
            conversation_id=body.conversation_id,
            reference=case.reference,
        )
        moved = await queue_moves.tell_queue_moved(session, case, moment) if was_waiting else []
        view = await _customer_view(session, case)
        return HandoffCancelled(**view.dict(), queue_moved=moved)


@routes.get(
    "/handoffs/active/lines",
    "The agents' lines and the team's notices for the conversation's customer after a line ID, with "
    "the latest handoff's status: what REST and the in-app chat poll for (channels/agent_relay.py)",
    scopes=CHANNELS,
    query=LinesQuery,
    answer=LinesForCustomer,
)
async def lines(request: web.Request, query: LinesQuery) -> LinesForCustomer:
    async with transaction(request) as session:
        case = await cases.latest_handoff(session, query.conversation_id)
        found = await cases.lines_for_customer(session, query.conversation_id, query.after)
        waiting = case is not None and case.status == "waiting"
        return LinesForCustomer(
            status=case.status if case is not None else None,
            position=await cases.queue_position(session, case) if waiting and case else None,
            lines=[_message(message) for message in found],
        )


@routes.get(
    "/handoffs",
    "Agents' queue, oldest first: redacted transcript, topic, waiting time",
    scopes=AGENTS,
    query=QueueQuery,
    answer=HandoffQueue,
)
async def queue(request: web.Request, query: QueueQuery) -> HandoffQueue:
    """Agents' queue: waiting, message_left and with_agent handoffs, oldest first."""
    wanted = tuple((query.status or ",".join(cases.QUEUE)).split(","))
    if any(status not in cases.QUEUE + ("released", "closed", "leave_message") for status in wanted):
        raise bad_request("status must be a comma-separated list of handoff statuses.")
    moment = now(request)
    async with transaction(request) as session:
        found = await cases.queued_handoffs(session, wanted)
        return HandoffQueue(
            __root__=[await _agent_view(session, case, moment, preview=True) for case in found]
        )


@routes.get(
    "/handoffs/{reference}",
    "One handoff with its messages",
    scopes=AGENTS,
    path_model=ReferencePath,
    answer=HandoffForAgent,
    errors=[NO_SUCH_HANDOFF],
)
async def one(request: web.Request, path: ReferencePath) -> HandoffForAgent:
    async with transaction(request) as session:
        case = await cases.handoff_by_reference(session, path.reference)
        return await _agent_view(session, case, now(request))


@routes.get(
    "/handoffs/{reference}/messages",
    "Messages after an ID (0 = all), oldest first",
    scopes=AGENTS,
    path_model=ReferencePath,
    query=MessagesQuery,
    answer=MessagesPage,
    errors=[NO_SUCH_HANDOFF],
)
async def messages(request: web.Request, path: ReferencePath, query: MessagesQuery) -> MessagesPage:
    """The case's messages after an ID (0: all), oldest first, and its status."""
    async with transaction(request) as session:
        case = await cases.handoff_by_reference(session, path.reference)
        found = await cases.messages_after(session, case, query.after)
        return MessagesPage(status=case.status, agent=case.agent_name, messages=[_message(m) for m in found])


@routes.post(
    "/handoffs/{reference}/messages",
    "A line from the agent who has the case, from the customer, or a notice the customer was given "
    "(from assistant); stored redacted",
    scopes=AGENTS,
    path_model=ReferencePath,
    body=LineRequest,
    answer=LinePosted,
    status=201,
    errors=[
        NO_SUCH_HANDOFF,
        fail(409, "Not this agent's, or not live", "not_your_conversation", "not_live"),
    ],
)
async def post_message(request: web.Request, path: ReferencePath, body: LineRequest) -> LinePosted:
    """A line from an agent (who must have the case), from the customer, or a notice the
    customer was given (from assistant: an agent joined or left, in any status); stored redacted."""
    if body.sender == "agent" and body.agent is None:
        raise bad_request("agent is needed.")
    agent = body.agent if body.sender == "agent" else None
    moment = now(request)
    async with transaction(request) as session:
        case = await cases.handoff_by_reference(session, path.reference)
        if body.sender == "agent" and (case.status != "with_agent" or case.agent_name != agent):
            raise ServiceError(409, "not_your_conversation", "Take the conversation before replying.")
        if body.sender == "customer" and case.status not in cases.LIVE:
            raise ServiceError(409, "not_live", "That conversation is back with the assistant.")
        message = cases.add_message(session, case, body.sender, body.text, moment, agent)
        await session.flush()
        return LinePosted(**_message(message).dict(), conversation_id=case.conversation_id)


AGENT_ACTION = {
    "scopes": AGENTS,
    "path_model": ReferencePath,
    "body": AgentRequest,
    "answer": HandoffActed,
}


async def _agent_action(request: web.Request, reference: str, agent: str, action: str) -> HandoffActed:
    moment = now(request)
    async with transaction(request) as session:
        case = await cases.handoff_by_reference(session, reference)
        was_waiting = case.status == "waiting"
        if action == "take":
            cases.take(session, case, agent, moment)
        else:
            cases.end(session, case, agent, moment, close=action == "close")
        await session.flush()
        # Taken or closed while waiting: the customers behind it moved up.
        left = was_waiting and case.status != "waiting"
        moved = await queue_moves.tell_queue_moved(session, case, moment) if left else []
        view = await _agent_view(session, case, moment)
        return HandoffActed(**view.dict(), queue_moved=moved)


@routes.post(
    "/handoffs/{reference}/take",
    "An agent takes the conversation",
    errors=[NO_SUCH_HANDOFF, fail(409, "Not possible in its status", "not_takeable")],
    **AGENT_ACTION,
)
async def take(request: web.Request, path: ReferencePath, body: AgentRequest) -> HandoffActed:
    return await _agent_action(request, path.reference, body.agent, "take")


@routes.post(
    "/handoffs/{reference}/release",
    "Hand back to the assistant",
    errors=[
        NO_SUCH_HANDOFF,
        fail(409, "Not possible in its status", "already_ended", "another_agent", "not_with_agent"),
    ],
    **AGENT_ACTION,
)
async def release(request: web.Request, path: ReferencePath, body: AgentRequest) -> HandoffActed:
    return await _agent_action(request, path.reference, body.agent, "release")


@routes.post(
    "/handoffs/{reference}/close",
    "Close the handoff",
    errors=[NO_SUCH_HANDOFF, fail(409, "Not possible in its status", "already_ended", "another_agent")],
    **AGENT_ACTION,
)
async def close(request: web.Request, path: ReferencePath, body: AgentRequest) -> HandoffActed:
    return await _agent_action(request, path.reference, body.agent, "close")
