"""The pipeline on hand-written events: what it keeps, what it must never keep, and that a
repeated delivery or a restart changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, select, text

from analytics import tables
from analytics.naming import channel_of, conversation_hash
from analytics.pipeline import Incoming, Pipeline
from analytics.sources.rabbitmq import incoming
from analytics.sources.tracker_table import TrackerTableSource
from analytics.tables import engine_for
from scripts.generate_analytics_month import Conversation, write_tracker_rows
from tests.analytics.conftest import SALT

T0 = 1_790_000_000.0  # 2026-09-21


def events_of_one_conversation() -> list[dict]:
    def user(at: float, text: str, intent: str, confidence: float) -> dict:
        parse = {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text}
        return {"event": "user", "timestamp": at, "text": text, "parse_data": parse}

    return [
        {"event": "action", "timestamp": T0, "name": "action_session_start"},
        {"event": "session_started", "timestamp": T0 + 0.001},
        user(
            T0 + 5, "my card 4111 1111 1111 1111 got eaten by the atm, call 415 555 0199", "nlu_fallback", 0.2
        ),
        {"event": "bot", "timestamp": T0 + 5.4, "metadata": {"utter_action": "utter_default"}},
        user(T0 + 20, "check my balance", "check_balance", 0.95),
        {"event": "active_loop", "timestamp": T0 + 20.2, "name": "check_balance_form"},
        {"event": "slot", "timestamp": T0 + 20.3, "name": "requested_slot", "value": "user_id"},
        {"event": "bot", "timestamp": T0 + 20.4, "metadata": {"utter_action": "utter_ask_user_id"}},
        # A User ID the NLU could not place: never kept, whatever its confidence.
        user(T0 + 30, "alex.morgan", "nlu_fallback", 0.1),
        {"event": "slot", "timestamp": T0 + 30.2, "name": "requested_slot", "value": "identity_code"},
        {
            "event": "bot",
            "timestamp": T0 + 30.3,
            "metadata": {"utter_action": "utter_code_sent_if_match"},
        },
        user(T0 + 50, "[redacted]", "inform", 0.4),
        {
            "event": "bot",
            "timestamp": T0 + 50.5,
            "metadata": {"utter_action": "utter_identity_verified", "first_name": "Alex"},
            "text": "Thanks Alex, you're verified.",
        },
        {"event": "slot", "timestamp": T0 + 50.6, "name": "region_code", "value": "US"},
        {"event": "slot", "timestamp": T0 + 50.7, "name": "requested_slot", "value": None},
        {"event": "active_loop", "timestamp": T0 + 50.8, "name": None},
        {"event": "bot", "timestamp": T0 + 51, "metadata": {"utter_action": "utter_balance"}},
        user(T0 + 70, "agent please", "human_handoff", 0.9),
        {
            "event": "bot",
            "timestamp": T0 + 70.3,
            "metadata": {"utter_action": "utter_handoff_opened", "reference": "HO-ABC123", "wait": 4},
        },
    ]


def dump(path: Path) -> str:
    """Every value of every analytics table, as text."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        return json.dumps(
            {
                table.name: [list(row) for row in connection.execute(select(table))]
                for table in tables.metadata.sorted_tables
            },
            default=str,
        )


def test_facts_of_one_conversation_and_nothing_that_identifies_the_customer(tmp_path: Path) -> None:
    sender = "twilio:+15550102002"
    pipeline = Pipeline(engine_for(f"sqlite:///{tmp_path / 'a.db'}"), SALT)
    pipeline.ingest(
        Incoming(conversation_hash(SALT, sender), channel_of(sender), event)
        for event in events_of_one_conversation()
    )
    with pipeline.engine.connect() as connection:
        conversation = connection.execute(select(tables.conversations)).mappings().one()
        turns = connection.execute(select(tables.turns).order_by(tables.turns.c.at)).mappings().all()
        task = connection.execute(select(tables.tasks)).mappings().one()
        checks = connection.execute(
            select(tables.identity_checks.c.purpose, tables.identity_checks.c.step)
        ).all()
        handoff = connection.execute(select(tables.handoffs)).mappings().one()
    assert conversation["channel"] == "twilio" and conversation["region"] == "US"
    assert conversation["turns"] == 5 and conversation["fallbacks"] == 2 and conversation["handed_off"]
    assert [turn["latency_ms"] for turn in turns] == [400, 400, 300, 500, 300]
    kept = [turn["text"] for turn in turns if turn["text"]]
    assert kept == ["my card ending 1111 got eaten by the atm, call [number]"]
    assert task["task"] == "check_balance" and task["outcome"] == "completed"
    assert checks == [("verify", "sent"), ("verify", "verified")]
    assert handoff["outcome"] == "opened" and handoff["estimated_wait_min"] == 4
    stored = dump(tmp_path / "a.db")
    for secret in ("+15550102002", "5550102002", "4111 1111", "alex.morgan", "Alex", "HO-ABC123", "0199"):
        assert secret not in stored, secret


