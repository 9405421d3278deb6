"""A person answers on every channel, end to end: the customer asks for a person through the real
assistant on the platform's signed webhook, writes while waiting (their place in the queue comes
back), an agent takes the case, replies through the Rasa server's relay and the reply arrives
through the platform's API (the stand-in); the customer answers (it reaches the case, not the
assistant), the agent leaves and the assistant answers again. REST and the in-app chat collect
the agent's lines with their poll. Then the attacker's side: the relay without or with the wrong
token, a line for another channel's conversation, a poll for someone else's conversation.

The agent's part is done as the agent console does it (web/agent_console.py): every line is
stored in the account service first (with the agents' token), then handed to the relay of the
conversation's channel."""

from __future__ import annotations

import random
import time
import uuid
from typing import Any

import pytest
import requests

from channels.in_app import conversation_id as in_app_conversation
from common.settings import DEMO_SECRETS
from tests.channels.conftest import CUSTOMERS, Customer, SlackCustomer, TelegramCustomer, texts
from tests.channels.test_every_platform import luhn_card_number
from tests.conftest import Assistant
from tests.in_app.tokens import claims, hs256
from tests.in_app_env import in_app_env

RELAY_TOKEN = DEMO_SECRETS["AGENT_RELAY_TOKEN"]
AGENT = "Priya"


def agent_call(assistant: Assistant, method: str, path: str, **kwargs: Any) -> requests.Response:
    return assistant.service(method, path, caller="AGENT_SERVICE_TOKEN", **kwargs)


def relay(
    assistant: Assistant, channel: str, conversation: str, text: str, agent: str | None = None, **kw: Any
) -> requests.Response:
    body: dict[str, Any] = {"conversation_id": conversation, "text": text}
    if agent:
        body["agent"] = agent
    token = kw.get("token", RELAY_TOKEN)
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.post(
        f"{assistant.rasa_url}/webhooks/{channel}/agent_message", json=body, headers=headers, timeout=15
    )


class Agent:
    """One agent working one case, as the console does."""

    def __init__(self, assistant: Assistant, conversation: str) -> None:
        self.assistant = assistant
        self.conversation = conversation
        self.channel = conversation.partition(":")[0]
        active = assistant.service("GET", "/handoffs/active", params={"conversation_id": conversation})
        assert active.status_code == 200, active.text
        self.reference = active.json()["reference"]

    def _notice(self, text: str) -> str:
        stored = agent_call(
            self.assistant,
            "POST",
            f"/handoffs/{self.reference}/messages",
            json={"from": "assistant", "text": text},
        )
        assert stored.status_code == 201, stored.text
        answer = relay(self.assistant, self.channel, self.conversation, text)
        assert answer.status_code == 200, answer.text
        return answer.json()["status"]

    def take(self) -> str:
        taken = agent_call(self.assistant, "POST", f"/handoffs/{self.reference}/take", json={"agent": AGENT})
        assert taken.status_code == 200, taken.text
        return self._notice(f"{AGENT} from our team has joined the chat and will help you from here.")

    def say(self, text: str) -> str:
        stored = agent_call(
            self.assistant,
            "POST",
            f"/handoffs/{self.reference}/messages",
            json={"from": "agent", "agent": AGENT, "text": text},
        )
        assert stored.status_code == 201, stored.text
        answer = relay(self.assistant, self.channel, self.conversation, text, AGENT)
        assert answer.status_code == 200, answer.text
        return answer.json()["status"]

    def leave(self) -> str:
        released = agent_call(
            self.assistant, "POST", f"/handoffs/{self.reference}/release", json={"agent": AGENT}
        )
        assert released.status_code == 200, released.text
        return self._notice(f"{AGENT} has left the conversation. Thank you for your patience.")

    def customer_lines(self) -> list[str]:
        page = agent_call(self.assistant, "GET", f"/handoffs/{self.reference}/messages").json()
        return [line["text"] for line in page["messages"] if line["from"] == "customer"]


