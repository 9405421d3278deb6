"""The agent console's own checks, on web/server.py alone (no browser, no assistant): who may
log in, how sessions and forms are protected, what a page shows. Runs before the Playwright tests
(file order), since asyncio tests cannot share a session with Playwright's running loop.
The attacker's view (forged cookies, replayed codes, parallel guesses …) is in tests/security."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from web.agent_console import COOKIE, transcript_lines
from web.agent_login import MAX_FAILURES, Agents, LoginLimiter, Reservation
from web.agent_sessions import MemorySessionStore, SessionCookies
from web.server import create_app
from web.settings import Settings, SettingsError, parse_agent_users
from web.templating import environment

pytestmark = pytest.mark.asyncio


def settings(**env: str) -> Settings:
    # The account service is not running: nothing here needs it.
    return Settings.from_env(
        {"RASA_URL": "https://rasa.example.com", "ACCOUNT_SERVICE_URL": "http://127.0.0.1:9", **env}
    )


async def test_logins_are_checked_and_limited_per_address_and_name() -> None:
    agents = Agents((("maria", "a-long-password"),))
    assert await agents.check("maria", "a-long-password")
    assert not await agents.check("maria", "wrong")
    assert not await agents.check("nobody", "a-long-password")
    limiter = LoginLimiter()
    for _ in range(MAX_FAILURES):
        reservation = await limiter.reserve(("address:1.2.3.4", "agent:maria"))
        assert isinstance(reservation, Reservation)
        await limiter.failed(reservation)
    assert not isinstance(await limiter.reserve(("address:1.2.3.4", "agent:li")), Reservation)
    assert not isinstance(await limiter.reserve(("address:5.6.7.8", "agent:maria")), Reservation)
    assert isinstance(await limiter.reserve(("address:5.6.7.8", "agent:li")), Reservation)


async def test_a_session_cookie_names_a_session_and_cannot_be_forged() -> None:
    store = MemorySessionStore()
    session = await store.create("maria", "tag")
    cookies = SessionCookies("k" * 64)
    cookie = cookies.value(session)
    assert session.agent not in cookie and cookies.session_id(cookie) == session.id
    assert SessionCookies("other-key" * 8).session_id(cookie) is None
    assert cookies.session_id(session.id) is None and cookies.session_id(None) is None
    assert (await store.get(session.id)).agent == "maria"
    await store.revoke(session.id)
    assert await store.get(session.id) is None


async def test_agent_users_come_from_the_environment() -> None:
    assert parse_agent_users("ana:pw1, li:pw:with:colons") == (("ana", "pw1"), ("li", "pw:with:colons"))
    assert settings(DEMO_MODE="1").agent_users == (("agent", "demo-agent-password"),)  # demo mode only
    assert settings().agent_users == () and settings(DEMO_MODE="0").agent_users == ()
    for bad in ("nopassword", ":pw", "a b:pw"):
        with pytest.raises(SettingsError):
            parse_agent_users(bad)
    with pytest.raises(SettingsError):
        settings(DEMO_MODE="0", AGENT_USERS="ana:short")


async def test_customer_text_is_shown_as_text() -> None:
    transcript = environment().get_template("agent/macros.html").module.transcript
    shown = str(transcript(transcript_lines([{"from": "customer", "text": "<script>alert(1)</script>"}], [])))
    assert "<script>" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown


async def test_the_console_is_off_without_agents_and_forms_need_origin_and_token() -> None:
    client = TestClient(TestServer(create_app(settings(DEMO_MODE="0"))))
    await client.start_server()
    try:
        page = await client.get("/agent/login")
        assert "The agent console is off" in await page.text()
        refused = await client.post("/agent/login", data={"name": "agent", "password": "demo-agent-password"})
        assert refused.status == 403
    finally:
        await client.close()

    client = TestClient(TestServer(create_app(settings(DEMO_MODE="1"))))
    await client.start_server()
    try:
        origin = {"Origin": str(client.make_url("")).rstrip("/")}
        login_page = await (await client.get("/agent/login")).text()
        assert 'name="code"' not in login_page  # the demo agent has no app code unless one is set
        wrong = await client.post("/agent/login", data={"name": "agent", "password": "x"}, headers=origin)
        assert wrong.status == 401 and "do not match" in await wrong.text()
        assert COOKIE not in client.session.cookie_jar.filter_cookies(client.make_url("/agent"))
        ok = await client.post(
            "/agent/login",
            data={"name": "agent", "password": "demo-agent-password"},
            headers=origin,
            allow_redirects=False,
        )
        assert ok.status == 303
        cookie = ok.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
        # Logged in, but a form from another site (or without the token) is refused.
        forged = await client.post(
            "/agent/cases/HO-ABCDEF/close", data={"csrf": "guess"}, headers={"Origin": "https://evil.example"}
        )
        assert forged.status == 403
        no_token = await client.post("/agent/cases/HO-ABCDEF/close", data={}, headers=origin)
        assert no_token.status == 403
        # The queue page says the service is unreachable rather than failing.
        queue = await client.get("/agent")
        assert queue.status == 200 and "not answering" in await queue.text()
        assert "script-src 'self'" in queue.headers["Content-Security-Policy"]
    finally:
        await client.close()
