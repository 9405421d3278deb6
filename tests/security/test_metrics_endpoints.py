"""GET /metrics on the website, the action server and the Rasa server, through their real apps, as
an attacker meets it: off without METRICS_TOKEN, 401 without that exact token (the service's
other tokens are not it), and what it shows never holds a user ID, a conversation ID or a path
that was asked for. (The account service's: tests/service/test_metrics.py.)"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sanic import Sanic

from actions.server import create_app as create_action_server
from actions.settings import read_settings
from common.metrics import REGISTRY
from tests.conftest import free_port
from tests.sanic_serving import serving
from web.server import create_app as create_website
from web.settings import Settings as WebsiteSettings

METRICS_TOKEN = "metrics-token-for-the-security-tests-01"
ACTION_TOKEN = "action-server-token-for-the-metrics-test-1"
RASA_JWT = "rasa-jwt-secret-for-the-metrics-tests-0001"
NOT_THE_TOKEN = [None, "", "wrong", METRICS_TOKEN[:-1], f"{METRICS_TOKEN} x"]


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token is not None else {}


# --- the website -----------------------------------------------------------------------------------
async def website(**env: str) -> TestClient:
    nobody_there = f"http://127.0.0.1:{free_port()}"  # the demo phone's upstream is down
    settings = WebsiteSettings.from_env({"DEMO_MODE": "1", "ACCOUNT_SERVICE_URL": nobody_there, **env})
    client = TestClient(TestServer(create_website(settings)))
    await client.start_server()
    return client


@pytest.mark.asyncio
async def test_the_website_has_no_metrics_without_a_token() -> None:
    client = await website()
    try:
        for token in (None, METRICS_TOKEN):
            async with client.get("/metrics", headers=bearer(token)) as reply:
                assert reply.status == 404
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_the_website_metrics_need_the_token_and_hold_no_path_or_user() -> None:
    client = await website(METRICS_TOKEN=METRICS_TOKEN)
    try:
        errors_before = sample("http_errors_total", service="web", route="/demo/outbox")
        for path in (
            "/customers/alex.morgan/cards",
            "/demo/outbox?user_id=alex.morgan",
            "/agent/cases/HO-ALEX7",
        ):
            async with client.get(path):
                pass
        for token in NOT_THE_TOKEN:
            async with client.get("/metrics", headers=bearer(token)) as refused:
                assert refused.status == 401
                assert "http_requests_total" not in await refused.text()
        async with client.get("/metrics", headers=bearer(METRICS_TOKEN)) as scrape:
            assert scrape.status == 200
            assert scrape.headers["X-Content-Type-Options"] == "nosniff"
            text = await scrape.text()
    finally:
        await client.close()
    assert 'route="/agent/cases/{reference}",service="web"' in text
    assert 'route="<unmatched>",service="web"' in text
    # The demo phone's upstream was down: 502, counted as an error of its route.
    assert sample("http_errors_total", service="web", route="/demo/outbox") == errors_before + 1
    for raw in ("alex.morgan", "HO-ALEX7"):
        assert raw not in text
    mine = [line for line in text.splitlines() if 'service="web"' in line]
    assert mine and not [line for line in mine if "/customers" in line]


# --- the action server -----------------------------------------------------------------------------
def action_call(action: str, conversation: str) -> dict[str, Any]:
    return {
        "next_action": action,
        "sender_id": conversation,
        "version": "3.6.21",
        "tracker": {
            "sender_id": conversation,
            "slots": {"requested_slot": None},
            "latest_message": {"text": "hm", "intent": {"name": "nlu_fallback"}, "entities": []},
            "events": [],
            "paused": False,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
    }


@pytest.fixture
def fresh_sanic_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test builds its own app under a name an earlier test may have used."""
    monkeypatch.setattr(Sanic, "test_mode", True)


async def action_server(**env: str) -> Sanic:
    settings = read_settings({"DEMO_MODE": "1", "ACTION_SERVER_TOKEN": ACTION_TOKEN, **env})
    return create_action_server(settings)


@pytest.mark.asyncio
async def test_the_action_server_has_no_metrics_without_a_token(fresh_sanic_names: None) -> None:
    async with serving(await action_server()) as base, aiohttp.ClientSession() as client:
        async with client.get(base + "/metrics") as reply:
            assert reply.status == 401  # like any path, without Rasa's token
        async with client.get(base + "/metrics", headers=bearer(ACTION_TOKEN)) as reply:
            assert reply.status == 404


