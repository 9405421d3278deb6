"""Handing a conversation to a person."""

from __future__ import annotations

from aiohttp import web

from account_service import cases
from account_service.errors import bad_request
from account_service.routes.common import json, now, transaction
from account_service.validation import conversation_id, read_json, required_text

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
    async with transaction(request) as session:
        case, position = await cases.open_handoff(
            session, conversation_id=conversation, topic=topic, transcript=transcript, now=now(request)
        )
        body = {
            "reference": case.reference,
            "position": position,
            "estimated_wait_minutes": position * cases.MINUTES_PER_WAITING_CUSTOMER,
        }
    return json(body, status=201)
