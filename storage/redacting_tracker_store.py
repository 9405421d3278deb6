"""Rasa's SQL tracker store, with what a customer must never see stored taken out first.

Card numbers keep only their last four digits; six-digit codes are masked; the whole message
is replaced when it answered a question for a secret (a one-time code, a date of birth). The
action server still sees the real message during the turn: redaction happens on saving, so
the stored (and later retrieved) conversation never holds the secret.
"""

from __future__ import annotations

import copy
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from privacy.redaction import redact

# Slots whose value is a secret, and whose question makes the customer's answer a secret.
SECRET_SLOTS = frozenset({"identity_code", "confirm_code", "date_of_birth"})
REDACTED = "[redacted]"


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redact_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _redact_value(item) for key, item in value.items()}
    return value


def _redact_user_event(event: dict[str, Any], answers_secret: bool) -> dict[str, Any]:
    parse_data = event.get("parse_data") or {}
    if answers_secret:
        event["text"] = REDACTED
        parse_data["text"] = REDACTED
        parse_data["entities"] = []
    else:
        event["text"] = _redact_value(event.get("text"))
        parse_data["text"] = _redact_value(parse_data.get("text"))
        for entity in parse_data.get("entities") or []:
            entity["value"] = _redact_value(entity.get("value"))
    return event


def redact_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A redacted copy of serialised tracker events."""
    requested_slot = None
    redacted = []
    for original in events:
        event = copy.deepcopy(original)
        kind = event.get("event")
        if kind == "slot":
            if event.get("name") == "requested_slot":
                requested_slot = event.get("value")
            elif event.get("name") in SECRET_SLOTS and event.get("value") is not None:
                event["value"] = REDACTED
            else:
                event["value"] = _redact_value(event.get("value"))
        elif kind == "user":
            event = _redact_user_event(event, answers_secret=requested_slot in SECRET_SLOTS)
        elif kind == "bot":
            event["text"] = _redact_value(event.get("text"))
        elif kind == "active_loop" and event.get("name") is None:
            requested_slot = None
        redacted.append(event)
    return redacted


def redacted_tracker(tracker: DialogueStateTracker) -> DialogueStateTracker:
    # Copies of the slots: replaying events into the live tracker's own slot objects would
    # overwrite the values the rest of this turn still reads.
    slots = copy.deepcopy(list(tracker.slots.values()))
    events = [event.as_dict() for event in tracker.events]
    return DialogueStateTracker.from_dict(tracker.sender_id, redact_events(events), slots)


class RedactingSQLTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(redacted_tracker(tracker))
