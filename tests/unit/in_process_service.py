"""The real account service, in this process, for the dialogue tests.

The aiohttp app from `account_service.app.create_app` runs on a free port (aiohttp's TestServer)
over a fresh copy of a SQLite file seeded once per run with the demo customers, in demo mode
(so the outbox and the demo clock exist) with secrets made for the run, one per caller. The
action server's settings point at it with the actions' own token, so the actions reach it
exactly as they do in production: through common/account_client.py, over HTTP.

Two things are added in front of the app, as its outermost middleware:
- every call the actions make is recorded (method, path, query, JSON body, status), so a test
  can say "no payment was attempted", not only "none exists";
- a call can be made to fail (`service.fail("POST", "/me/payments", 500)`, or `"down"`: the
  connection drops without an answer), which is how the failure handling is tested.

Checks after a dialogue go through the service's own API (`service.cards(chat.sender)`,
`service.payments(chat.sender)`, the outbox); those calls are not recorded.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import shutil
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from aiohttp.typedefs import Handler

from account_service import routes as service_routes
from account_service.app import create_app
from account_service.clock import Clock
from account_service.database import Database
from account_service.endpoints import Endpoint
from account_service.openapi import openapi_document
from account_service.seed import seed_if_empty
from account_service.settings import Settings
from common.account_client import close_shared_session

if TYPE_CHECKING:
    from tests.unit.dialogue import Dialogue

# Secrets made for this run (never the public demo values): one token per caller, all different.
TEST_SECRETS = {
    "ACCOUNT_SERVICE_TOKEN": f"unit-actions-{secrets.token_hex(16)}",
    "CHANNELS_SERVICE_TOKEN": f"unit-channels-{secrets.token_hex(16)}",
    "AGENT_SERVICE_TOKEN": f"unit-agents-{secrets.token_hex(16)}",
    "ACCOUNT_SERVICE_SECRET": f"unit-secret-{secrets.token_hex(16)}",
    "ACTION_SERVER_TOKEN": f"unit-action-server-{secrets.token_hex(16)}",
}
ACTIONS_TOKEN = TEST_SECRETS["ACCOUNT_SERVICE_TOKEN"]
CODE_IN_TEXT = re.compile(r"\b(\d{6}) is your")
# Marks the tests' own checks, which the call record leaves out.
CHECK_HEADER = "X-Dialogue-Test-Check"


@dataclass(frozen=True)
class Call:
    """One request the actions made, and the status it got (0: none, the connection dropped)."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    status: int
    token_was_actions: bool


@dataclass
class Fault:
    method: str
    path: str  # a prefix of the request's path
    answer: int | str  # a status to answer with, or "down"
    body: Any = None


