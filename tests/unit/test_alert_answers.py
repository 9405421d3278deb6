"""Replies to alerts read in English, Hindi and Hinglish (account_service/alert_answers.py)."""

from __future__ import annotations

import pytest

from account_service.alert_answers import read_answer


@pytest.mark.parametrize(
    "text",
    [
        "YES", "y", "Yes, that was me!", "yes it was me", "yep", "I did", "it's mine", "correct",
        "haan", "Haan ji", "ji haan", "haan maine kiya", "maine hi kiya", "sahi hai",
        "हाँ", "हां", "जी हाँ", "हाँ, मैंने किया", "मेरा है",
    ],
)  # fmt: skip
def test_yes(text):
    assert read_answer(text) == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "NO", "n", "no!", "Nope", "not me", "It wasn't me", "it was not me", "I didn’t",
        "I did not make this", "fraud", "I don't recognise this", "never", "not mine",
        "nahi", "nahin", "nai", "maine nahi kiya", "Maine nahi kiya hai", "mera nahi hai",
        "नहीं", "नही", "मैंने नहीं किया", "मेरा नहीं है", "ये धोखा है",
    ],
)  # fmt: skip
def test_no(text):
    assert read_answer(text) == "no"


@pytest.mark.parametrize(
    "text",
    [
        "", "ok", "okay", "what is my balance", "which card?", "I am not sure", "no, it was me",
        "yes, not me", "maybe", "?", "call me", "1",
    ],
)  # fmt: skip
def test_anything_else_is_not_an_answer(text):
    assert read_answer(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("STOP", "stop"), ("stop.", "stop"), ("Unsubscribe", "stop"), ("/stop", "stop"),
        ("alerts band karo", "stop"), ("अलर्ट बंद करो", "stop"),
        ("START", "start"), ("unstop", "start"), ("अलर्ट चालू करो", "start"),
        ("PAY", "pay"), ("pay now", "pay"), ("abhi pay karo", "pay"), ("भुगतान करें", "pay"),
        ("NEW CARD", "new_card"), ("naya card", "new_card"), ("नया कार्ड भेजें", "new_card"),
        # Only as the whole message: "stop my card" is not an opt-out.
        ("please stop my card", None), ("how do I stop alerts on email?", None),
    ],
)  # fmt: skip
def test_keywords_are_whole_messages(text, expected):
    assert read_answer(text) == expected
