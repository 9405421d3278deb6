"""The operators' page of the agent console as an attacker would try it, against the real website
process in production mode (tests/security/website.py, sessions in its memory): an agent who
forges the operators' form, a missing or wrong CSRF token, a POST from another site, and an
operator who ends an agent's sessions for real. The same over two replicas sharing Redis is in
tests/storage/test_operator_console_redis.py."""

from __future__ import annotations

from collections.abc import Iterator

import aiohttp
import pytest

from tests.security.test_agent_console import refusal
from tests.security.website import (
    AGENTS,
    OPERATORS,
    SERVICE_TOKEN,
    SESSION_SECRET,
    TOTP,
    Website,
    browser,
    code,
    cookie_of,
    running_website,
)
from web.settings import Settings, SettingsError


@pytest.fixture(scope="module")
def website(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Website]:
    with running_website(tmp_path_factory.mktemp("operator-website")) as running:
        yield running


async def log_in(client: aiohttp.ClientSession, site: Website, name: str, step: int = 0) -> str:
    """A fresh session of an agent or an operator; its cookie. Each person logs in once per
    test module with each code step (a code is accepted once)."""
    password = {**AGENTS, **OPERATORS}[name]
    form = {"name": name, "password": password, "code": code(name, step)}
    async with client.post(
        f"{site.url}/agent/login", data=form, headers={"Origin": site.url}, allow_redirects=False
    ) as response:
        assert response.status == 303, await response.text()
        return cookie_of(response)


async def get(client: aiohttp.ClientSession, site: Website, path: str, cookie: str) -> tuple[int, str]:
    async with client.get(
        f"{site.url}{path}", headers={"Cookie": f"agent_session={cookie}"}, allow_redirects=False
    ) as response:
        return response.status, await response.text()


async def csrf_of(client: aiohttp.ClientSession, site: Website, cookie: str) -> str:
    _, page = await get(client, site, "/agent", cookie)
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


async def end_sessions(
    client: aiohttp.ClientSession,
    site: Website,
    cookie: str,
    agent: str,
    csrf: str | None,
    origin: str | None = "",
) -> int:
    """The operators' form for `agent`, as sent (origin "": this website; None: no Origin)."""
    headers = {"Cookie": f"agent_session={cookie}"}
    if origin is not None:
        headers["Origin"] = origin or site.url
    data = {} if csrf is None else {"csrf": csrf}
    async with client.post(
        f"{site.url}/agent/operator/agents/{agent}/end-sessions",
        data=data,
        headers=headers,
        allow_redirects=False,
    ) as response:
        await response.read()
        return response.status


# --- starting ------------------------------------------------------------------------------------


def test_a_name_in_both_lists_or_an_operator_without_a_code_refuses_to_start() -> None:
    agents = "ana:ana-password-long-enough"
    console = {
        "AGENT_TOTP_SECRETS": f"ana:{TOTP['ana']}",
        "AGENT_SESSION_SECRET": SESSION_SECRET,
        "AGENT_SERVICE_TOKEN": SERVICE_TOKEN,
        "AGENT_RELAY_TOKEN": "relay-token-of-its-own-" + "x" * 20,
    }
    said = refusal(AGENT_USERS=agents, OPERATOR_USERS="ana:another-password-long", **console)
    assert "AGENT_USERS and OPERATOR_USERS both name ana" in said
    assert "another-password-long" not in said

    said = refusal(AGENT_USERS=agents, OPERATOR_USERS="olu:olu-operator-password-long", **console)
    assert "OPERATOR_TOTP_SECRETS for olu" in said and "password-long" not in said
    said = refusal(
        AGENT_USERS=agents,
        OPERATOR_USERS="olu:short",
        OPERATOR_TOTP_SECRETS=f"olu:{TOTP['olu']}",
        **console,
    )
    assert "OPERATOR_USERS passwords must have at least 12 characters" in said
    assert TOTP["olu"] not in said


def test_demo_mode_has_one_demo_operator_beside_the_demo_agent() -> None:
    demo = Settings.from_env({"DEMO_MODE": "1"})
    assert demo.agent_users == (("agent", "demo-agent-password"),)
    assert demo.operator_users == (("operator", "demo-operator-password"),)
    production = Settings.from_env({"DEMO_MODE": "0"})
    assert production.operator_users == () and not production.console_on
    with pytest.raises(SettingsError, match="both name operator"):
        Settings.from_env({"DEMO_MODE": "1", "AGENT_USERS": "operator:pw"})