@dataclass
class InProcessService:
    url: str
    check: aiohttp.ClientSession
    calls: list[Call] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)

    # --- what the actions did ---------------------------------------------------------------------
    def called(self, method: str, path: str) -> list[Call]:
        """The calls to this route, by method and path prefix."""
        return [call for call in self.calls if call.method == method and call.path.startswith(path)]

    def changes(self) -> list[Call]:
        """Every call that asked for a change on the customer's account."""
        return [
            call
            for call in self.calls
            if call.method in ("POST", "PUT", "PATCH", "DELETE")
            and call.path.startswith("/me/")
            and "/statements/" not in call.path  # a download link changes nothing
        ]

    # --- failures ---------------------------------------------------------------------------------
    def fail(self, method: str, path: str, answer: int | str, body: Any = None) -> None:
        """From now on this route answers `answer` (a status, with `body` or an error body of its
        own), or with nothing at all ("down")."""
        self.faults.append(Fault(method, path, answer, body))

    def heal(self) -> None:
        self.faults.clear()

    def _fault_for(self, request: web.Request) -> Fault | None:
        return next(
            (
                fault
                for fault in self.faults
                if fault.method == request.method and request.path.startswith(fault.path)
            ),
            None,
        )

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.headers.get(CHECK_HEADER):
            return await handler(request)
        raw = await request.read() if request.can_read_body else b""
        status = 0
        try:
            fault = self._fault_for(request)
            if fault is not None and fault.answer == "down":
                # As if the service died mid-call: the connection closes without an answer.
                if request.transport is not None:
                    request.transport.close()
                raise web.HTTPServiceUnavailable()
            if fault is not None:
                status = int(fault.answer)
                return web.json_response(fault.body or {"error": "injected"}, status=status)
            response = await handler(request)
            status = response.status
            return response
        finally:
            self.calls.append(
                Call(
                    method=request.method,
                    path=request.path,
                    query=dict(request.query),
                    json=json.loads(raw) if raw else None,
                    status=status,
                    token_was_actions=request.headers.get("Authorization") == f"Bearer {ACTIONS_TOKEN}",
                )
            )

    # --- the service's API, for checks ------------------------------------------------------------
    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        token: str | None = ACTIONS_TOKEN,
    ) -> tuple[int, Any]:
        headers = {CHECK_HEADER: "1"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        async with self.check.request(
            method, self.url + path, json=json, params=params, headers=headers
        ) as reply:
            body = await reply.json() if reply.content_type == "application/json" else await reply.read()
            return reply.status, body

    async def me(self, conversation: str, path: str, **params: str) -> Any:
        """GET /me/… for the customer verified in this conversation."""
        status, body = await self.call(
            "GET", f"/me{path}", params={"conversation_id": conversation, **params}
        )
        assert status == 200, (path, status, body)
        return body

    async def cards(self, conversation: str) -> dict[str, dict[str, Any]]:
        return {card["last_four"]: card for card in (await self.me(conversation, "/cards"))["cards"]}

    async def accounts(self, conversation: str) -> dict[str, dict[str, Any]]:
        body = await self.me(conversation, "/accounts")
        return {account["card_last_four"]: account for account in body["accounts"]}

    async def payments(self, conversation: str) -> list[dict[str, Any]]:
        return (await self.me(conversation, "/payments"))["payments"]

    async def session(self, conversation: str) -> dict[str, Any] | None:
        status, body = await self.call("GET", f"/sessions/{conversation}")
        return body if status == 200 else None

    async def outbox(self, user_id: str) -> list[dict[str, Any]]:
        status, body = await self.call("GET", "/demo/outbox", params={"user_id": user_id}, token=None)
        assert status == 200, body
        return body

    async def latest_code(self, user_id: str) -> str:
        """The code in the newest message sent to the customer, as they would read it."""
        for message in reversed(await self.outbox(user_id)):
            found = CODE_IN_TEXT.search(message["text"])
            if found:
                return found.group(1)
        raise AssertionError(f"no code was sent to {user_id}")

    async def codes_sent(self, user_id: str) -> int:
        return sum(1 for message in await self.outbox(user_id) if CODE_IN_TEXT.search(message["text"]))

    async def verify(self, conversation: str, user_id: str = "alex.morgan") -> None:
        """Verifies the conversation straight through the API (a task test that is not about the
        identity check starts here, as a customer who has just typed the right code)."""
        status, sent = await self.call(
            "POST",
            "/identity/challenges",
            json={"conversation_id": conversation, "purpose": "verify", "user_id": user_id},
        )
        assert status == 201, sent
        status, body = await self.call(
            "POST",
            f"/identity/challenges/{sent['challenge_id']}/verify",
            json={
                "conversation_id": conversation,
                "code": await self.latest_code(user_id),
                "purpose": "verify",
            },
        )
        assert status == 200, body

    async def pass_identity_check(self, chat: Dialogue, user_id: str = "alex.morgan") -> list[str]:
        """Answers the form's identity questions as the customer would: the User ID, then the code
        the demo phone got. What the last answer brought (the verification, the task's next step)."""
        assert chat.asks == "user_id", chat.said
        await chat.say(user_id)
        assert chat.asks == "identity_code", chat.said
        return await chat.say(await self.latest_code(user_id))

    async def advance_clock(self, seconds: int) -> None:
        status, body = await self.call("POST", "/demo/clock", json={"advance_seconds": seconds}, token=None)
        assert status == 200, body


# --- starting it (tests/unit/conftest.py's fixtures) ----------------------------------------------
async def _seed(path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await database.upgrade_schema()
        clock = Clock()
        async with database.sessions() as session, session.begin():
            await seed_if_empty(session, clock.today(), clock.now())
    finally:
        await database.close()


def seed_demo_database(path: Path) -> Path:
    """The demo customers in a new SQLite file (the slow part: once per run; tests copy it)."""
    asyncio.run(_seed(path))
    return path


@cache
def _settings() -> Settings:
    return Settings.from_env(
        {
            "DEMO_MODE": "1",
            # Code requests are not padded to a minimum time here (tests/security checks it).
            "IDENTITY_MIN_ANSWER_MS": "0",
            # A handoff finds agents whatever the time of the run.
            "AGENT_HOURS": "always",
            **{name: value for name, value in TEST_SECRETS.items() if name != "ACTION_SERVER_TOKEN"},
        }
    )


def service_settings(db_path: Path) -> Settings:
    """Read from the environment once per run (issuer.yml takes a while); only the file differs."""
    return replace(_settings(), db_url=f"sqlite+aiosqlite:///{db_path}")


_OPENAPI_DOCUMENTS: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}


def _openapi_once(endpoints: Sequence[Endpoint]) -> dict[str, Any]:
    routes = tuple((endpoint.method, endpoint.path) for endpoint in endpoints)
    if routes not in _OPENAPI_DOCUMENTS:
        _OPENAPI_DOCUMENTS[routes] = openapi_document(endpoints)
    return _OPENAPI_DOCUMENTS[routes]


@asynccontextmanager
async def running_service(
    db_template: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[InProcessService]:
    """The real account service on a fresh copy of the demo data, the actions pointing at it."""
    from actions import settings as action_settings

    db_path = workdir / "account.db"
    shutil.copyfile(db_template, db_path)
    # The OpenAPI description is the same for every app of the run and the slowest part of making
    # one: built once (tests/service checks it).
    monkeypatch.setattr(service_routes, "openapi_document", _openapi_once)
    app = create_app(service_settings(db_path))
    check = aiohttp.ClientSession()
    service = InProcessService(url="", check=check)
    # Outermost, before the app's own: it sees (and may fail) every call as it arrives.
    app.middlewares.insert(0, service.middleware)
    server = TestServer(app, host="127.0.0.1", access_log=None)
    try:
        await server.start_server()
        service.url = str(server.make_url("")).rstrip("/")
        monkeypatch.setenv("DEMO_MODE", "1")
        monkeypatch.setenv("ACCOUNT_SERVICE_URL", service.url)
        monkeypatch.setenv("ACCOUNT_SERVICE_TOKEN", ACTIONS_TOKEN)
        monkeypatch.setenv("ACTION_SERVER_TOKEN", TEST_SECRETS["ACTION_SERVER_TOKEN"])
        monkeypatch.setenv("ACCOUNT_SERVICE_TIMEOUT", "2")
        action_settings.load_settings.cache_clear()
        yield service
    finally:
        action_settings.load_settings.cache_clear()
        await close_shared_session()
        await check.close()
        await server.close()
