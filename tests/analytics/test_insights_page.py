"""The insights page of the agent console on a generated month: only for someone logged in,
the same figures as JSON, the plots as images, a clear 400 for a period that cannot be read."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from analytics.figures import figures
from tests.analytics.conftest import MONTH_DAYS, MONTH_START, Month
from web.server import create_app
from web.settings import Settings

pytestmark = pytest.mark.asyncio
PERIOD = {"from": MONTH_START.isoformat(), "to": (MONTH_START + timedelta(days=MONTH_DAYS - 1)).isoformat()}


async def logged_in_client(month: Month) -> TestClient:
    settings = Settings.from_env(
        {
            "DEMO_MODE": "1",
            "RASA_URL": "https://rasa.example.com",
            "ACCOUNT_SERVICE_URL": "http://127.0.0.1:9",
            "ANALYTICS_DB_URL": f"sqlite:///{month.path}",
        }
    )
    client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    origin = str(client.make_url("")).rstrip("/")
    response = await client.post(
        "/agent/login",
        data={"name": "agent", "password": "demo-agent-password"},
        headers={"Origin": origin},
        allow_redirects=False,
    )
    assert response.status == 303
    return client


async def test_the_page_json_and_plots_show_the_month(month: Month) -> None:
    client = await logged_in_client(month)
    try:
        expected = figures(month.engine, MONTH_START, MONTH_START + timedelta(days=MONTH_DAYS - 1))
        answer = await client.get("/agent/insights.json", params=PERIOD)
        assert answer.status == 200
        assert await answer.json() == json.loads(json.dumps(expected))
        assert expected["totals"]["conversations"] == month.tally.total_conversations
        page = await client.get("/agent/insights", params=PERIOD)
        html = await page.text()
        assert page.status == 200 and f"<strong>{month.tally.total_conversations}</strong>" in html
        assert html.count("/agent/insights/plots/") == 4 and "<script" not in html.split("</head>")[1]
        plot = await client.get("/agent/insights/plots/conversations.png", params=PERIOD)
        assert plot.status == 200 and (await plot.read()).startswith(b"\x89PNG")
        assert (await client.get("/agent/insights/plots/nothing.png")).status == 404
        for bad in (
            {"from": "yesterday"},
            {"from": "2026-10-10", "to": "2026-10-01"},
            {"from": "2020-01-01"},
        ):
            refused = await client.get("/agent/insights.json", params=bad)
            assert refused.status == 400, bad
    finally:
        await client.close()


async def test_nobody_sees_it_without_logging_in(month: Month) -> None:
    client = await logged_in_client(month)
    try:
        client.session.cookie_jar.clear()
        for path in ("/agent/insights", "/agent/insights.json", "/agent/insights/plots/topics.png"):
            response = await client.get(path, allow_redirects=False)
            assert response.status == 303 and response.headers["Location"] == "/agent/login", path
    finally:
        await client.close()
