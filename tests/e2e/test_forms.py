"""How a task's questions behave when the answers are not answers."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("odd", ["🙂🙂🙂", "x" * 20_000, "\x00\x1b[31m", "", "???"])
def test_an_odd_answer_gets_a_clear_re_prompt(chat, odd):
    assert "User ID" in chat.say("check my balance")
    reply = chat.say(odd)
    assert "User ID" in reply, reply


def test_three_answers_that_are_not_answers_end_the_task_kindly(chat):
    chat.say("freeze my card")
    chat.say("🙂")
    chat.say("???")
    ended = chat.say("🤷")
    assert "nothing was changed" in ended and "agent" in ended


def test_stop_leaves_any_question(chat):
    chat.say("I want to pay my bill")
    assert "stopped" in chat.say("cancel")
    # Nothing of the task is left: a new request starts from the beginning.
    assert "User ID" in chat.say("what's my balance")


def test_another_task_mid_way_starts_that_task(chat):
    chat.say("I want to pay my bill")
    switched = chat.say("actually, I lost my card")
    assert "User ID" in switched
    chat.say("stop")


def test_a_question_mid_way_is_answered_and_the_question_asked_again(chat):
    chat.say("activate my new card")
    answered = chat.say("what are the password requirements?")
    assert "12 characters" in answered and "User ID" in answered