def test_a_repeated_delivery_and_a_restart_change_nothing(tmp_path: Path) -> None:
    sender = "socketio:abc"
    events = events_of_one_conversation()
    items = [Incoming(conversation_hash(SALT, sender), "socketio", event) for event in events]
    path = tmp_path / "a.db"
    Pipeline(engine_for(f"sqlite:///{path}"), SALT).ingest(items[:10])
    once = Pipeline(engine_for(f"sqlite:///{path}"), SALT)  # as after a restart
    once.ingest(items[8:])  # the broker delivers two events again
    other = tmp_path / "b.db"
    Pipeline(engine_for(f"sqlite:///{other}"), SALT).ingest(items)
    assert dump(path) == dump(other)


def test_the_tracker_table_is_read_incrementally_from_its_cursor(tmp_path: Path) -> None:
    tracker = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    pipeline = Pipeline(engine_for(f"sqlite:///{tmp_path / 'a.db'}"), SALT)
    source = TrackerTableSource(tracker, pipeline, SALT, batch=7)
    talk = Conversation("in_app:app-user-1", T0, __import__("random").Random(1))
    talk.user("hello", "greet", 0.9)
    talk.bot("utter_greet")
    write_tracker_rows(tracker, [talk])
    assert source.drain() == len(talk.events)
    assert source.read_once() == 0
    with tracker.begin() as connection:  # a second message arrives later
        connection.execute(
            text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, 'user', :t, :d)"),
            {
                "s": "in_app:app-user-1",
                "t": T0 + 99,
                "d": json.dumps(
                    {
                        "event": "user",
                        "timestamp": T0 + 99,
                        "text": "x",
                        "parse_data": {"intent": {"name": "help"}},
                    }
                ),
            },
        )
    assert source.drain() == 1
    with pipeline.engine.connect() as connection:
        assert connection.execute(select(tables.conversations.c.turns)).scalar() == 2
        hashed = connection.execute(select(tables.conversations.c.conversation)).scalar()
    assert hashed == conversation_hash(SALT, "in_app:app-user-1") and "app-user" not in dump(
        tmp_path / "a.db"
    )


def test_a_broker_message_names_the_conversation_by_its_hash_only() -> None:
    body = json.dumps({"event": "user", "timestamp": T0, "conversation": "f" * 32, "channel": "telegram"})
    item = incoming(body.encode())
    assert item is not None and item.conversation == "f" * 32 and item.channel == "telegram"
    assert "conversation" not in item.event
    assert incoming(b"not json") is None and incoming(b'{"event": "user"}') is None


def test_names_agree_with_the_event_broker() -> None:
    from storage.event_broker import channel_of as broker_channel
    from storage.event_broker import conversation_hash as broker_hash

    for sender in ("socketio:abc", "twilio:+15550102002", "plain-id", "x y:z"):
        assert conversation_hash(SALT, sender) == broker_hash(SALT, sender)
        assert channel_of(sender) == broker_channel(sender)


def test_the_metadata_a_channel_sends_before_a_session_starts_does_not_count_a_conversation(
    tmp_path: Path,
) -> None:
    sender = "rest:first-message-with-metadata"
    prelude = [
        {"event": "slot", "name": "session_started_metadata", "value": {"id": "m1"}, "timestamp": T0 - 1},
        {"event": "action", "name": "action_session_start", "timestamp": T0 - 0.5},
    ]
    pipeline = Pipeline(engine_for(f"sqlite:///{tmp_path / 'a.db'}"), SALT)
    pipeline.ingest(
        Incoming(conversation_hash(SALT, sender), channel_of(sender), event)
        for event in prelude + events_of_one_conversation()
    )
    with pipeline.engine.connect() as connection:
        rows = connection.execute(select(tables.conversations.c.turns)).all()
    assert [turns for (turns,) in rows] == [5]
