"""Handing a conversation to a person."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import cases
from account_service.app_keys import HOURS_SWITCH
from account_service.clock import iso_instant
from account_service.errors import ServiceError, bad_request
from account_service.models import Case, HandoffMessage
from account_service.routes.common import json, now, settings, transaction
from account_service.validation import (
    choice,
    conversation_id,
    query_conversation_id,
    query_int,
    read_json,
    required_text,
    text,
)

routes = web.RouteTableDef()

MAX_TURNS = 200
MAX_TURN_LENGTH = 4000


@routes.post("/handoffs")
async def handoff(request: web.Request) -> web.Response:
    data = await read_json(request)
    conversation = conversation_id(data)
    topic = required_text(data, "topic", max_length=100)
    transcript = data.get("transcript")
    if not isinstance(transcript, list) or len(transcript) > MAX_TURNS:
        raise bad_request(f"transcript must be a list of at most {MAX_TURNS} turns.")
    for turn in transcript:
        if (
            not isinstance(turn, dict)
            or turn.get("from") not in ("customer", "assistant")
            or not isinstance(turn.get("text"), str)
            or len(turn["text"]) > MAX_TURN_LENGTH
        ):
            raise bad_request(
                "Each transcript turn needs from (customer or assistant) and text of at most "
                f"{MAX_TURN_LENGTH} characters."
            )
    hours = request.app[HOURS_SWITCH].apply(settings(request).agent_hours)
    available = hours.open_at(now(request))
    async with transaction(request) as session:
        case, position = await cases.open_handoff(
            session,
            conversation_id=conversation,
            topic=topic,
            transcript=transcript,
            now=now(request),
            agents_available=available,
        )
        body = {
            **await _customer_view(session, case),
            "agents_available": available,
            "agent_hours": hours.description,
        }
    return json(body, status=201)


MAX_MESSAGE_LENGTH = 2000
AGENT_NAME = {"max_length": 64}


async def _customer_view(session: AsyncSession, case: Case) -> dict:
    """What the customer's channel may know: reference, status, place in the queue."""
    position = await cases.queue_position(session, case) if case.status == "waiting" else 0
    return {
        "reference": case.reference,
        "status": case.status,
        "position": position if case.status == "waiting" else None,
        "estimated_wait_minutes": position * cases.MINUTES_PER_WAITING_CUSTOMER
        if case.status == "waiting"
        else None,
        "agent": case.agent_name if case.status == "with_agent" else None,
    }


def _message(message: HandoffMessage) -> dict:
    return {
        "id": message.id,
        "from": message.sender,
        "agent": message.agent_name,
        "text": message.text,
        "at": iso_instant(message.at),
    }


async def _agent_view(session: AsyncSession, case: Case, moment: datetime, after: int = 0) -> dict:
    messages = await cases.messages_after(session, case, after)
    return {
        "reference": case.reference,
        "status": case.status,
        "topic": case.details.get("topic", "general"),
        "conversation_id": case.conversation_id,
        "verified_customer": case.customer_id is not None,
        "agent": case.agent_name,
        "opened_at": iso_instant(case.created_at),
        "waiting_seconds": max(0, int(((case.taken_at or moment) - case.created_at).total_seconds())),
        "transcript": case.details.get("transcript", []),
        "messages": [_message(message) for message in messages],
    }


# /handoffs/active… are registered before /handoffs/{reference} so they are not taken for one.
@routes.get("/handoffs/active")
async def active(request: web.Request) -> web.Response:
    """The conversation's live handoff (waiting, leave_message or with_agent), or 404."""
    conversation = query_conversation_id(request)
    async with transaction(request) as session:
        case = await cases.active_handoff(session, conversation)
        if case is None:
            raise ServiceError(404, "no_active_handoff", "The conversation is with the assistant.")
        return json(await _customer_view(session, case))


@routes.post("/handoffs/active/messages")
async def customer_message(request: web.Request) -> web.Response:
    """The customer's message into their live handoff (404 when there is none: the assistant
    answers). Outside agent hours the first message is kept for the team and the assistant
    resumes (status message_left)."""
    data = await read_json(request)
    conversation = conversation_id(data)
    said = required_text(data, "text", max_length=MAX_MESSAGE_LENGTH)
    moment = now(request)
    async with transaction(request) as session:
        case = await cases.active_handoff(session, conversation)
        if case is None:
            raise ServiceError(404, "no_active_handoff", "The conversation is with the assistant.")
        message = cases.add_message(session, case, "customer", said, moment)
        if case.status == "leave_message":
            case.status = "message_left"
            cases.audit.record(
                session,
                "handoff_message_left",
                "saved",
                moment,
                customer_id=case.customer_id,
                conversation_id=conversation,
                reference=case.reference,
            )
        await session.flush()
        body = {**await _customer_view(session, case), "message_id": message.id}
    return json(body, status=201)


