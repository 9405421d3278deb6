"""The in-app channel on a real Sanic server, configured for RS256 with a key made in the test, in
front of a stand-in account service: what reaches the assistant, what the service is told, and
every refusal (nothing reaches either of them)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from channels.in_app import InAppChannel, InAppSettings, conversation_id, load_settings
from tests.conftest import free_port
from tests.in_app.tokens import claims, hs256, hs256_raw, new_rsa_key, public_pem, rs256, unsigned

pytestmark = pytest.mark.asyncio

SERVICE_TOKEN = "service-token-for-the-channel-tests-" + "x" * 8


@dataclass
class StandInService:
    """Answers POST /identity/app-sessions as told and remembers every call."""

    status: int = 201
    answer: dict[str, Any] = field(default_factory=lambda: {"verified": True, "method": "app_login"})
    delay_s: float = 0.0
    calls: list[tuple[str | None, Any]] = field(default_factory=list)

    async def app_sessions(self, request: web.Request) -> web.Response:
        self.calls.append((request.headers.get("Authorization"), await request.json()))
        await asyncio.sleep(self.delay_s)
        return web.json_response(self.answer, status=self.status)


@dataclass
class Running:
    url: str
    settings: InAppSettings | None
    service: StandInService
    received: list[UserMessage]

    async def post(self, token: str | None, body: Any, *, scheme: str = "Bearer") -> tuple[int, Any]:
        headers = {"Authorization": f"{scheme} {token}"} if token is not None else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.url}/webhooks/in_app/webhook", json=body, headers=headers) as reply,
        ):
            return reply.status, await reply.json()


@asynccontextmanager
async def running_channel(env: dict[str, str], service: StandInService) -> AsyncIterator[Running]:
    service_app = web.Application()
    service_app.router.add_post("/identity/app-sessions", service.app_sessions)
    async with TestServer(service_app) as service_server:
        settings = load_settings(
            {
                "ACCOUNT_SERVICE_URL": str(service_server.make_url("")).rstrip("/"),
                "CHANNELS_SERVICE_TOKEN": SERVICE_TOKEN,
                **env,
            }
        )
        received: list[UserMessage] = []

        async def assistant(message: UserMessage) -> None:
            received.append(message)
            await message.output_channel.send_text_message(message.sender_id, f"heard: {message.text}")

        # Test mode lets several apps start in one process (Sanic rewrites some methods at start-up).
        test_mode, Sanic.test_mode = Sanic.test_mode, True
        app = Sanic(f"in_app_test_{uuid.uuid4().hex}")
        app.blueprint(InAppChannel(settings).blueprint(assistant), url_prefix="/webhooks/in_app")
        port = free_port()
        server = await app.create_server(
            host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
        )
        assert server is not None
        await server.startup()
        try:
            yield Running(f"http://127.0.0.1:{port}", settings, service, received)
        finally:
            await server.before_stop()
            server.close()
            await server.wait_closed()
            await server.after_stop()
            Sanic.test_mode = test_mode


@pytest.fixture(scope="module")
def rsa_key():
    return new_rsa_key()


@pytest.fixture
def service() -> StandInService:
    return StandInService()


@pytest_asyncio.fixture
async def channel(rsa_key, service: StandInService) -> AsyncIterator[Running]:
    async with running_channel({"IN_APP_JWT_PUBLIC_KEY": public_pem(rsa_key)}, service) as running:
        yield running


def token_for(rsa_key, user_id: str = "alex.morgan", **fields: Any) -> str:
    return rs256(rsa_key, claims(user_id, issuer=None, audience=None, **fields))


async def test_a_valid_rs256_token_binds_the_login_and_reaches_the_assistant(
    channel: Running, rsa_key
) -> None:
    payload = claims("alex.morgan", issuer=None, audience=None, logged_in_ago_s=1800)
    status, replies = await channel.post(
        rs256(rsa_key, payload),
        {"sender": "phone-1", "message": "what's my balance", "metadata": {"region": "US"}},
    )
    assert status == 200
    assert replies == [{"recipient_id": "phone-1", "text": "heard: what's my balance"}]

    assert channel.settings is not None
    expected_conversation = conversation_id(channel.settings, "alex.morgan", "phone-1")
    [message] = channel.received
    assert (message.sender_id, message.input_channel) == (expected_conversation, "in_app")
    # The channel adds the client's key (a hash of its address) for the identity limits.
    assert message.metadata["region"] == "US" and set(message.metadata) == {"region", "client_key"}

    # The service is handed the app's own token and the sender, never a customer or a conversation
    # to take on trust: it verifies the token itself and derives the same ID.
    [(authorization, body)] = channel.service.calls
    assert authorization == f"Bearer {SERVICE_TOKEN}"
    assert body == {"app_token": rs256(rsa_key, payload), "sender": "phone-1"}


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda key: hs256(claims(issuer=None, audience=None)), id="hs256-when-rs256-configured"),
        pytest.param(
            lambda key: hs256_raw(claims(issuer=None, audience=None), public_pem(key).encode()),
            id="hs256-keyed-with-the-public-key",
        ),
        pytest.param(lambda key: unsigned(claims(issuer=None, audience=None)), id="alg-none"),
        pytest.param(lambda key: token_for(new_rsa_key()), id="another-key"),
        pytest.param(lambda key: token_for(key, expires_in_s=-60), id="expired"),
        pytest.param(lambda key: token_for(key, logged_in_ago_s=13 * 3600), id="login-too-old"),
        pytest.param(lambda key: "not-a-token", id="garbage"),
        pytest.param(lambda key: None, id="missing"),
    ],
)
async def test_a_refused_token_is_401_and_nothing_reaches_the_assistant_or_the_service(
    channel: Running, rsa_key, make
) -> None:
    status, body = await channel.post(make(rsa_key), {"sender": "phone-1", "message": "what's my balance"})
    assert status == 401
    assert body["error"] == "unauthorized" and body["reason"]
    assert channel.received == [] and channel.service.calls == []


async def test_another_scheme_than_bearer_is_refused(channel: Running, rsa_key) -> None:
    status, _ = await channel.post(token_for(rsa_key), {"sender": "p", "message": "hi"}, scheme="Basic")
    assert status == 401 and channel.received == []


async def test_a_bad_body_with_a_good_token_is_400_and_calls_nobody(channel: Running, rsa_key) -> None:
    for body in (
        [1, 2],
        {"message": "hi"},
        {"sender": "p", "message": 5},
        {"sender": "p", "message": "x", "metadata": 1},
    ):
        status, answer = await channel.post(token_for(rsa_key), body)
        assert (status, answer["error"]) == (400, "bad_request")
    assert channel.received == [] and channel.service.calls == []


@pytest.mark.parametrize(
    ("service_status", "service_answer", "status", "error"),
    [
        (423, {"error": "locked", "locked_until": "2026-11-26T10:30:00Z"}, 423, "locked"),
        (404, {"error": "no_match"}, 403, "forbidden"),
        (403, {"error": "login_too_old", "max_login_age_seconds": 43200}, 401, "unauthorized"),
    ],
)
async def test_the_services_refusals_are_answered_plainly_and_nothing_is_processed(
    channel: Running, rsa_key, service_status: int, service_answer: dict[str, Any], status: int, error: str
) -> None:
    channel.service.status, channel.service.answer = service_status, service_answer
    answer_status, body = await channel.post(token_for(rsa_key), {"sender": "p", "message": "balance"})
    assert (answer_status, body["error"]) == (status, error)
    assert body["reason"]
    if error == "locked":
        assert body["locked_until"] == "2026-11-26T10:30:00Z"
    assert channel.received == []


async def test_when_the_service_fails_the_message_still_reaches_the_assistant(
    channel: Running, rsa_key
) -> None:
    channel.service.status, channel.service.answer = 500, {"error": "internal"}
    status, replies = await channel.post(
        token_for(rsa_key), {"sender": "p", "message": "how do I reset my password"}
    )
    assert status == 200 and replies[0]["text"] == "heard: how do I reset my password"
    assert len(channel.received) == 1


async def test_a_slow_service_holds_the_message_at_most_the_channels_timeout(rsa_key) -> None:
    service = StandInService(delay_s=5)
    env = {"IN_APP_JWT_PUBLIC_KEY": public_pem(rsa_key), "ACCOUNT_SERVICE_TIMEOUT": "1"}
    async with running_channel(env, service) as channel:
        started = asyncio.get_running_loop().time()
        status, _ = await channel.post(token_for(rsa_key), {"sender": "p", "message": "hi"})
        assert status == 200 and len(channel.received) == 1
        assert asyncio.get_running_loop().time() - started < 3


async def test_a_service_that_is_not_there_does_not_stop_the_conversation(rsa_key) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    env = {"IN_APP_JWT_PUBLIC_KEY": public_pem(rsa_key), "ACCOUNT_SERVICE_URL": nowhere}
    async with running_channel(env, StandInService()) as channel:
        status, replies = await channel.post(token_for(rsa_key), {"sender": "p", "message": "hi"})
        assert status == 200 and replies[0]["text"] == "heard: hi"
        assert len(channel.received) == 1 and channel.service.calls == []


async def test_off_unless_configured(service: StandInService) -> None:
    async with running_channel({}, service) as channel:
        status, body = await channel.post("anything", {"sender": "p", "message": "hi"})
        assert (status, body["error"]) == (404, "channel_not_configured")
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{channel.url}/webhooks/in_app/") as reply,
        ):
            assert reply.status == 404
        assert channel.received == [] and service.calls == []


async def test_card_numbers_are_cut_before_the_assistant_sees_them_and_a_warning_is_said_first(
    channel: Running, rsa_key
) -> None:
    status, replies = await channel.post(
        token_for(rsa_key), {"sender": "p", "message": "my card 4111 1111 1111 1111\x00 was declined"}
    )
    assert status == 200
    assert "don't type your full card number" in replies[0]["text"]
    [message] = channel.received
    assert "4111 1111" not in message.text and "1111" in message.text and "\x00" not in message.text
    assert all(reply["recipient_id"] == "p" for reply in replies)


async def test_an_empty_message_is_still_a_turn(channel: Running, rsa_key) -> None:
    status, _ = await channel.post(token_for(rsa_key), {"sender": "p", "message": "  \x07 "})
    assert status == 200 and channel.received[0].text == "/nlu_fallback"


async def test_one_customer_and_sender_is_one_conversation_another_customer_another(
    channel: Running, rsa_key
) -> None:
    for user_id in ("alex.morgan", "Alex.Morgan", "priya.sharma"):
        await channel.post(token_for(rsa_key, user_id), {"sender": "shared-sender", "message": "hi"})
    alex, alex_again, priya = (message.sender_id for message in channel.received)
    assert alex == alex_again != priya


async def test_tokens_and_text_are_never_logged(rsa_key, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    service = StandInService(status=500, answer={"error": "internal"})
    async with running_channel({"IN_APP_JWT_PUBLIC_KEY": public_pem(rsa_key)}, service) as channel:
        good, bad = token_for(rsa_key), token_for(new_rsa_key())
        await channel.post(good, {"sender": "p", "message": "secret words about my account"})
        await channel.post(bad, {"sender": "p", "message": "other secret words"})
    assert "in-app" in caplog.text  # the service failure was logged
    for secret in (good, bad, good.split(".")[2], "secret words", "other secret"):
        assert secret not in caplog.text
