"""What holds on every messaging platform (Telegram, Slack, Twilio SMS and WhatsApp, Messenger):
the platform's webhook payload reaches the real assistant and the answer goes back through the
platform's API; a forged or unsigned request is refused and answered by nobody; a card number
is answered with the warning and never stored."""

from __future__ import annotations

import random

from channels.message_hygiene import CARD_NUMBER_WARNING
from tests.channels.conftest import Customer, texts


def test_a_greeting_is_answered_through_the_platform_api(customer: Customer):
    replies = customer.say("hello")
    assert "virtual assistant" in texts(replies)
    assert all(reply["authorized"] for reply in replies)  # the platform's credentials were used


def test_a_question_gets_the_topic_answer(customer: Customer):
    replies = customer.say("how do I reset my password?")
    assert "reset" in texts(replies).lower()


def test_a_forged_request_is_refused_and_nothing_is_answered(customer: Customer):
    before = len(customer.replies_so_far())
    answer = customer.post_forged("what's my balance")
    assert answer.status_code == 401 and answer.json() == {"error": "invalid_signature"}
    assert customer.nothing_sent_after(before)


def test_an_unsigned_request_is_refused_and_nothing_is_answered(customer: Customer):
    before = len(customer.replies_so_far())
    answer = customer.post_unsigned("hello")
    assert answer.status_code == 401 and answer.json() == {"error": "invalid_signature"}
    assert customer.nothing_sent_after(before)


def luhn_card_number(prefix: str, length: int = 16) -> str:
    digits = prefix + "".join(random.choice("0123456789") for _ in range(length - len(prefix) - 1))
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return digits + str((10 - total % 10) % 10)


def test_a_card_number_gets_the_warning_first_and_only_its_last_four_are_kept(customer: Customer, assistant):
    number = luhn_card_number("4000")
    spaced = " ".join(number[i : i + 4] for i in range(0, 16, 4))
    replies = customer.say(f"my card number is {spaced}, can you check it")
    assert replies[0]["text"] == CARD_NUMBER_WARNING
    assert number[:12] not in texts(replies) and spaced[:14] not in texts(replies)
    said = customer.user_texts()[-1]
    assert number[-4:] in said and number[:12] not in said.replace(" ", "")
    stored = assistant.stored_bytes()
    assert number.encode() not in stored and spaced.encode() not in stored
    assert number[:12].encode() not in stored
