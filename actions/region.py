"""Notes the customer's region when a message names one ("I'm in India", a region button)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.facts import fact_slots, load_issuer_config, normalise_region
from actions.language import is_language_switch


def region_slot_events(tracker: Tracker) -> list[EventType]:
    """Slot events for the last region named in the latest message; none when it named none."""
    config = load_issuer_config()
    named = [normalise_region(value, config) for value in tracker.get_latest_entity_values("region")]
    regions = [code for code in named if code]
    if not regions:
        return []
    return [SlotSet(name, value) for name, value in fact_slots(config, regions[-1]).items()]


class ActionNoteRegion(Action):
    """Before a regional answer: "how do I register in India" answers for India at once."""

    def name(self) -> str:
        return "action_note_region"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return region_slot_events(tracker)


class ActionTakeRegion(Action):
    """For an `inform` message: `region_given` tells the rules whether it named a region. A
    message that only switched the answer language is acknowledged here (then the rules ask what
    the customer would like)."""

    def name(self) -> str:
        return "action_take_region"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events = region_slot_events(tracker)
        if not events and is_language_switch(tracker):
            dispatcher.utter_message(response="utter_language_changed")
        return [*events, SlotSet("region_given", bool(events))]