def agent_inbox(customer: Customer) -> list[dict[str, Any]]:
    """What reached the customer's app from the team. Slack's lines go to the user's ID (Slack
    delivers them in the app's direct messages with that user); the others to the same address."""
    to = customer.user_id if isinstance(customer, SlackCustomer) else customer.to
    return customer.standin.calls(platform=customer.platform, to=to, api=customer.reply_api)


def wait_for_inbox(customer: Customer, before: int, timeout_s: float = 20) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        calls = agent_inbox(customer)
        if len(calls) > before:
            return calls[before:]
        time.sleep(0.1)
    raise AssertionError(f"nothing from the team reached {customer.platform}")


# --- the messaging platforms -------------------------------------------------------------------------


def test_an_agent_holds_a_conversation_on_the_platform(customer: Customer, assistant: Assistant):
    assert "reference is HO-" in texts(customer.say("I want to talk to a person"))
    waiting = texts(customer.say("hello, is anyone there?"))
    assert "You're number" in waiting and "in the queue" in waiting
    agent = Agent(assistant, customer.conversation_id)
    # While waiting the message went to the case, not to the assistant.
    assert "hello, is anyone there?" in agent.customer_lines()
    assert "hello, is anyone there?" not in customer.user_texts()

    before = len(agent_inbox(customer))
    assert agent.take() == "sent"
    assert "Priya from our team has joined the chat" in texts(wait_for_inbox(customer, before))

    before = len(agent_inbox(customer))
    assert agent.say("Hi, I'm Priya. Which charge do you mean?") == "sent"
    line = wait_for_inbox(customer, before)
    assert [call["text"] for call in line] == ["Priya: Hi, I'm Priya. Which charge do you mean?"]
    assert all(call["authorized"] for call in line)  # through the platform's API, with its credentials

    # The customer answers: it reaches the case, the assistant stays quiet (and never sees it).
    number = luhn_card_number("4000")
    before_replies = len(customer.replies_so_far())
    answer = customer.post_text(f"the one on card {number}, what are the password requirements?")
    assert answer.status_code == 200
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any("password" in said for said in agent.customer_lines()):
        time.sleep(0.2)
    said = agent.customer_lines()[-1]
    assert number[-4:] in said and number[:12] not in said
    replies = customer.wait_for_replies(before_replies)  # the card number warning, nothing else
    assert len(replies) == 1 and "full card number" in replies[0]["text"]
    assert not any("password requirements" in text for text in customer.user_texts())
    assert number.encode() not in assistant.stored_bytes()

    before = len(agent_inbox(customer))
    assert agent.leave() == "sent"
    assert "Priya has left the conversation" in texts(wait_for_inbox(customer, before))
    assert "12 characters" in texts(customer.say("what are the password requirements?"))


def test_a_waiting_customer_hears_the_queue_in_hindi_and_cancel_leaves_it(assistant: Assistant):
    customer = TelegramCustomer(assistant)
    assert "HO-" in texts(customer.say("I want to talk to a person"))
    assert "कतार में आपका नंबर" in texts(customer.say("कोई है?"))
    assert "left the queue" in texts(customer.say("cancel"))
    gone = assistant.service("GET", "/handoffs/active", params={"conversation_id": customer.conversation_id})
    assert gone.status_code == 404
    assert "12 characters" in texts(customer.say("what are the password requirements?"))


# --- REST and the in-app chat: the poll -----------------------------------------------------------------


def open_handoff(assistant: Assistant, conversation: str) -> None:
    """As the assistant's handoff action does (its token), without a client address: the REST and
    in-app tests all come from 127.0.0.1, whose handoffs per hour are limited across the run."""
    opened = assistant.service(
        "POST",
        "/handoffs",
        json={"conversation_id": conversation, "topic": "human_handoff", "transcript": []},
    )
    assert opened.status_code == 201, opened.text


