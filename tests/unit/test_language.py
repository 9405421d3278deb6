"""Which language a customer is answered in (localization/language.py), and the parse result the
NLU component gives a message that only asks for a language."""

from __future__ import annotations

import pytest

from localization.language import ENGLISH, HINDI, answer_language, find_switch, script_language
from nlu_components.language_detector import language_entity


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("मेरा कार्ड ब्लॉक कर दो", HINDI),
        ("मेरा credit card block कर दो", HINDI),  # English loanwords in Latin letters
        ("OTP नहीं आया", HINDI),
        ("mera card block karo", ENGLISH),  # Hinglish is written in Latin letters
        ("what's my balance", ENGLISH),
        ("என் கார்டு", None),  # Tamil: neither
        ("123456", None),
    ],
)
def test_the_script_of_a_message(text, language):
    assert script_language(text) == language


@pytest.mark.parametrize(
    ("text", "language", "only"),
    [
        ("Hindi mein", HINDI, True),
        ("hindi me baat karo", HINDI, True),
        ("हिंदी में बात करें", HINDI, True),
        ("can you talk in hindi please", HINDI, True),
        ("English please", ENGLISH, True),
        ("angrezi mein bolo", ENGLISH, True),
        ("कृपया अंग्रेज़ी में जवाब दें", ENGLISH, True),
        ("hindi mein batao balance kitna hai", HINDI, False),
        ("reply in english, what is my balance", ENGLISH, False),
    ],
)
def test_a_request_for_a_language(text, language, only):
    switch = find_switch(text)
    assert switch is not None and (switch.language, switch.only_switch) == (language, only)


@pytest.mark.parametrize(
    "text",
    [
        "is the mobile app available in hindi language for my phone and tablet",
        "what is the hindi word for card",
        "I want to pay my bill",
        "mera card block karo",
    ],
)
def test_a_message_that_merely_mentions_a_language_is_not_a_switch(text):
    assert find_switch(text) is None


def test_the_answer_language_follows_devanagari_and_switches_and_otherwise_stays():
    assert answer_language("मेरा बैलेंस कितना है", ENGLISH) == HINDI
    # User IDs, codes and "ok" are Latin: a Hindi conversation stays Hindi through them.
    assert answer_language("alex.morgan", HINDI) == HINDI
    assert answer_language("482913", HINDI) == HINDI
    assert answer_language("English please", HINDI) == ENGLISH
    assert answer_language("hello", None) == ENGLISH


def test_the_parse_result_marks_the_language_only_when_it_changes_something():
    entity, only = language_entity("मेरा कार्ड फ्रीज़ कर दो")
    assert entity is not None and entity["value"] == HINDI and only is False
    entity, only = language_entity("English please")
    assert entity is not None and entity["value"] == ENGLISH and only is True
    assert language_entity("freeze my card") == (None, False)


def test_the_card_number_warning_comes_in_the_language_the_number_was_typed_in():
    from channels.message_hygiene import CARD_NUMBER_WARNING, screen_message

    text, warnings = screen_message("मेरा कार्ड नंबर 3782 822463 10005 है")
    assert "822463" not in text and warnings and "कार्ड नंबर" in warnings[0]
    assert screen_message("my card 3782 822463 10005")[1] == [CARD_NUMBER_WARNING]
