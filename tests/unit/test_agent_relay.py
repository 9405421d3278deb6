"""The agent relay's pieces without a server: which relay the console calls, what the body must
hold, how each kind of channel passes a line on, and the notices' wording in both languages."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from channels.agent_relay import (
    AgentLine,
    PlatformRelay,
    PolledRelay,
    RelayFailed,
    customer_line,
    read_after,
    read_line,
)
from channels.handoff import handoff_replies, wants_to_leave
from localization import texts
from web.agent_console import notice_text, relay_url


class Settings:
    rasa_internal_url = "http://rasa:5005"


@pytest.mark.parametrize(
    ("conversation", "url"),
    [
        ("socketio:abc", "http://rasa:5005/webhooks/socketio/agent_message"),
        ("twilio:whatsapp:+15550100", "http://rasa:5005/webhooks/twilio/agent_message"),
        ("in_app:0f3c", "http://rasa:5005/webhooks/in_app/agent_message"),
        ("rest:x", "http://rasa:5005/webhooks/rest/agent_message"),
        ("e2e-no-channel", None),
        ("webhooks:x", None),
        ("../admin:x", None),
    ],
)
def test_the_console_calls_the_relay_of_the_conversations_own_channel(conversation: str, url: str | None):
    assert relay_url(Settings(), conversation) == url  # type: ignore[arg-type]


def test_a_line_needs_a_conversation_of_this_channel_and_some_text():
    assert read_line({"conversation_id": "slack:U1", "text": " hi ", "agent": "Priya"}, "slack") == (
        "U1",
        AgentLine("hi", "Priya"),
    )
    assert read_line({"conversation_id": "slack:U1", "text": "joined"}, "slack") == (
        "U1",
        AgentLine("joined"),
    )
    assert read_line({"conversation_id": "telegram:1", "text": "hi"}, "slack") == "conversation_id"
    assert read_line({"conversation_id": "slack:", "text": "hi"}, "slack") == "conversation_id"
    assert read_line({"conversation_id": "slack:U1", "text": "  "}, "slack") == "text"
    assert read_line({"conversation_id": "slack:U1", "text": "x" * 2001}, "slack") == "text"
    assert read_line(["not", "an", "object"], "slack") == "conversation_id"


class Output:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[str, str]] = []
        self.fail = fail

    async def send_text_message(self, recipient: str, text: str, **_: Any) -> None:
        if self.fail:
            raise ConnectionError("platform down")
        self.sent.append((recipient, text))


def test_a_platform_gets_the_agents_name_in_front_and_a_notice_as_it_is():
    output = Output()
    relay = PlatformRelay(lambda _: output)  # type: ignore[arg-type,return-value]
    assert asyncio.run(relay.deliver("42", AgentLine("Which charge?", "Priya"))) == "sent"
    assert asyncio.run(relay.deliver("42", AgentLine("Priya has left the conversation."))) == "sent"
    assert output.sent == [("42", "Priya: Which charge?"), ("42", "Priya has left the conversation.")]
    with pytest.raises(RelayFailed):
        asyncio.run(PlatformRelay(lambda _: Output(fail=True)).deliver("42", AgentLine("hi")))  # type: ignore[arg-type,return-value]
    with pytest.raises(RelayFailed):
        asyncio.run(PlatformRelay(lambda _: None).deliver("42", AgentLine("hi")))
    assert asyncio.run(PolledRelay().deliver("42", AgentLine("hi"))) == "stored"


def test_a_polled_line_has_the_widgets_shape():
    line = {"id": 7, "from": "agent", "agent": "Priya", "text": "Hi", "at": "2026-11-29T14:00:00Z"}
    assert customer_line(line, "app-1") == {
        "id": 7,
        "recipient_id": "app-1",
        "text": "Hi",
        "agent": {"name": "Priya"},
        "at": "2026-11-29T14:00:00Z",
    }
    assert customer_line({**line, "from": "assistant", "agent": None}, "app-1")["notice"] is True
    assert [read_after(value) for value in (None, "", "0", "12", "-1", "1e3", "9" * 13)] == [
        0,
        0,
        0,
        12,
        None,
        None,
        None,
    ]


def test_notices_follow_the_language_the_customer_writes_in():
    english = {"transcript": [{"from": "customer", "text": "I want a person"}], "messages": []}
    hindi = {**english, "messages": [{"from": "customer", "text": "मेरा कार्ड ब्लॉक करना है"}]}
    assert notice_text("take", "Priya", english).startswith("Priya from our team has joined the chat")
    assert notice_text("take", "Priya", hindi).startswith("हमारी टीम से Priya चैट में जुड़ गए हैं")
    assert "Priya has left the conversation" in notice_text("release", "Priya", english)
    assert "Priya बातचीत से चले गए हैं" in notice_text("release", "Priya", hindi)
    assert "closed this conversation" in notice_text("close", "Priya", {})
    for lines in (texts.AGENT_JOINED, texts.AGENT_LEFT, texts.AGENT_CLOSED):
        assert set(lines) == {"en", "hi"} and all("{agent}" in line for line in lines.values())


class Desk:
    def __init__(self, handoff: dict | None, waiting: bool = False) -> None:
        self.handoff, self.waiting, self.stored = handoff, waiting, []

    async def leave_queue(self, conversation: str) -> bool:
        return self.waiting

    async def to_handoff(self, conversation: str, text: str) -> dict | None:
        self.stored.append(text)
        return self.handoff


def test_rest_and_in_app_answers_during_a_handoff():
    waiting = {"status": "waiting", "position": 2, "estimated_wait_minutes": 6}
    said = asyncio.run(handoff_replies(Desk(waiting), "rest:a", "hello?", "a"))  # type: ignore[arg-type]
    assert said is not None and said[0]["notice"] and "number 2 in the queue" in said[0]["text"]
    assert asyncio.run(handoff_replies(Desk({"status": "with_agent"}), "rest:a", "hi", "a")) == []  # type: ignore[arg-type]
    assert asyncio.run(handoff_replies(Desk(None), "rest:a", "hi", "a")) is None  # type: ignore[arg-type]
    left = asyncio.run(handoff_replies(Desk(waiting, waiting=True), "rest:a", "रद्द", "a"))  # type: ignore[arg-type]
    assert left is not None and left[0]["text"] == texts.LEFT_QUEUE["hi"]
    assert wants_to_leave("Cancel!") and not wants_to_leave("cancel my card")


@pytest.mark.parametrize("value", ["²", "1²", "³³", "١٢", "12\u0660"])
def test_a_poll_after_written_in_other_digits_is_refused_not_a_crash(value: str):
    # str.isdigit() takes superscripts (int() then raises: a 500 on the public poll) and other
    # scripts' digits; the poll asks for a line ID, in ASCII digits.
    assert read_after(value) is None
