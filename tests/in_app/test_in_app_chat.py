"""The in-app chat through the whole assistant: the in-app channel (HS256, tests/in_app_env.py), Rasa,
the action server and the account service. The app's login stands in for the User ID and the
first code; payments still need a fresh code; a refused token leaves no trace anywhere."""

from __future__ import annotations

import re
import sqlite3
import time
import uuid
from decimal import Decimal

import pytest
import requests

from channels.in_app import InAppSettings, conversation_id, load_settings
from tests.conftest import DEMO_TOKEN, Assistant
from tests.e2e.conftest import answer_payment_questions, make_room_for_a_code
from tests.in_app.tokens import claims, hs256, new_rsa_key, resigned_payload, rs256, unsigned
from tests.in_app_env import in_app_env

ANSWER_WITHIN_S = 10


def stack_settings() -> InAppSettings:
    """The channel's settings as the test assistant has them, to work out conversation IDs."""
    settings = load_settings({**in_app_env(), "ACCOUNT_SERVICE_TOKEN": DEMO_TOKEN})
    assert settings is not None
    return settings


class AppChat:
    """One customer's chat in the app: every message carries the app's login token."""

    def __init__(self, assistant: Assistant, user_id: str, sender: str | None = None) -> None:
        self.assistant = assistant
        self.user_id = user_id
        self.sender = sender or f"app-e2e-{uuid.uuid4().hex[:12]}"
        self.token = hs256(claims(user_id))
        self.replies: list[dict] = []

    @property
    def conversation(self) -> str:
        return conversation_id(stack_settings(), self.user_id, self.sender)

    def post(self, message: str, token: str | None = None, timeout_s: float = 30) -> requests.Response:
        token = self.token if token is None else token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.post(
            f"{self.assistant.rasa_url}/webhooks/in_app/webhook",
            json={"sender": self.sender, "message": message},
            headers=headers,
            timeout=timeout_s,
        )

    def say(self, message: str) -> str:
        reply = self.post(message)
        assert reply.status_code == 200, reply.text
        self.replies = reply.json()
        assert all(item["recipient_id"] == self.sender for item in self.replies)
        return "\n".join(item.get("text", "") for item in self.replies)

    @property
    def buttons(self) -> list[str]:
        return [button["payload"] for reply in self.replies for button in reply.get("buttons", [])]


def tracker_events(assistant: Assistant, *sender_ids: str) -> int:
    if not assistant.tracker_db.exists():
        return 0
    with sqlite3.connect(assistant.tracker_db) as connection:
        if not connection.execute("SELECT name FROM sqlite_master WHERE name = 'events'").fetchall():
            return 0
        marks = ", ".join("?" for _ in sender_ids)
        return connection.execute(
            f"SELECT COUNT(*) FROM events WHERE sender_id IN ({marks})", sender_ids
        ).fetchone()[0]


def session_of(assistant: Assistant, conversation: str) -> requests.Response:
    return assistant.service("GET", f"/sessions/{conversation}")


def accounts_of(assistant: Assistant, conversation: str) -> list[dict]:
    reply = assistant.service("GET", "/me/accounts", params={"conversation_id": conversation})
    assert reply.status_code == 200, reply.text
    return reply.json()["accounts"]


@pytest.fixture
def service_ok(assistant: Assistant):
    assistant.set_fault("pass")
    yield
    assistant.set_fault("pass")


def test_the_balance_is_answered_without_the_user_id_question_or_a_code(assistant, service_ok):
    chat = AppChat(assistant, "alex.morgan")
    messages_before = len(assistant.outbox("alex.morgan"))
    answer = chat.say("what's my balance")
    assert "User ID" not in answer and "one-time code" not in answer
    for account in accounts_of(assistant, chat.conversation):
        assert f"ending {account['card_last_four']}" in answer
        assert f"{float(account['balance']):,.2f}" in answer
    assert len(assistant.outbox("alex.morgan")) == messages_before, "no code was sent"
    session = session_of(assistant, chat.conversation).json()
    assert (session["user_id"], session["method"], session["fresh"]) == ("alex.morgan", "app_login", False)
    # The conversation is stored under the derived ID, never under the app's sender.
    assert tracker_events(assistant, chat.conversation) > 0
    assert tracker_events(assistant, chat.sender) == 0


def test_transactions_are_answered_directly_too(assistant, service_ok):
    chat = AppChat(assistant, "priya.sharma")
    answer = chat.say("show me my recent transactions")
    assert "User ID" not in answer and "transactions" in answer and "Membership Rewards" in answer


def balance(assistant: Assistant, chat: AppChat, card: str) -> Decimal:
    return Decimal(
        next(a["balance"] for a in accounts_of(assistant, chat.conversation) if a["card_last_four"] == card)
    )


def test_a_payment_asks_for_a_fresh_code_sent_to_the_registered_phone_then_pays(assistant, service_ok):
    make_room_for_a_code(assistant, "alex.morgan")
    chat = AppChat(assistant, "alex.morgan")
    asked = chat.say("pay my bill")
    assert "User ID" not in asked, asked
    summary = answer_payment_questions(chat, asked)
    card = re.search(r"ending (\d{4})", summary).group(1)
    before = balance(assistant, chat, card)
    messages_before = len(assistant.outbox("alex.morgan"))

    step_up = chat.say("yes")
    assert "6-digit one-time code" in step_up and "fresh check" in step_up, step_up
    sent = assistant.outbox("alex.morgan")
    assert len(sent) == messages_before + 1
    assert (sent[-1]["channel"], sent[-1]["to"]) == ("sms", "+1 555 010 2002")
    assert "•••• ••• 2002" in step_up

    done = chat.say(assistant.latest_code("alex.morgan"))
    assert "confirmed" in done and "paid" in done, done
    assert balance(assistant, chat, card) < before


