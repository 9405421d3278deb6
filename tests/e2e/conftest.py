"""Chats with the whole assistant: REST channel, Rasa, action server, account service."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import Assistant

CODES_PER_WINDOW = 3
WINDOW_S = 15 * 60


class Chat:
    """One customer's conversation; `say` answers the assistant's replies as one text."""

    def __init__(self, assistant: Assistant, sender: str | None = None) -> None:
        self.assistant = assistant
        self.sender = sender or f"e2e-{uuid.uuid4().hex[:16]}"
        self.replies: list[dict] = []

    @property
    def conversation(self) -> str:
        """The conversation ID the tracker and the account service know (the REST channel's)."""
        return f"rest:{self.sender}"

    def say(self, text: str) -> str:
        self.replies = self.assistant.send(self.sender, text)
        return "\n".join(reply.get("text", "") for reply in self.replies)

    @property
    def buttons(self) -> list[str]:
        return [button["payload"] for reply in self.replies for button in reply.get("buttons", [])]

    def verify(self, request: str, user_id: str) -> str:
        """Asks for a task, gives the User ID and the code from the demo phone; the reply to the code."""
        make_room_for_a_code(self.assistant, user_id)
        asked = self.say(request)
        assert "User ID" in asked, asked
        sent = self.say(user_id)
        assert "6-digit one-time code" in sent, sent
        return self.say(self.assistant.latest_code(user_id))


def answer_payment_questions(chat: Any, reply: str) -> str:
    """Answers the payment form's questions (the card when it asks, an amount of 10, today) until
    its summary, and returns the summary. What earlier tests did to the demo customer (a card
    replaced, a balance paid) changes the questions, so the card is the offered one with the
    largest balance and the amount a small one rather than "the minimum due" (which may be 0)."""
    exchange = [reply]
    for _ in range(5):
        if "Just to confirm" in reply:
            return reply
        if "Which card" in reply:
            answer = card_with_most_to_pay(chat)
        elif "How much" in reply:
            answer = "10"
        elif "When" in reply:
            answer = "today"
        else:
            raise AssertionError("not a payment question:\n" + "\n> ".join(exchange))
        reply = chat.say(answer)
        exchange += [answer, reply]
    raise AssertionError("no payment summary:\n" + "\n> ".join(exchange))


def card_with_most_to_pay(chat: Any) -> str:
    """Of the cards the assistant offers, the one whose account owes most (as the service says)."""
    accounts = chat.assistant.service(
        "GET", "/me/accounts", params={"conversation_id": chat.conversation}
    ).json()["accounts"]
    owed = {account["card_last_four"]: Decimal(account["balance"]) for account in accounts}
    return max(chat.buttons, key=lambda card: owed.get(card, Decimal(-1)))


def make_room_for_a_code(assistant: Assistant, user_id: str) -> None:
    """The service sends at most 3 codes per customer in 15 minutes; the tests move its clock on
    instead of waiting when a customer is at that limit."""
    outbox = [message for message in assistant.outbox(user_id) if re.search(r"\b\d{6}\b", message["text"])]
    if len(outbox) < CODES_PER_WINDOW:
        return
    now = service_now(assistant)
    recent = [m for m in outbox if now - parse_instant(m["sent_at"]) < timedelta(seconds=WINDOW_S)]
    if len(recent) >= CODES_PER_WINDOW:
        assistant.advance_clock(WINDOW_S + 1)


def service_now(assistant: Assistant) -> datetime:
    return parse_instant(assistant.service("GET", "/health").json()["time"])


def parse_instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def chat(assistant: Assistant) -> Iterator[Chat]:
    assistant.set_fault("pass")
    yield Chat(assistant)
    assistant.set_fault("pass")
