"""Conversations through the REST channel against a real Rasa server and action server."""

from __future__ import annotations

import uuid

import pytest


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def buttons(replies: list[dict]) -> list[str]:
    return [button["payload"] for reply in replies for button in reply.get("buttons", [])]


@pytest.fixture
def sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def test_greeting_says_what_the_assistant_can_do(assistant, sender):
    replies = assistant.send(sender, "hello there")
    assert "American Express" in texts(replies)
    assert "/reset_password" in buttons(replies)


def test_india_customer_gets_india_numbers_and_links(assistant, sender):
    asked = assistant.send(sender, "what's the customer care number")
    assert "United States or India" in texts(asked)
    assert '/inform{"region":"IN"}' in buttons(asked)
    answered = texts(assistant.send(sender, '/inform{"region":"IN"}'))
    assert "1800-419-2122" in answered and "1800-419-3646" in answered
    # Remembered for the conversation: the next regional answer needs no question.
    login = texts(assistant.send(sender, "I can't log in to the website"))
    assert "americanexpress.com/en-in/" in login and "United States or India" not in login


def test_region_typed_in_the_question_is_used_at_once(assistant, sender):
    reply = texts(assistant.send(sender, "how do I register for online access? I live in the United States"))
    assert "americanexpress.com/en-us/" in reply
    assert "Register for Online Services" in reply


def test_us_customer_answering_the_question_gets_the_us_answer(assistant, sender):
    assert "United States or India" in texts(assistant.send(sender, "how can I contact customer service"))
    reply = texts(assistant.send(sender, "USA"))
    assert "the United States" in reply and "back of your card" in reply


def test_a_question_in_the_middle_of_a_task_is_answered_and_the_task_goes_on(assistant, sender):
    assert "User ID" in texts(assistant.send(sender, "what's my current balance"))
    answered = texts(assistant.send(sender, "where can I download the app"))
    assert "Google Play" in answered and "User ID" in answered
    assert "stopped" in texts(assistant.send(sender, "stop"))
    assert "welcome" in texts(assistant.send(sender, "thanks a lot")).lower()


def test_bot_challenge_and_stop(assistant, sender):
    assert "virtual assistant" in texts(assistant.send(sender, "am I talking to a bot?"))
    assert "stopped" in texts(assistant.send(sender, "stop"))


def test_two_misunderstandings_offer_a_person_and_the_phone_number(assistant, sender):
    first = texts(assistant.send(sender, "what's the weather in Paris tomorrow"))
    assert "didn't catch that" in first
    second = assistant.send(sender, "recommend me a good pizza recipe")
    assert "talk to a person" in texts(second)
    assert "back of your card" in texts(second)
    assert "/human_handoff" in buttons(second)


def test_agent_works_from_anywhere(assistant, sender):
    assert "User ID" in texts(assistant.send(sender, "how do I reset my password"))
    reply = texts(assistant.send(sender, "agent"))
    assert "colleague" in reply and "HO-" in reply


def test_password_rules_come_from_the_configuration(assistant, sender):
    reply = texts(assistant.send(sender, "what are the password requirements"))
    assert "at least 12 characters" in reply
    assert "special character" in reply


def test_a_message_in_another_script_is_told_we_understand_english_and_hindi(assistant, sender):
    reply = texts(assistant.send(sender, "என் கார்டு தொலைந்து விட்டது"))
    assert "only understand English and Hindi" in reply
    assert "back of your card" in reply
