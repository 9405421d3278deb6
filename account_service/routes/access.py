"""Help with online access: lock status, User ID reminder, password reset."""

from __future__ import annotations

from aiohttp import web

from account_service import access_help, identity
from account_service.app_keys import MESSENGER
from account_service.clock import iso_instant
from account_service.endpoints import ACTIONS, Routes
from account_service.routes.common import me, now, settings, transaction
from account_service.schemas.care import ResetLinkSent, SentTo
from account_service.schemas.common import (
    FRESH_NEEDED,
    NOT_VERIFIED,
    ConversationBody,
    ConversationQuery,
    Locked,
)

routes = Routes("access")


@routes.get(
    "/access/lock-status",
    "Whether identity checks in this conversation are locked (after 3 wrong codes), and until when",
    scopes=ACTIONS,
    query=ConversationQuery,
    answer=Locked,
)
async def lock_status(request: web.Request, query: ConversationQuery) -> Locked:
    async with transaction(request) as session:
        until = await identity.lock_status(session, query.conversation_id, now(request))
    return Locked(locked=until is not None, locked_until=iso_instant(until) if until else None)


@routes.post(
    "/me/user-id-reminder",
    "Email the User ID to the registered address. Fresh.",
    scopes=ACTIONS,
    body=ConversationBody,
    answer=SentTo,
    errors=[NOT_VERIFIED, FRESH_NEEDED],
)
async def user_id_reminder(request: web.Request, body: ConversationBody) -> SentTo:
    async with transaction(request) as session:
        customer = await me(request, session, body.conversation_id, fresh=True)
        sent_to = access_help.send_user_id_reminder(
            session,
            customer,
            messenger=request.app[MESSENGER],
            issuer_name=settings(request).issuer_name,
            now=now(request),
            conversation_id=body.conversation_id,
        )
    return SentTo(sent_to=sent_to)


@routes.post(
    "/me/password-reset",
    "Email a password-reset link valid for one hour. Fresh.",
    scopes=ACTIONS,
    body=ConversationBody,
    answer=ResetLinkSent,
    errors=[NOT_VERIFIED, FRESH_NEEDED],
)
async def password_reset(request: web.Request, body: ConversationBody) -> ResetLinkSent:
    config = settings(request)
    async with transaction(request) as session:
        customer = await me(request, session, body.conversation_id, fresh=True)
        sent_to = access_help.send_password_reset(
            session,
            customer,
            messenger=request.app[MESSENGER],
            issuer_name=config.issuer_name,
            link_keys=config.link_keys,
            public_url=config.public_url,
            now=now(request),
            conversation_id=body.conversation_id,
        )
    return ResetLinkSent(sent_to=sent_to, expires_in=int(access_help.RESET_LINK_LIFETIME.total_seconds()))
