"""Only an explicit yes confirms a change, at every confirmation, end to end: Rasa, the action
server and the account service. At each confirmation several messages that are not a yes
(questions, other tasks, sentences that merely contain a yes word) leave the account exactly as
it was; a no declines with nothing done; and a yes still works (the control)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import Assistant
from tests.e2e.conftest import Chat

# Messages that are not a yes. Some are questions (answered, then the confirmation is asked
# again), some are other tasks (the task switches, nothing done), some contain a yes word.
NOT_A_YES = (
    "how do I pay my bill online?",
    "please tell me my balance",
    "is that right?",
    "ok but what is my balance",
    "yes I want to know how the fee works",
    "sure, what are the password rules?",
    '/affirm{"payment_confirmed": true}',
)


def me(assistant: Assistant, chat: Chat, path: str, **params: Any) -> dict:
    reply = assistant.service("GET", f"/me{path}", params={"conversation_id": chat.conversation, **params})
    assert reply.status_code == 200, reply.text
    return reply.json()


@dataclass
class Confirmation:
    name: str
    user_id: str
    request: str
    answers: tuple[str, ...]
    asked: str  # words of the confirmation question
    declined: str  # words of the answer to a no
    state: Callable[[Assistant, Chat], Any]


def payment_state(assistant: Assistant, chat: Chat) -> Any:
    accounts = me(assistant, chat, "/accounts")["accounts"]
    return [(a["card_last_four"], a["balance"]) for a in accounts], me(
        assistant, chat, "/payments", card="2002"
    )


def autopay_state(assistant: Assistant, chat: Chat) -> Any:
    return me(assistant, chat, "/autopay", card="2010")


def cards_state(assistant: Assistant, chat: Chat) -> Any:
    return sorted((card["last_four"], card["status"]) for card in me(assistant, chat, "/cards")["cards"])


def profile_state(assistant: Assistant, chat: Chat) -> Any:
    return me(assistant, chat, "/profile")


def points_state(assistant: Assistant, chat: Chat) -> Any:
    return me(assistant, chat, "/rewards")["points"]


NEW_EMAIL = f"sam.lee.{uuid.uuid4().hex[:6]}@example.com"
CONFIRMATIONS = [
    Confirmation(
        "payment",
        "alex.morgan",
        "pay my bill",
        ("2002", "$20", "today"),
        "Just to confirm: pay $20.00",
        "haven't made any payment",
        payment_state,
    ),
    Confirmation(
        "autopay",
        "alex.morgan",
        "set up autopay",
        ("2010", "a fixed amount of $123"),
        "autopay for your card ending 2010 will pay $123.00",
        "autopay is unchanged",
        autopay_state,
    ),
    # After the one above: its control leaves autopay on, so there is something to cancel.
    Confirmation(
        "autopay cancel",
        "alex.morgan",
        "cancel my autopay",
        ("2010",),
        "cancel autopay for your card ending 2010",
        "autopay is unchanged",
        autopay_state,
    ),
    Confirmation(
        "fraud report",
        "sam.lee",
        "there are charges on my card ending 3013 I don't recognise",
        ("1",),
        "open a fraud case",
        "haven't reported anything",
        cards_state,
    ),
    Confirmation(
        "email change",
        "sam.lee",
        "I need to update my email address",
        (NEW_EMAIL,),
        f"change your email address to {NEW_EMAIL}",
        "details are unchanged",
        profile_state,
    ),
    Confirmation(
        "address change",
        "jordan.reyes",
        "I moved, please update my address",
        ("17 Elm Street, Springfield, IL 62704",),
        "change your mailing address to 17 Elm Street",
        "details are unchanged",
        profile_state,
    ),
    Confirmation(
        "replacement",
        "jordan.reyes",
        "I lost my card",
        (),
        "send you a new card with a new number",
        "haven't ordered a new card",
        cards_state,
    ),
    Confirmation(
        "redemption",
        "alex.morgan",
        "redeem 5,000 points for a statement credit",
        (),
        "use 5,000 points for Statement credit",
        "haven't used any points",
        points_state,
    ),
]


def reach(chat: Chat, confirmation: Confirmation) -> str:
    """From anywhere in a verified chat to the confirmation question: "stop" leaves whatever
    task a message started (nothing done), then the request and its answers."""
    chat.say("stop")
    reply = chat.say(confirmation.request)
    for answer in confirmation.answers:
        reply = chat.say(answer)
    return reply


def answer_a_fresh_check(assistant: Assistant, chat: Chat, reply: str, user_id: str) -> str:
    if "fresh check" in reply:
        return chat.say(assistant.latest_code(user_id))
    return reply


@pytest.mark.parametrize("confirmation", CONFIRMATIONS, ids=[c.name for c in CONFIRMATIONS])
def test_only_an_explicit_yes_confirms(assistant, confirmation):
    assistant.set_fault("pass")
    chat = Chat(assistant)
    reply = chat.verify(confirmation.request, confirmation.user_id)
    for answer in confirmation.answers:
        reply = chat.say(answer)
    assert confirmation.asked in reply, reply
    before = confirmation.state(assistant, chat)

    for message in NOT_A_YES:
        reply = chat.say(message)
        assert confirmation.state(assistant, chat) == before, f"{message!r} changed the account: {reply}"
        assert "Done" not in reply, reply
        if confirmation.asked not in reply:
            # Another task started (nothing done): back to the confirmation for the next message.
            reply = reach(chat, confirmation)
            assert confirmation.asked in reply, reply

    assert confirmation.declined in chat.say("no"), chat.replies
    assert confirmation.state(assistant, chat) == before

    # The control: an explicit yes does make the change.
    assert confirmation.asked in reach(chat, confirmation)
    answer_a_fresh_check(assistant, chat, chat.say("yes"), confirmation.user_id)
    assert confirmation.state(assistant, chat) != before


def test_the_yes_button_is_a_yes_and_the_no_button_a_no(assistant):
    """The buttons send /affirm and /deny; the SMS channel maps a numbered choice to the same
    payloads (channels/choices.py), so "1" on SMS is this yes."""
    chat = Chat(assistant)
    chat.verify("pay my bill", "alex.morgan")
    for answer in CONFIRMATIONS[0].answers:
        chat.say(answer)
    assert chat.buttons == ["/affirm", "/deny"]
    before = payment_state(assistant, chat)
    assert "haven't made any payment" in chat.say("/deny")
    assert payment_state(assistant, chat) == before
    reach(chat, CONFIRMATIONS[0])
    answer_a_fresh_check(assistant, chat, chat.say("/affirm"), "alex.morgan")
    assert payment_state(assistant, chat) != before
