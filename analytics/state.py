"""What the pipeline remembers of one conversation between its events (stored as JSON in
`conversation_states`): the current session's row key, the open task and question, the turn
waiting for its answer, and the last few events seen (a broker may deliver one twice)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

RECENT_KEPT = 64


@dataclass
class ConversationState:
    conversation: str  # the salted hash
    channel: str = "unknown"
    session: int = 0
    conversation_key: str | None = None
    started_at: float = 0.0
    last_event_at: float = 0.0
    language: str = "en"
    region: str | None = None
    turns: int = 0
    fallbacks: int = 0
    handed_off: bool = False
    requested_slot: str | None = None
    task: str | None = None
    task_key: str | None = None
    task_outcome: str | None = None
    task_questions: list[str] = field(default_factory=list)
    pending_turn: str | None = None  # the key of the latest turn not yet answered
    pending_turn_at: float = 0.0
    counters: dict[str, int] = field(default_factory=dict)
    recent: list[str] = field(default_factory=list)

    def next_key(self, kind: str) -> str:
        number = self.counters.get(kind, 0) + 1
        self.counters[kind] = number
        return f"{self.conversation_key}.{kind}{number}"

    def seen(self, event_key: str) -> bool:
        """True when this event was handled before; otherwise remembers it."""
        if event_key in self.recent:
            return True
        self.recent = [*self.recent[-(RECENT_KEPT - 1) :], event_key]
        return False

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> ConversationState:
        data: dict[str, Any] = json.loads(text)
        known = {name: value for name, value in data.items() if name in cls.__dataclass_fields__}
        return cls(**known)
