"""The agent console (/agent): agents log in, see the waiting conversations, take one, reply,
hand it back to the assistant or close it.

- Agents come from AGENT_USERS ("name:password,…") and, outside demo mode, each has a TOTP app
  code (AGENT_TOTP_SECRETS); web/agent_login.py checks both and limits attempts per client
  address and per agent name. Demo mode without AGENT_USERS has one demo agent:
  agent / demo-agent-password.
- Operators come from OPERATOR_USERS and OPERATOR_TOTP_SECRETS under the same rules (demo mode
  without OPERATOR_USERS: operator / demo-operator-password). They see everything agents see,
  and the operators' page (web/agent_operators.py) lists the agents and ends their sessions.
- A session is a record on the server (web/agent_sessions.py: 8 hours at most, 30 minutes idle,
  ended by logging out or by a change of the agent's password or TOTP secret); the cookie holds
  only its signed random ID: HttpOnly, SameSite=Strict, path /agent, Secure outside demo mode.
- Every POST carries the session's CSRF token and must come from this origin.
- Pages are Jinja2 templates with autoescaping: a customer's message can never become HTML.
- With REDIS_URL, sessions, login attempts and used codes are in Redis (web/agent_redis.py), so
  several website replicas behind a balancer share them; when Redis does not answer, the console
  answers 503 and lets nobody in.
- The account service is the system of record (the queue, messages, audit), called with
  AGENT_SERVICE_TOKEN. Every line the customer is given is stored there first (the agent's, and
  the team's notices "joined" and "left", written in the language the customer writes in), then
  handed to the Rasa server's relay of the channel the handoff came from
  (POST /webhooks/<channel>/agent_message, bearer AGENT_RELAY_TOKEN; channels/agent_relay.py):
  the widget's room, the messaging platforms' APIs, or, for REST and the in-app chat, nothing to
  push: their apps poll. When a take or a close moves the queue, the account service has stored a
  notice of the new place for each customer behind (account_service/queue_moves.py); the console
  relays those too, in the background.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from common.client_address import client_address
from common.settings import default_analytics_db_url
from localization import texts
from web import agent_redis
from web.agent_login import Agents, LoginLimiter, LoginLimits, Reservation
from web.agent_sessions import SESSION_S, AgentSession, MemorySessionStore, SessionCookies, SessionStore
from web.settings import Settings
from web.templating import html_response

logger = logging.getLogger("web.agent")

ASSETS = Path(__file__).resolve().parent / "agent_assets"
COOKIE = "agent_session"
MAX_REPLY = 2000
SERVICE_TIMEOUT = aiohttp.ClientTimeout(total=5)
NOTES = {
    "taken": "You have this conversation. The customer was told you joined.",
    "sent": "Sent.",
    "released": "Handed back to the assistant.",
    "closed": "Closed.",
    "not_delivered": "Saved in the case, but the customer's chat could not be reached right now.",
    "stored": "Saved. The customer's app collects it within a few seconds.",
    "conflict": "That is not possible any more (another agent, or the conversation ended).",
    "unavailable": "The account service is not answering. Try again in a moment.",
    "empty": "Write a reply first (at most 2000 characters).",
    "sessions_ended": "That agent's sessions have ended on every website replica.",
}
SENDERS = {"customer": "Customer", "assistant": "Assistant", "agent": "Agent"}
STATES = {"waiting": "in the queue", "message_left": "left a message"}

AGENTS = web.AppKey("agents", Agents)
LIMITER = web.AppKey("agent_login_limiter", LoginLimits)
SESSION_STORE = web.AppKey("agent_session_store", SessionStore)
COOKIES = web.AppKey("agent_session_cookies", SessionCookies)
# Its own keys (not web.server's): `python -m web.server` runs that module as __main__.
CONFIG = web.AppKey("agent_console_settings", Settings)
CLIENT = web.AppKey("agent_console_client", aiohttp.ClientSession)
REDIS = web.AppKey("agent_console_redis", object)  # a redis.asyncio.Redis
BACKGROUND = web.AppKey("agent_console_background", set)  # queue notices on their way
SESSION = "agent_console.session"  # the request's checked session, once looked up


def page(
    request: web.Request,
    template: str,
    title: str,
    *,
    status: int = 200,
    refresh_url: str | None = None,
    script: bool = False,
    **context: Any,
) -> web.Response:
    return html_response(
        request.app, template, status=status, title=title, refresh_url=refresh_url, script=script, **context
    )


def waited(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def transcript_lines(lines: list[dict], messages: list[dict], limit: int | None = None) -> list[dict]:
    """The case's transcript and its messages as lines to show (as text, by the templates)."""
    items = [(line.get("from", ""), "", line.get("text", "")) for line in lines]
    items += [(m.get("from", ""), m.get("agent") or "", m.get("text", "")) for m in messages]
    if limit is not None:
        items = items[-limit:]
    return [
        {"sender": str(sender), "who": str(agent or SENDERS.get(sender, sender)), "text": str(text)}
        for sender, agent, text in items
    ]


