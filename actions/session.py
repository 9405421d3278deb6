"""Starts every conversation session with the issuer facts filled in."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.facts import fact_slots, load_issuer_config, normalise_region


class ActionSessionStart(Action):
    """Fills the fact slots; the region comes from the page's metadata or the config default."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        config = load_issuer_config()
        metadata = tracker.get_slot("session_started_metadata") or {}
        region = normalise_region(metadata.get("region"), config) if isinstance(metadata, dict) else None
        region = region or config.get("default_region")
        events: list[EventType] = [SessionStarted()]
        events += [SlotSet(name, value) for name, value in fact_slots(config, region).items()]
        events.append(ActionExecuted("action_listen"))
        return events
