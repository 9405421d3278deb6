"""The agent console as an attacker on the network would try it, against the real website process
(tests/security/website.py): in production mode, with app codes, signed server-side sessions,
the login limit, the body limit and a customer's HTML in the queue."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from common.settings import REPO_ROOT
from tests.security.website import (
    AGENTS,
    CASE,
    PREVIOUS_SECRET,
    RELAY_TOKEN,
    RETIRED_SECRET,
    SERVICE_TOKEN,
    SESSION_SECRET,
    TOTP,
    Website,
    browser,
    code,
    cookie_of,
    environment,
    running_website,
    signer,
)


@pytest.fixture(scope="module")
def website(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Website]:
    with running_website(tmp_path_factory.mktemp("website")) as running:
        yield running


async def log_in(
    client: aiohttp.ClientSession,
    site: Website,
    name: str,
    password: str | None = None,
    app_code: str = "",
    forwarded_for: str | None = None,
) -> aiohttp.ClientResponse:
    """POST /agent/login (the agent's own password unless one is given)."""
    password = AGENTS.get(name, "x") if password is None else password
    headers = {"Origin": site.url}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    form = {"name": name, "password": password, "code": app_code}
    async with client.post(
        f"{site.url}/agent/login", data=form, headers=headers, allow_redirects=False
    ) as response:
        await response.read()
        return response


async def queue_status(client: aiohttp.ClientSession, site: Website, cookie: str) -> int:
    async with client.get(
        f"{site.url}/agent", headers={"Cookie": f"agent_session={cookie}"}, allow_redirects=False
    ) as response:
        return response.status


async def csrf_of(client: aiohttp.ClientSession, site: Website, cookie: str) -> str:
    async with client.get(f"{site.url}/agent", headers={"Cookie": f"agent_session={cookie}"}) as response:
        page = await response.text()
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


# --- starting ------------------------------------------------------------------------------------


def refusal(**env: str) -> str:
    """What the website says when it refuses to start (it must not start)."""
    result = subprocess.run(
        [sys.executable, "-m", "web.server"],
        cwd=REPO_ROOT,
        env=environment(WEB_PORT="1", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0, result.stderr
    return result.stdout + result.stderr


def test_outside_demo_mode_the_console_does_not_start_without_its_secrets() -> None:
    said = refusal(AGENT_USERS="ana:ana-password-long-enough,ben:ben-password-long-enough")
    for variable in ("AGENT_SESSION_SECRET", "AGENT_SERVICE_TOKEN", "AGENT_RELAY_TOKEN"):
        assert variable in said
    assert "AGENT_TOTP_SECRETS for ana, ben" in said
    assert "password-long-enough" not in said

    secret = TOTP["ana"]
    said = refusal(
        AGENT_USERS="ana:ana-password-long-enough,ben:ben-password-long-enough",
        AGENT_TOTP_SECRETS=f"ana:{secret}",
        AGENT_SESSION_SECRET=SESSION_SECRET,
        AGENT_SERVICE_TOKEN=SERVICE_TOKEN,
        AGENT_RELAY_TOKEN=SERVICE_TOKEN,  # the relay must have its own secret
        ACCOUNT_SERVICE_TOKEN=SERVICE_TOKEN,
    )
    assert "AGENT_TOTP_SECRETS for ben" in said and "ana" not in said.split("needs", 1)[1]
    assert "AGENT_RELAY_TOKEN to be its own secret" in said
    assert secret not in said and SERVICE_TOKEN not in said and SESSION_SECRET not in said


def test_demo_mode_is_read_one_way_and_anything_else_is_refused() -> None:
    assert "DEMO_MODE" in refusal(DEMO_MODE="maybe")


# --- the second factor ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_login_needs_the_password_and_a_fresh_app_code(website: Website) -> None:
    async with browser("127.0.0.11") as client:
        page = await (await client.get(f"{website.url}/agent/login")).text()
        assert 'name="code"' in page and "required" in page.split('name="code"')[1].split(">")[0]
        assert (await log_in(client, website, "ana")).status == 401  # no code
        wrong_code = "000000" if code("ana") != "000000" else "111111"
        assert (await log_in(client, website, "ana", app_code=wrong_code)).status == 401
        wrong_password = await log_in(client, website, "ana", "not-her-password", app_code=code("ana"))
        assert wrong_password.status == 401
        used = code("ana")
        accepted = await log_in(client, website, "ana", app_code=used)
        assert accepted.status == 303 and accepted.headers["Location"] == "/agent"
        # The same code again (an attacker who watched it being typed): refused.
        replayed = await log_in(client, website, "ana", app_code=used)
        assert replayed.status == 401 and "agent_session" not in replayed.headers.get("Set-Cookie", "")


@pytest.mark.asyncio
async def test_one_step_of_clock_drift_is_allowed_and_older_codes_are_not(website: Website) -> None:
    async with browser("127.0.0.12") as client:
        assert (await log_in(client, website, "ben", app_code=code("ben", -2))).status == 401
        assert (await log_in(client, website, "ben", app_code=code("ben", +1))).status == 303
        # After a code of the next step, this step's code is old: refused.
        assert (await log_in(client, website, "ben", app_code=code("ben", 0))).status == 401


# --- sessions ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_forged_tampered_expired_and_retired_key_cookies_are_refused(website: Website) -> None:
    async with browser("127.0.0.13") as client:
        cookie = cookie_of(await log_in(client, website, "cai", app_code=code("cai")))
        assert await queue_status(client, website, cookie) == 200
        session_id = signer(SESSION_SECRET).unsign(cookie).decode()
        assert "cai" not in cookie  # the cookie names a session, not an agent
        expired = signer(SESSION_SECRET, signed_at=int(time.time()) - 8 * 3600 - 60)
        flipped = "A" if cookie[5] != "A" else "B"
        forgeries = {
            "random": "c2Vzc2lvbg.ZmFrZQ.c2lnbmF0dXJl",
            "tampered id": cookie[:5] + flipped + cookie[6:],
            "tampered signature": cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"),
            "attacker's key": signer("an-attacker-chose-this-key" * 2).sign(session_id).decode(),
            "retired key": signer(RETIRED_SECRET).sign(session_id).decode(),
            "older than 8 hours": expired.sign(session_id).decode(),
            "unsigned id": session_id,
            "made-up session": signer(SESSION_SECRET).sign("no-such-session").decode(),
            "the old format": "Y2Fp.9999999999.0000",
        }
        for what, forged in forgeries.items():
            assert await queue_status(client, website, forged) == 303, what
        # Key rotation: a cookie signed with the previous key still opens its session.
        assert await queue_status(client, website, signer(PREVIOUS_SECRET).sign(session_id).decode()) == 200


@pytest.mark.asyncio
async def test_logging_out_ends_the_session_on_the_server(website: Website) -> None:
    async with browser("127.0.0.14") as client:
        cookie = cookie_of(await log_in(client, website, "dee", app_code=code("dee")))
        csrf = await csrf_of(client, website, cookie)
        async with client.post(
            f"{website.url}/agent/logout",
            data={"csrf": csrf},
            headers={"Origin": website.url, "Cookie": f"agent_session={cookie}"},
            allow_redirects=False,
        ) as out:
            assert out.status == 303
        # A copy of the cookie (kept by malware, a proxy log, a shared machine) is worth nothing now.
        assert await queue_status(client, website, cookie) == 303


@pytest.mark.asyncio
async def test_an_agent_can_end_all_of_their_sessions(website: Website) -> None:
    async with browser("127.0.0.15") as client:
        first = cookie_of(await log_in(client, website, "eve", app_code=code("eve")))
        second = cookie_of(await log_in(client, website, "eve", app_code=code("eve", +1)))
        other = cookie_of(await log_in(client, website, "fay", app_code=code("fay")))
        csrf = await csrf_of(client, website, second)
        async with client.post(
            f"{website.url}/agent/logout-everywhere",
            data={"csrf": csrf},
            headers={"Origin": website.url, "Cookie": f"agent_session={second}"},
            allow_redirects=False,
        ) as out:
            assert out.status == 303
        assert await queue_status(client, website, first) == 303
        assert await queue_status(client, website, second) == 303
        assert await queue_status(client, website, other) == 200  # another agent's session stays


# --- the login limit -----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_twenty_parallel_wrong_logins_from_one_address_are_counted_at_once(website: Website) -> None:
    async with browser("127.0.0.21") as client:
        replies = await asyncio.gather(
            *(log_in(client, website, f"guess{n}", "wrong-password") for n in range(20))
        )
        statuses = Counter(reply.status for reply in replies)
        assert statuses == {401: 5, 429: 15}
        assert all(int(reply.headers["Retry-After"]) > 0 for reply in replies if reply.status == 429)
        # The address waits, even with the right password and code.
        assert (await log_in(client, website, "gus", app_code=code("gus"))).status == 429
    async with browser("127.0.0.22") as elsewhere:
        assert (await log_in(elsewhere, website, "guess0", "wrong-password")).status == 401


@pytest.mark.asyncio
async def test_twenty_parallel_guesses_at_one_agent_from_twenty_addresses_are_counted_at_once(
    website: Website,
) -> None:
    clients = [browser(f"127.0.1.{n}") for n in range(1, 21)]
    try:
        replies = await asyncio.gather(
            *(log_in(client, website, "hal", "wrong-password", app_code="123456") for client in clients)
        )
        assert Counter(reply.status for reply in replies) == {401: 5, 429: 15}
        async with browser("127.0.1.99") as fresh:
            assert (await log_in(fresh, website, "hal", app_code=code("hal"))).status == 429
            assert (await log_in(fresh, website, "nobody", "wrong")).status == 401  # other names go on
    finally:
        for client in clients:
            await client.close()


@pytest.mark.asyncio
async def test_a_forwarded_for_header_counts_only_from_the_trusted_proxy(website: Website) -> None:
    # A direct visitor (not our proxy) who writes a new X-Forwarded-For each time is still one address.
    async with browser("127.0.0.31") as client:
        for n in range(5):
            reply = await log_in(client, website, f"spoof{n}", "wrong", forwarded_for=f"198.51.100.{n}")
            assert reply.status == 401
        limited = await log_in(client, website, "spoof9", "wrong", forwarded_for="198.51.100.99")
        assert limited.status == 429
    # Through the proxy (127.0.0.1), only the hop it appended counts; what the client wrote does not.
    async with browser("127.0.0.1") as proxy:
        for n in range(5):
            forwarded = f"10.9.9.{n}, 203.0.113.50"
            assert (
                await log_in(proxy, website, f"proxied{n}", "wrong", forwarded_for=forwarded)
            ).status == 401
        forwarded = "10.9.9.77, 203.0.113.50"
        assert (await log_in(proxy, website, "proxied9", "wrong", forwarded_for=forwarded)).status == 429
        other_customer = "203.0.113.51"
        assert (await log_in(proxy, website, "proxied8", "wrong", forwarded_for=other_customer)).status == 401


# --- bodies --------------------------------------------------------------------------------------


def raw_request(site: Website, head: str, body: bytes = b"") -> tuple[str, float]:
    """Sends a request by hand; returns the status line and how long the answer took."""
    host, port = site.url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(head.encode() + b"\r\n" + body)
        answer = connection.recv(4096).decode(errors="replace")
    return answer.split("\r\n", 1)[0], time.monotonic() - started


def test_a_body_over_64_kb_is_refused_before_it_is_read(website: Website) -> None:
    for path in ("/agent/login", "/", "/agent/cases/HO-ABC/take", "/static/widget.js"):
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        status, took = raw_request(website, head + "Content-Length: 104857600\r\n", b"name=a&password=")
        assert " 413 " in status, (path, status)
        assert took < 2
    # Chunked, with no length to refuse it by: cut once it passes the limit.
    chunk = b"%x\r\n%s\r\n" % (16 * 1024, b"a" * 16 * 1024)
    head = "POST /agent/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    status, _ = raw_request(website, head, chunk * 6)
    assert " 413 " in status


@pytest.mark.asyncio
async def test_a_body_under_the_limit_is_read_as_usual(website: Website) -> None:
    async with browser("127.0.0.41") as client:
        reply = await log_in(client, website, "nobody", "x" * 60_000)
        assert reply.status == 401


# --- what agents see -----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_customers_html_is_shown_as_text_and_each_hop_gets_its_own_token(website: Website) -> None:
    async with browser("127.0.0.51") as client:
        cookie = cookie_of(await log_in(client, website, "gus", app_code=code("gus", -1)))
        headers = {"Cookie": f"agent_session={cookie}"}
        for path in ("/agent", f"/agent/cases/{CASE['reference']}"):
            async with client.get(f"{website.url}{path}", headers=headers) as response:
                page = await response.text()
            assert response.status == 200
            assert "<img" not in page and "<script>alert" not in page and "<b>cards" not in page
            assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page and "&lt;b&gt;cards&lt;/b&gt;" in page
        csrf = await csrf_of(client, website, cookie)  # from the queue (the case is not ours yet)
        async with client.post(
            f"{website.url}/agent/cases/{CASE['reference']}/take",
            data={"csrf": csrf},
            headers={"Origin": website.url, **headers},
            allow_redirects=False,
        ) as taken:
            assert taken.status == 303
    calls = dict(website.standin.calls)
    assert calls["/handoffs"] == f"Bearer {SERVICE_TOKEN}"
    assert calls["/webhooks/socketio/agent_message"] == f"Bearer {RELAY_TOKEN}"
    log = Path(website.log).read_text()
    for secret in (SERVICE_TOKEN, RELAY_TOKEN, SESSION_SECRET, *TOTP.values(), *AGENTS.values()):
        assert secret not in log


def test_the_session_cookie_is_marked_for_https_by_default_outside_demo_mode() -> None:
    from web.settings import Settings

    env = {key: value for key, value in environment().items() if key != "AGENT_COOKIE_SECURE"}
    assert Settings.from_env(env).agent_cookie_secure is True
    assert Settings.from_env({**env, "DEMO_MODE": "1"}).agent_cookie_secure is False