# --- requests to the account service and to Rasa ---------------------------------------------------


async def service(request: web.Request, method: str, path: str, body: dict | None = None) -> tuple[int, Any]:
    settings = request.app[CONFIG]
    try:
        async with request.app[CLIENT].request(
            method,
            f"{settings.account_service_url}{path}",
            json=body,
            headers={"Authorization": f"Bearer {settings.agent_service_token}"},
            timeout=SERVICE_TIMEOUT,
        ) as reply:
            return reply.status, await reply.json()
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        logger.warning("agent console: account service unreachable (%s)", type(error).__name__)
        return 0, None


# Channels whose Rasa webhook has a relay (the conversation ID starts with the channel's name).
RELAY_CHANNELS = frozenset({"socketio", "rest", "in_app", "telegram", "slack", "twilio", "facebook"})


def relay_url(settings: Settings, conversation: str) -> str | None:
    channel, separator, _ = conversation.partition(":")
    if not separator or channel not in RELAY_CHANNELS:
        return None
    return f"{settings.rasa_internal_url}/webhooks/{channel}/agent_message"


def customer_language_sample(case: dict) -> str:
    """The customer's latest line in the case: the team's notices follow its language."""
    said = [line.get("text", "") for line in case.get("transcript", []) if line.get("from") == "customer"]
    said += [line.get("text", "") for line in case.get("messages", []) if line.get("from") == "customer"]
    return str(said[-1]) if said else ""


def notice_text(action: str, agent: str, case: dict) -> str:
    lines = {"take": texts.AGENT_JOINED, "release": texts.AGENT_LEFT, "close": texts.AGENT_CLOSED}[action]
    return texts.for_message(lines, customer_language_sample(case)).format(agent=agent)


async def tell_customer(request: web.Request, conversation: str, text: str, agent: str | None) -> str | None:
    """The line to the customer on their channel, through that channel's relay on the Rasa
    server: "sent" (pushed), "stored" (the app polls for it), None (not delivered)."""
    return await relay(request.app, conversation, text, agent)


async def relay(app: web.Application, conversation: str, text: str, agent: str | None) -> str | None:
    settings = app[CONFIG]
    url = relay_url(settings, conversation)
    if url is None:
        logger.warning("agent console: no relay for the conversation's channel")
        return None
    body: dict[str, Any] = {"conversation_id": conversation, "text": text}
    if agent:
        body["agent"] = agent
    try:
        async with app[CLIENT].post(
            url,
            json=body,
            headers={"Authorization": f"Bearer {settings.agent_relay_token}"},
            timeout=SERVICE_TIMEOUT,
        ) as reply:
            if reply.status != 200:
                logger.warning("agent console: Rasa relay answered %s", reply.status)
                return None
            answer = await reply.json()
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        logger.warning("agent console: Rasa relay unreachable (%s)", type(error).__name__)
        return None
    status = answer.get("status") if isinstance(answer, dict) else None
    return status if status in ("sent", "stored") else None


def tell_queue_moved(app: web.Application, notices: Any) -> None:
    """The account service's queue-moved notices (already stored in each case) to the customers
    still waiting, side by side and in the background: the agent's page does not wait for them,
    and one channel that fails (logged by `relay`) does not hold up the others."""
    wanted = [
        (notice["conversation_id"], notice["text"])
        for notice in (notices if isinstance(notices, list) else [])
        if isinstance(notice, dict)
        and isinstance(notice.get("conversation_id"), str)
        and isinstance(notice.get("text"), str)
    ]
    if not wanted:
        return

    async def tell_all() -> None:
        outcomes = await asyncio.gather(
            *(relay(app, conversation, text, None) for conversation, text in wanted), return_exceptions=True
        )
        missed = sum(1 for outcome in outcomes if outcome not in ("sent", "stored"))
        if missed:
            logger.warning("agent console: %d of %d queue notices not delivered", missed, len(wanted))

    task = asyncio.create_task(tell_all())
    app[BACKGROUND].add(task)
    task.add_done_callback(app[BACKGROUND].discard)