@pytest.mark.asyncio
async def test_the_action_server_metrics_need_their_own_token(fresh_sanic_names: None) -> None:
    app = await action_server(METRICS_TOKEN=METRICS_TOKEN)
    ran_before = sample("action_runs_total", action="action_count_misunderstanding", outcome="ran")
    async with serving(app) as base, aiohttp.ClientSession() as client:
        for action in ("action_count_misunderstanding", "alex.morgan"):
            body = action_call(action, "alex.morgan")
            async with client.post(base + "/webhook", json=body, headers=bearer(ACTION_TOKEN)) as reply:
                assert reply.status in (200, 404)
        async with client.post(base + "/webhook", json={}) as reply:
            assert reply.status == 401
        for token in [*NOT_THE_TOKEN, ACTION_TOKEN]:
            async with client.get(base + "/metrics", headers=bearer(token)) as refused:
                assert refused.status == 401
        async with client.get(base + "/metrics", headers=bearer(METRICS_TOKEN)) as scrape:
            assert scrape.status == 200
            text = await scrape.text()
    assert (
        sample("action_runs_total", action="action_count_misunderstanding", outcome="ran") == ran_before + 1
    )
    assert 'action_runs_total{action="<unknown>",outcome="not_found"}' in text
    assert 'method="POST",route="/webhook",service="action_server",status="401"' in text
    assert "alex.morgan" not in text


# --- the Rasa server -------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_the_rasa_server_counts_channels_and_guards_its_metrics(
    monkeypatch: pytest.MonkeyPatch, fresh_sanic_names: None
) -> None:
    """Rasa's own configure_app, as rasa_server/metrics.py wraps it, with the REST channel and
    the HTTP API on; an agent without a model (the messages are counted as not_ready)."""
    import rasa.core.run
    from rasa.core.agent import Agent
    from rasa.core.channels.rest import RestInput

    from rasa_server.metrics import measured_agent_handle, measured_configure_app

    channels: set[str] = set()
    configure_app = measured_configure_app(rasa.core.run.configure_app, METRICS_TOKEN, channels)
    monkeypatch.setattr(Agent, "handle_message", measured_agent_handle(Agent.handle_message, channels))
    app = configure_app([RestInput()], enable_api=True, jwt_secret=RASA_JWT, jwt_method="HS256")
    app.ctx.agent = Agent()
    assert channels == {"rest"}
    rest_before = sample("rasa_messages_total", channel="rest", outcome="not_ready")
    other_before = sample("rasa_messages_total", channel="other", outcome="not_ready")

    async with serving(app) as base, aiohttp.ClientSession() as client:
        for body in (
            {"sender": "alex.morgan", "message": "hi"},
            {"sender": "alex.morgan", "message": "hi", "input_channel": "alex.morgan"},
        ):
            async with client.post(base + "/webhooks/rest/webhook", json=body) as reply:
                assert reply.status == 200
        async with client.get(base + "/conversations/alex.morgan/tracker") as reply:
            assert reply.status == 401  # the API's own JWT check
        for token in [*NOT_THE_TOKEN, RASA_JWT]:
            async with client.get(base + "/metrics", headers=bearer(token)) as refused:
                assert refused.status == 401
        async with client.get(base + "/metrics", headers=bearer(METRICS_TOKEN)) as scrape:
            assert scrape.status == 200
            text = await scrape.text()

    assert sample("rasa_messages_total", channel="rest", outcome="not_ready") == rest_before + 1
    assert sample("rasa_messages_total", channel="other", outcome="not_ready") == other_before + 1
    assert 'route="/webhooks/rest/webhook",service="rasa",status="200"' in text
    assert 'route="/conversations/<conversation_id:path>/tracker",service="rasa",status="401"' in text
    assert "alex.morgan" not in text


@pytest.mark.asyncio
async def test_the_rasa_server_without_a_token_has_no_metrics_route(fresh_sanic_names: None) -> None:
    import rasa.core.run
    from rasa.core.channels.rest import RestInput

    from rasa_server.metrics import measured_configure_app

    configure_app = measured_configure_app(rasa.core.run.configure_app, "", set())
    app = configure_app([RestInput()], enable_api=False)
    async with (
        serving(app) as base,
        aiohttp.ClientSession() as client,
        client.get(base + "/metrics", headers=bearer(METRICS_TOKEN)) as reply,
    ):
        assert reply.status == 404


def test_install_wraps_where_rasa_run_builds_its_app_and_handles_messages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What `python -m rasa_server` calls before Rasa starts; undone after the test."""
    import rasa.core.run
    from rasa.core.agent import Agent
    from rasa.core.processor import MessageProcessor

    import rasa_server.metrics

    monkeypatch.setattr(rasa_server.metrics, "_installed", False)
    targets = [
        (rasa.core.run, "configure_app"),
        (Agent, "handle_message"),
        (MessageProcessor, "handle_message"),
    ]
    for owner, name in targets:
        monkeypatch.setattr(owner, name, getattr(owner, name))  # restored on the way out
    rasa_server.metrics.install(METRICS_TOKEN)
    rasa_server.metrics.install(METRICS_TOKEN)  # a second call changes nothing
    wrapped = [getattr(owner, name) for owner, name in targets]
    assert [function.__name__ for function in wrapped] == [
        "configure_app_with_metrics",
        "handle_message_with_metrics",
        "handle_message_after_lock",
    ]
