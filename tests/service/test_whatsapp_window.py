"""The channels ask whether a WhatsApp customer wrote within 24 hours: every message they send
is noted (POST /alerts/replies), and outside the window agents' lines go as a template."""

from __future__ import annotations

import pytest

from tests.service.api import Api

pytestmark = pytest.mark.asyncio
CONVERSATION = "twilio:whatsapp:+15550107007"


async def window_open(api: Api, conversation: str = CONVERSATION) -> bool:
    status, body = await api.call(
        "GET", "/alerts/whatsapp-window", params={"conversation_id": conversation}, caller="channels"
    )
    assert status == 200, body
    return bool(body["open"])


async def test_the_window_opens_with_the_customers_message_and_closes_24_hours_later(api: Api) -> None:
    assert await window_open(api) is False  # never wrote
    status, _ = await api.call(
        "POST", "/alerts/replies", json={"conversation_id": CONVERSATION, "text": "hello"}, caller="channels"
    )
    assert status == 200
    assert await window_open(api) is True
    await api.advance(23 * 3600)
    assert await window_open(api) is True
    await api.advance(3601)
    assert await window_open(api) is False
    # Not a WhatsApp conversation: never a free-text window to speak of.
    assert await window_open(api, "twilio:+15550107007") is False


async def test_only_the_channels_ask(api: Api) -> None:
    status, _ = await api.call(
        "GET", "/alerts/whatsapp-window", params={"conversation_id": CONVERSATION}, caller="agents"
    )
    assert status == 403
