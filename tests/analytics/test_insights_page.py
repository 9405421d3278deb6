"""The insights page of the agent console on a generated month: only for someone logged in,
the same figures as JSON, the plots as images, a clear 400 for a period that cannot be read."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import insert

from analytics import tables
from analytics.figures import figures
from analytics.tables import create_tables, engine_for
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


async def test_a_period_outside_the_calendar_is_a_400_not_a_crash(month: Month) -> None:
    # "to" alone reaches back 30 days: from 0001-01-05 that is before the first day there is.
    client = await logged_in_client(month)
    try:
        for path in ("/agent/insights", "/agent/insights.json", "/agent/insights/plots/topics.png"):
            refused = await client.get(path, params={"to": "0001-01-05"})
            assert refused.status == 400, path
    finally:
        await client.close()


async def test_a_customers_message_on_the_page_is_text(tmp_path: Path) -> None:
    """The least-understood messages are what customers typed: shown escaped, never as markup."""
    engine = engine_for(f"sqlite:///{tmp_path / 'analytics.db'}")
    create_tables(engine)
    payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    with engine.begin() as connection:
        connection.execute(
            insert(tables.turns).values(
                key="c.1.u1",
                conversation_key="c.1",
                at=0.0,
                day=MONTH_START.isoformat(),
                channel="rest",
                language="en",
                topic="nlu_fallback",
                confidence=0.1,
                fallback=True,
                latency_ms=None,
                text=payload,
            )
        )
    client = await logged_in_client(Month(engine, engine, None, tmp_path / "analytics.db"))  # type: ignore[arg-type]
    try:
        html = await (await client.get("/agent/insights", params=PERIOD)).text()
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html
        assert "<img src=x" not in html and "<script>alert" not in html
        shown = await (await client.get("/agent/insights.json", params=PERIOD)).json()
        assert shown["least_understood"] == [{"text": payload, "count": 1}]  # JSON, not HTML: as typed
    finally:
        await client.close()
