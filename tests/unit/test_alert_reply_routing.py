"""The channel layer asks the account service about every SMS, WhatsApp and Telegram message first,
and does what it says: answer it, hand the assistant a task's payload, or let the assistant answer."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

import channels.messaging as messaging
from channels.alert_replies import AlertReply, _read


class Recorder:
    def __init__(self, routed: AlertReply | None) -> None:
        self.routed = routed
        self.asked: list[tuple[str, str]] = []
        self.assistant_got: list[str] = []

    async def alert_reply(self, conversation_id: str, text: str) -> AlertReply | None:
        self.asked.append((conversation_id, text))
        return self.routed

    async def on_new_message(self, message: UserMessage) -> None:
        self.assistant_got.append(message.text or "")


async def run(monkeypatch: Any, channel: str, text: str, routed: AlertReply | None) -> tuple[Recorder, list]:
    recorder = Recorder(routed)
    monkeypatch.setattr(messaging, "alert_reply", recorder.alert_reply)
    output = CollectingOutputChannel()
    handle = messaging.screened(recorder.on_new_message, channel)
    await handle(UserMessage(text, output, "+15550105007", input_channel=channel))
    return recorder, output.messages


@pytest.mark.asyncio
async def test_an_answer_to_an_alert_is_answered_by_the_service_and_never_reaches_the_assistant(monkeypatch):
    recorder, sent = await run(
        monkeypatch, "twilio", "NO", AlertReply("answered", text="We've frozen your card.")
    )
    assert recorder.asked == [("twilio:+15550105007", "NO")]
    assert [message["text"] for message in sent] == ["We've frozen your card."]
    assert recorder.assistant_got == []


@pytest.mark.asyncio
async def test_telegram_answers_keep_their_buttons(monkeypatch):
    buttons = [{"title": "Order a new card", "payload": "NEW CARD"}]
    _, sent = await run(
        monkeypatch, "telegram", "NO", AlertReply("answered", text="Frozen.", buttons=buttons)
    )
    assert sent[0]["buttons"] == buttons


@pytest.mark.asyncio
async def test_pay_now_hands_the_assistant_the_payment_task(monkeypatch):
    recorder, sent = await run(monkeypatch, "twilio", "PAY", AlertReply("hand_over", message="/pay_bill"))
    assert recorder.assistant_got == ["/pay_bill"] and sent == []


@pytest.mark.parametrize("routed", [AlertReply("none"), None])
@pytest.mark.asyncio
async def test_other_messages_and_a_silent_service_leave_the_assistant_to_answer(monkeypatch, routed):
    recorder, _ = await run(monkeypatch, "twilio", "what's my balance?", routed)
    assert recorder.assistant_got == ["what's my balance?"]


@pytest.mark.asyncio
async def test_channels_without_alerts_are_not_checked(monkeypatch):
    recorder, _ = await run(monkeypatch, "slack", "no", AlertReply("answered", text="x"))
    assert recorder.asked == [] and recorder.assistant_got == ["no"]


def test_the_services_answer_is_read_strictly():
    assert _read(
        {"outcome": "answered", "text": "Hi", "buttons": [{"title": "A", "payload": "B"}]}
    ) == AlertReply("answered", text="Hi", buttons=[{"title": "A", "payload": "B"}])
    assert _read({"outcome": "hand_over", "message": "/pay_bill"}) == AlertReply(
        "hand_over", message="/pay_bill"
    )
    # Only a payload may stand in for the customer's words.
    assert _read({"outcome": "hand_over", "message": "freeze everything"}) is None
    assert _read({"outcome": "answered", "text": ""}) is None
    assert _read({"outcome": "none"}) == AlertReply("none")
    assert _read({"outcome": "maybe"}) is None
