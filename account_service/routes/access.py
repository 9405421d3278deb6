"""Help with online access: lock status, User ID reminder, password reset."""

from __future__ import annotations

from aiohttp import web

from account_service import access_help, identity
from account_service.app_keys import MESSENGER
from account_service.clock import iso_instant
from account_service.routes.common import json, me, now, settings, transaction
from account_service.validation import conversation_id, read_json, required_text

routes = web.RouteTableDef()


@routes.get("/access/lock-status")
async def lock_status(request: web.Request) -> web.Response:
    user_id = required_text(dict(request.query), "user_id", max_length=64)
    async with transaction(request) as session:
        until = await identity.lock_status(session, user_id, now(request))
    return json({"locked": until is not None, "locked_until": iso_instant(until) if until else None})


@routes.post("/me/user-id-reminder")
async def user_id_reminder(request: web.Request) -> web.Response:
    conversation = conversation_id(await read_json(request))
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        sent_to = access_help.send_user_id_reminder(
            session,
            customer,
            messenger=request.app[MESSENGER],
            issuer_name=settings(request).issuer_name,
            now=now(request),
            conversation_id=conversation,
        )
    return json({"sent_to": sent_to})


@routes.post("/me/password-reset")
async def password_reset(request: web.Request) -> web.Response:
    conversation = conversation_id(await read_json(request))
    config = settings(request)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        sent_to = access_help.send_password_reset(
            session,
            customer,
            messenger=request.app[MESSENGER],
            issuer_name=config.issuer_name,
            secret_key=config.secret,
            public_url=config.public_url,
            now=now(request),
            conversation_id=conversation,
        )
    return json({"sent_to": sent_to, "expires_in": int(access_help.RESET_LINK_LIFETIME.total_seconds())})
