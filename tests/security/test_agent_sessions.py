"""The console's sessions, codes and limits over time, in-process with a clock the test turns:
idle and absolute expiry, automatic refreshes that do not keep a console alive, a credential
change that ends an agent's sessions, the limit's window, and the settings that guard them."""

from __future__ import annotations

import time

import pyotp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from common.settings import DEMO_SECRETS, parse_flag
from tests.security.website import signer
from web.agent_login import Agents, LoginLimiter, Reservation
from web.agent_sessions import IDLE_S, SESSION_S, MemorySessionStore, SessionCookies
from web.server import create_app
from web.settings import Settings, SettingsError

DEMO_AGENT_SERVICE_TOKEN = DEMO_SECRETS["AGENT_SERVICE_TOKEN"]
DEMO_AGENT_RELAY_TOKEN = DEMO_SECRETS["AGENT_RELAY_TOKEN"]

SECRET = pyotp.random_base32()
PRODUCTION = {
    "RASA_URL": "https://rasa.example.com",
    "ACCOUNT_SERVICE_URL": "http://127.0.0.1:9",  # not running: the queue says so
    "AGENT_USERS": "maria:maria-password-long",
    "AGENT_TOTP_SECRETS": f"maria:{SECRET}",
    "AGENT_SESSION_SECRET": "s" * 40,
    "AGENT_SERVICE_TOKEN": "a" * 40,
    "AGENT_RELAY_TOKEN": "r" * 40,
    "AGENT_COOKIE_SECURE": "0",
}


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def console(settings: Settings, store: MemorySessionStore) -> TestClient:
    client = TestClient(TestServer(create_app(settings, agent_sessions=store)))
    await client.start_server()
    return client


async def log_in(client: TestClient, offset: int = 0) -> int:
    totp = pyotp.TOTP(SECRET)
    reply = await client.post(
        "/agent/login",
        data={
            "name": "maria",
            "password": "maria-password-long",
            "code": totp.generate_otp(totp.timecode(time.time()) + offset),
        },
        headers={"Origin": str(client.make_url("")).rstrip("/")},
        allow_redirects=False,
    )
    return reply.status


async def queue(client: TestClient, path: str = "/agent") -> int:
    return (await client.get(path, allow_redirects=False)).status


