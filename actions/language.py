"""The answer language, as the actions see it.

The `language` slot ("en" or "hi") is set by nlu_components/language_detector.py from a message in
Devanagari or one that asks for a language ("Hindi mein", "English please"); the responses follow
it (localization/nlg.py), and so must the values and buttons the actions put into them
(actions/phrases.py).

A message that only asks for another answer language is marked `inform` with a `language` entity,
and the slot is already set when an action sees it; the action only has to say so (in the new
language) instead of treating the message as an answer it did not understand.
"""

from __future__ import annotations

from rasa_sdk import Tracker

from localization.language import ENGLISH, LANGUAGES

LANGUAGE_SLOT = "language"
# The key nlu_components/language_detector.py sets in such a message's parse result.
SWITCH_ONLY_KEY = "language_switch"


def language_of(tracker: Tracker) -> str:
    """The language the customer is answered in: the slot's, English when it names none."""
    language = tracker.get_slot(LANGUAGE_SLOT)
    return language if language in LANGUAGES else ENGLISH


def is_language_switch(tracker: Tracker) -> bool:
    message = tracker.latest_message or {}
    return message.get(SWITCH_ONLY_KEY) is True and (message.get("intent") or {}).get("name") == "inform"
