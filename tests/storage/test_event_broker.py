"""The event broker on a real RabbitMQ (scripts/cluster/rabbitmq.py): events arrive redacted,
in order, with the conversation hashed; an outage at start or mid-way never blocks or raises,
and what was buffered arrives when RabbitMQ is back; beyond the bound, events are dropped and
counted."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scripts.cluster.rabbitmq import RabbitServer, free_port
from storage.event_broker import BrokerSettingsError, BufferedRabbitBroker, conversation_hash
from tests.storage.rabbitmq_instance import running_rabbit

SALT = "x" * 40
CONVERSATION = "twilio:+15550102002"


@pytest.fixture(scope="module")
def rabbit() -> Iterator[RabbitServer]:
    yield from running_rabbit()


def broker_for(server: RabbitServer, queue: str, **options: Any) -> BufferedRabbitBroker:
    broker = BufferedRabbitBroker.from_environment(
        {"RABBITMQ_URL": server.url, "ANALYTICS_SALT": SALT}, {"queue": queue, **options}
    )
    assert broker is not None
    return broker


async def received(
    server: RabbitServer, queue: str, count: int, timeout_s: float = 20
) -> list[dict[str, Any]]:
    import aio_pika

    bodies: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    connection = await aio_pika.connect(server.url, timeout=5)
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, durable=True)
        while len(bodies) < count and time.monotonic() < deadline:
            message = await declared.get(fail=False, timeout=5)
            if message is None:
                await asyncio.sleep(0.1)
                continue
            await message.ack()
            bodies.append(json.loads(message.body))
    return bodies


async def until(condition: Any, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def user_event(number: int) -> dict[str, Any]:
    return {"sender_id": CONVERSATION, "event": "user", "text": f"message {number}", "timestamp": number}


@pytest.mark.asyncio
async def test_events_arrive_in_order_with_the_conversation_hashed(rabbit: RabbitServer) -> None:
    broker = broker_for(rabbit, "ordered")
    broker.start()
    for number in range(20):
        broker.publish(user_event(number))
    await until(lambda: broker.published == 20)
    await broker.close()
    bodies = await received(rabbit, "ordered", 20)
    assert [body["text"] for body in bodies] == [f"message {n}" for n in range(20)]
    assert {body["conversation"] for body in bodies} == {conversation_hash(SALT, CONVERSATION)}
    assert {body["channel"] for body in bodies} == {"twilio"}
    raw = json.dumps(bodies)
    assert "+15550102002" not in raw and "sender_id" not in raw


@pytest.mark.asyncio
async def test_an_outage_buffers_and_nothing_waits(rabbit: RabbitServer) -> None:
    broker = broker_for(rabbit, "outage")
    broker.start()
    broker.publish(user_event(0))
    await until(lambda: broker.published == 1)
    rabbit.stop()
    try:
        started = time.monotonic()
        for number in range(1, 6):
            broker.publish(user_event(number))  # returns at once while RabbitMQ is down
        assert time.monotonic() - started < 0.1
        await asyncio.sleep(1)
        assert broker.published + broker.buffered == 6
    finally:
        rabbit.start_again()
    await until(lambda: broker.published == 6 and broker.buffered == 0, timeout_s=60)
    await broker.close()
    texts = [body["text"] for body in await received(rabbit, "outage", 6)]
    assert texts == [f"message {n}" for n in range(6)]


@pytest.mark.asyncio
async def test_down_at_start_then_up_and_beyond_the_bound_dropped(tmp_path: Path) -> None:
    # A server that is not running yet: the broker starts anyway and buffers up to its bound.
    rabbit = RabbitServer(tmp_path, free_port(), free_port(), free_port())
    broker = broker_for(rabbit, "late", buffer_limit=5)
    started = time.monotonic()
    broker.start()
    for number in range(8):
        broker.publish(user_event(number))
    assert time.monotonic() - started < 0.1
    assert (broker.buffered, broker.dropped, broker.connected) == (5, 3, False)
    rabbit.start_again()
    try:
        await until(lambda: broker.published == 5, timeout_s=60)
        await broker.close()
        texts = [body["text"] for body in await received(rabbit, "late", 5)]
        assert texts == [f"message {n}" for n in range(5)]
    finally:
        rabbit.remove()


def test_settings_are_checked_by_name_without_quoting_the_url() -> None:
    assert BufferedRabbitBroker.from_environment({}, {}) is None
    with pytest.raises(BrokerSettingsError, match="ANALYTICS_SALT") as missing_salt:
        BufferedRabbitBroker.from_environment({"RABBITMQ_URL": "amqp://u:hunter2@h/"}, {})
    with pytest.raises(BrokerSettingsError, match="RABBITMQ_URL") as wrong_scheme:
        BufferedRabbitBroker.from_environment(
            {"RABBITMQ_URL": "http://u:hunter2@h/", "ANALYTICS_SALT": SALT}, {}
        )
    with pytest.raises(BrokerSettingsError, match="buffer_limit"):
        BufferedRabbitBroker.from_environment(
            {"RABBITMQ_URL": "amqp://h/", "ANALYTICS_SALT": SALT}, {"buffer_limit": "lots"}
        )
    for error in (missing_salt, wrong_scheme):
        assert "hunter2" not in str(error.value)
    broker = BufferedRabbitBroker.from_environment(
        {"RABBITMQ_URL": "amqp://u:hunter2@h/", "ANALYTICS_SALT": SALT}, {}
    )
    assert "hunter2" not in repr(broker)