def rest_poll(assistant: Assistant, sender: str, after: int = 0) -> dict[str, Any]:
    reply = requests.get(
        f"{assistant.rasa_url}/webhooks/rest/agent_messages",
        params={"sender": sender, "after": after},
        timeout=15,
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_an_agent_holds_a_conversation_on_rest_through_the_poll(assistant: Assistant):
    sender = f"poll-{uuid.uuid4().hex[:12]}"
    conversation = f"rest:{sender}"
    open_handoff(assistant, conversation)
    waiting = assistant.send(sender, "hello?")
    assert len(waiting) == 1 and waiting[0]["notice"] and "in the queue" in waiting[0]["text"]
    assert rest_poll(assistant, sender)["status"] == "waiting"

    agent = Agent(assistant, conversation)
    assert agent.take() == "stored"
    assert agent.say("Hello from Priya") == "stored"
    page = rest_poll(assistant, sender)
    assert page["status"] == "with_agent"
    assert [(m.get("notice", False), m.get("agent"), m["text"][:16]) for m in page["messages"]] == [
        (True, None, "Priya from our t"),
        (False, {"name": AGENT}, "Hello from Priya"),
    ]
    assert rest_poll(assistant, sender, page["after"])["messages"] == []

    assert assistant.send(sender, "what are the password requirements?") == []  # to the agent
    assert agent.customer_lines()[-1] == "what are the password requirements?"
    agent.leave()
    left = rest_poll(assistant, sender, page["after"])
    assert left["status"] == "released" and "has left" in left["messages"][0]["text"]
    assert "12 characters" in texts(assistant.send(sender, "what are the password requirements?"))


def app_poll(assistant: Assistant, token: str | None, sender: str, after: int = 0) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(
        f"{assistant.rasa_url}/webhooks/in_app/agent_messages",
        params={"sender": sender, "after": after},
        headers=headers,
        timeout=15,
    )


def app_say(assistant: Assistant, token: str, sender: str, text: str) -> list[dict[str, Any]]:
    reply = requests.post(
        f"{assistant.rasa_url}/webhooks/in_app/webhook",
        json={"sender": sender, "message": text},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def in_app_settings():
    from channels.in_app import load_settings

    settings = load_settings(in_app_env())
    assert settings is not None
    return settings


def test_an_agent_holds_a_conversation_in_the_app_and_only_that_customer_reads_it(assistant: Assistant):
    sender = f"app-{uuid.uuid4().hex[:12]}"
    token = hs256(claims("alex.morgan"))
    conversation = in_app_conversation(in_app_settings(), "alex.morgan", sender)
    open_handoff(assistant, conversation)
    assert "in the queue" in app_say(assistant, token, sender, "are you there?")[0]["text"]

    agent = Agent(assistant, conversation)
    agent.take()
    agent.say("Hello Alex, Priya here")
    page = app_poll(assistant, token, sender).json()
    assert page["messages"][-1]["text"] == "Hello Alex, Priya here"
    assert all(m["recipient_id"] == sender for m in page["messages"])

    # Another customer with the same sender name reads nothing of it; no token, a forged one: 401.
    other = app_poll(assistant, hs256(claims("priya.sharma")), sender)
    assert other.status_code == 200 and other.json()["messages"] == [] and other.json()["status"] is None
    assert app_poll(assistant, None, sender).status_code == 401
    forged = hs256(claims("alex.morgan"), secret="not-the-apps-signing-secret-at-all-0123456789")
    assert app_poll(assistant, forged, sender).status_code == 401

    assert app_say(assistant, token, sender, "thanks, that's all") == []
    agent.leave()
    left = app_poll(assistant, token, sender, page["after"]).json()
    assert "has left" in left["messages"][0]["text"]


# --- the attacker's side ------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["socketio", "rest", "in_app", "telegram", "slack", "twilio", "facebook"])
def test_the_relay_needs_its_token_and_a_conversation_of_its_own_channel(assistant: Assistant, channel: str):
    conversation = f"{channel}:{random.randrange(10**8, 10**10)}"
    for token in (
        None,
        "wrong",
        DEMO_SECRETS["ACCOUNT_SERVICE_TOKEN"],
        DEMO_SECRETS["CHANNELS_SERVICE_TOKEN"],
    ):
        answer = relay(assistant, channel, conversation, "hi", token=token)
        assert answer.status_code == 401, (channel, token)
    for other in ("telegram:123456789", "slack:U0123", "twilio:+15550100999", "facebook:1", "rest:x"):
        if not other.startswith(f"{channel}:"):
            assert relay(assistant, channel, other, "hi").status_code == 400
    assert relay(assistant, channel, conversation, "").status_code == 400


def test_a_line_for_a_telegram_case_sent_to_another_channel_reaches_nobody(assistant: Assistant):
    telegram = TelegramCustomer(assistant)
    before = len(telegram.standin.calls(platform="telegram", to=telegram.to))
    for channel in ("slack", "twilio", "facebook", "socketio", "rest", "in_app"):
        answer = relay(assistant, channel, telegram.conversation_id, "secret line", AGENT)
        assert answer.status_code == 400 and answer.json()["reason"] == "conversation_id"
    time.sleep(1)
    assert len(telegram.standin.calls(platform="telegram", to=telegram.to)) == before
    assert not [call for call in telegram.standin.calls() if call.get("text") == f"{AGENT}: secret line"]


def test_a_rest_poll_cannot_name_another_channels_conversation(assistant: Assistant):
    customer = CUSTOMERS["telegram"](assistant)
    assert "HO-" in texts(customer.say("I want to talk to a person"))
    agent = Agent(assistant, customer.conversation_id)
    agent.take()
    agent.say("Only for the Telegram customer")
    # The REST poll's conversation is rest:<sender>, whatever the sender says.
    page = rest_poll(assistant, customer.conversation_id)
    assert page["messages"] == [] and page["status"] is None
    page = rest_poll(assistant, customer.to)
    assert page["messages"] == [] and page["status"] is None
    assert (
        requests.get(
            f"{assistant.rasa_url}/webhooks/rest/agent_messages",
            params={"sender": "", "after": 0},
            timeout=10,
        ).status_code
        == 400
    )
    assert (
        requests.get(
            f"{assistant.rasa_url}/webhooks/rest/agent_messages",
            params={"sender": "x", "after": "-1"},
            timeout=10,
        ).status_code
        == 400
    )
    agent.leave()


# --- the queue moving ------------------------------------------------------------------------------------


def close_waiting_cases(assistant: Assistant) -> None:
    """Earlier tests' customers still waiting would stand ahead of this test's."""
    waiting = agent_call(assistant, "GET", "/handoffs", params={"status": "waiting"})
    assert waiting.status_code == 200, waiting.text
    for case in waiting.json():
        closed = agent_call(assistant, "POST", f"/handoffs/{case['reference']}/close", json={"agent": AGENT})
        assert closed.status_code == 200, closed.text


def test_the_customer_behind_hears_the_queue_move_when_the_one_ahead_leaves_it(assistant: Assistant):
    close_waiting_cases(assistant)
    ahead, behind = TelegramCustomer(assistant), TelegramCustomer(assistant)
    assert "HO-" in texts(ahead.say("I want to talk to a person"))
    assert "HO-" in texts(behind.say("I want to talk to a person"))
    assert "You're number 2 in the queue" in texts(behind.say("is anyone there?"))

    before = len(agent_inbox(behind))
    # The one ahead cancels: the Rasa server relays the move itself, through Telegram's API.
    assert "left the queue" in texts(ahead.say("cancel"))
    told = wait_for_inbox(behind, before)
    assert "You're next in the queue" in texts(told)
    assert all(call["authorized"] for call in told)
    for heard_by_ahead in ("You're next in the queue", "You're now number"):
        assert heard_by_ahead not in texts(agent_inbox(ahead))  # the one who left is told nothing more
