"""Identity check: sending and checking one-time codes, verified sessions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp import web

from account_service import identity
from account_service.app_keys import MESSENGER
from account_service.endpoints import ACTIONS, CHANNELS, Reply, Routes, fail
from account_service.errors import ServiceError, bad_request
from account_service.fields import InstantText
from account_service.routes.common import now, settings, transaction
from account_service.schemas.common import LOCKED, TOO_MANY_ATTEMPTS
from account_service.schemas.identity import (
    AppSession,
    AppSessionRequest,
    ChallengePath,
    ChallengeRequest,
    ChallengeSent,
    ConversationPath,
    CustomerRef,
    SessionInfo,
    Verified,
    VerifyRequest,
)
from common.app_login import Unauthorized, in_app_conversation_id, verify_app_token

routes = Routes("identity")


@routes.post(
    "/identity/challenges",
    "Ask for a one-time code. purpose verify: the same answer whether or not the details match a "
    "customer (and whether or not a code was sent); confirm: a new code for the session's customer",
    scopes=ACTIONS,
    body=ChallengeRequest,
    answer=ChallengeSent,
    status=201,
    errors=[
        fail(401, "purpose confirm without a verified session", "not_verified"),
        LOCKED,
        TOO_MANY_ATTEMPTS,
    ],
)
async def start_challenge(request: web.Request, body: ChallengeRequest) -> ChallengeSent:
    if body.purpose == "verify" and body.user_id is None:
        if body.card_last_four is None and body.date_of_birth is None:
            raise bad_request("Give user_id, or card_last_four and date_of_birth.")
        if body.card_last_four is None:
            raise bad_request("card_last_four is needed.")
        if body.date_of_birth is None:
            raise bad_request("date_of_birth is needed.")
    config = settings(request)
    started = asyncio.get_running_loop().time()
    verify = body.purpose == "verify"
    try:
        # The gateway is not waited for: the answer's timing must not tell whether a code went out.
        async with transaction(request, deliver_later=True) as session:
            sent = await identity.start_challenge(
                session,
                now=now(request),
                secret_key=config.secret,
                issuer_name=config.issuer_name,
                messenger=request.app[MESSENGER],
                conversation_id=body.conversation_id,
                limits=config.identity_limits,
                purpose=body.purpose,
                channel=body.channel,
                user_id=body.user_id if verify else None,
                card_last_four=body.card_last_four if verify else None,
                date_of_birth=body.date_of_birth if verify else None,
                client=body.client,
            )
    finally:
        if verify:
            # Every verify answer takes at least the same time, match or not.
            spent = asyncio.get_running_loop().time() - started
            await asyncio.sleep(max(0.0, config.identity_limits.min_answer_ms / 1000 - spent))
    return ChallengeSent(**sent.body())


@routes.post(
    "/identity/challenges/{challenge_id}/verify",
    "Check the code the customer typed",
    scopes=ACTIONS,
    path_model=ChallengePath,
    body=VerifyRequest,
    answer=Verified,
    errors=[
        fail(400, "Wrong code", "wrong_code", attempts_left=int),
        fail(401, "A confirm code whose session is gone", "not_verified"),
        fail(404, "Unknown, other conversation's or other purpose's challenge", "no_challenge"),
        fail(410, "Expired, used or ended", "expired"),
        fail(
            423,
            "Identity checks in this conversation are locked (the third wrong code, or already)",
            "locked",
            locked_until=InstantText,
        ),
    ],
)
async def verify_challenge(request: web.Request, path: ChallengePath, body: VerifyRequest) -> Verified:
    async with transaction(request) as session:
        customer = await identity.verify_code(
            session,
            now=now(request),
            secret_key=settings(request).secret,
            challenge_id=path.challenge_id,
            conversation_id=body.conversation_id,
            code=body.code,
            purpose=body.purpose,
        )
        return Verified(
            verified=True,
            customer=CustomerRef(
                user_id=customer.user_id, first_name=customer.first_name, region=customer.region
            ),
            session_expires_in=int(identity.SESSION_IDLE.total_seconds()),
        )


@routes.post(
    "/identity/app-sessions",
    "Bind the in-app conversation of the app's sender to the customer its login token names "
    "(the service checks the token itself). Never fresh by itself.",
    scopes=CHANNELS,
    body=AppSessionRequest,
    answer=AppSession,
    status=201,
    other_statuses=[(200, "Session refreshed, or taken over from another customer")],
    errors=[
        fail(
            401,
            "The app's token is refused (signature, expiry, issuer, audience…)",
            "invalid_app_token",
            reason=str,
        ),
        fail(403, "The login is older than IN_APP_MAX_LOGIN_AGE", "login_too_old", max_login_age_seconds=int),
        fail(
            404,
            "No customer with that User ID, or app logins are not configured",
            "no_match",
            "not_configured",
        ),
        LOCKED,
    ],
)
async def open_app_session(request: web.Request, body: AppSessionRequest) -> Reply:
    """The in-app channel passes on the app's own login token; whoever holds the channels' token
    still cannot bind a customer without a token the app's login server signed."""
    config = settings(request)
    if config.app_login is None:
        raise ServiceError(404, "not_configured", "App logins are not configured on this service.")
    moment = now(request)
    try:
        # The login's age is checked below, where a refusal is audited.
        login = verify_app_token(config.app_login, body.app_token, moment.timestamp(), check_login_age=False)
    except Unauthorized as refused:
        raise ServiceError(
            401, "invalid_app_token", "The app's login token was refused.", reason=refused.reason
        ) from None
    conversation = in_app_conversation_id(login.user_id, body.sender)
    async with transaction(request) as session:
        customer, verified, outcome = await identity.open_app_session(
            session,
            now=moment,
            conversation_id=conversation,
            user_id=login.user_id,
            logged_in_at=login.logged_in_at,
            max_login_age=timedelta(seconds=config.app_login.max_login_age_s),
        )
        answer = AppSession(
            conversation_id=conversation,
            verified=True,
            method=verified.method,
            fresh=identity.is_fresh(verified, moment),
            outcome=outcome,
            customer=CustomerRef(
                user_id=customer.user_id, first_name=customer.first_name, region=customer.region
            ),
            session_expires_in=int(identity.SESSION_IDLE.total_seconds()),
        )
    return Reply(answer, 201 if outcome == "created" else 200)


@routes.get(
    "/sessions/{conversation_id}",
    "The conversation's verified session (reading it does not refresh the idle timer)",
    scopes=ACTIONS,
    path_model=ConversationPath,
    answer=SessionInfo,
    errors=[fail(404, "Not verified", "not_verified")],
)
async def get_session(request: web.Request, path: ConversationPath) -> SessionInfo:
    async with transaction(request) as session:
        info = await identity.session_info(session, path.conversation_id, now(request))
    if info is None:
        raise ServiceError(404, "not_verified", "This conversation has no verified session.")
    # The service's date: "today" and due dates in chat must agree with the system of record.
    return SessionInfo(**info, today=now(request).date())


@routes.delete(
    "/sessions/{conversation_id}",
    "End the conversation's verified session",
    scopes=ACTIONS,
    path_model=ConversationPath,
    status=204,
)
async def end_session(request: web.Request, path: ConversationPath) -> web.Response:
    async with transaction(request) as session:
        await identity.end_session(session, path.conversation_id, now(request))
    return web.Response(status=204)
