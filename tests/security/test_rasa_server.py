"""The Rasa server as an attacker on the network meets it (the test stack: demo mode, the HTTP API
on with a JWT secret): no API call without a valid token, no conversation of one channel named
from another, bodies and message rates capped, the widget's socket only for allowed pages."""

from __future__ import annotations

import asyncio
import time
import uuid

import jwt
import pytest
import requests
import socketio

from rasa_server.api_token import api_token
from tests.channels.conftest import TelegramCustomer, texts
from tests.conftest import CONVERSATION_LIMIT, RASA_JWT_SECRET, WIDGET_ORIGINS, Assistant
from tests.conversations.test_socketio import Browser
from tests.e2e.conftest import make_room_for_a_code

# What an attacker would try first: read a conversation, speak in it on the customer's channel,
# swap the model, train, or just use the NLU.
API_CALLS = [
    ("GET", "/conversations/{c}/tracker", None),
    (
        "POST",
        "/conversations/{c}/tracker/events?execute_side_effects=true&output_channel=twilio",
        {"event": "bot", "text": "Your card is blocked, call +1 900 555 0100"},
    ),
    ("POST", "/conversations/{c}/messages", {"text": "hi", "sender": "user"}),
    ("POST", "/conversations/{c}/trigger_intent", {"name": "check_balance"}),
    ("GET", "/conversations/{c}/story", None),
    ("PUT", "/model", {"model_file": "/tmp/evil.tar.gz"}),
    ("DELETE", "/model", None),
    ("POST", "/model/train", {}),
    ("POST", "/model/parse", {"text": "what's my balance"}),
    ("GET", "/status", None),
    ("GET", "/domain", None),
]


def call(
    assistant: Assistant, method: str, path: str, body: dict | None, token: str | None
) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.request(method, assistant.rasa_url + path, json=body, headers=headers, timeout=30)


@pytest.mark.parametrize(("method", "path", "body"), API_CALLS)
def test_every_api_route_refuses_a_missing_forged_or_expired_token(assistant, method, path, body):
    conversation = f"rest:{uuid.uuid4().hex}"
    path = path.format(c=conversation)
    forged = jwt.encode({"user": {"username": "x", "role": "admin"}}, "not-the-secret" * 3, algorithm="HS256")
    expired = jwt.encode(
        {"user": {"username": "x", "role": "admin"}, "exp": int(time.time()) - 3600},
        RASA_JWT_SECRET,
        algorithm="HS256",
    )
    unsigned = jwt.encode({"user": {"username": "x", "role": "admin"}}, None, algorithm="none")
    for token in (None, "", forged, expired, unsigned, "Bearer"):
        answer = call(assistant, method, path, body, token)
        assert answer.status_code == 401, (token, answer.status_code, answer.text[:200])
    # Nothing was said in the conversation the attacker named.
    events = assistant.tracker(conversation)["events"] or []
    assert not [event for event in events if event["event"] in ("user", "bot")]


def test_a_conversation_token_reaches_only_its_own_conversation(assistant):
    mine, theirs = f"rest:{uuid.uuid4().hex}", f"rest:{uuid.uuid4().hex}"
    token = api_token(RASA_JWT_SECRET, conversation_id=mine)
    assert call(assistant, "GET", f"/conversations/{mine}/tracker", None, token).status_code == 200
    assert call(assistant, "GET", f"/conversations/{theirs}/tracker", None, token).status_code == 403
    assert call(assistant, "POST", "/model/parse", {"text": "hi"}, token).status_code == 403


def test_the_health_check_stays_open(assistant):
    assert requests.get(assistant.rasa_url + "/", timeout=10).status_code == 200


def test_a_rest_client_cannot_speak_in_a_telegram_customers_verified_conversation(assistant):
    customer = TelegramCustomer(assistant)
    make_room_for_a_code(assistant, "alex.morgan")
    customer.say("what's my balance?")
    customer.say("alex.morgan")
    assert "verified" in texts(customer.say(assistant.latest_code("alex.morgan")))
    for sender in (customer.to, customer.conversation_id, f"telegram:{customer.to}"):
        answer = assistant.send(sender, "what's my balance?")
        said = "\n".join(reply.get("text", "") for reply in answer)
        assert "User ID" in said and "balance is" not in said.lower(), said
        # Replies name the sender as given, never another channel's conversation.
        assert all(reply["recipient_id"] == sender for reply in answer)


def test_a_body_over_64_kb_is_refused_before_it_is_read(assistant):
    started = time.monotonic()
    big = {"sender": "rest-big", "message": "a" * (100 * 1024 * 1024)}
    try:
        answer = requests.post(assistant.rasa_url + "/webhooks/rest/webhook", json=big, timeout=60)
        assert answer.status_code == 413
    except requests.ConnectionError:
        pass  # Sanic may close the connection as soon as the declared length is too large
    assert time.monotonic() - started < 10
    # Still answering others at once.
    assert "12 characters" in "\n".join(
        reply.get("text", "")
        for reply in assistant.send(f"after-big-{uuid.uuid4().hex}", "password requirements?")
    )


def test_a_message_just_under_the_cap_is_cut_and_answered(assistant):
    answer = assistant.send(f"long-{uuid.uuid4().hex}", "what are the password requirements? " + "x" * 50_000)
    assert answer and answer[0]["text"]


def test_one_conversation_flooding_gets_429_and_others_are_not_affected(assistant):
    sender = f"flood-{uuid.uuid4().hex}"

    async def flood() -> list[int]:
        import aiohttp

        async with aiohttp.ClientSession() as session:

            async def one() -> int:
                async with session.post(
                    assistant.rasa_url + "/webhooks/rest/webhook",
                    json={"sender": sender, "message": "/greet"},
                ) as reply:
                    await reply.read()
                    return reply.status

            return await asyncio.gather(*(one() for _ in range(45)))

    statuses = asyncio.run(flood())
    assert statuses.count(200) == CONVERSATION_LIMIT and statuses.count(429) == 45 - CONVERSATION_LIMIT
    assert assistant.send(f"calm-{uuid.uuid4().hex}", "/greet")


@pytest.mark.asyncio
async def test_the_widget_socket_refuses_pages_it_does_not_know(assistant):
    stranger = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await stranger.connect(
            assistant.rasa_url,
            socketio_path="/socket.io",
            transports=["polling"],
            headers={"Origin": "https://evil.example"},
        )
    page = Browser(assistant.rasa_url)
    allowed = WIDGET_ORIGINS.split(",")[0]  # the test website's origin
    assert await page.open(headers={"Origin": allowed})
    await page.close()


@pytest.mark.asyncio
async def test_a_socket_packet_over_64_kb_is_refused(assistant):
    browser = Browser(assistant.rasa_url)
    await browser.open()
    await browser.client.emit(
        "user_uttered", {"message": "x" * (200 * 1024), "session_id": browser.session_id}
    )
    await asyncio.sleep(2)
    assert browser.replies.empty()
    events = assistant.tracker(browser.conversation)["events"]
    assert not [event for event in events if event["event"] == "user"]
    await browser.close()


def test_only_our_channels_are_served(assistant):
    # Rasa Enterprise's channel would trust any token signed with a key fetched from localhost:5002.
    answer = requests.post(
        assistant.rasa_url + "/webhooks/rasa/webhook",
        json={"message": "hi"},
        headers={"Authorization": "Bearer x"},
        timeout=10,
    )
    assert answer.status_code == 404
