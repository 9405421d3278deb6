"""Counts misunderstandings so that the second one in a row offers a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from localization.language import script_language

NOT_UNDERSTOOD_INTENTS = {"nlu_fallback", "out_of_scope"}


def previous_user_intent(events: list[dict[str, Any]]) -> str | None:
    """The intent of the user message before the latest one, within the current session."""
    user_intents: list[str | None] = []
    for event in reversed(events):
        if event.get("event") == "session_started":
            break
        if event.get("event") == "user":
            user_intents.append((event.get("parse_data") or {}).get("intent", {}).get("name"))
            if len(user_intents) == 2:
                return user_intents[1]
    return None


def is_mostly_non_latin(text: str | None) -> bool:
    """True when the message is in a script the assistant does not answer in (Tamil, Arabic …):
    neither Latin (English, Hinglish) nor Devanagari (Hindi)."""
    letters = [char for char in text or "" if char.isalpha()]
    return bool(letters) and script_language(text or "") is None


class ActionCountMisunderstanding(Action):
    """Sets `misunderstood_twice` for the rules, and `non_latin_message` so that the answer
    can say which languages the assistant understands."""

    def name(self) -> str:
        return "action_count_misunderstanding"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        twice = previous_user_intent(tracker.events) in NOT_UNDERSTOOD_INTENTS
        other_script = is_mostly_non_latin(tracker.latest_message.get("text"))
        return [SlotSet("misunderstood_twice", twice), SlotSet("non_latin_message", other_script)]
