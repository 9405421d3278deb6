"""The tracker store's `events` table, read by row id from where the last batch stopped.

Under `make run` there is no broker: Rasa's tracker store (storage/redacting_tracker_store.py)
writes only redacted rows, in order, each with an increasing id. This source reads them in
batches, names each conversation by the same salted hash as the broker would, and moves its
cursor in the same transaction as the facts (analytics/pipeline.py).
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, select
from sqlalchemy.engine import Engine

from analytics.naming import channel_of, conversation_hash
from analytics.pipeline import Incoming, Pipeline

logger = logging.getLogger("analytics.tracker")

SOURCE = "tracker_events"
BATCH = 2000

# Only the columns read, as Rasa's SQLTrackerStore defines them.
_events = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("data", Text),
)


class TrackerTableSource:
    def __init__(self, tracker_engine: Engine, pipeline: Pipeline, salt: str, batch: int = BATCH) -> None:
        self._tracker = tracker_engine
        self._pipeline = pipeline
        self._salt = salt
        self._batch = batch

    def read_once(self) -> int:
        """One batch from the cursor on; returns how many events were read (0: none new)."""
        after = self._pipeline.position(SOURCE)
        with self._tracker.connect() as connection:
            rows = connection.execute(
                select(_events.c.id, _events.c.sender_id, _events.c.data)
                .where(_events.c.id > after)
                .order_by(_events.c.id)
                .limit(self._batch)
            ).all()
        if not rows:
            return 0
        items = []
        for _, sender_id, data in rows:
            try:
                event = json.loads(data)
            except (TypeError, ValueError):
                logger.warning("skipped a tracker row that is not JSON")
                continue
            if isinstance(event, dict) and isinstance(sender_id, str):
                items.append(Incoming(conversation_hash(self._salt, sender_id), channel_of(sender_id), event))
        self._pipeline.ingest(items, cursor=(SOURCE, int(rows[-1][0])))
        return len(rows)

    def drain(self) -> int:
        """Every event not read yet (tests, `make report`)."""
        total = 0
        while read := self.read_once():
            total += read
        return total

    def tracker_exists(self) -> bool:
        with self._tracker.connect() as connection:
            return bool(self._tracker.dialect.has_table(connection, "events"))