def refused_tokens() -> list[tuple[str, str]]:
    wrong_secret = "a-different-secret-that-is-long-enough-1234"
    return [
        ("wrong signature", hs256(claims("alex.morgan"), secret=wrong_secret)),
        ("tampered", resigned_payload(hs256(claims("priya.sharma")), claims("alex.morgan"))),
        ("expired", hs256(claims("alex.morgan", expires_in_s=-120))),
        ("alg none", unsigned(claims("alex.morgan"))),
        ("rs256 when hs256 is configured", rs256(new_rsa_key(), claims("alex.morgan"))),
        ("wrong audience", hs256(claims("alex.morgan", audience="another-app"))),
        ("login too old", hs256(claims("alex.morgan", logged_in_ago_s=13 * 3600))),
        ("garbage", "garbage.garbage.garbage"),
        ("missing", ""),
    ]


@pytest.mark.parametrize(("kind", "token"), refused_tokens(), ids=[kind for kind, _ in refused_tokens()])
def test_a_refused_token_is_401_and_leaves_no_trace(assistant, service_ok, kind, token):
    chat = AppChat(assistant, "alex.morgan")
    reply = chat.post("what's my balance", token=token)
    assert reply.status_code == 401, (kind, reply.text)
    body = reply.json()
    assert body["error"] == "unauthorized" and body["reason"]
    assert tracker_events(assistant, chat.conversation, chat.sender) == 0
    assert session_of(assistant, chat.conversation).status_code == 404


def test_priya_cannot_continue_alexs_conversation(assistant, service_ok):
    shared_sender = f"shared-{uuid.uuid4().hex[:12]}"
    alex = AppChat(assistant, "alex.morgan", shared_sender)
    assert "ending 2002" in alex.say("what's my balance")
    alex_events = tracker_events(assistant, alex.conversation)

    priya = AppChat(assistant, "priya.sharma", shared_sender)
    answer = priya.say("what's my balance")
    assert "Membership Rewards" in answer and "ending 2002" not in answer and "2010" not in answer
    assert priya.conversation != alex.conversation
    assert tracker_events(assistant, alex.conversation) == alex_events, "nothing was added to alex's"
    assert session_of(assistant, alex.conversation).json()["user_id"] == "alex.morgan"
    assert session_of(assistant, priya.conversation).json()["user_id"] == "priya.sharma"

    # Naming alex's conversation as the sender leads to yet another conversation of priya's.
    sneaky = AppChat(assistant, "priya.sharma", alex.conversation)
    assert sneaky.conversation not in (alex.conversation, priya.conversation)
    assert "ending 2002" not in sneaky.say("what's my balance")
    assert tracker_events(assistant, alex.conversation) == alex_events


def test_an_unknown_customer_is_403_and_nothing_is_processed(assistant, service_ok):
    chat = AppChat(assistant, "nobody.here")
    reply = chat.post("what's my balance")
    assert (reply.status_code, reply.json()["error"]) == (403, "forbidden")
    assert tracker_events(assistant, chat.conversation) == 0


def test_a_conversation_locked_after_wrong_codes_is_423_and_nothing_is_processed(assistant, service_ok):
    # Wrong codes lock identity checks in their own conversation (never the customer's others):
    # here, the app conversation itself.
    make_room_for_a_code(assistant, "sam.lee")
    chat = AppChat(assistant, "sam.lee")
    challenge = assistant.service(
        "POST", "/identity/challenges", json={"conversation_id": chat.conversation, "user_id": "sam.lee"}
    ).json()
    for _ in range(3):
        locked = assistant.service(
            "POST",
            f"/identity/challenges/{challenge['challenge_id']}/verify",
            json={"conversation_id": chat.conversation, "code": "000000"},
        )
    assert locked.status_code == 423
    try:
        reply = chat.post("what's my balance")
        assert (reply.status_code, reply.json()["error"]) == (423, "locked")
        assert reply.json()["locked_until"] and "unlock" in reply.json()["reason"]
        assert tracker_events(assistant, chat.conversation) == 0
        # The same customer's app on another device (another conversation) goes on.
        assert "Current balance" in AppChat(assistant, "sam.lee").say("what's my balance")
    finally:
        assistant.advance_clock(30 * 60 + 1)  # the lock ends; other tests may use sam.lee


@pytest.mark.parametrize("fault", ["down", "slow", "error"])
def test_when_the_service_fails_the_customer_hears_so_within_10_seconds(assistant, service_ok, fault):
    chat = AppChat(assistant, "alex.morgan")
    chat.say("hello")  # the assistant's first answer after start-up is slower; not what is measured
    assistant.set_fault(fault)
    started = time.monotonic()
    answer = chat.say("what's my balance")
    assert time.monotonic() - started < ANSWER_WITHIN_S
    assert "can't reach your account" in answer and "back of your card" in answer


def test_questions_that_need_no_account_are_answered_while_the_service_is_down(assistant, service_ok):
    chat = AppChat(assistant, "alex.morgan")
    assistant.set_fault("down")
    answer = chat.say("what are the password requirements")
    assert "can't reach" not in answer and "password" in answer.lower(), answer


def test_card_numbers_and_tokens_are_never_stored_or_logged(assistant, service_ok):
    chat = AppChat(assistant, "alex.morgan")
    answer = chat.say("my card 3782 822463 10005 was declined")
    assert "don't type your full card number" in answer
    stored = assistant.stored_bytes()
    assert b"822463" not in stored and b"378282246310005" not in stored
    assert chat.token.encode() not in stored
    assert chat.token.split(".")[2].encode() not in stored