# --- who is asking ---------------------------------------------------------------------------------


async def current_session(request: web.Request, *, activity: bool = True) -> AgentSession | None:
    """The request's live session, or None. `activity=False` for the pages' own automatic
    refreshes, which must not keep an unattended console logged in."""
    if SESSION in request:
        return request[SESSION]
    store = request.app[SESSION_STORE]
    session_id = request.app[COOKIES].session_id(request.cookies.get(COOKIE))
    session = await store.get(session_id) if session_id else None
    if session is not None and not request.app[AGENTS].tag_matches(session.agent, session.credential_tag):
        # The agent's password or TOTP secret changed, or the agent was removed, since this login.
        await store.revoke(session.id)
        session = None
    if session is not None and activity:
        await store.touch(session.id)
    request[SESSION] = session
    return session


async def logged_in(request: web.Request, *, activity: bool = True) -> AgentSession:
    session = await current_session(request, activity=activity)
    if session is None:
        raise web.HTTPSeeOther("/agent/login")
    return session


def same_origin(request: web.Request) -> bool:
    """POSTs only from our own pages (browsers send Origin on POST; a missing one is refused)."""
    origin = request.headers.get("Origin")
    if not origin:
        return False
    return urlsplit(origin).netloc == request.host


async def checked_post(request: web.Request) -> tuple[AgentSession, dict[str, str]]:
    """The session and the form, or a refusal: not logged in, other origin, wrong CSRF token."""
    session = await logged_in(request)
    form = await request.post()
    token = str(form.get("csrf", ""))
    if not same_origin(request) or not hmac.compare_digest(token.encode(), session.csrf_token.encode()):
        raise web.HTTPForbidden(text="This form is out of date or came from another site. Reload the page.")
    return session, {key: str(value) for key, value in form.items()}


def note_text(request: web.Request) -> str:
    return NOTES.get(request.query.get("note", ""), "")


# --- logging in and out ----------------------------------------------------------------------------


def login_page_response(request: web.Request, problem: str = "", status: int = 200) -> web.Response:
    agents = request.app[AGENTS]
    return page(
        request,
        "agent/login.html",
        "Log in",
        status=status,
        problem=problem,
        ask_code=agents.any_code,
        code_required=agents.every_code,
    )


async def login_page(request: web.Request) -> web.Response:
    if not request.app[AGENTS]:
        return page(request, "agent/off.html", "Not set up")
    if await current_session(request):
        raise web.HTTPSeeOther("/agent")
    return login_page_response(request)


def the_client(request: web.Request) -> str:
    settings = request.app[CONFIG]
    return client_address(
        request.remote, request.headers.getall("X-Forwarded-For", []), settings.trusted_proxies
    )


async def login(request: web.Request) -> web.Response:
    agents = request.app[AGENTS]
    if not agents or not same_origin(request):
        raise web.HTTPForbidden(text="Log in from the console's own page.")
    form = await request.post()
    name, password = str(form.get("name", ""))[:40], str(form.get("password", ""))[:200]
    code = str(form.get("code", ""))[:20]
    limiter = request.app[LIMITER]
    # The place is taken before anything is awaited: twenty guesses at once count as twenty.
    reservation = await limiter.reserve((f"address:{the_client(request)}", f"agent:{name}"))
    if not isinstance(reservation, Reservation):
        response = login_page_response(request, "Too many failed attempts. Wait a few minutes.", 429)
        response.headers["Retry-After"] = str(int(reservation))
        return response
    try:
        accepted = await agents.check(name, password, code)
    except BaseException:
        await limiter.failed(reservation)
        raise
    if not accepted:
        await limiter.failed(reservation)
        problem = (
            "That name, password and code do not match."
            if agents.any_code
            else "That name and password do not match."
        )
        return login_page_response(request, problem, 401)
    await limiter.succeeded(reservation)
    store = request.app[SESSION_STORE]
    earlier = await current_session(request, activity=False)
    if earlier is not None:  # a new login never keeps an old session ID alive
        await store.revoke(earlier.id)
    session = await store.create(name, agents.tag(name))
    logger.info("agent console: %s logged in", name)
    response = web.HTTPSeeOther("/agent")
    response.set_cookie(
        COOKIE,
        request.app[COOKIES].value(session),
        max_age=SESSION_S,
        path="/agent",
        httponly=True,
        samesite="Strict",
        secure=request.app[CONFIG].agent_cookie_secure,
    )
    raise response


