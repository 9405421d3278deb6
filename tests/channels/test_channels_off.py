"""A messaging channel without its environment variables is off: registered the way Rasa
registers credentials.yml's channels, every route of its webhook answers 404
channel_not_configured and nothing reaches the assistant. (A small Sanic app in the test
process, not a second Rasa server.)"""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from channels.facebook import FacebookInput
from channels.slack import SlackInput
from channels.telegram import TelegramInput
from channels.twilio import TwilioInput
from tests.messaging_env import messaging_env

CHANNELS = (TelegramInput, SlackInput, TwilioInput, FacebookInput)
NAMES = [channel.name() for channel in CHANNELS]


class RecordingAgent:
    def __init__(self) -> None:
        self.messages: list[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)


@pytest.fixture
def no_messaging_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in messaging_env("http://127.0.0.1:9"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest_asyncio.fixture
async def server(no_messaging_env) -> AsyncIterator[tuple[str, RecordingAgent]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Test mode lets several Sanic apps start in one process (Sanic rewrites some methods at
    # start-up, which breaks a second app otherwise); tests/in_app starts another.
    test_mode, Sanic.test_mode = Sanic.test_mode, True
    app = Sanic(f"channels_off_{uuid.uuid4().hex}")
    agent = RecordingAgent()
    app.ctx.agent = agent
    register([channel.from_credentials(None) for channel in CHANNELS], app, route="/webhooks/")
    running = await app.create_server("127.0.0.1", port, return_asyncio_server=True, access_log=False)
    await running.startup()
    await running.start_serving()
    try:
        yield f"http://127.0.0.1:{port}", agent
    finally:
        await running.before_stop()
        await running.close()
        await running.after_stop()
        Sanic.test_mode = test_mode


@pytest.mark.asyncio
async def test_unconfigured_channels_answer_404_and_pass_nothing_on(server):
    url, agent = server
    routes = (("POST", "webhook"), ("GET", "webhook"), ("GET", ""), ("POST", "set_webhook"))
    async with aiohttp.ClientSession() as session:
        for name in NAMES:
            for method, path in routes:
                address = f"{url}/webhooks/{name}/{path}"
                async with session.request(method, address, json={"text": "hi"}) as answer:
                    assert answer.status == 404, (name, method, path)
                    assert await answer.json() == {"error": "channel_not_configured"}
    assert agent.messages == []


@pytest.mark.parametrize(
    ("channel", "missing"),
    [
        (TelegramInput, "TELEGRAM_SECRET_TOKEN"),
        (SlackInput, "SLACK_SIGNING_SECRET"),
        (TwilioInput, "TWILIO_WEBHOOK_URL"),
        (FacebookInput, "FACEBOOK_APP_SECRET"),
    ],
)
def test_a_partly_configured_channel_is_off_and_names_only_what_is_missing(
    no_messaging_env, caplog, channel, missing
):
    env = messaging_env("http://127.0.0.1:9")
    for name, value in env.items():
        if name != missing:
            no_messaging_env.setenv(name, value)
    with caplog.at_level(logging.WARNING):
        assert channel.from_credentials(None).settings is None
    assert missing in caplog.text
    assert not any(value in caplog.text for value in env.values() if len(value) > 12)


def test_every_channel_is_on_with_its_variables(no_messaging_env):
    for name, value in messaging_env("http://127.0.0.1:9").items():
        no_messaging_env.setenv(name, value)
    assert all(channel.from_credentials(None).settings is not None for channel in CHANNELS)
