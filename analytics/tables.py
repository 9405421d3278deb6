"""The analytics tables (SQLAlchemy Core): facts only, each row keyed by a string the pipeline makes.

Keys: a conversation is `<hash>.<session>` (the salted hash of its ID and the number of the Rasa
session within it); its turns, tasks and handoffs are `<conversation>.<kind><n>`. String keys let
the pipeline write and later update a row without reading an ID back, on SQLite and PostgreSQL.
Every fact has `day` (YYYY-MM-DD, UTC) so a period is grouped by day in plain SQL on both.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
)
from sqlalchemy.engine import Engine

from common.db_urls import sync_database_url

metadata = MetaData()

conversations = Table(
    "conversations",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("conversation", String(64), nullable=False, index=True),  # the salted hash
    Column("started_at", Float, nullable=False),  # seconds since the epoch, UTC
    Column("day", String(10), nullable=False, index=True),
    Column("channel", String(32), nullable=False),
    Column("region", String(8)),  # US, IN, … once known
    Column("language", String(8), nullable=False),  # the answer language last used
    Column("last_event_at", Float, nullable=False),
    Column("turns", Integer, nullable=False, default=0),  # customer messages
    Column("fallbacks", Integer, nullable=False, default=0),
    Column("handed_off", Boolean, nullable=False, default=False),  # a person was asked for and a case opened
)

turns = Table(
    "turns",
    metadata,
    Column("key", String(96), primary_key=True),
    Column("conversation_key", String(80), nullable=False, index=True),
    Column("at", Float, nullable=False),
    Column("day", String(10), nullable=False, index=True),
    Column("channel", String(32), nullable=False),
    Column("language", String(8), nullable=False),
    Column("topic", String(64), nullable=False),  # the intent name ("unknown" when none)
    Column("confidence", Float, nullable=False),
    Column("fallback", Boolean, nullable=False),  # nlu_fallback or out_of_scope
    Column("latency_ms", Integer),  # message to first answer, when an answer followed
    Column("text", Text),  # only for a message not understood, masked (analytics/masking.py)
)

tasks = Table(
    "tasks",
    metadata,
    Column("key", String(96), primary_key=True),
    Column("conversation_key", String(80), nullable=False, index=True),
    Column("task", String(64), nullable=False),
    Column("started_at", Float, nullable=False),
    Column("day", String(10), nullable=False, index=True),
    Column("outcome", String(16), nullable=False),  # open, completed, abandoned
    Column("reason", String(64)),  # why it was abandoned: stopped, handoff, switched, gave_up, left …
    Column("last_question", String(64)),
    Column("ended_at", Float),
)

task_questions = Table(
    "task_questions",
    metadata,
    Column("task_key", String(96), primary_key=True),
    Column("question", String(64), primary_key=True),  # the slot asked for
    Column("position", Integer, nullable=False),  # 1 = the first question this run reached
    Column("reached_at", Float, nullable=False),
)

identity_checks = Table(
    "identity_checks",
    metadata,
    Column("key", String(96), primary_key=True),
    Column("conversation_key", String(80), nullable=False, index=True),
    Column("at", Float, nullable=False),
    Column("day", String(10), nullable=False, index=True),
    Column("purpose", String(16), nullable=False),  # verify (who you are), confirm (a change)
    Column("step", String(16), nullable=False),  # sent, verified, failed, expired, locked, too_many
)

handoffs = Table(
    "handoffs",
    metadata,
    Column("key", String(96), primary_key=True),
    Column("conversation_key", String(80), nullable=False, index=True),
    Column("reference_hash", String(64), index=True),  # the case reference, hashed like a conversation
    Column("requested_at", Float, nullable=False),
    Column("day", String(10), nullable=False, index=True),
    Column("channel", String(32), nullable=False),
    # opened (queued for an agent), after_hours (a message left), refused (too many), unavailable
    Column("outcome", String(16), nullable=False),
    Column("estimated_wait_min", Integer),
    Column("waited_s", Integer),  # until an agent took it, once known
)

# Where each source has read up to (the tracker table's row id), written in the same transaction
# as the facts from those rows, so a restart neither loses nor repeats any.
cursors = Table(
    "cursors",
    metadata,
    Column("source", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
)

# What the pipeline must remember of a conversation between events (the open form, the last
# question, the pending turn …), as JSON; analytics/state.py.
conversation_states = Table(
    "conversation_states",
    metadata,
    Column("conversation", String(64), primary_key=True),
    Column("state", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
)

Index("ix_tasks_task_day", tasks.c.task, tasks.c.day)


def engine_for(url: str, variable: str = "ANALYTICS_DB_URL") -> Engine:
    """A synchronous engine on the analytics database (the URL forms of common/db_urls.py)."""
    return create_engine(sync_database_url(url, variable), future=True, pool_pre_ping=True)


def create_tables(engine: Engine) -> None:
    metadata.create_all(engine)
