"""GET /metrics on the account service, as Prometheus and as an attacker meet it: off without
METRICS_TOKEN, 401 without that exact token (a caller's token is not it), and what it shows
counts requests by route pattern, OTP outcomes and the handoff queue without a user ID, a
conversation ID or a path that was asked for."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from account_service.app import create_app
from account_service.settings import DEMO_TOKENS, Settings
from common.metrics import REGISTRY
from tests.service.api import Api, other_code
from tests.service.conftest import settings_for

pytestmark = pytest.mark.asyncio

METRICS_TOKEN = "metrics-token-for-the-service-tests-0001"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest_asyncio.fixture
async def metered(db_path: Path) -> AsyncIterator[Api]:
    settings = settings_for(db_path, AGENT_HOURS="always", METRICS_TOKEN=METRICS_TOKEN)
    async with TestClient(TestServer(create_app(settings), access_log=None)) as client:
        yield Api(client)


async def scrape(api: Api, token: str | None = METRICS_TOKEN) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with api.client.get("/metrics", headers=headers) as reply:
        return reply.status, await reply.text()


async def test_without_a_metrics_token_there_is_no_metrics_route(api: Api) -> None:
    for token in (None, DEMO_TOKENS["actions"], METRICS_TOKEN):
        status, _ = await scrape(api, token)
        assert status == 404


async def test_metrics_need_the_metrics_token_itself(metered: Api) -> None:
    refused = [None, "", "wrong", METRICS_TOKEN[:-1], METRICS_TOKEN + "x", *DEMO_TOKENS.values()]
    for token in refused:
        status, text = await scrape(metered, token)
        assert status == 401, token
        assert "http_requests_total" not in text
    async with metered.client.get("/metrics", headers={"Authorization": f"Basic {METRICS_TOKEN}"}) as reply:
        assert reply.status == 401
    status, text = await scrape(metered)
    assert status == 200
    assert "# TYPE http_requests_total counter" in text


def sessions_not_verified() -> float:
    """GET /sessions/{conversation_id} answered 404 (no verified session)."""
    labels = {"route": "/sessions/{conversation_id}", "method": "GET", "status": "404"}
    return sample("http_requests_total", service="account_service", **labels)


async def test_requests_are_counted_by_route_pattern_never_by_path(metered: Api) -> None:
    before = sessions_not_verified()
    await metered.call("GET", "/sessions/alex.morgan")
    await metered.call("GET", "/customers/alex.morgan/cards")  # no such route: 404
    await metered.call("GET", "/demo/outbox", params={"user_id": "alex.morgan"}, auth=False)
    await metered.call("GET", "/sessions/conv-secret-name", headers={"X-Anything": "alex.morgan"})
    status, text = await scrape(metered)
    assert status == 200
    assert sessions_not_verified() == before + 2
    assert 'route="<unmatched>"' in text and 'route="/demo/outbox"' in text
    for raw in ("alex.morgan", "conv-secret-name"):
        assert raw not in text
    mine = [line for line in text.splitlines() if 'service="account_service"' in line]
    assert mine and not [line for line in mine if "/customers" in line]


async def test_otp_outcomes_are_counted(metered: Api) -> None:
    sent_before = sample("otp_sent_total", purpose="verify")
    wrong_before = sample("otp_failed_total", reason="wrong_code")
    verified_before = sample("otp_verified_total", purpose="verify")
    no_match_before = sample("otp_not_sent_total", reason="no_match")

    status, challenge = await metered.start("conv-otp", user_id="alex.morgan")
    assert status == 201
    code = await metered.latest_code()
    status, _ = await metered.check(challenge["challenge_id"], other_code(code), "conv-otp")
    assert status == 400
    status, _ = await metered.check(challenge["challenge_id"], code, "conv-otp")
    assert status == 200
    status, _ = await metered.start("conv-otp-2", user_id="nobody.here")
    assert status == 201  # the same answer as a match

    assert sample("otp_sent_total", purpose="verify") == sent_before + 1
    assert sample("otp_failed_total", reason="wrong_code") == wrong_before + 1
    assert sample("otp_verified_total", purpose="verify") == verified_before + 1
    assert sample("otp_not_sent_total", reason="no_match") == no_match_before + 1
    _, text = await scrape(metered)
    assert code not in text and "nobody.here" not in text and challenge["challenge_id"] not in text


async def test_the_handoff_queue_is_read_at_scrape_time(metered: Api) -> None:
    await scrape(metered)
    assert sample("handoff_queue_length", status="waiting") == 0
    for conversation in ("conv-h1", "conv-h2"):
        status, body = await metered.call(
            "POST",
            "/handoffs",
            json={"conversation_id": conversation, "topic": "dispute_charge", "transcript": []},
        )
        assert status == 201, body
    status, text = await scrape(metered)
    assert status == 200
    assert 'handoff_queue_length{status="waiting"} 2.0' in text
    assert 'handoff_queue_length{status="with_agent"} 0.0' in text


async def test_a_weak_or_shared_metrics_token_is_refused_outside_demo_mode(db_path: Path) -> None:
    from account_service.settings import SettingsError
    from tests.service.conftest import PRODUCTION_ENV

    base = {**PRODUCTION_ENV, "ACCOUNT_DB_URL": f"sqlite+aiosqlite:///{db_path}"}
    for weak in ("short", PRODUCTION_ENV["ACCOUNT_SERVICE_TOKEN"]):
        with pytest.raises(SettingsError, match="METRICS_TOKEN"):
            Settings.from_env({**base, "METRICS_TOKEN": weak})
    settings = Settings.from_env({**base, "METRICS_TOKEN": "m" * 40})
    assert settings.metrics_token == "m" * 40
    assert "m" * 40 not in repr(settings)
