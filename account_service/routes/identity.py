"""Identity check: sending and checking one-time codes, verified sessions."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from account_service import identity
from account_service.app_keys import MESSENGER
from account_service.errors import bad_request
from account_service.routes.common import json, now, settings, transaction
from account_service.validation import (
    MAX_CONVERSATION_ID,
    choice,
    conversation_id,
    instant,
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


@routes.post("/identity/app-sessions")
async def open_app_session(request: web.Request) -> web.Response:
    """The in-app channel vouches that the conversation belongs to the customer logged in to the
    mobile app (it checked the app's signed token); the login stands in for the first code."""
    data = await read_json(request)
    conversation = conversation_id(data)
    user_id = required_text(data, "user_id", max_length=64)
    logged_in_at = instant(data, "logged_in_at")
    async with transaction(request) as session:
        customer, verified, outcome = await identity.open_app_session(
            session,
            now=now(request),
            conversation_id=conversation,
            user_id=user_id,
            logged_in_at=logged_in_at,
            max_login_age=timedelta(seconds=settings(request).app_login_max_age_s),
        )
        body = {
            "verified": True,
            "method": verified.method,
            "fresh": identity.is_fresh(verified, now(request)),
            "outcome": outcome,
            "customer": {
                "user_id": customer.user_id,
                "first_name": customer.first_name,
                "region": customer.region,
            },
            "session_expires_in": int(identity.SESSION_IDLE.total_seconds()),
        }
    return json(body, status=201 if outcome == "created" else 200)


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
