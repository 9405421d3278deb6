"""The consumer's RabbitMQ source against a real rabbitmq-server, fed by the real event broker:
every event published arrives as facts, and a broker restart in the middle loses nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from analytics import tables
from analytics.pipeline import Pipeline
from analytics.sources.rabbitmq import consume
from analytics.tables import engine_for
from scripts.cluster.rabbitmq import RabbitServer
from storage.event_broker import BufferedRabbitBroker
from tests.analytics.conftest import SALT
from tests.analytics.test_pipeline import events_of_one_conversation
from tests.storage.rabbitmq_instance import running_rabbit

SENDER = "twilio:+15550102002"


@pytest.fixture(scope="module")
def rabbit() -> Iterator[RabbitServer]:
    yield from running_rabbit()


def customer_messages(pipeline: Pipeline) -> int:
    with pipeline.engine.connect() as connection:
        row = connection.execute(select(tables.conversations.c.turns)).first()
    return int(row[0]) if row else 0


async def until(condition, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.2)


@pytest.mark.asyncio
async def test_published_events_become_facts_and_a_broker_restart_loses_nothing(rabbit, tmp_path):
    queue = "analytics_source_test"
    broker = BufferedRabbitBroker.from_environment(
        {"RABBITMQ_URL": rabbit.url, "ANALYTICS_SALT": SALT}, {"queue": queue}
    )
    assert broker is not None
    broker.start()
    pipeline = Pipeline(engine_for(f"sqlite:///{tmp_path / 'analytics.db'}"), SALT)
    stop = asyncio.Event()
    consumer = asyncio.create_task(consume(rabbit.url, queue, pipeline, stop))
    events = events_of_one_conversation()
    users = [index for index, event in enumerate(events) if event["event"] == "user"]
    half = users[2]  # the first two customer messages, then an outage, then the rest
    try:
        for event in events[:half]:
            broker.publish({"sender_id": SENDER, **event})
        await until(lambda: customer_messages(pipeline) == 2, 30)

        rabbit.stop()
        for event in events[half:]:
            broker.publish({"sender_id": SENDER, **event})  # buffered by the broker
        rabbit.start_again()
        await until(lambda: customer_messages(pipeline) == len(users), 90)
    finally:
        stop.set()
        await asyncio.wait_for(consumer, 15)
        await broker.close()
