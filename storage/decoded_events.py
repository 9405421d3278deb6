"""The stored events of recent conversations, kept decoded in this process between turns.

Rasa reads a conversation's whole tracker from the store at every message. Decoding every stored
event's JSON and rebuilding its Event was the largest part of reading (a 30-message conversation
holds about a thousand events). Here each conversation's rows are decoded once: a later read asks
the database only for the rows after the last one kept, and checks that the rows it kept are
still there (a conversation deleted or cut by hand is read again in full).

Safe with several replicas: rows are only ever appended, one replica at a time per conversation
(the lock store), so another replica's turn shows up as new rows. Bounded: at most
MAX_CACHED_EVENTS events in all (about 1 KB each), the least recently read conversation dropped
first. The events are what the store holds (redacted, compacted), never the live turn's.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from rasa.shared.core.events import Event

MAX_CACHED_EVENTS = 50_000
SESSION_STARTED = "session_started"


@dataclass
class StoredEvent:
    row_id: int
    timestamp: float | None
    type_name: str | None
    event: Event | None  # None: a kind this Rasa does not know (skipped, as Rasa's own reading does)


@dataclass
class KeptConversation:
    events: list[StoredEvent] = field(default_factory=list)

    @property
    def last_row_id(self) -> int:
        return self.events[-1].row_id if self.events else 0


def latest_session(events: list[StoredEvent]) -> list[StoredEvent]:
    """The events from the latest session's start on, chosen as Rasa's SQL store chooses them:
    timestamp at or after the newest `session_started` event's (all events when there is none)."""
    starts = [
        kept.timestamp for kept in events if kept.type_name == SESSION_STARTED and kept.timestamp is not None
    ]
    if not starts:
        return events
    start = max(starts)
    return [kept for kept in events if kept.timestamp is not None and kept.timestamp >= start]


class DecodedEvents:
    """Conversation ID -> its stored events, decoded; least recently read dropped first."""

    def __init__(self, max_events: int = MAX_CACHED_EVENTS) -> None:
        self.max_events = max_events
        self._kept: OrderedDict[str, KeptConversation] = OrderedDict()
        self._size = 0

    def get(self, sender_id: str) -> KeptConversation | None:
        kept = self._kept.get(sender_id)
        if kept is not None:
            self._kept.move_to_end(sender_id)
        return kept

    def put(self, sender_id: str, kept: KeptConversation) -> None:
        self.drop(sender_id)
        if len(kept.events) > self.max_events:
            return  # one conversation larger than the bound: read from the database every time
        self._kept[sender_id] = kept
        self._size += len(kept.events)
        while self._size > self.max_events:
            _, oldest = self._kept.popitem(last=False)
            self._size -= len(oldest.events)

    def drop(self, sender_id: str) -> None:
        kept = self._kept.pop(sender_id, None)
        if kept is not None:
            self._size -= len(kept.events)

    def __len__(self) -> int:
        return self._size
