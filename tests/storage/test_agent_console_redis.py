"""Two website replicas with REDIS_URL, against a real Redis, as an attacker would try them: a
session opened on one is one session on both (and ends on both), wrong logins on both count
together (in parallel too), an app code used on one is a replay on the other, Redis never holds
a session ID that could be presented, and with Redis down nobody gets in: 503."""

from __future__ import annotations

import asyncio
import time

import pyotp
import pytest
import pytest_asyncio
import redis as redis_sync
from aiohttp.test_utils import TestClient, TestServer

from tests.security.test_agent_sessions import PRODUCTION, SECRET
from web.agent_login import MAX_FAILURES
from web.server import create_app
from web.settings import Settings, SettingsError

PASSWORD = "maria-password-long"


async def replica(redis_url: str, account_service: str = PRODUCTION["ACCOUNT_SERVICE_URL"]) -> TestClient:
    environment = {**PRODUCTION, "REDIS_URL": redis_url, "ACCOUNT_SERVICE_URL": account_service}
    client = TestClient(TestServer(create_app(Settings.from_env(environment))))
    await client.start_server()
    return client


def origin(client: TestClient) -> dict[str, str]:
    return {"Origin": str(client.make_url("")).rstrip("/")}


async def log_in(client: TestClient, code: str, password: str = PASSWORD) -> tuple[int, str]:
    headers = origin(client)
    reply = await client.post(
        "/agent/login",
        data={"name": "maria", "password": password, "code": code},
        headers=headers,
        allow_redirects=False,
    )
    return reply.status, reply.cookies["agent_session"].value if "agent_session" in reply.cookies else ""


async def page(client: TestClient, cookie: str) -> int:
    reply = await client.get("/agent", headers={"Cookie": f"agent_session={cookie}"}, allow_redirects=False)
    return reply.status


def code_now(offset: int = 0) -> str:
    totp = pyotp.TOTP(SECRET)
    return totp.generate_otp(totp.timecode(time.time()) + offset)


@pytest_asyncio.fixture
async def replicas(redis_server, account_service):
    redis_sync.Redis.from_url(redis_server.url).flushdb()
    first = await replica(redis_server.url, account_service)
    second = await replica(redis_server.url, account_service)
    yield first, second
    await first.close()
    await second.close()


@pytest.mark.asyncio
async def test_a_session_opened_on_one_replica_is_the_same_session_on_the_other(replicas, redis_server):
    first, second = replicas
    status, cookie = await log_in(first, code_now())
    assert status == 303 and cookie
    assert await page(second, cookie) == 200
    logout = await second.post(
        "/agent/logout",
        data={"csrf": await csrf_token(second, cookie)},
        headers={**origin(second), "Cookie": f"agent_session={cookie}"},
        allow_redirects=False,
    )
    assert logout.status == 303
    assert await page(first, cookie) == 303  # ended on both

    # What Redis holds cannot be presented: no key or value is the session's ID.
    status, cookie = await log_in(first, code_now(+1))
    session_id = cookie.split(".")[0]
    stored = redis_sync.Redis.from_url(redis_server.url, decode_responses=True)
    for key in stored.scan_iter():
        assert session_id not in key
        if stored.type(key) == "hash":
            assert session_id not in " ".join(stored.hvals(key))


async def csrf_token(client: TestClient, cookie: str) -> str:
    html = await (await client.get("/agent", headers={"Cookie": f"agent_session={cookie}"})).text()
    marker = 'name="csrf" value="'
    return html.split(marker, 1)[1].split('"', 1)[0]


@pytest.mark.asyncio
async def test_an_app_code_used_on_one_replica_is_a_replay_on_the_other(replicas):
    first, second = replicas
    code = code_now()
    assert (await log_in(first, code))[0] == 303
    assert (await log_in(second, code))[0] == 401


@pytest.mark.asyncio
async def test_wrong_logins_on_both_replicas_count_together_even_in_parallel(replicas):
    first, second = replicas
    attempts = [log_in(client, "000000", password="wrong-password-long") for client in (first, second) * 10]
    statuses = [status for status, _ in await asyncio.gather(*attempts)]
    assert statuses.count(401) == MAX_FAILURES and statuses.count(429) == 20 - MAX_FAILURES
    # And the right password is refused now too, on either replica, until the window passes.
    assert (await log_in(second, code_now()))[0] == 429


@pytest.mark.asyncio
async def test_with_redis_down_nobody_gets_in_and_the_console_says_so(redis_server):
    redis_sync.Redis.from_url(redis_server.url).flushdb()
    client = await replica(redis_server.url)
    try:
        status, cookie = await log_in(client, code_now())
        assert status == 303
        redis_server.stop()
        assert await page(client, cookie) == 503
        assert (await log_in(client, code_now(+1)))[0] == 503
        cookie_header = {"Cookie": f"agent_session={cookie}"}
        reply = await client.get("/agent", headers=cookie_header, allow_redirects=False)
        assert "Retry-After" in reply.headers and "agent_session" not in reply.cookies
    finally:
        redis_server.start_again()
        await client.close()
    client = await replica(redis_server.url)
    try:
        assert (await log_in(client, code_now(+1)))[0] == 303  # back as soon as Redis is
    finally:
        await client.close()


def test_a_redis_url_that_cannot_be_read_is_refused_without_quoting_it():
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({**PRODUCTION, "REDIS_URL": "http://user:s3cret@cache:6379"})
    assert "s3cret" not in str(refused.value) and "REDIS_URL" in str(refused.value)
