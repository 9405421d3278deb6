"""Rasa's SQL tracker store, with what a customer must never see stored taken out first.

Card numbers keep only their last four digits; codes, dates of birth and signed links are masked
wherever they appear (text, entities, buttons, metadata); the whole message is replaced when it
answered a question for a secret (a one-time code, a date of birth). The
action server still sees the real message during the turn: redaction happens on saving, so
the stored (and later retrieved) conversation never holds the secret.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func
from sqlalchemy.engine import make_url

from common.db_urls import sync_database_url
from privacy.redaction import redact
from storage.decoded_events import DecodedEvents, KeptConversation, StoredEvent, latest_session
from storage.event_compaction import SlotValues

# Slots whose value is a secret, and whose question makes the customer's answer a secret.
SECRET_SLOTS = frozenset({"identity_code", "confirm_code", "date_of_birth"})
# Slots holding random identifiers the service or an action made, never a customer's words: they
# are stored exactly, because the next turn sends them back. Masking the digit runs that look like
# a code (about 1 in 3,400 challenge IDs, 1 in 4 payment keys) broke the code check and the
# payment's idempotency. A challenge ID alone proves nothing: its code is the secret, and is masked.
GENERATED_ID_SLOTS = frozenset({"challenge_id", "confirm_challenge_id", "payment_key"})
REDACTED = "[redacted]"
# Kept on a tracker this store read or saved: how many of its events the database holds.
STORED_UPTO = "_events_stored_upto"


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redact_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _redact_value(item) for key, item in value.items()}
    return value


def _redact_user_event(event: dict[str, Any], answers_secret: bool) -> dict[str, Any]:
    event["metadata"] = _redact_value(event.get("metadata"))
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


def redact_events(events: list[dict[str, Any]], requested_slot: str | None = None) -> list[dict[str, Any]]:
    """A redacted copy of serialised tracker events; `requested_slot` is the question that was
    open before the first of them."""
    redacted = []
    for original in events:
        event = copy.deepcopy(original)
        kind = event.get("event")
        if kind == "slot":
            if event.get("name") == "requested_slot":
                requested_slot = event.get("value")
            elif event.get("name") in SECRET_SLOTS and event.get("value") is not None:
                event["value"] = REDACTED
            elif event.get("name") in GENERATED_ID_SLOTS:
                pass
            else:
                event["value"] = _redact_value(event.get("value"))
        elif kind == "user":
            event = _redact_user_event(event, answers_secret=requested_slot in SECRET_SLOTS)
        elif kind == "bot":
            # Rasa copies a response's variables (a signed link, say) into the event's metadata.
            for key in ("text", "data", "metadata"):
                event[key] = _redact_value(event.get(key))
        elif kind == "active_loop" and event.get("name") is None:
            requested_slot = None
        redacted.append(event)
    return redacted


def open_question(events: list[Event]) -> str | None:
    """The slot a form was asking for at the end of these events."""
    for event in reversed(events):
        if isinstance(event, SlotSet) and event.key == "requested_slot":
            return event.value
        if isinstance(event, ActiveLoop) and event.name is None:
            return None
    return None


def database_options(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """TRACKER_DB_URL, when set, names the database (postgresql://… for several replicas) and
    replaces endpoints.yml's SQLite file; Rasa takes a whole URL as `host`."""
    url = (environ.get("TRACKER_DB_URL") or "").strip()
    if not url:
        return {}
    sync_url = sync_database_url(url)
    parsed = make_url(sync_url)
    return {"dialect": parsed.get_backend_name(), "host": sync_url, "db": parsed.database or ""}


def _event(data: str) -> Event | None:
    """The stored event, as Rasa's own reading makes it (None for a kind it does not know)."""
    parameters = json.loads(data)
    return Event.from_parameters(parameters) if "event" in parameters else None


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Saves (and streams to an event broker, if one is set) only redacted copies of the events
    added since the last save, without slot sets that change nothing (storage/event_compaction.py):
    the work per turn stays the same however long the conversation."""

    def __init__(self, domain: Domain | None = None, **kwargs: Any) -> None:
        super().__init__(domain, **{**kwargs, **database_options()})
        self.decoded = DecodedEvents()

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        if self.domain is None:
            return None
        kept = self._read_rows(sender_id)
        chosen = kept.events if fetch_events_from_all_sessions else latest_session(kept.events)
        events = [stored.event for stored in chosen if stored.event is not None]
        if not events:
            return None
        tracker = DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
        tracker.__dict__[STORED_UPTO] = len(tracker.events)
        return tracker

    def _read_rows(self, sender_id: str) -> KeptConversation:
        """Every stored event of the conversation, decoded: the rows decoded at an earlier read
        (storage/decoded_events.py) and the rows added since."""
        table = self.SQLEvent
        kept = self.decoded.get(sender_id) or KeptConversation()
        with self.session_scope() as session:
            if kept.events:
                still_stored = (
                    session.query(func.count(table.id))
                    .filter(table.sender_id == sender_id, table.id <= kept.last_row_id)
                    .scalar()
                )
                if still_stored != len(kept.events):
                    kept = KeptConversation()  # rows were deleted: read it all again
            # Only the columns needed: building an ORM object per row cost more than the query.
            rows = (
                session.query(table.id, table.timestamp, table.type_name, table.data)
                .filter(table.sender_id == sender_id, table.id > kept.last_row_id)
                .order_by(table.id)
                .all()
            )
        if rows:
            added = [StoredEvent(row_id, at, kind, _event(data)) for row_id, at, kind, data in rows]
            kept = KeptConversation([*kept.events, *added])
        if kept.events:
            self.decoded.put(sender_id, kept)
        else:
            self.decoded.drop(sender_id)
        return kept

    def _slot_values(self) -> SlotValues:
        initial = {} if self.domain is None else {slot.name: slot.initial_value for slot in self.domain.slots}
        # requested_slot tells redaction which answer is a secret: its every setting is kept.
        return SlotValues(initial, always_kept={"requested_slot"})

    async def save(self, tracker: DialogueStateTracker) -> None:
        events = list(tracker.events)
        with self.session_scope() as session:
            stored = tracker.__dict__.get(STORED_UPTO)
            if stored is None or stored > len(events):  # a tracker this store did not read
                stored = self._event_query(
                    session, tracker.sender_id, fetch_events_from_all_sessions=False
                ).count()
            values = self._slot_values()
            for event in events[:stored]:
                values.follow(event)
            worth_storing = [values.follow(event) for event in events[stored:]]
            # Redacted in full first: what a secret answered depends on every question asked.
            redacted = redact_events(
                [event.as_dict() for event in events[stored:]], open_question(events[:stored])
            )
            new_events = [data for data, keep in zip(redacted, worth_storing, strict=True) if keep]
            for data in new_events:
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=data.get("event"),
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        tracker.__dict__[STORED_UPTO] = len(events)
        if self.event_broker is not None:
            for data in new_events:
                self.event_broker.publish({"sender_id": tracker.sender_id, **data})
