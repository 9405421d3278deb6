"""The typed account-service client against a real small aiohttp server: what each answer
becomes, and that timeouts, dead ports, 5xx and garbage are ServiceUnavailable."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer

from common import account_client
from common.account_client import (
    AccountClient,
    ChallengeStarted,
    CodeExpired,
    Locked,
    LockStatus,
    NoChallenge,
    NotVerified,
    Reply,
    ServiceUnavailable,
    TooManyAttempts,
    UnexpectedAnswer,
    Verified,
    VerifiedSession,
    WrongCode,
    close_shared_session,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "client-test-token-0123456789abcdef0123"


@dataclass
class Scripted:
    """What the stand-in service answers next, and what it was asked."""

    status: int = 200
    body: Any = field(default_factory=dict)
    raw: bytes | None = None
    delay_s: float = 0.0
    seen: list[dict[str, Any]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        text = await request.text()
        self.seen.append(
            {
                "method": request.method,
                "path": request.path,
                "query": dict(request.query),
                "json": json.loads(text) if text else None,
                "authorization": request.headers.get("Authorization"),
                "cookie": request.headers.get("Cookie"),
            }
        )
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.raw is not None:
            return web.Response(status=self.status, body=self.raw, content_type="text/html")
        if self.status == 204:
            return web.Response(status=204)
        response = web.json_response(self.body, status=self.status)
        response.set_cookie("tracking", "should-not-come-back")
        return response


@pytest_asyncio.fixture
async def service() -> AsyncIterator[tuple[Scripted, str]]:
    scripted = Scripted()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", scripted.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield scripted, str(server.make_url("")).rstrip("/")
    finally:
        await close_shared_session()
        await server.close()


def client_for(url: str, timeout_s: float = 2.0) -> AccountClient:
    return AccountClient(url, TOKEN, timeout_s)


# --- plain calls -------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_an_answer_is_a_reply_with_status_body_and_error(service):
    scripted, url = service
    scripted.status, scripted.body = 403, {"error": "fresh_code_needed", "message": "…"}
    reply = await client_for(url).me("POST", "/payments", "rest:abc", amount="10.00")
    assert reply == Reply(403, {"error": "fresh_code_needed", "message": "…"})
    assert reply.error == "fresh_code_needed" and reply.is_error(403, "fresh_code_needed") and not reply.ok
    seen = scripted.seen[-1]
    assert seen["authorization"] == f"Bearer {TOKEN}"
    assert seen["path"] == "/me/payments" and seen["json"] == {
        "conversation_id": "rest:abc",
        "amount": "10.00",
    }


@pytest.mark.asyncio
async def test_get_fields_go_in_the_query_and_none_is_left_out(service):
    scripted, url = service
    scripted.body = {"accounts": []}
    reply = await client_for(url).me("GET", "/transactions", "rest:abc", card="2002", limit=5, other=None)
    assert reply.ok and reply.get("accounts") == [] and reply.error is None
    assert scripted.seen[-1]["query"] == {"conversation_id": "rest:abc", "card": "2002", "limit": "5"}


@pytest.mark.asyncio
async def test_204_is_a_reply_without_a_body(service):
    scripted, url = service
    scripted.status = 204
    assert await client_for(url).request("DELETE", "/sessions/x") == Reply(204, None)


@pytest.mark.asyncio
async def test_no_cookie_set_by_the_service_is_ever_sent_back(service):
    scripted, url = service
    client = client_for(url)
    await client.request("GET", "/health")
    await client.request("GET", "/health")
    assert scripted.seen[-1]["cookie"] is None


@pytest.mark.asyncio
async def test_an_id_with_a_slash_stays_one_path_segment(service):
    scripted, url = service
    scripted.status = 404
    scripted.body = {"error": "not_verified"}
    assert await client_for(url).session("rest:a/../../me/accounts?x=1") is None
    assert scripted.seen[-1]["path"] == "/sessions/rest:a/../../me/accounts?x=1"
    assert scripted.seen[-1]["query"] == {}


# --- failures ----------------------------------------------------------------------------------
@pytest.mark.asyncio
@pytest.mark.parametrize("status", [500, 502, 503])
async def test_a_5xx_is_unavailable(service, status):
    scripted, url = service
    scripted.status, scripted.body = status, {"error": "internal"}
    with pytest.raises(ServiceUnavailable):
        await client_for(url).me("GET", "/accounts", "rest:abc")


@pytest.mark.asyncio
@pytest.mark.parametrize("garbage", [b"<html>proxy error</html>", b"", b"\xff\xfe\x00", b'{"truncated": '])
async def test_a_body_that_is_not_json_is_unavailable(service, garbage):
    scripted, url = service
    scripted.status, scripted.raw = 200, garbage
    with pytest.raises(ServiceUnavailable):
        await client_for(url).me("GET", "/accounts", "rest:abc")


@pytest.mark.asyncio
async def test_a_slow_answer_is_unavailable_after_the_timeout(service):
    scripted, url = service
    scripted.delay_s = 3.0
    started = asyncio.get_running_loop().time()
    with pytest.raises(ServiceUnavailable):
        await client_for(url, timeout_s=0.5).me("GET", "/accounts", "rest:abc")
    assert asyncio.get_running_loop().time() - started < 2.0


@pytest.mark.asyncio
async def test_nobody_listening_is_unavailable():
    from tests.conftest import free_port

    with pytest.raises(ServiceUnavailable):
        await client_for(f"http://127.0.0.1:{free_port()}").me("GET", "/accounts", "rest:abc")
    await close_shared_session()


@pytest.mark.asyncio
async def test_an_answer_bigger_than_any_real_one_is_unavailable(service, monkeypatch):
    scripted, url = service
    monkeypatch.setattr(account_client, "MAX_REPLY_BYTES", 1000)
    scripted.body = {"padding": "x" * 5000}
    with pytest.raises(ServiceUnavailable):
        await client_for(url).me("GET", "/accounts", "rest:abc")


@pytest.mark.asyncio
async def test_a_failure_is_logged_without_ids_or_values(service, caplog):
    scripted, url = service
    scripted.status = 503
    with caplog.at_level(logging.WARNING), pytest.raises(ServiceUnavailable):
        await client_for(url).session("telegram:5550102002")
    logged = caplog.text
    assert "5550102002" not in logged and TOKEN not in logged
    assert "GET /sessions/{…}" in logged


def test_the_timeout_is_never_more_than_5_seconds():
    assert AccountClient("http://x", TOKEN, 60).timeout_s == 5.0
    assert AccountClient("http://x", TOKEN, 0).timeout_s == 0.5
    assert TOKEN not in repr(AccountClient("http://x", TOKEN))


@pytest.mark.asyncio
async def test_every_client_in_a_process_shares_one_session(service):
    _, url = service
    first, second = AccountClient(url, "a" * 32), AccountClient(url, "b" * 32)
    await first.request("GET", "/health")
    session = account_client._shared.get()
    await second.request("GET", "/health")
    assert account_client._shared.get() is session
    await close_shared_session()
    assert session.closed
    # After a close the next call opens a new one.
    await first.request("GET", "/health")
    assert account_client._shared.get() is not session


def test_the_client_imports_neither_rasa_nor_rasa_sdk():
    check = (
        "import sys, common.account_client; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", check], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- identity ----------------------------------------------------------------------------------
CHALLENGE = {
    "challenge_id": "ch_1",
    "purpose": "verify",
    "channel": "sms",
    "expires_in": 300,
    "masked_destination": None,
}


@pytest.mark.asyncio
async def test_a_verify_challenge_started_never_carries_a_destination(service):
    scripted, url = service
    # Even a service that still names one: nothing at verify may tell whether the ID exists.
    scripted.status, scripted.body = 201, {**CHALLENGE, "masked_destination": "•••• 2002"}
    outcome = await client_for(url).start_challenge(
        "rest:a", "verify", user_id="alex.morgan", client="k" * 80
    )
    assert outcome == ChallengeStarted("ch_1", "verify", "sms", 300, None)
    sent = scripted.seen[-1]["json"]
    assert sent == {
        "conversation_id": "rest:a",
        "purpose": "verify",
        "channel": "sms",
        "user_id": "alex.morgan",
        "client": "k" * 64,
    }


@pytest.mark.asyncio
async def test_a_verify_challenge_by_card_and_a_confirm_challenge(service):
    scripted, url = service
    scripted.status, scripted.body = 201, CHALLENGE
    await client_for(url).start_challenge(
        "rest:a", "verify", "email", card_last_four="2010", date_of_birth="1985-09-30"
    )
    assert scripted.seen[-1]["json"] == {
        "conversation_id": "rest:a",
        "purpose": "verify",
        "channel": "email",
        "card_last_four": "2010",
        "date_of_birth": "1985-09-30",
    }
    scripted.body = {**CHALLENGE, "purpose": "confirm", "masked_destination": "•••• ••• 2002"}
    outcome = await client_for(url).start_challenge("rest:a", "confirm")
    assert isinstance(outcome, ChallengeStarted) and outcome.masked_destination == "•••• ••• 2002"
    assert "user_id" not in scripted.seen[-1]["json"] and "client" not in scripted.seen[-1]["json"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "body", "outcome"),
    [
        (429, {"error": "too_many_attempts", "retry_after": 420}, TooManyAttempts(420)),
        (429, {"error": "too_many_attempts"}, TooManyAttempts(60)),
        (423, {"error": "locked", "locked_until": "2026-11-26T10:30:00Z"}, Locked("2026-11-26T10:30:00Z")),
        (401, {"error": "not_verified"}, NotVerified()),
    ],
)
async def test_challenge_refusals_are_types(service, status, body, outcome):
    scripted, url = service
    scripted.status, scripted.body = status, body
    assert await client_for(url).start_challenge("rest:a", "verify", user_id="x.y") == outcome


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "body"),
    [(401, {"error": "unauthorized"}), (403, {"error": "forbidden"}), (400, {"error": "bad_request"})],
)
async def test_a_challenge_answer_nobody_expects_is_unexpected(service, status, body):
    scripted, url = service
    scripted.status, scripted.body = status, body
    with pytest.raises(UnexpectedAnswer) as raised:
        await client_for(url).start_challenge("rest:a", "verify", user_id="x.y")
    assert raised.value.status == status and isinstance(raised.value, ServiceUnavailable)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "body", "outcome"),
    [
        (
            200,
            {
                "verified": True,
                "customer": {"user_id": "alex.morgan", "first_name": "Alex", "region": "US"},
                "session_expires_in": 900,
            },
            Verified("alex.morgan", "Alex", "US", 900),
        ),
        (400, {"error": "wrong_code", "attempts_left": 2}, WrongCode(2)),
        (410, {"error": "expired"}, CodeExpired()),
        (404, {"error": "no_challenge"}, NoChallenge()),
        (423, {"error": "locked", "locked_until": "2026-11-26T10:30:00Z"}, Locked("2026-11-26T10:30:00Z")),
    ],
)
async def test_verify_outcomes_are_types(service, status, body, outcome):
    scripted, url = service
    scripted.status, scripted.body = status, body
    assert await client_for(url).verify_code("ch_1", "rest:a", "123456", "verify") == outcome
    assert scripted.seen[-1]["path"] == "/identity/challenges/ch_1/verify"
    assert scripted.seen[-1]["json"] == {"conversation_id": "rest:a", "code": "123456", "purpose": "verify"}


@pytest.mark.asyncio
async def test_lock_status_is_the_conversations_own(service):
    scripted, url = service
    scripted.body = {"locked": True, "locked_until": "2026-11-26T10:30:00Z"}
    assert await client_for(url).lock_status("rest:a") == LockStatus(True, "2026-11-26T10:30:00Z")
    assert scripted.seen[-1]["query"] == {"conversation_id": "rest:a"}
    scripted.status, scripted.body = 400, {"error": "bad_request"}
    with pytest.raises(UnexpectedAnswer):
        await client_for(url).lock_status("rest:a")


@pytest.mark.asyncio
async def test_a_session_or_none(service):
    scripted, url = service
    scripted.body = {
        "verified": True,
        "user_id": "alex.morgan",
        "first_name": "Alex",
        "region": "US",
        "method": "code",
        "fresh": True,
        "today": "2026-11-26",
    }
    assert await client_for(url).session("rest:a") == VerifiedSession(
        "alex.morgan", "Alex", "US", True, "code", "2026-11-26"
    )
    scripted.status, scripted.body = 404, {"error": "not_verified"}
    assert await client_for(url).session("rest:a") is None


@pytest.mark.asyncio
async def test_handoff_answers_are_replies(service):
    scripted, url = service
    for status in (201, 200, 429):
        scripted.status, scripted.body = (
            status,
            {"reference": "HO-1"} if status < 300 else {"error": "too_many"},
        )
        reply = await client_for(url).open_handoff("rest:a", "pay_bill", [{"from": "customer", "text": "hi"}])
        assert reply.status == status
    assert scripted.seen[-1]["json"]["topic"] == "pay_bill"