def logged_out() -> web.HTTPSeeOther:
    response = web.HTTPSeeOther("/agent/login")
    response.del_cookie(COOKIE, path="/agent")
    return response


async def logout(request: web.Request) -> web.Response:
    session, _ = await checked_post(request)
    await request.app[SESSION_STORE].revoke(session.id)
    raise logged_out()


async def logout_everywhere(request: web.Request) -> web.Response:
    """Ends every session of this agent (another browser, a forgotten workstation)."""
    session, _ = await checked_post(request)
    ended = await request.app[SESSION_STORE].revoke_all_for_agent(session.agent)
    logger.info("agent console: %s ended all %d of their sessions", session.agent, ended)
    raise logged_out()


# --- pages -----------------------------------------------------------------------------------------


async def queue_page(request: web.Request) -> web.Response:
    automatic = request.query.get("refresh") == "1"
    session = await logged_in(request, activity=not automatic)
    refresh = "/agent?refresh=1"
    status, cases = await service(request, "GET", "/handoffs")
    if status != 200 or not isinstance(cases, list):
        return page(
            request,
            "agent/queue.html",
            "Queue",
            refresh_url=refresh,
            cases=None,
            unavailable=NOTES["unavailable"],
        )
    shown = []
    for case in cases:
        mine = case["status"] == "with_agent" and case["agent"] == session.agent
        state = f"with {case['agent']}" if case["status"] == "with_agent" else STATES.get(case["status"])
        shown.append(
            {
                "reference": case["reference"],
                "topic": case["topic"],
                "state": state or case["status"],
                "waited": waited(int(case["waiting_seconds"])),
                "verified": bool(case.get("verified_customer")),
                "lines": transcript_lines(case.get("transcript", []), case.get("messages", []), limit=6),
                "can_take": case["status"] in ("waiting", "message_left"),
                "mine": mine,
            }
        )
    return page(
        request,
        "agent/queue.html",
        "Queue",
        refresh_url=refresh,
        cases=shown,
        agent=session.agent,
        operator=request.app[AGENTS].is_operator(session.agent),
        csrf=session.csrf_token,
        note_text=note_text(request),
    )


async def case_page(request: web.Request) -> web.Response:
    session = await logged_in(request)
    reference = request.match_info["reference"]
    status, case = await service(request, "GET", f"/handoffs/{reference}")
    if status != 200 or not isinstance(case, dict):
        raise web.HTTPNotFound(text="No such conversation.")
    shown = {
        "reference": case["reference"],
        "topic": case["topic"],
        "status": case["status"],
        "status_text": str(case["status"]).replace("_", " "),
        "waited": waited(int(case["waiting_seconds"])),
        "last_id": max([int(m["id"]) for m in case["messages"]] or [0]),
        "lines": transcript_lines(case["transcript"], case["messages"]),
        "mine": case["status"] == "with_agent" and case["agent"] == session.agent,
    }
    return page(
        request,
        "agent/case.html",
        str(case["reference"]),
        script=True,
        case=shown,
        csrf=session.csrf_token,
        note_text=note_text(request),
        max_reply=MAX_REPLY,
    )


async def case_messages(request: web.Request) -> web.Response:
    """New messages for the open conversation page (console.js polls this; not activity)."""
    if await current_session(request, activity=False) is None:
        return web.json_response({"error": "unauthorized"}, status=401)
    reference = request.match_info["reference"]
    after = request.query.get("after", "0")
    after = after if after.isdigit() else "0"
    status, body = await service(request, "GET", f"/handoffs/{reference}/messages?after={after}")
    if status != 200:
        return web.json_response({"error": "unavailable"}, status=502)
    return web.json_response(body, headers={"Cache-Control": "no-store"})


