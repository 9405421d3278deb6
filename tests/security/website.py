"""The real website (`python -m web.server`) as a process, in production mode, with the account
service and Rasa's relay replaced by one small stand-in that records who called it.

Every test talks to the website from its own loopback address (127.0.0.N: Linux routes the whole
127/8 to lo), so the login limits of one test never touch another. 127.0.0.1 itself is the
"load balancer": it is in TRUSTED_PROXIES, so what it sends in X-Forwarded-For counts.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import itsdangerous
import pyotp
from aiohttp import web

from tests.conftest import free_port, start, stop, wait_until_healthy
from web.agent_sessions import COOKIE_SALT

SESSION_SECRET = "new-session-secret-" + "n" * 24
PREVIOUS_SECRET = "previous-session-secret-" + "p" * 20
RETIRED_SECRET = "retired-session-secret-" + "r" * 20
SERVICE_TOKEN = "agent-service-token-" + "s" * 20
RELAY_TOKEN = "agent-relay-token-" + "t" * 22
AGENTS = {
    name: f"{name}-password-long-enough" for name in ("ana", "ben", "cai", "dee", "eve", "fay", "gus", "hal")
}
# Operators (OPERATOR_USERS): everything agents see, plus the agents' list and their sessions.
OPERATORS = {name: f"{name}-operator-password-long" for name in ("olu", "oma", "oto")}
TOTP = {name: pyotp.random_base32() for name in (*AGENTS, *OPERATORS)}
# What a customer wrote, as an attacker would write it.
INJECTION = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
CASE = {
    "reference": "HO-INJECT1",
    "topic": "<b>cards</b>",
    "status": "waiting",
    "agent": None,
    "waiting_seconds": 42,
    "verified_customer": False,
    "conversation_id": "socketio:" + "a" * 32,
    "transcript": [{"from": "customer", "text": INJECTION}],
    "messages": [{"id": 1, "from": "customer", "agent": None, "text": "</li></ol><form action=//evil>"}],
}


def environment(**overrides: str) -> dict[str, str]:
    """The calling environment without any of the website's own variables, plus these."""
    own = (
        "DEMO_MODE",
        "AGENT_",
        "OPERATOR_USERS",
        "OPERATOR_TOTP_SECRETS",
        "TRUSTED_PROXIES",
        "ACCOUNT_SERVICE",
        "RASA_",
        "WEB_",
        "ISSUER_CONFIG",
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(own)}
    return {**env, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), **overrides}


@dataclass
class StandIn:
    """The account service's /handoffs routes and Rasa's agent relay; keeps each call's
    path and bearer token."""

    port: int
    calls: list[tuple[str, str]] = field(default_factory=list)

    def app(self) -> web.Application:
        async def record(request: web.Request) -> web.Response:
            self.calls.append((request.path, request.headers.get("Authorization", "")))
            if request.path == "/handoffs":
                return web.json_response([CASE])
            if request.path == f"/handoffs/{CASE['reference']}":
                return web.json_response(CASE)
            if request.path.endswith("/take"):
                return web.json_response({"conversation_id": CASE["conversation_id"]})
            if request.path == "/webhooks/socketio/agent_message":
                return web.json_response({"status": "sent"})
            return web.json_response({"error": "not_found"}, status=404)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", record)
        return app

    @contextmanager
    def running(self) -> Iterator[StandIn]:
        loop = asyncio.new_event_loop()
        runner = web.AppRunner(self.app())
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.run_until_complete(runner.cleanup())
            loop.close()


@dataclass
class Website:
    url: str
    standin: StandIn
    log: Path


@contextmanager
def running_website(tmp_path: Path) -> Iterator[Website]:
    standin = StandIn(free_port())
    port = free_port()
    upstream = f"http://127.0.0.1:{standin.port}"
    env = environment(
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(port),
        RASA_URL=upstream,
        ACCOUNT_SERVICE_URL=upstream,
        AGENT_USERS=",".join(f"{name}:{password}" for name, password in AGENTS.items()),
        AGENT_TOTP_SECRETS=",".join(f"{name}:{TOTP[name]}" for name in AGENTS),
        OPERATOR_USERS=",".join(f"{name}:{password}" for name, password in OPERATORS.items()),
        OPERATOR_TOTP_SECRETS=",".join(f"{name}:{TOTP[name]}" for name in OPERATORS),
        AGENT_SESSION_SECRET=SESSION_SECRET,
        AGENT_SESSION_PREVIOUS_SECRETS=PREVIOUS_SECRET,
        AGENT_SERVICE_TOKEN=SERVICE_TOKEN,
        AGENT_RELAY_TOKEN=RELAY_TOKEN,
        AGENT_COOKIE_SECURE="0",  # plain HTTP on loopback in the test
        TRUSTED_PROXIES="127.0.0.1",
    )
    log = tmp_path / "web.log"
    with standin.running():
        process = start([sys.executable, "-m", "web.server"], env, log)
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}/health", process, 30, log)
            yield Website(f"http://127.0.0.1:{port}", standin, log)
        finally:
            stop(process)


def code(name: str, offset: int = 0) -> str:
    """An agent's or operator's app code now (offset: steps of 30 s later or earlier, as a
    drifting clock)."""
    totp = pyotp.TOTP(TOTP[name])
    return totp.generate_otp(totp.timecode(time.time()) + offset)


def browser(address: str) -> aiohttp.ClientSession:
    """A client on its own loopback address, keeping no cookies of its own (tests pass them)."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(local_addr=(address, 0)), cookie_jar=aiohttp.DummyCookieJar()
    )


def cookie_of(response: aiohttp.ClientResponse) -> str:
    match = re.search(r"agent_session=([^;]+)", response.headers.get("Set-Cookie", ""))
    assert match, response.headers
    return match.group(1)


class _Signer(itsdangerous.TimestampSigner):
    signed_at: int | None = None

    def get_timestamp(self) -> int:
        return self.signed_at if self.signed_at is not None else super().get_timestamp()


def signer(*keys: str, signed_at: int | None = None) -> itsdangerous.TimestampSigner:
    """Signs as the website does (the last key signs), at `signed_at` if given."""
    made = _Signer(list(keys), salt=COOKIE_SALT, key_derivation="hmac", digest_method=hashlib.sha256)
    made.signed_at = signed_at
    return made
