"""What a customer types is cleaned before the assistant sees it."""

from __future__ import annotations

from actions.misunderstanding import is_mostly_non_latin, previous_user_intent
from channels.message_hygiene import MAX_MESSAGE_CHARS, clean_text, is_valid_sender


def test_control_characters_are_dropped_and_spaces_collapsed():
    assert clean_text("re\x00set \x07my\x1b  pass\u200bword\n\tplease\u202e ") == "reset my password please"


def test_long_messages_are_cut():
    assert len(clean_text("a" * 20_000)) == MAX_MESSAGE_CHARS


def test_emoji_and_other_scripts_are_kept():
    assert clean_text("🙂 मेरा पासवर्ड") == "🙂 मेरा पासवर्ड"


def test_whitespace_only_becomes_empty():
    assert clean_text(" \n\t ") == ""


def test_sender_ids():
    assert is_valid_sender("web-1234")
    assert not is_valid_sender("")
    assert not is_valid_sender(42)
    assert not is_valid_sender("x" * 129)
    assert not is_valid_sender("bad\nid")


def user(intent: str) -> dict:
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def test_previous_user_intent_stays_within_the_session():
    events = [
        user("out_of_scope"),
        {"event": "session_started"},
        user("greet"),
        {"event": "bot"},
        user("nlu_fallback"),
    ]
    assert previous_user_intent(events) == "greet"
    assert previous_user_intent([{"event": "session_started"}, user("nlu_fallback")]) is None


def test_messages_in_a_script_the_assistant_does_not_answer_in_are_recognised():
    # Hindi in Devanagari is answered in Hindi (localization/); Tamil is not understood.
    assert not is_mostly_non_latin("मुझे अपना पासवर्ड रीसेट करना है")
    assert is_mostly_non_latin("என் கார்டு தொலைந்து விட்டது")
    assert not is_mostly_non_latin("mera card block ho gaya")
    assert not is_mostly_non_latin("🙂🙂")
    assert not is_mostly_non_latin("café crème, s'il vous plaît")
