"""A message that only asks for another answer language ("Hindi mein", "English please").

nlu_components/language_detector.py marks such a message as `inform` with a `language` entity,
and the `language` slot is already set when an action sees it; the action only has to say so
(in the new language) instead of treating the message as an answer it did not understand.
"""

from __future__ import annotations

from rasa_sdk import Tracker

# The key nlu_components/language_detector.py sets in such a message's parse result.
SWITCH_ONLY_KEY = "language_switch"


def is_language_switch(tracker: Tracker) -> bool:
    message = tracker.latest_message or {}
    return message.get(SWITCH_ONLY_KEY) is True and (message.get("intent") or {}).get("name") == "inform"