# --- sessions over time --------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_session_ends_after_30_idle_minutes_and_after_8_hours_whatever_happens() -> None:
    clock = Clock()
    store = MemorySessionStore(clock=clock)
    client = await console(Settings.from_env(PRODUCTION), store)
    try:
        assert await log_in(client) == 303
        assert await queue(client) == 200
        clock.now += IDLE_S - 60
        assert await queue(client) == 200  # activity: the idle time starts again
        clock.now += IDLE_S - 60
        assert await queue(client) == 200
        clock.now += IDLE_S + 1
        assert await queue(client) == 303  # idle too long
        assert await log_in(client, +1) == 303
        for _ in range(SESSION_S // (IDLE_S - 60) + 1):
            clock.now += IDLE_S - 60
            await queue(client)
        assert await queue(client) == 303  # busy all day, but 8 hours are 8 hours
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_the_pages_own_refreshes_do_not_keep_an_unattended_console_logged_in() -> None:
    clock = Clock()
    store = MemorySessionStore(clock=clock)
    client = await console(Settings.from_env(PRODUCTION), store)
    try:
        assert await log_in(client) == 303
        for _ in range(7):  # 35 minutes of the queue refreshing itself every 5 minutes
            clock.now += 300
            status = await queue(client, "/agent?refresh=1")
        assert status == 303
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_a_new_password_or_totp_secret_ends_the_agents_sessions_on_every_replica() -> None:
    # Two replicas sharing one store (as they will share Redis): one restarted with new credentials.
    store = MemorySessionStore()
    first = await console(Settings.from_env(PRODUCTION), store)
    same = await console(Settings.from_env(PRODUCTION), store)
    changed_password = await console(
        Settings.from_env({**PRODUCTION, "AGENT_USERS": "maria:a-new-password-long"}), store
    )
    changed_code = await console(
        Settings.from_env({**PRODUCTION, "AGENT_TOTP_SECRETS": f"maria:{pyotp.random_base32()}"}), store
    )
    try:
        assert await log_in(first) == 303
        cookie = first.session.cookie_jar.filter_cookies(first.make_url("/agent"))["agent_session"].value
        for replica, expected in ((same, 200), (changed_password, 303), (changed_code, 303)):
            reply = await replica.get(
                "/agent", headers={"Cookie": f"agent_session={cookie}"}, allow_redirects=False
            )
            assert reply.status == expected
        assert await queue(first) == 303  # the mismatch ended the session for good
    finally:
        for client in (first, same, changed_password, changed_code):
            await client.close()


@pytest.mark.asyncio
async def test_the_store_keeps_only_live_sessions_and_revokes_by_agent() -> None:
    clock = Clock()
    store = MemorySessionStore(clock=clock)
    maria = [await store.create("maria", "t") for _ in range(3)]
    li = await store.create("li", "t")
    assert await store.revoke_all_for_agent("maria") == 3
    assert all([await store.get(session.id) is None for session in maria])
    assert (await store.get(li.id)).agent == "li"
    clock.now += IDLE_S
    assert await store.get(li.id) is None
    await store.touch(li.id)  # touching an ended session does not bring it back
    assert await store.get(li.id) is None


def test_a_cookie_older_than_its_session_could_be_is_refused_and_keys_rotate() -> None:
    cookies = SessionCookies("k" * 40, previous=["o" * 40])
    too_old = signer("k" * 40, signed_at=int(time.time()) - SESSION_S - 1).sign("an-id").decode()
    assert cookies.session_id(too_old) is None
    from_the_future = signer("k" * 40, signed_at=int(time.time()) + 3600).sign("an-id").decode()
    assert cookies.session_id(from_the_future) is None
    yesterdays = signer("o" * 40).sign("an-id").decode()  # yesterday's key, now a previous one
    assert cookies.session_id(yesterdays) == "an-id"
    assert SessionCookies("k" * 40).session_id(yesterdays) is None  # once dropped, it is refused
    assert cookies.session_id(signer("k" * 40).sign("an-id").decode()) == "an-id"


# --- codes and limits ----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_code_is_taken_once_within_one_step_of_drift() -> None:
    clock = Clock()
    agents = Agents((("maria", "maria-password-long"),), {"maria": SECRET}, clock=clock)
    totp = pyotp.TOTP(SECRET)
    step = totp.timecode(clock.now)
    assert not await agents.check("maria", "maria-password-long", totp.generate_otp(step - 2))
    assert not await agents.check("maria", "maria-password-long", totp.generate_otp(step + 2))
    assert not await agents.check("maria", "maria-password-long", "12345")
    assert not await agents.check("maria", "wrong", totp.generate_otp(step))
    assert await agents.check("maria", "maria-password-long", totp.generate_otp(step - 1))
    assert await agents.check(
        "maria", "maria-password-long", totp.generate_otp(step)[:3] + " " + totp.generate_otp(step)[3:]
    )
    assert not await agents.check("maria", "maria-password-long", totp.generate_otp(step))  # replayed
    assert not await agents.check("maria", "maria-password-long", totp.generate_otp(step - 1))  # older
    clock.now += 30
    assert await agents.check("maria", "maria-password-long", totp.generate_otp(step + 1))


@pytest.mark.asyncio
async def test_the_limit_lifts_after_its_window_and_a_success_frees_only_its_own_place() -> None:
    clock = Clock()
    limiter = LoginLimiter(clock=clock)
    keys = ("address:1.2.3.4", "agent:maria")
    for _ in range(4):
        await limiter.failed(await limiter.reserve(keys))
    last = await limiter.reserve(keys)
    assert isinstance(last, Reservation)
    assert not isinstance(await limiter.reserve(keys), Reservation)  # four failures and one running
    await limiter.succeeded(last)
    success = await limiter.reserve(keys)
    assert isinstance(success, Reservation)  # the success gave its place back …
    await limiter.failed(success)
    waited = await limiter.reserve(keys)
    assert waited == 300  # … but the four failures still count: now five
    clock.now += 301
    assert isinstance(await limiter.reserve(keys), Reservation)


# --- settings ------------------------------------------------------------------------------------


def test_demo_mode_is_off_unless_switched_on_and_read_one_way() -> None:
    assert Settings.from_env({}).demo_mode is False
    for word in ("1", "true", "YES", " on "):
        assert parse_flag("DEMO_MODE", word) is True
        assert Settings.from_env({"DEMO_MODE": word}).demo_mode is True
    for word in ("0", "false", "No", "off", ""):
        assert Settings.from_env({"DEMO_MODE": word}).demo_mode is False
    with pytest.raises(SettingsError, match="DEMO_MODE"):
        Settings.from_env({"DEMO_MODE": "2"})


def test_demo_mode_has_its_own_demo_values_and_no_code_for_the_demo_agent() -> None:
    settings = Settings.from_env({"DEMO_MODE": "1"})
    assert settings.agent_service_token == DEMO_AGENT_SERVICE_TOKEN
    assert settings.agent_relay_token == DEMO_AGENT_RELAY_TOKEN != DEMO_AGENT_SERVICE_TOKEN
    assert settings.agent_totp_secrets == {} and len(settings.agent_session_secret) >= 32
    assert Settings.from_env({"DEMO_MODE": "1"}).agent_session_secret != settings.agent_session_secret
    with_code = Settings.from_env({"DEMO_MODE": "1", "AGENT_TOTP_SECRETS": f"agent:{SECRET}"})
    assert with_code.agent_totp_secrets == {"agent": SECRET}


def test_totp_secrets_are_checked_and_never_repeated_in_an_error() -> None:
    weak = "JBSWY3DPEHPK3PXP"  # 80 bits: below RFC 4226's 128
    for value in (f"maria:{weak}", "maria:not base32!", f"ghost:{SECRET}", f"maria {SECRET}"):
        with pytest.raises(SettingsError) as error:
            Settings.from_env({**PRODUCTION, "AGENT_TOTP_SECRETS": value})
        assert weak not in str(error.value) and SECRET not in str(error.value)


def test_previous_session_secrets_must_be_long_too_outside_demo_mode() -> None:
    with pytest.raises(SettingsError, match="AGENT_SESSION_PREVIOUS_SECRETS"):
        Settings.from_env({**PRODUCTION, "AGENT_SESSION_PREVIOUS_SECRETS": "short"})
    settings = Settings.from_env({**PRODUCTION, "AGENT_SESSION_PREVIOUS_SECRETS": f"{'o' * 40}, {'p' * 40}"})
    assert settings.agent_session_previous_secrets == ("o" * 40, "p" * 40)


def test_trusted_proxies_are_read_from_the_environment() -> None:
    assert Settings.from_env({}).trusted_proxies == ()
    assert len(Settings.from_env({"TRUSTED_PROXIES": "10.0.0.5,10.1.0.0/16"}).trusted_proxies) == 2
    with pytest.raises(SettingsError, match="TRUSTED_PROXIES"):
        Settings.from_env({"TRUSTED_PROXIES": "the-load-balancer"})