async def act(request: web.Request) -> web.Response:
    session, form = await checked_post(request)
    agent = session.agent
    reference, action = request.match_info["reference"], request.match_info["action"]
    if action == "reply":
        text = form.get("text", "").strip()
        if not 0 < len(text) <= MAX_REPLY:
            raise web.HTTPSeeOther(f"/agent/cases/{reference}?note=empty")
        status, body = await service(
            request,
            "POST",
            f"/handoffs/{reference}/messages",
            {"from": "agent", "agent": agent, "text": text},
        )
        if status != 201:
            raise web.HTTPSeeOther(f"/agent/cases/{reference}?note={'conflict' if status else 'unavailable'}")
        delivered = await tell_customer(request, body["conversation_id"], text, agent)
        raise web.HTTPSeeOther(f"/agent/cases/{reference}?note={delivered or 'not_delivered'}")
    status, body = await service(request, "POST", f"/handoffs/{reference}/{action}", {"agent": agent})
    back = "/agent" if action != "take" else f"/agent/cases/{reference}"
    if status != 200:
        raise web.HTTPSeeOther(f"/agent?note={'conflict' if status else 'unavailable'}")
    conversation = body["conversation_id"]
    told = notice_text(action, agent, body)
    # Kept in the case (the agent sees what the customer was told; polling apps collect it).
    await service(request, "POST", f"/handoffs/{reference}/messages", {"from": "assistant", "text": told})
    delivered = await tell_customer(request, conversation, told, None)
    tell_queue_moved(request.app, body.get("queue_moved"))
    done = {"take": "taken", "release": "released", "close": "closed"}[action]
    raise web.HTTPSeeOther(f"{back}?note={done if delivered else 'not_delivered'}")


async def asset(request: web.Request) -> web.FileResponse:
    name = request.match_info["name"]
    if name not in ("console.css", "console.js"):
        raise web.HTTPNotFound()
    return web.FileResponse(ASSETS / name, headers={"Cache-Control": "no-cache"})


async def client_session(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession() as session:
        app[CLIENT] = session
        yield


@web.middleware
async def shared_state_unavailable(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        return await handler(request)
    except agent_redis.SharedStateUnavailable as error:
        logger.warning("agent console: Redis is not answering (%s): 503", error)
        return web.Response(
            status=503,
            text="The agent console cannot check sessions right now. Try again in a moment.",
            headers={"Retry-After": "5", "Cache-Control": "no-store"},
        )


async def close_redis(app: web.Application) -> AsyncIterator[None]:
    yield
    client: Any = app[REDIS]
    await client.close()


def add_console(app: web.Application, settings: Settings, store: SessionStore | None = None) -> None:
    """The console's routes; `store` is where sessions live (Redis with REDIS_URL, else this
    process's memory, unless given)."""
    keys = (*settings.agent_session_previous_secrets, settings.agent_session_secret)
    app[CONFIG] = settings
    if settings.redis_url:
        app[REDIS] = agent_redis.connect(settings.redis_url)
        app.cleanup_ctx.append(close_redis)
        app.middlewares.append(shared_state_unavailable)
        code_steps = agent_redis.RedisCodeSteps(app[REDIS])
        app[LIMITER] = agent_redis.RedisLoginLimiter(app[REDIS])
        app[SESSION_STORE] = store or agent_redis.RedisSessionStore(app[REDIS])
    else:
        code_steps = None
        app[LIMITER] = LoginLimiter()
        app[SESSION_STORE] = store or MemorySessionStore()
    app[AGENTS] = Agents(
        (*settings.agent_users, *settings.operator_users),
        {**(settings.agent_totp_secrets or {}), **(settings.operator_totp_secrets or {})},
        operators=[name for name, _ in settings.operator_users],
        tag_keys=keys,
        code_steps=code_steps,
    )
    app[BACKGROUND] = set()
    app[COOKIES] = SessionCookies(settings.agent_session_secret, settings.agent_session_previous_secrets)
    app.cleanup_ctx.append(client_session)
    from web.agent_insights import add_insights  # they import this module's helpers
    from web.agent_operators import add_operator_routes

    add_insights(app, settings.analytics_db_url or default_analytics_db_url())
    add_operator_routes(app)
    app.router.add_get("/agent", queue_page)
    app.router.add_get("/agent/login", login_page)
    app.router.add_post("/agent/login", login)
    app.router.add_post("/agent/logout", logout)
    app.router.add_post("/agent/logout-everywhere", logout_everywhere)
    app.router.add_get("/agent/assets/{name}", asset)
    app.router.add_get(r"/agent/cases/{reference:HO-[A-Z0-9]{1,16}}", case_page)
    app.router.add_get(r"/agent/cases/{reference:HO-[A-Z0-9]{1,16}}/messages", case_messages)
    app.router.add_post(r"/agent/cases/{reference:HO-[A-Z0-9]{1,16}}/{action:take|reply|release|close}", act)
