"""The redacting tracker store on PostgreSQL (TRACKER_DB_URL), against a real server: what two
replicas save to one conversation is one conversation, and no secret reaches a row."""

from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from common.db_urls import sync_database_url
from storage.redacting_tracker_store import RedactingSQLTrackerStore, database_options

DOMAIN = Domain.from_yaml(
    """
slots:
  requested_slot: {type: any, mappings: [{type: custom}]}
  identity_code: {type: any, mappings: [{type: custom}]}
"""
)


def test_the_url_forms_operators_paste_choose_the_database():
    assert database_options({}) == {}
    chosen = database_options({"TRACKER_DB_URL": "postgres://rasa:pw@db:5432/tracker"})
    assert chosen == {
        "dialect": "postgresql",
        "host": "postgresql+psycopg2://rasa:pw@db:5432/tracker",
        "db": "tracker",
    }


@pytest.mark.asyncio
async def test_two_replicas_share_one_redacted_conversation(tracker_db_url, monkeypatch):
    monkeypatch.setenv("TRACKER_DB_URL", tracker_db_url)
    # endpoints.yml still names the SQLite file: the URL wins.
    first = RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db="ignored.db")
    second = RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db="ignored.db")
    assert first.engine.url.get_backend_name() == "postgresql"

    tracker = DialogueStateTracker("rest:pg-replicas", DOMAIN.slots)
    tracker.update(UserUttered("my card is 4111 1111 1111 1111"))
    tracker.update(SlotSet("requested_slot", "identity_code"))
    await first.save(tracker)

    continued = await second.retrieve("rest:pg-replicas")
    assert continued is not None and len(continued.events) == 2
    continued.update(UserUttered("482913"))
    continued.update(SlotSet("identity_code", "482913"))
    await second.save(continued)

    assert len((await first.retrieve("rest:pg-replicas")).events) == 4
    engine = create_engine(sync_database_url(tracker_db_url))
    with engine.connect() as connection:
        rows = " ".join(row[0] for row in connection.execute(text("SELECT data FROM events")))
    engine.dispose()
    assert "ending 1111" in rows
    for secret in ("4111 1111 1111", "482913"):
        assert secret not in rows


def test_the_rasa_server_refuses_an_unsupported_tracker_url_by_name():
    import subprocess
    import sys

    from tests.service.process import REPO_ROOT

    started = subprocess.run(
        [sys.executable, "-m", "rasa_server"],
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(REPO_ROOT),
            "DEMO_MODE": "1",
            "TRACKER_DB_URL": "mysql://rasa@db/tracker",
        },
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 2
    assert "TRACKER_DB_URL" in started.stderr and "Traceback" not in started.stderr
