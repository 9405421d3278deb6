"""Alerts reach the platforms: the real app with the messaging platforms configured, talking to the
platform stand-in (tests/platform_standin.py) with the platforms' credentials checks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import requests
from aiohttp.test_utils import TestClient, TestServer

from account_service.alert_delivery import AlertPlatforms, parse_templates
from account_service.app import create_app
from tests import messaging_env as creds
from tests.conftest import free_port
from tests.messaging_env import messaging_env
from tests.platform_standin import running_standin
from tests.service.api import Api
from tests.service.conftest import settings_for

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
def standin() -> Iterator[str]:
    with running_standin(free_port()) as url:
        yield url


@pytest_asyncio.fixture
async def api(db_path: Path, standin: str) -> AsyncIterator[Api]:
    requests.delete(f"{standin}/__calls", timeout=10)
    settings = settings_for(db_path, AGENT_HOURS="always", **messaging_env(standin))
    async with TestClient(TestServer(create_app(settings), access_log=None)) as client:
        yield Api(client)


def calls(standin: str, **filters: str) -> list[dict[str, Any]]:
    return requests.get(f"{standin}/__calls", params=filters, timeout=10).json()


async def purchase(api: Api, user_id: str, last_four: str, amount: str) -> None:
    body = {"user_id": user_id, "card_last_four": last_four, "merchant": "SKYLINE", "amount": amount}
    status, answer = await api.call("POST", "/demo/transactions", json=body, auth=False)
    assert status == 201, answer


async def test_sms_alerts_go_through_twilio_from_the_sms_number(api: Api, standin: str) -> None:
    await purchase(api, "alex.morgan", "2002", "600")
    [sent] = calls(standin, platform="twilio", to="+15550102002")
    assert sent["authorized"] and sent["from"] == creds.TWILIO_NUMBER
    assert sent["text"].endswith("Did you make this purchase? Reply YES or NO.")


async def test_whatsapp_outside_the_window_sends_the_approved_template(api: Api, standin: str) -> None:
    await purchase(api, "priya.sharma", "1005", "30000")
    [sent] = calls(standin, platform="twilio", to="whatsapp:+919820041005")
    assert sent["body"]["ContentSid"] == creds.WHATSAPP_TEMPLATES["fraud_check"]
    assert json.loads(sent["body"]["ContentVariables"])["2"] == "₹30,000.00"
    assert "Body" not in sent["body"]


async def test_telegram_alerts_have_yes_and_no_buttons(api: Api, standin: str) -> None:
    await api.verify()
    _, link = await api.me_post("/alerts/telegram-link")
    status, _ = await api.call(
        "POST",
        "/alerts/replies",
        json={"conversation_id": "telegram:424242", "text": f"/link {link['code']}"},
        caller="channels",
    )
    assert status == 200
    await purchase(api, "alex.morgan", "2002", "600")
    [sent] = calls(standin, platform="telegram", to="424242")
    assert sent["authorized"] and sent["api"] == "sendMessage"
    assert [button["payload"] for button in sent["buttons"]] == ["YES", "NO"]


async def test_whatsapp_without_a_template_falls_back_to_sms(db_path: Path, standin: str) -> None:
    requests.delete(f"{standin}/__calls", timeout=10)
    env = {**messaging_env(standin), "WHATSAPP_TEMPLATES": ""}
    async with TestClient(TestServer(create_app(settings_for(db_path, **env)), access_log=None)) as client:
        await purchase(Api(client), "priya.sharma", "1005", "30000")
    assert calls(standin, platform="twilio", to="whatsapp:+919820041005") == []
    assert len(calls(standin, platform="twilio", to="+919820041005")) == 1


async def test_platforms_come_from_the_channels_variables() -> None:
    assert AlertPlatforms.from_env({}) == AlertPlatforms()
    platforms = AlertPlatforms.from_env(messaging_env("http://standin"))
    assert platforms.twilio is not None and platforms.twilio.whatsapp_number == "+15550100001"
    assert platforms.telegram is not None and platforms.telegram.bot_name == creds.TELEGRAM_BOT_NAME
    assert "auth_token" not in repr(platforms) and creds.TWILIO_AUTH_TOKEN not in repr(platforms)
    assert parse_templates("fraud_check=HX1, bad, =x,payment_due = HX2") == {
        "fraud_check": "HX1",
        "payment_due": "HX2",
    }
