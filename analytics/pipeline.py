"""The one way events become facts: every source (tracker table, RabbitMQ, the month generator)
hands its events here.

`ingest` takes a batch of (conversation hash, channel, event), loads the states of the
conversations in it, runs the processor over each conversation's events in order, and writes the
facts, the new states and, when given, the source's new position in one transaction: a crash
leaves either all of a batch or none of it. `sweep` ends the tasks of conversations that went
quiet (Rasa starts a new session after 30 idle minutes, domain/core.yml).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.engine import Connection, Engine

from analytics import tables
from analytics.facts import Fact, HandoffTaken
from analytics.processor import Processor
from analytics.state import ConversationState
from analytics.writer import write_facts

logger = logging.getLogger("analytics")

IDLE_S = 30 * 60
HANDOFF_TAKEN = "handoff_taken"  # an event the handoff source adds: {reference_hash, waited_s}


@dataclass(frozen=True)
class Incoming:
    conversation: str  # the salted hash ("" for events about no conversation, e.g. handoff_taken)
    channel: str | None
    event: Mapping[str, Any]


class Pipeline:
    def __init__(self, engine: Engine, salt: str) -> None:
        self.engine = engine
        self.processor = Processor(salt)
        tables.create_tables(engine)

    def position(self, source: str) -> int:
        with self.engine.connect() as connection:
            found = connection.execute(
                select(tables.cursors.c.position).where(tables.cursors.c.source == source)
            ).scalar()
        return int(found or 0)

    def ingest(self, items: Iterable[Incoming], cursor: tuple[str, int] | None = None) -> int:
        """Facts from these events; returns how many events were read."""
        grouped: dict[str, list[Incoming]] = {}
        facts: list[Fact] = []
        count = 0
        for item in items:
            count += 1
            if item.event.get("event") == HANDOFF_TAKEN:
                facts.extend(_taken(item.event))
            elif item.conversation:
                grouped.setdefault(item.conversation, []).append(item)
        with self.engine.begin() as connection:
            states = self._states(connection, list(grouped))
            known = set(states)
            for conversation, events in grouped.items():
                state = states.setdefault(conversation, ConversationState(conversation))
                for item in events:
                    if item.channel and state.conversation_key is None:
                        state.channel = item.channel[:32]
                    facts.extend(self.processor.handle(state, item.event))
                if state.conversation_key is not None:
                    facts.append(self.processor.conversation_update(state))
            write_facts(connection, facts)
            self._save_states(connection, states, known)
            if cursor is not None:
                self._move(connection, *cursor)
        return count

    def sweep(self, now: float) -> int:
        """Tasks still open in conversations quiet for IDLE_S: abandoned ("left")."""
        cutoff = now - IDLE_S
        with self.engine.begin() as connection:
            quiet = (
                select(tables.tasks.c.key, tables.conversations.c.last_event_at)
                .join(tables.conversations, tables.conversations.c.key == tables.tasks.c.conversation_key)
                .where(and_(tables.tasks.c.outcome == "open", tables.conversations.c.last_event_at < cutoff))
            )
            rows = connection.execute(quiet).all()
            for key, last_event_at in rows:
                connection.execute(
                    update(tables.tasks)
                    .where(tables.tasks.c.key == key)
                    .values(outcome="abandoned", reason="left", ended_at=last_event_at)
                )
        return len(rows)

    # --- inside ----------------------------------------------------------------------------------
    @staticmethod
    def _states(connection: Connection, conversations: list[str]) -> dict[str, ConversationState]:
        found: dict[str, ConversationState] = {}
        table = tables.conversation_states
        for start in range(0, len(conversations), 500):  # bound the IN list
            chunk = conversations[start : start + 500]
            for conversation, text in connection.execute(
                select(table.c.conversation, table.c.state).where(table.c.conversation.in_(chunk))
            ):
                found[conversation] = ConversationState.from_json(text)
        return found

    @staticmethod
    def _save_states(connection: Connection, states: dict[str, ConversationState], known: set[str]) -> None:
        table = tables.conversation_states
        new = [
            {"conversation": key, "state": state.to_json(), "updated_at": state.last_event_at}
            for key, state in states.items()
            if key not in known
        ]
        changed = [
            {"which": key, "new_state": state.to_json(), "new_updated_at": state.last_event_at}
            for key, state in states.items()
            if key in known
        ]
        if new:
            connection.execute(table.insert(), new)
        if changed:
            connection.execute(
                update(table)
                .where(table.c.conversation == bindparam("which"))
                .values(state=bindparam("new_state"), updated_at=bindparam("new_updated_at")),
                changed,
            )

    @staticmethod
    def _move(connection: Connection, source: str, position: int) -> None:
        table = tables.cursors
        moved = connection.execute(update(table).where(table.c.source == source).values(position=position))
        if moved.rowcount == 0:
            connection.execute(table.insert().values(source=source, position=position))


def _taken(event: Mapping[str, Any]) -> list[Fact]:
    reference, waited = event.get("reference_hash"), event.get("waited_s")
    if isinstance(reference, str) and isinstance(waited, (int, float)) and waited >= 0:
        return [HandoffTaken(reference, int(waited))]
    return []
