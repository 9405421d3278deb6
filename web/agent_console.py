"""The agent console (/agent): agents log in, see the waiting conversations, take one, reply,
hand it back to the assistant or close it.

- Agents come from AGENT_USERS ("name:password,…"); only a salted PBKDF2 hash of each password
  is kept in memory, and a login is checked in constant time (unknown names too). Demo mode
  without AGENT_USERS has one demo agent: agent / demo-agent-password.
- A session is a signed cookie (HMAC-SHA256, 8 hours): HttpOnly, SameSite=Strict, path /agent.
- Every POST carries a CSRF token bound to the session and must come from this origin.
- Failed logins are limited per client address (5 per 5 minutes).
- Everything shown is escaped text: a customer's message can never become HTML.
- The account service is the system of record (the queue, messages, audit); Rasa's socket.io
  channel gets the agent's lines for the customer's widget (POST /webhooks/socketio/agent_message).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import html
import logging
import secrets
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from web.settings import Settings

logger = logging.getLogger("web.agent")

ASSETS = Path(__file__).resolve().parent / "agent_assets"
COOKIE = "agent_session"
SESSION_S = 8 * 3600
PBKDF2_ROUNDS = 200_000
MAX_FAILURES, FAILURE_WINDOW_S = 5, 300
MAX_REPLY = 2000
SERVICE_TIMEOUT = aiohttp.ClientTimeout(total=5)
NOTES = {
    "taken": "You have this conversation. The customer was told you joined.",
    "sent": "Sent.",
    "released": "Handed back to the assistant.",
    "closed": "Closed.",
    "not_delivered": "Saved in the case, but the customer's chat could not be reached right now.",
    "conflict": "That is not possible any more (another agent, or the conversation ended).",
    "unavailable": "The account service is not answering. Try again in a moment.",
    "empty": "Write a reply first (at most 2000 characters).",
}


class Agents:
    """Who may log in: name → (salt, PBKDF2 hash). Passwords themselves are not kept."""

    def __init__(self, users: tuple[tuple[str, str], ...]) -> None:
        self._users = {name: self._hash(password, secrets.token_bytes(16)) for name, password in users}
        self._dummy = self._hash(secrets.token_hex(16), secrets.token_bytes(16))
        self._failures: dict[str, list[float]] = {}

    @staticmethod
    def _hash(password: str, salt: bytes) -> tuple[bytes, bytes]:
        return salt, hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ROUNDS)

    def __bool__(self) -> bool:
        return bool(self._users)

    def limited(self, client: str) -> bool:
        now = time.monotonic()
        recent = [at for at in self._failures.get(client, []) if now - at < FAILURE_WINDOW_S]
        self._failures[client] = recent
        return len(recent) >= MAX_FAILURES

    async def check(self, client: str, name: str, password: str) -> bool:
        # Unknown names are hashed too (against a dummy), so timing does not tell names apart.
        salt, expected = self._users.get(name, self._dummy)
        computed = (await asyncio.to_thread(self._hash, password, salt))[1]
        matches = hmac.compare_digest(computed, expected) and name in self._users
        if not matches:
            self._failures.setdefault(client, []).append(time.monotonic())
        return matches


class Sessions:
    def __init__(self, secret: str) -> None:
        self._key = secret.encode()

    def _sign(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()

    def issue(self, name: str) -> str:
        value = f"{base64.urlsafe_b64encode(name.encode()).decode()}.{int(time.time()) + SESSION_S}"
        return f"{value}.{self._sign(value)}"

    def agent(self, cookie: str | None) -> str | None:
        if not cookie or cookie.count(".") != 2:
            return None
        encoded, expires, signature = cookie.split(".")
        if not hmac.compare_digest(self._sign(f"{encoded}.{expires}"), signature):
            return None
        if not expires.isdigit() or int(expires) < time.time():
            return None
        try:
            return base64.urlsafe_b64decode(encoded.encode()).decode()
        except (ValueError, UnicodeDecodeError):
            return None

    def csrf(self, cookie: str) -> str:
        return self._sign(f"csrf:{cookie}")[:40]


AGENTS = web.AppKey("agents", Agents)
SESSIONS = web.AppKey("sessions", Sessions)
# Its own keys (not web.server's): `python -m web.server` runs that module as __main__.
CONFIG = web.AppKey("agent_console_settings", Settings)
CLIENT = web.AppKey("agent_console_client", aiohttp.ClientSession)


def e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def page(title: str, body: str, *, refresh_s: int | None = None, script: bool = False) -> web.Response:
    refresh = f'<meta http-equiv="refresh" content="{refresh_s}">' if refresh_s else ""
    scripts = '<script src="/agent/assets/console.js" defer></script>' if script else ""
    document = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} – Agent console</title>
<link rel="stylesheet" href="/agent/assets/console.css">
{refresh}{scripts}
</head>
<body>
<header class="top"><strong>Agent console</strong>
<span class="demo-note">live chat with customers</span></header>
<main>
{body}
</main>
</body>
</html>"""
    response = web.Response(text=document, content_type="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def waited(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


# --- requests to the account service and to Rasa ---------------------------------------------------


async def service(request: web.Request, method: str, path: str, body: dict | None = None) -> tuple[int, Any]:
    settings = request.app[CONFIG]
    try:
        async with request.app[CLIENT].request(
            method,
            f"{settings.account_service_url}{path}",
            json=body,
            headers={"Authorization": f"Bearer {settings.account_service_token}"},
            timeout=SERVICE_TIMEOUT,
        ) as reply:
            return reply.status, await reply.json()
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        logger.warning("agent console: account service unreachable (%s)", type(error).__name__)
        return 0, None


async def tell_customer(request: web.Request, conversation: str, text: str, agent: str | None) -> bool:
    """The line in the customer's widget, through Rasa's socket.io channel."""
    settings = request.app[CONFIG]
    body: dict[str, Any] = {"conversation_id": conversation, "text": text}
    if agent:
        body["agent"] = agent
    try:
        async with request.app[CLIENT].post(
            f"{settings.rasa_internal_url}/webhooks/socketio/agent_message",
            json=body,
            headers={"Authorization": f"Bearer {settings.agent_relay_token}"},
            timeout=SERVICE_TIMEOUT,
        ) as reply:
            if reply.status != 200:
                logger.warning("agent console: Rasa relay answered %s", reply.status)
            return reply.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        logger.warning("agent console: Rasa relay unreachable (%s)", type(error).__name__)
        return False


# --- who is asking ---------------------------------------------------------------------------------


def current_agent(request: web.Request) -> str | None:
    return request.app[SESSIONS].agent(request.cookies.get(COOKIE))


def same_origin(request: web.Request) -> bool:
    """POSTs only from our own pages (browsers send Origin on POST; a missing one is refused)."""
    origin = request.headers.get("Origin")
    if not origin:
        return False
    return urlsplit(origin).netloc == request.host


def csrf_field(request: web.Request) -> str:
    token = request.app[SESSIONS].csrf(request.cookies.get(COOKIE, ""))
    return f'<input type="hidden" name="csrf" value="{e(token)}">'


async def checked_post(request: web.Request) -> tuple[str, dict[str, str]]:
    """The agent and the form, or a refusal: not logged in, other origin, wrong CSRF token."""
    agent = current_agent(request)
    if agent is None:
        raise web.HTTPSeeOther("/agent/login")
    form = await request.post()
    token = request.app[SESSIONS].csrf(request.cookies.get(COOKIE, ""))
    if not same_origin(request) or not hmac.compare_digest(str(form.get("csrf", "")), token):
        raise web.HTTPForbidden(text="This form is out of date or came from another site. Reload the page.")
    return agent, {key: str(value) for key, value in form.items()}


def note(request: web.Request) -> str:
    text = NOTES.get(request.query.get("note", ""))
    return f'<p class="note" role="status">{e(text)}</p>' if text else ""


# --- pages -----------------------------------------------------------------------------------------


def login_form(message: str = "") -> str:
    problem = f'<p class="problem" role="alert">{e(message)}</p>' if message else ""
    return f"""<h1>Log in</h1>
{problem}
<form method="post" action="/agent/login" class="login">
<label for="name">Agent name</label>
<input id="name" name="name" autocomplete="username" required maxlength="40">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200">
<button type="submit">Log in</button>
</form>"""


async def login_page(request: web.Request) -> web.Response:
    if not request.app[AGENTS]:
        return page("Not set up", "<h1>The agent console is off</h1><p>Set AGENT_USERS to switch it on.</p>")
    if current_agent(request):
        raise web.HTTPSeeOther("/agent")
    return page("Log in", login_form())


async def login(request: web.Request) -> web.Response:
    agents = request.app[AGENTS]
    client = request.remote or "?"
    if not agents or not same_origin(request):
        raise web.HTTPForbidden(text="Log in from the console's own page.")
    if agents.limited(client):
        response = page("Log in", login_form("Too many failed attempts. Wait a few minutes."))
        response.set_status(429)
        return response
    form = await request.post()
    name, password = str(form.get("name", ""))[:40], str(form.get("password", ""))[:200]
    if not await agents.check(client, name, password):
        response = page("Log in", login_form("That name and password do not match."))
        response.set_status(401)
        return response
    response = web.HTTPSeeOther("/agent")
    response.set_cookie(
        COOKIE,
        request.app[SESSIONS].issue(name),
        max_age=SESSION_S,
        path="/agent",
        httponly=True,
        samesite="Strict",
        secure=request.app[CONFIG].agent_cookie_secure,
    )
    raise response


async def logout(request: web.Request) -> web.Response:
    await checked_post(request)
    response = web.HTTPSeeOther("/agent/login")
    response.del_cookie(COOKIE, path="/agent")
    raise response


def transcript_html(lines: list[dict], messages: list[dict], limit: int | None = None) -> str:
    items = [(line.get("from", ""), "", line.get("text", "")) for line in lines]
    items += [(m.get("from", ""), m.get("agent") or "", m.get("text", "")) for m in messages]
    if limit is not None:
        items = items[-limit:]
    who = {"customer": "Customer", "assistant": "Assistant", "agent": "Agent"}
    rendered = "".join(
        f'<li class="line from-{e(sender)}"><span class="who">{e(agent or who.get(sender, sender))}</span> '
        f'<span class="text">{e(text)}</span></li>'
        for sender, agent, text in items
    )
    return f'<ol class="transcript">{rendered}</ol>'


async def queue_page(request: web.Request) -> web.Response:
    agent = current_agent(request)
    if agent is None:
        raise web.HTTPSeeOther("/agent/login")
    status, cases = await service(request, "GET", "/handoffs")
    if status != 200 or not isinstance(cases, list):
        body = f"<h1>Waiting conversations</h1>{e(NOTES['unavailable'])}"
        return page("Queue", body, refresh_s=5)
    rows = []
    for case in cases:
        reference = e(case["reference"])
        state = {
            "waiting": "in the queue",
            "message_left": "left a message",
            "with_agent": f"with {case['agent']}",
        }
        take = (
            f'<form method="post" action="/agent/cases/{reference}/take">{csrf_field(request)}'
            f'<button type="submit">Take {reference}</button></form>'
            if case["status"] in ("waiting", "message_left")
            else ""
        )
        mine = case["status"] == "with_agent" and case["agent"] == agent
        open_link = f'<a href="/agent/cases/{reference}">Open {reference}</a>' if mine else ""
        rows.append(
            f'<article class="case" aria-label="Conversation {reference}">'
            f'<h2>{reference} <span class="topic">{e(case["topic"])}</span></h2>'
            f'<p class="meta"><span class="status">{e(state.get(case["status"], case["status"]))}</span> · '
            f'<span class="waited">waiting {e(waited(int(case["waiting_seconds"])))}</span>'
            f"{' · verified customer' if case.get('verified_customer') else ''}</p>"
            f"{transcript_html(case.get('transcript', []), case.get('messages', []), limit=6)}"
            f'<div class="actions">{take}{open_link}</div></article>'
        )
    listing = "".join(rows) or '<p class="empty">No one is waiting. This page refreshes by itself.</p>'
    body = (
        f'<div class="bar"><span>Logged in as <strong>{e(agent)}</strong></span>'
        f'<form method="post" action="/agent/logout">{csrf_field(request)}'
        f'<button type="submit">Log out</button></form></div>'
        f"{note(request)}<h1>Waiting conversations ({len(cases)})</h1>{listing}"
    )
    return page("Queue", body, refresh_s=5)


async def case_page(request: web.Request) -> web.Response:
    agent = current_agent(request)
    if agent is None:
        raise web.HTTPSeeOther("/agent/login")
    reference = request.match_info["reference"]
    status, case = await service(request, "GET", f"/handoffs/{reference}")
    if status != 200:
        raise web.HTTPNotFound(text="No such conversation.")
    ref = e(case["reference"])
    last_id = max([m["id"] for m in case["messages"]] or [0])
    mine = case["status"] == "with_agent" and case["agent"] == agent
    controls = (
        f'<form method="post" action="/agent/cases/{ref}/reply" class="reply">{csrf_field(request)}'
        f'<label for="reply">Reply to the customer</label>'
        f'<textarea id="reply" name="text" rows="3" maxlength="{MAX_REPLY}" required></textarea>'
        f'<button type="submit">Send</button></form>'
        f'<div class="actions"><form method="post" action="/agent/cases/{ref}/release">{csrf_field(request)}'
        f'<button type="submit">Hand back to the assistant</button></form>'
        f'<form method="post" action="/agent/cases/{ref}/close">{csrf_field(request)}'
        f'<button type="submit">Close</button></form></div>'
        if mine
        else f'<p class="status">This conversation is {e(case["status"].replace("_", " "))}.</p>'
    )
    body = (
        f'<p><a href="/agent">← All waiting conversations</a></p>{note(request)}'
        f'<h1>{ref} <span class="topic">{e(case["topic"])}</span></h1>'
        f'<p class="meta">waited {e(waited(int(case["waiting_seconds"])))} · '
        f'{e(case["status"].replace("_", " "))}</p>'
        f'<section aria-label="Conversation" id="conversation" data-reference="{ref}" data-after="{last_id}" '
        f'data-status="{e(case["status"])}">'
        f"{transcript_html(case['transcript'], case['messages'])}</section>{controls}"
    )
    return page(case["reference"], body, script=True)


async def case_messages(request: web.Request) -> web.Response:
    """New messages for the open conversation page (console.js polls this)."""
    if current_agent(request) is None:
        return web.json_response({"error": "unauthorized"}, status=401)
    reference = request.match_info["reference"]
    after = request.query.get("after", "0")
    after = after if after.isdigit() else "0"
    status, body = await service(request, "GET", f"/handoffs/{reference}/messages?after={after}")
    if status != 200:
        return web.json_response({"error": "unavailable"}, status=502)
    return web.json_response(body, headers={"Cache-Control": "no-store"})


async def act(request: web.Request) -> web.Response:
    agent, form = await checked_post(request)
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
        raise web.HTTPSeeOther(f"/agent/cases/{reference}?note={'sent' if delivered else 'not_delivered'}")
    status, body = await service(request, "POST", f"/handoffs/{reference}/{action}", {"agent": agent})
    back = "/agent" if action != "take" else f"/agent/cases/{reference}"
    if status != 200:
        raise web.HTTPSeeOther(f"/agent?note={'conflict' if status else 'unavailable'}")
    conversation = body["conversation_id"]
    told = {
        "take": f"{agent} from the team has joined the chat.",
        "release": "You're back with the assistant. Ask me anything.",
        "close": f"{agent} closed this conversation. You're back with the assistant.",
    }[action]
    delivered = await tell_customer(request, conversation, told, None)
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


def add_console(app: web.Application, settings: Settings) -> None:
    app[CONFIG] = settings
    app[AGENTS] = Agents(settings.agent_users)
    app[SESSIONS] = Sessions(settings.agent_session_secret or secrets.token_hex(32))
    app.cleanup_ctx.append(client_session)
    app.router.add_get("/agent", queue_page)
    app.router.add_get("/agent/login", login_page)
    app.router.add_post("/agent/login", login)
    app.router.add_post("/agent/logout", logout)
    app.router.add_get("/agent/assets/{name}", asset)
    app.router.add_get(r"/agent/cases/{reference:HO-[A-Z0-9]{1,16}}", case_page)
    app.router.add_get(r"/agent/cases/{reference:HO-[A-Z0-9]{1,16}}/messages", case_messages)
    app.router.add_post(r"/agent/cases/{reference:HO-[A-Z0-9]{1,16}}/{action:take|reply|release|close}", act)
