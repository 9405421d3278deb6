"""A message with two requests, end to end: /model/parse names the first, the assistant does it
and then offers the second."""

from __future__ import annotations


def test_parse_names_the_first_request_and_reports_the_second(assistant):
    parsed = assistant.parse("freeze my card and send me a new one")
    assert parsed["intent"]["name"] == "freeze_card"
    assert parsed["second_request"]["name"] == "replace_card"
    single = assistant.parse("I lost my card and need a new one")
    assert not single.get("second_request")


def test_the_first_task_is_done_then_the_second_is_offered(assistant, chat):
    done = chat.verify("freeze my card and send me a new one", "alex.morgan")
    if "Which card" in done:
        done = chat.say(chat.buttons[0])
    assert "frozen" in done and "You also asked about a replacement card" in done, done
    assert "/replace_card" in chat.buttons
    chat.say("unfreeze my card")


def test_a_question_answered_first_ends_with_the_offer_of_the_task(assistant, chat):
    answer = chat.say("how do I download the mobile app, and what is my balance")
    assert "Google Play" in answer and "You also asked about your balance" in answer, answer
    assert "/check_balance" in chat.buttons