# --- who reaches the page ------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_an_operator_sees_the_queue_and_which_agents_are_logged_in(website: Website) -> None:
    async with browser("127.0.0.71") as client:
        agent = await log_in(client, website, "ana")
        operator = await log_in(client, website, "olu")
        status, queue = await get(client, website, "/agent", operator)
        assert status == 200 and 'href="/agent/operator"' in queue and "HO-INJECT1" in queue
        assert (await get(client, website, "/agent/insights.json", operator))[0] == 200
        status, page = await get(client, website, "/agent/operator", operator)
        assert status == 200
        rows = {row.split("</td>")[0]: row for row in page.split('<td class="name">')[1:]}
        assert set(rows) == set(AGENTS)  # agents only: operators are not listed
        assert "(logged in)" in rows["ana"] and "none" in rows["ben"]
        # An agent's own pages do not offer the operators' page.
        assert 'href="/agent/operator"' not in (await get(client, website, "/agent", agent))[1]


@pytest.mark.asyncio
async def test_an_agent_gets_403_for_the_page_and_for_a_forged_form(website: Website) -> None:
    async with browser("127.0.0.72") as client:
        victim = await log_in(client, website, "ben")
        attacker = await log_in(client, website, "cai")
        assert (await get(client, website, "/agent/operator", attacker))[0] == 403
        # Everything right but the role: the attacker's own session, CSRF token and origin.
        csrf = await csrf_of(client, website, attacker)
        assert await end_sessions(client, website, attacker, "ben", csrf) == 403
        assert await end_sessions(client, website, attacker, "cai", csrf) == 403
        assert (await get(client, website, "/agent", victim))[0] == 200  # still logged in
        # Nobody logged in: sent to the login page, nothing ended.
        assert (await get(client, website, "/agent/operator", "forged"))[0] == 303
        assert await end_sessions(client, website, "forged", "ben", "x") == 303
        assert (await get(client, website, "/agent", victim))[0] == 200


@pytest.mark.asyncio
async def test_the_form_needs_its_csrf_token_and_this_origin(website: Website) -> None:
    async with browser("127.0.0.73") as client:
        victim = await log_in(client, website, "dee")
        operator = await log_in(client, website, "oma")
        other = await log_in(client, website, "eve")
        right = await csrf_of(client, website, operator)
        attempts = {
            "no token": dict(csrf=None),
            "empty token": dict(csrf=""),
            "wrong token": dict(csrf="A" * len(right)),
            "an agent's token": dict(csrf=await csrf_of(client, website, other)),
            "another site": dict(csrf=right, origin="https://evil.example"),
            "a look-alike site": dict(csrf=right, origin=website.url.replace("127.0.0.1", "127.0.0.1.evil")),
            "no origin": dict(csrf=right, origin=None),
        }
        for what, attempt in attempts.items():
            assert await end_sessions(client, website, operator, "dee", **attempt) == 403, what
            assert (await get(client, website, "/agent", victim))[0] == 200, what


@pytest.mark.asyncio
async def test_an_operator_ends_an_agents_sessions_and_only_agents(website: Website) -> None:
    async with browser("127.0.0.74") as client:
        first = await log_in(client, website, "fay")
        # The same agent on a second machine (the next code step: a code logs in once).
        second = await log_in(client, website, "fay", step=+1)
        operator = await log_in(client, website, "oto")
        _, page = await get(client, website, "/agent/operator", operator)
        assert "2 (logged in)" in row_of(page, "fay")
        csrf = await csrf_of(client, website, operator)
        assert await end_sessions(client, website, operator, "fay", csrf) == 303
        for cookie in (first, second):
            assert (await get(client, website, "/agent", cookie))[0] == 303  # back to the login page
        _, page = await get(client, website, "/agent/operator?note=sessions_ended", operator)
        assert "sessions have ended" in page and "none" in row_of(page, "fay")
        # Operators' sessions are not ended from here, and unknown names are not guessed at.
        assert await end_sessions(client, website, operator, "olu", csrf) == 404
        assert await end_sessions(client, website, operator, "nobody", csrf) == 404
        assert (await get(client, website, "/agent", operator))[0] == 200
        log = website.log.read_text()
        assert "operator oto ended 2 session(s) of agent fay" in log
        assert OPERATORS["oto"] not in log and AGENTS["fay"] not in log


def row_of(page: str, name: str) -> str:
    return page.split(f'<td class="name">{name}</td>', 1)[1].split("</tr>", 1)[0]
