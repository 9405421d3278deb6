"""The operators' page over two website replicas sharing Redis (REDIS_URL), as an attacker would
try it: an operator on one replica sees an agent logged in on the other and ends that agent's
sessions there; an agent's forged operators' form on either replica ends nothing."""

from __future__ import annotations

import time

import pyotp
import pytest
import pytest_asyncio
import redis as redis_sync
from aiohttp.test_utils import TestClient, TestServer

from tests.security.test_agent_sessions import PRODUCTION
from web.server import create_app
from web.settings import Settings

pytestmark = pytest.mark.asyncio
PEOPLE = {"maria": "maria-password-long", "noor": "noor-password-long", "olga": "olga-operator-password"}
SECRETS = {name: pyotp.random_base32() for name in PEOPLE}


async def replica(redis_url: str, account_service: str) -> TestClient:
    environment = {
        **PRODUCTION,
        "AGENT_USERS": ",".join(f"{name}:{PEOPLE[name]}" for name in ("maria", "noor")),
        "AGENT_TOTP_SECRETS": ",".join(f"{name}:{SECRETS[name]}" for name in ("maria", "noor")),
        "OPERATOR_USERS": f"olga:{PEOPLE['olga']}",
        "OPERATOR_TOTP_SECRETS": f"olga:{SECRETS['olga']}",
        "REDIS_URL": redis_url,
        "ACCOUNT_SERVICE_URL": account_service,
    }
    client = TestClient(TestServer(create_app(Settings.from_env(environment))))
    await client.start_server()
    return client


def origin(client: TestClient) -> dict[str, str]:
    return {"Origin": str(client.make_url("")).rstrip("/")}


async def log_in(client: TestClient, name: str) -> str:
    totp = pyotp.TOTP(SECRETS[name])
    form = {"name": name, "password": PEOPLE[name], "code": totp.generate_otp(totp.timecode(time.time()))}
    reply = await client.post("/agent/login", data=form, headers=origin(client), allow_redirects=False)
    assert reply.status == 303, await reply.text()
    # Each person is a browser of their own: the client's jar would send this cookie with the
    # next login, which ends the session it names.
    client.session.cookie_jar.clear()
    return reply.cookies["agent_session"].value


async def get(client: TestClient, path: str, cookie: str) -> tuple[int, str]:
    reply = await client.get(path, headers={"Cookie": f"agent_session={cookie}"}, allow_redirects=False)
    return reply.status, await reply.text()


async def csrf_of(client: TestClient, cookie: str) -> str:
    _, html = await get(client, "/agent", cookie)
    return html.split('name="csrf" value="', 1)[1].split('"', 1)[0]


async def end_sessions(client: TestClient, cookie: str, agent: str, csrf: str) -> int:
    reply = await client.post(
        f"/agent/operator/agents/{agent}/end-sessions",
        data={"csrf": csrf},
        headers={**origin(client), "Cookie": f"agent_session={cookie}"},
        allow_redirects=False,
    )
    return reply.status


def row_of(page: str, name: str) -> str:
    return page.split(f'<td class="name">{name}</td>', 1)[1].split("</tr>", 1)[0]


@pytest_asyncio.fixture
async def replicas(redis_server, account_service):
    redis_sync.Redis.from_url(redis_server.url).flushdb()
    first = await replica(redis_server.url, account_service)
    second = await replica(redis_server.url, account_service)
    yield first, second
    await first.close()
    await second.close()


async def test_an_operator_ends_an_agents_sessions_on_the_other_replica(replicas):
    first, second = replicas
    maria = await log_in(first, "maria")
    noor = await log_in(first, "noor")
    olga = await log_in(second, "olga")
    status, page = await get(second, "/agent/operator", olga)
    assert status == 200 and "1 (logged in)" in row_of(page, "maria")

    # An agent forging the operators' form, with her own valid token, on either replica: 403.
    for client in (first, second):
        assert await end_sessions(client, noor, "maria", await csrf_of(client, noor)) == 403
        assert (await get(client, "/agent/operator", noor))[0] == 403
    assert (await get(first, "/agent", maria))[0] == 200

    assert await end_sessions(second, olga, "maria", await csrf_of(second, olga)) == 303
    # Ended on the replica that holds her browser's requests as well: back to the login page.
    assert (await get(first, "/agent", maria))[0] == 303
    assert (await get(second, "/agent", maria))[0] == 303
    _, page = await get(first, "/agent/operator", olga)
    assert "none" in row_of(page, "maria") and "1 (logged in)" in row_of(page, "noor")
    assert (await get(first, "/agent", noor))[0] == 200  # the other agent is left alone


async def test_a_stale_or_half_written_session_hash_is_not_counted_as_live(replicas, redis_server):
    first, _ = replicas
    maria = await log_in(first, "maria")
    olga = await log_in(first, "olga")
    stored = redis_sync.Redis.from_url(redis_server.url, decode_responses=True)
    (key,) = stored.smembers("agent-sessions:maria")
    # What a touch just after a logout leaves behind: no longer a session.
    stored.hdel(key, "agent", "created_at")
    _, page = await get(first, "/agent/operator", olga)
    assert "none" in row_of(page, "maria")
    assert (await get(first, "/agent", maria))[0] == 303
