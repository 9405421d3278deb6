"""Identity check: sending and checking one-time codes, verified sessions."""

from __future__ import annotations

from aiohttp import web

from account_service import identity
from account_service.app_keys import MESSENGER
from account_service.errors import bad_request
from account_service.routes.common import json, now, settings, transaction
from account_service.validation import (
    MAX_CONVERSATION_ID,
    choice,
    conversation_id,
    iso_date,
    last_four,
    read_json,
    required_text,
    text,
)

routes = web.RouteTableDef()


@routes.post("/identity/challenges")
async def start_challenge(request: web.Request) -> web.Response:
    data = await read_json(request)
    conversation = conversation_id(data)
    purpose = choice(data, "purpose", identity.PURPOSES, default="verify")
    channel = choice(data, "channel", identity.CHANNELS, default="sms")
    user_id = card = birth_date = None
    if purpose == "verify":
        user_id = text(data, "user_id", max_length=64, required=False)
        if user_id is None:
            if data.get("card_last_four") is None and data.get("date_of_birth") is None:
                raise bad_request("Give user_id, or card_last_four and date_of_birth.")
            card = last_four(data)
            birth_date = iso_date(data, "date_of_birth")
    config = settings(request)
    async with transaction(request) as session:
        sent = await identity.start_challenge(
            session,
            now=now(request),
            secret_key=config.secret,
            issuer_name=config.issuer_name,
            messenger=request.app[MESSENGER],
            conversation_id=conversation,
            purpose=purpose,
            channel=channel,
            user_id=user_id,
            card_last_four=card,
            date_of_birth=birth_date,
        )
    return json(sent.body(), status=201)


@routes.post("/identity/challenges/{challenge_id}/verify")
async def verify_challenge(request: web.Request) -> web.Response:
    data = await read_json(request)
    conversation = conversation_id(data)
    code = required_text(data, "code", max_length=32)
    purpose = choice(data, "purpose", identity.PURPOSES, default="verify")
    async with transaction(request) as session:
        customer = await identity.verify_code(
            session,
            now=now(request),
            secret_key=settings(request).secret,
            challenge_id=request.match_info["challenge_id"],
            conversation_id=conversation,
            code=code,
            purpose=purpose,
        )
        body = {
            "verified": True,
            "customer": {
                "user_id": customer.user_id,
                "first_name": customer.first_name,
                "region": customer.region,
            },
            "session_expires_in": int(identity.SESSION_IDLE.total_seconds()),
        }
    return json(body)


def _path_conversation(request: web.Request) -> str:
    value = request.match_info["conversation_id"]
    if not 1 <= len(value) <= MAX_CONVERSATION_ID:
        raise bad_request(f"conversation_id must be text of 1-{MAX_CONVERSATION_ID} characters.")
    return value


@routes.get("/sessions/{conversation_id}")
async def get_session(request: web.Request) -> web.Response:
    conversation = _path_conversation(request)
    async with transaction(request) as session:
        info = await identity.session_info(session, conversation, now(request))
    if info is None:
        return json({"error": "not_verified", "message": "This conversation has no verified session."}, 404)
    # The service's date: "today" and due dates in chat must agree with the system of record.
    return json({**info, "today": now(request).date().isoformat()})


@routes.delete("/sessions/{conversation_id}")
async def end_session(request: web.Request) -> web.Response:
    conversation = _path_conversation(request)
    async with transaction(request) as session:
        await identity.end_session(session, conversation, now(request))
    return web.Response(status=204)