@routes.post("/handoffs/active/cancel")
async def cancel(request: web.Request) -> web.Response:
    """The customer leaves the queue (waiting or leave_message) and is back with the assistant;
    404 when nothing is waiting (with an agent, the agent hands it back or closes it)."""
    conversation = conversation_id(await read_json(request))
    moment = now(request)
    async with transaction(request) as session:
        case = await cases.active_handoff(session, conversation)
        if case is None or case.status not in ("waiting", "leave_message"):
            raise ServiceError(404, "nothing_waiting", "No handoff of this conversation is waiting.")
        case.status, case.ended_at = "closed", moment
        cases.audit.record(
            session,
            "handoff_cancelled",
            "closed",
            moment,
            customer_id=case.customer_id,
            conversation_id=conversation,
            reference=case.reference,
        )
        await session.flush()
        return json(await _customer_view(session, case))


@routes.get("/handoffs")
async def queue(request: web.Request) -> web.Response:
    """Agents' queue: waiting, message_left and with_agent handoffs, oldest first."""
    wanted = tuple(request.query.get("status", ",".join(cases.QUEUE)).split(","))
    if not wanted or any(
        status not in cases.QUEUE + ("released", "closed", "leave_message") for status in wanted
    ):
        raise bad_request("status must be a comma-separated list of handoff statuses.")
    moment = now(request)
    async with transaction(request) as session:
        found = await cases.queued_handoffs(session, wanted)
        return json([await _agent_view(session, case, moment) for case in found])


@routes.get("/handoffs/{reference}")
async def one(request: web.Request) -> web.Response:
    async with transaction(request) as session:
        case = await cases.handoff_by_reference(session, request.match_info["reference"])
        return json(await _agent_view(session, case, now(request)))


@routes.get("/handoffs/{reference}/messages")
async def messages(request: web.Request) -> web.Response:
    """The case's messages after an ID (0: all), oldest first, and its status."""
    after = query_int(request, "after", default=0, minimum=0, maximum=2**62)
    async with transaction(request) as session:
        case = await cases.handoff_by_reference(session, request.match_info["reference"])
        found = await cases.messages_after(session, case, after)
        return json(
            {"status": case.status, "agent": case.agent_name, "messages": [_message(m) for m in found]}
        )


@routes.post("/handoffs/{reference}/messages")
async def post_message(request: web.Request) -> web.Response:
    """A line from an agent (who must have the case) or from the customer; stored redacted."""
    data = await read_json(request)
    sender = choice(data, "from", ("agent", "customer"))
    said = required_text(data, "text", max_length=MAX_MESSAGE_LENGTH)
    agent = text(data, "agent", required=sender == "agent", **AGENT_NAME)
    moment = now(request)
    async with transaction(request) as session:
        case = await cases.handoff_by_reference(session, request.match_info["reference"])
        if sender == "agent" and (case.status != "with_agent" or case.agent_name != agent):
            raise ServiceError(409, "not_your_conversation", "Take the conversation before replying.")
        if sender == "customer" and case.status not in cases.LIVE:
            raise ServiceError(409, "not_live", "That conversation is back with the assistant.")
        message = cases.add_message(session, case, sender, said, moment, agent if sender == "agent" else None)
        await session.flush()
        body = {**_message(message), "conversation_id": case.conversation_id}
    return json(body, status=201)


async def _agent_action(request: web.Request, action: str) -> web.Response:
    data = await read_json(request)
    agent = required_text(data, "agent", **AGENT_NAME)
    moment = now(request)
    async with transaction(request) as session:
        case = await cases.handoff_by_reference(session, request.match_info["reference"])
        if action == "take":
            cases.take(session, case, agent, moment)
        else:
            cases.end(session, case, agent, moment, close=action == "close")
        await session.flush()
        return json(await _agent_view(session, case, moment))


@routes.post("/handoffs/{reference}/take")
async def take(request: web.Request) -> web.Response:
    return await _agent_action(request, "take")


@routes.post("/handoffs/{reference}/release")
async def release(request: web.Request) -> web.Response:
    return await _agent_action(request, "release")


@routes.post("/handoffs/{reference}/close")
async def close(request: web.Request) -> web.Response:
    return await _agent_action(request, "close")
