"""Live agent handoff through the website's socket.io channel against the real stack: while a
person has the conversation the assistant stays quiet, agents' lines reach the widget's room,
and outside agent hours the next message is kept for the team."""

from __future__ import annotations

import uuid

import pytest
import requests

from common.settings import DEMO_SECRETS
from tests.conversations.test_socketio import Browser, texts

pytestmark = pytest.mark.asyncio


RELAY_TOKEN = DEMO_SECRETS["AGENT_RELAY_TOKEN"]


def relay(assistant, body: dict, token: str = RELAY_TOKEN) -> requests.Response:
    return requests.post(
        f"{assistant.rasa_url}/webhooks/socketio/agent_message",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def agent_call(assistant, method: str, path: str, **kwargs) -> requests.Response:
    """The account service as the agent console calls it (its own token, scope agents)."""
    return assistant.service(method, path, caller="AGENT_SERVICE_TOKEN", **kwargs)


def hours(assistant, mode: str) -> None:
    requests.post(
        f"{assistant.service_url}/demo/agent-hours", json={"mode": mode}, timeout=10
    ).raise_for_status()


async def test_an_agent_takes_over_and_hands_back(assistant):
    browser = Browser(assistant.rasa_url)
    await browser.open()
    session = browser.conversation
    try:
        opened = texts(await browser.say("I want to talk to a person"))
        assert "reference is HO-" in opened and "minutes" in opened
        active = assistant.service("GET", "/handoffs/active", params={"conversation_id": session}).json()
        assert active["status"] == "waiting"

        waiting = texts(await browser.say("hello, anyone there?"))
        assert "in the queue" in waiting

        reference = active["reference"]
        assert agent_call(assistant, "POST", f"/handoffs/{reference}/take", json={"agent": "Maria"}).ok
        assert relay(assistant, {"conversation_id": session, "text": "Hi, I'm Maria.", "agent": "Maria"}).ok
        line = await browser.replies.get()
        assert line == {"text": "Hi, I'm Maria.", "agent": {"name": "Maria"}}

        # The assistant stays quiet: the widget only gets an empty acknowledgement.
        quiet = await browser.say("what are the password requirements?")
        assert texts(quiet).strip() == ""
        log = agent_call(assistant, "GET", f"/handoffs/{reference}/messages").json()["messages"]
        assert [m["text"] for m in log if m["from"] == "customer"][
            -1
        ] == "what are the password requirements?"

        assert agent_call(assistant, "POST", f"/handoffs/{reference}/release", json={"agent": "Maria"}).ok
        assert "12 characters" in texts(await browser.say("what are the password requirements?"))
    finally:
        await browser.close()


async def test_the_relay_needs_the_token_and_a_widget_conversation(assistant):
    session = f"socketio:{uuid.uuid4().hex}"
    assert relay(assistant, {"conversation_id": session, "text": "hi"}, token="wrong").status_code == 401
    # The service token is not the relay's: each caller has its own secret.
    token = DEMO_SECRETS["ACCOUNT_SERVICE_TOKEN"]
    assert relay(assistant, {"conversation_id": session, "text": "hi"}, token=token).status_code == 401
    for other in ("1", uuid.uuid4().hex, f"telegram:{uuid.uuid4().hex}", "socketio:"):
        assert relay(assistant, {"conversation_id": other, "text": "hi"}).status_code == 400
    assert relay(assistant, {"conversation_id": session, "text": ""}).status_code == 400


async def test_outside_agent_hours_the_next_message_is_saved_for_the_team(assistant):
    browser = Browser(assistant.rasa_url)
    await browser.open()
    session = browser.conversation
    hours(assistant, "never")
    try:
        closed = texts(await browser.say("I want to talk to a person"))
        assert "No one from the team is available" in closed and "reference is HO-" in closed
        saved = texts(await browser.say("Please call me back about my statement"))
        assert "saved for the team" in saved and "HO-" in saved
        queue = agent_call(assistant, "GET", "/handoffs", params={"status": "message_left"}).json()
        mine = [case for case in queue if case["conversation_id"] == session]
        assert mine and mine[0]["messages"][0]["text"] == "Please call me back about my statement"
        # Saved once: the assistant answers the next message.
        assert "12 characters" in texts(await browser.say("what are the password requirements?"))
    finally:
        hours(assistant, "configured")
        await browser.close()


async def test_when_the_service_does_not_answer_the_assistant_does(assistant):
    browser = Browser(assistant.rasa_url)
    await browser.open()
    assistant.set_fault("down")
    try:
        answered = texts(await browser.say("what are the password requirements?"))
        assert "12 characters" in answered
    finally:
        assistant.set_fault("pass")
        await browser.close()


async def test_a_person_asked_for_in_the_middle_of_a_task_then_the_assistant_goes_on(assistant):
    sender = uuid.uuid4().hex
    assert "User ID" in texts(assistant.send(sender, "my card ending 0005 was charged twice"))
    handed = assistant.send(sender, "I want to talk to a person")
    assert "reference is HO-" in handed[0]["text"]
    assert len(handed) == 1  # and nothing after it
    # REST is a live channel too: while waiting, messages go to the team with the queue place.
    waiting = assistant.send(sender, "what are the password requirements?")
    assert len(waiting) == 1 and waiting[0]["notice"] and "in the queue" in waiting[0]["text"]
    assert "left the queue" in texts(assistant.send(sender, "cancel"))
    assert "12 characters" in texts(assistant.send(sender, "what are the password requirements?"))


async def test_a_waiting_customer_types_cancel_and_is_back_with_the_assistant(assistant):
    browser = Browser(assistant.rasa_url)
    await browser.open()
    session = browser.conversation
    try:
        assert "reference is HO-" in texts(await browser.say("I want to talk to a person"))
        assert 'type "cancel"' in texts(await browser.say("are you there?"))
        assert "left the queue" in texts(await browser.say("cancel"))
        status = assistant.service("GET", "/handoffs/active", params={"conversation_id": session}).status_code
        assert status == 404
        assert "12 characters" in texts(await browser.say("what are the password requirements?"))
    finally:
        await browser.close()
