"""web/server.py on its own (no browser, no assistant): settings, the page's headers and config,
and the demo phone's proxy when the account service is down or slow."""

from __future__ import annotations

import asyncio
import json
import re
import time

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from tests.conftest import free_port
from web.server import create_app
from web.settings import Settings, SettingsError


def settings(**env: str) -> Settings:
    return Settings.from_env({"RASA_URL": "https://rasa.example.com", "DEMO_MODE": "1", **env})


async def client_for(app: web.Application) -> TestClient:
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


@pytest.mark.asyncio
async def test_the_page_lets_the_widget_reach_only_the_rasa_socket_and_holds_no_secrets() -> None:
    secrets = {"AGENT_SERVICE_TOKEN": "service-not-in-the-page", "AGENT_RELAY_TOKEN": "relay-not-in-the-page"}
    client = await client_for(create_app(settings(**secrets)))
    try:
        reply = await client.get("/")
        page = await reply.text()
        policy = reply.headers["Content-Security-Policy"]
        assert "connect-src 'self' https://rasa.example.com wss://rasa.example.com" in policy
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert reply.headers["X-Frame-Options"] == "DENY"
        config = json.loads(re.search(r'id="page-config">(.*?)</script>', page).group(1))
        assert config["socketUrl"] == "https://rasa.example.com"
        assert config["demoCustomers"] == [
            "alex.morgan",
            "priya.sharma",
            "sam.lee",
            "jordan.reyes",
            "taylor.kim",
            "meera.iyer",
            "noah.fischer",
        ]
        assert "not-in-the-page" not in page and "demo-agent" not in page
        assert (await (await client.get("/health")).json())["status"] == "ok"
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_the_issuer_name_is_text_and_cannot_end_the_config_script(tmp_path) -> None:
    name = "</script><script>alert(1)</script><b>&amp;"
    issuer = tmp_path / "issuer.yml"
    issuer.write_text(json.dumps({"issuer": {"name": name}, "regions": {}}))
    client = await client_for(create_app(settings(ISSUER_CONFIG=str(issuer))))
    try:
        page = await (await client.get("/")).text()
        assert "<script>alert(1)" not in page and "<b>" not in page
        assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page  # as text in the headings
        config = json.loads(re.search(r'id="page-config">(.*?)</script>', page).group(1))
        assert config["issuerName"] == name
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_without_demo_mode_there_is_no_demo_phone() -> None:
    client = await client_for(create_app(settings(DEMO_MODE="0")))
    try:
        page = await (await client.get("/")).text()
        assert '"demoMode": false' in page
        assert (await client.get("/demo/outbox", params={"user_id": "alex.morgan"})).status == 404
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_the_demo_phone_says_unavailable_when_the_service_is_down_or_slow() -> None:
    async def hang(_: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.json_response([])

    slow = web.Application()
    slow.router.add_get("/demo/outbox", hang)
    slow_server = TestServer(slow)
    await slow_server.start_server()
    down = f"http://127.0.0.1:{free_port()}"
    try:
        for service_url in (down, str(slow_server.make_url("")).rstrip("/")):
            app = create_app(
                Settings(**{**settings(ACCOUNT_SERVICE_URL=service_url).__dict__, "outbox_timeout_s": 0.5})
            )
            client = await client_for(app)
            try:
                started = time.monotonic()
                reply = await client.get("/demo/outbox", params={"user_id": "alex.morgan"})
                assert reply.status == 502 and (await reply.json()) == {"error": "unavailable"}
                assert time.monotonic() - started < 3
            finally:
                await client.close()
    finally:
        await slow_server.close()


def test_settings_refuse_a_rasa_url_that_is_not_http() -> None:
    with pytest.raises(SettingsError):
        Settings.from_env({"RASA_URL": "javascript:alert(1)"})
    assert Settings.from_env({}).socket_origins() == ["http://localhost:5005", "ws://localhost:5005"]
