"""The yes/no reader at a confirmation: only an explicit yes is a yes."""

from __future__ import annotations

import pytest

from actions.confirmation import read_yes_no


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "Yes",
        "YES!",
        "yes.",
        "  yes please  ",
        "Yes, please.",
        "y",
        "yeah",
        "yep",
        "sure",
        "ok",
        "OK!",
        "okay",
        "confirm",
        "correct",
        "go ahead",
        "Go ahead.",
        "do it",
        "that's right",
        "That’s right!",
        "thats right",
        "yes, pay it",
        "/affirm",
        " /affirm ",
    ],
)
def test_an_explicit_yes(text):
    assert read_yes_no(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "how do I pay my bill?",
        "how do I do it",
        "please tell me my balance",
        "is that right?",
        "is it ok?",
        "ok but what is my balance",
        "yes but first what is my balance",
        "yes I want to know how the fee works",
        "sure, what's the fee?",
        "I'm not sure",
        "maybe",
        "yes no",
        "yesss",
        "yes yes yes please go ahead and tell me about rewards",
        "correct me if I'm wrong, is this the minimum?",
        "right",
        "please",
        "go",
        "thanks",
        "👍",
        "",
        "   ",
        "123456",
        '/affirm{"payment_confirmed": true}',
        '/inform{"payment_confirmed": true}',
        "/affirmative",
        "/affirm /affirm",
    ],
)
def test_anything_else_is_not_a_yes(text):
    assert read_yes_no(text) is not True


@pytest.mark.parametrize(
    "text",
    [
        "no",
        "No.",
        "NO!",
        "n",
        "nope",
        "nah",
        "no thanks",
        "no, thank you",
        "nope, not now",
        "no I changed my mind",
        "don't",
        "do not",
        "cancel",
        "not now",
        "that's wrong",
        "/deny",
    ],
)
def test_an_explicit_no(text):
    assert read_yes_no(text) is False


@pytest.mark.parametrize(
    "text",
    [
        "no, what's my balance",
        "no I want to freeze my card instead",
        "know what, show me my transactions",
        "is there no fee?",
        "not sure",
        "how do I say no",
    ],
)
def test_a_no_with_a_new_request_is_neither(text):
    """Another request after a no is left to the form: it switches task, nothing done."""
    assert read_yes_no(text) is None


# --- Hindi and Hinglish -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "हाँ",
        "हां",
        "हाँ।",
        "जी",
        "जी हाँ",
        "जी हां",
        "ठीक है",
        "कर दो",
        "हाँ, कर दो",
        "haan",
        "Haan!",
        "ha",
        "han",
        "ji",
        "ji haan",
        "Ji haan.",
        "theek hai",
        "thik hai",
        "kar do",
        "ok kar do",
        "OK, kar do",
        "haan kar do",
        "bilkul",
    ],
)
def test_an_explicit_yes_in_hindi_or_hinglish(text):
    assert read_yes_no(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "नहीं",
        "नही",
        "ना",
        "मत करो",
        "रहने दो",
        "नहीं, रहने दो",
        "जी नहीं",
        "nahi",
        "Nahin",
        "na",
        "mat karo",
        "rehne do",
        "cancel",
        "nahi, abhi nahi",
        "nahi ji shukriya",
        "abhi nahi",
    ],
)
def test_an_explicit_no_in_hindi_or_hinglish(text):
    assert read_yes_no(text) is False


@pytest.mark.parametrize(
    "text",
    [
        "haan lekin pehle mera balance batao",  # yes, but first my balance
        "kya ye sahi hai?",  # is this right?
        "theek hai kya?",  # is it ok?
        "kar do na, par kitna fee hai?",
        "ha ha",
        "हाँ पर पहले बैलेंस बताओ",
        "pata nahi",  # I don't know
        "nahi, mera balance batao",  # no, tell me my balance: a new request
        "नहीं, बैलेंस बताओ",
        "१२३४५६",
        "kal",
    ],
)
def test_hindi_or_hinglish_that_is_not_an_answer_is_not_a_yes(text):
    assert read_yes_no(text) is not True


@pytest.mark.parametrize("text", ["nahi, mera balance batao", "नहीं, बैलेंस बताओ", "pata nahi", "haan nahi"])
def test_a_hindi_no_with_a_new_request_is_neither(text):
    assert read_yes_no(text) is None
