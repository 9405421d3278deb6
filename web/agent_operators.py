"""The operators' page of the agent console (/agent/operator): the agents, whether each has a
live session, and a button that ends all of an agent's sessions (a lost laptop, someone who
left the team).

Operators (OPERATOR_USERS) log in like agents and see everything agents see; only they reach
this page. Anyone else who is logged in gets 403, for the page and for the form alike; ending
sessions is a POST with the session's CSRF token from this origin (agent_console.checked_post).
The sessions end in whichever store holds them (this process's memory, or Redis shared by
every website replica), so the agent is logged out on every replica at once.
"""

from __future__ import annotations

import logging

from aiohttp import web

from web.agent_console import AGENTS, SESSION_STORE, checked_post, logged_in, note_text, page
from web.agent_sessions import AgentSession

logger = logging.getLogger("web.agent")

NOT_AN_OPERATOR = "Only operators can see this page."


def require_operator(request: web.Request, session: AgentSession) -> None:
    if not request.app[AGENTS].is_operator(session.agent):
        raise web.HTTPForbidden(text=NOT_AN_OPERATOR)


async def operator_page(request: web.Request) -> web.Response:
    session = await logged_in(request)
    require_operator(request, session)
    store = request.app[SESSION_STORE]
    agents = [
        {"name": name, "live": await store.live_sessions(name)} for name in request.app[AGENTS].agent_names
    ]
    return page(
        request,
        "agent/operator.html",
        "Agents",
        agent=session.agent,
        agents=agents,
        csrf=session.csrf_token,
        note_text=note_text(request),
    )


async def end_sessions(request: web.Request) -> web.Response:
    session, _ = await checked_post(request)
    require_operator(request, session)
    name = request.match_info["name"]
    if name not in request.app[AGENTS].agent_names:  # operators' sessions are not ended here
        raise web.HTTPNotFound(text="No such agent.")
    ended = await request.app[SESSION_STORE].revoke_all_for_agent(name)
    logger.info("agent console: operator %s ended %d session(s) of agent %s", session.agent, ended, name)
    raise web.HTTPSeeOther("/agent/operator?note=sessions_ended")


def add_operator_routes(app: web.Application) -> None:
    app.router.add_get("/agent/operator", operator_page)
    app.router.add_post(r"/agent/operator/agents/{name:[A-Za-z0-9.-]{1,40}}/end-sessions", end_sessions)
