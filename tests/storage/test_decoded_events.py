"""The tracker store keeps each conversation's stored events decoded between turns
(storage/decoded_events.py): what it reads must be what a fresh read of the database gives, turn
after turn, across sessions, with another replica writing to the same conversation, and after
rows were deleted by hand. On SQLite and on a real PostgreSQL."""

from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from sqlalchemy import create_engine, text

from rasa_server import speedups
from storage.decoded_events import DecodedEvents, KeptConversation, StoredEvent, latest_session
from storage.redacting_tracker_store import RedactingSQLTrackerStore

DOMAIN = Domain.load("domain")
speedups.install()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, monkeypatch):
    """The TRACKER_DB_URL two store instances (two replicas) share."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        url = request.getfixturevalue("tracker_db_url")
    monkeypatch.setenv("TRACKER_DB_URL", url)
    return url


def replica() -> RedactingSQLTrackerStore:
    return RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db="ignored.db")


def turn(text_: str, at: float, intent: str = "inform") -> list[Event]:
    return [
        ActionExecuted("action_listen", timestamp=at),
        UserUttered(text_, intent={"name": intent, "confidence": 0.9}, timestamp=at + 0.1),
        SlotSet("user_id", text_, timestamp=at + 0.2),
        ActionExecuted("utter_greet", timestamp=at + 0.3),
    ]


def session_start(at: float) -> list[Event]:
    return [ActionExecuted("action_session_start", timestamp=at), SessionStarted(timestamp=at + 0.01)]


def state(tracker: DialogueStateTracker | None) -> dict | None:
    return None if tracker is None else tracker.current_state(EventVerbosity.ALL)


async def fresh_read(sender: str, full: bool = False) -> dict | None:
    """What a replica that never saw the conversation reads: the database alone."""
    store = replica()
    return state(await (store.retrieve_full_tracker(sender) if full else store.retrieve(sender)))


async def hold(store: RedactingSQLTrackerStore, sender: str, events: list[Event]) -> None:
    """One turn as Rasa holds it: read, add, save."""
    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, DOMAIN.slots)
    for event in events:
        tracker.update(event)
    await store.save(tracker)


@pytest.mark.asyncio
async def test_each_read_is_what_the_database_holds_turn_after_turn_and_across_sessions(database):
    store, sender = replica(), "rest:decoded"
    turns = [
        session_start(1000.0),
        turn("alex.morgan", 1001.0),
        turn("hello again", 1002.0),
        session_start(5000.0),  # a new session: a plain read shows only this one
        turn("priya.sharma", 5001.0),
    ]
    for events in turns:
        await hold(store, sender, events)
        assert state(await store.retrieve(sender)) == await fresh_read(sender)
        assert state(await store.retrieve_full_tracker(sender)) == await fresh_read(sender, full=True)
    latest = await store.retrieve(sender)
    assert latest is not None and latest.get_slot("user_id") == "priya.sharma"
    assert len(latest.events) < len((await store.retrieve_full_tracker(sender)).events)
    assert len(store.decoded.get(sender).events) == sum(len(events) for events in turns)


@pytest.mark.asyncio
async def test_a_turn_another_replica_saved_is_read(database):
    first, second, sender = replica(), replica(), "rest:two-replicas"
    await hold(first, sender, [*session_start(1000.0), *turn("one", 1001.0)])
    await hold(second, sender, turn("two", 1002.0))  # the next message reached the other replica
    await hold(first, sender, turn("three", 1003.0))
    read = await first.retrieve(sender)
    assert [e.text for e in read.events if isinstance(e, UserUttered)] == ["one", "two", "three"]
    assert state(read) == await fresh_read(sender)
    assert state(await second.retrieve(sender)) == await fresh_read(sender)


@pytest.mark.asyncio
async def test_rows_deleted_by_hand_are_not_served_from_memory(database):
    store, sender = replica(), "rest:erased"
    await hold(store, sender, [*session_start(1000.0), *turn("one", 1001.0), *turn("two", 1002.0)])
    assert await store.retrieve(sender) is not None
    engine = create_engine(database)
    with engine.begin() as connection:
        connection.execute(text("delete from events where sender_id = :s"), {"s": sender})
    engine.dispose()
    assert await store.retrieve(sender) is None
    assert store.decoded.get(sender) is None

    await hold(store, sender, [*session_start(2000.0), *turn("again", 2001.0)])
    engine = create_engine(database)
    with engine.begin() as connection:  # an operator cuts the conversation's first rows
        first_id = connection.execute(
            text("select min(id) from events where sender_id = :s"), {"s": sender}
        ).scalar()
        connection.execute(text("delete from events where id = :i"), {"i": first_id})
    engine.dispose()
    assert state(await store.retrieve(sender)) == await fresh_read(sender)


def kept(n: int, start_id: int = 1) -> KeptConversation:
    return KeptConversation([StoredEvent(start_id + i, 1.0, "user", None) for i in range(n)])


def test_the_least_recently_read_conversation_is_dropped_first_and_the_bound_holds():
    decoded = DecodedEvents(max_events=10)
    decoded.put("a", kept(4))
    decoded.put("b", kept(4))
    assert decoded.get("a") is not None  # read: now the most recent
    decoded.put("c", kept(4))
    assert decoded.get("b") is None and decoded.get("a") is not None and decoded.get("c") is not None
    assert len(decoded) == 8
    decoded.put("a", kept(6))  # replaced, not added twice
    assert len(decoded) <= 10
    decoded.put("huge", kept(11))  # larger than the bound: never kept
    assert decoded.get("huge") is None and len(decoded) <= 10


def test_the_latest_session_is_chosen_as_rasas_sql_query_chooses_it():
    def stored(row_id: int, at: float | None, kind: str) -> StoredEvent:
        return StoredEvent(row_id, at, kind, None)

    events = [
        stored(1, 10.0, "action"),
        stored(2, 10.5, "session_started"),
        stored(3, 11.0, "user"),
        stored(4, 20.0, "action"),  # action_session_start: before its session_started
        stored(5, 20.5, "session_started"),
        stored(6, None, "user"),
        stored(7, 21.0, "user"),
    ]
    assert [e.row_id for e in latest_session(events)] == [5, 7]
    assert latest_session(events[:1]) == events[:1]  # no session started: every event
