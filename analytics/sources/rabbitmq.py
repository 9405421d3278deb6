"""RabbitMQ's `rasa_events` queue (production), as storage/event_broker.py publishes it: one
redacted event per message, the conversation named by its salted hash, the channel beside it.

Messages are taken in batches (the first to arrive and whatever else has, up to BATCH) and
acknowledged only after the batch's facts are committed; a batch that fails to write is given
back to the queue. A message delivered twice is recognised by the pipeline (ConversationState.seen).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

from analytics.pipeline import Incoming, Pipeline

logger = logging.getLogger("analytics.rabbitmq")

BATCH = 500
BATCH_WAIT_S = 1.0
FIRST_RETRY_S, LONGEST_RETRY_S = 1.0, 30.0


def incoming(body: bytes) -> Incoming | None:
    try:
        event = json.loads(body)
    except (TypeError, ValueError):
        return None
    if not isinstance(event, dict):
        return None
    conversation = event.pop("conversation", None)
    channel = event.pop("channel", None)
    if not isinstance(conversation, str) or not conversation:
        return None
    return Incoming(conversation, channel if isinstance(channel, str) else None, event)


def _nothing() -> None:
    pass


async def consume(
    url: str, queue_name: str, pipeline: Pipeline, stop: asyncio.Event, beat: Callable[[], None] = _nothing
) -> None:
    """Until `stop` is set; reconnects (1 s, doubling to 30 s) when RabbitMQ goes away. `beat`
    is called after every round that waited for messages while connected (analytics/health.py)."""
    import aio_pika

    retry_s = FIRST_RETRY_S
    while not stop.is_set():
        try:
            connection = await aio_pika.connect(url, timeout=5)
        except Exception as error:  # any connection failure: wait and try again
            logger.warning("RabbitMQ not reachable (%s); retrying in %.0f s", type(error).__name__, retry_s)
            await _wait(stop, retry_s)
            retry_s = min(retry_s * 2, LONGEST_RETRY_S)
            continue
        retry_s = FIRST_RETRY_S
        try:
            async with connection:
                channel = await connection.channel()
                await channel.set_qos(prefetch_count=BATCH)
                queue = await channel.declare_queue(queue_name, durable=True)
                logger.info("reading conversation events from the %s queue", queue_name)
                await _batches(queue, pipeline, stop, beat, (connection, channel))
        except Exception as error:  # lost the connection: unacknowledged messages come back
            logger.warning("RabbitMQ connection lost (%s); reconnecting", type(error).__name__)


async def _batches(
    queue: Any, pipeline: Pipeline, stop: asyncio.Event, beat: Callable[[], None], links: tuple[Any, Any]
) -> None:
    # Deliveries land in a local queue: waiting on it with a timeout is safe, where a timeout on
    # aio_pika's own queue iterator closes the iterator (and nothing was ever read).
    arrived: asyncio.Queue[Any] = asyncio.Queue()
    consumer_tag = await queue.consume(arrived.put)
    try:
        while not stop.is_set():
            if any(link.is_closed for link in links):  # nothing more will arrive here: reconnect
                raise ConnectionError("the connection or channel closed")
            batch = []
            with contextlib.suppress(asyncio.TimeoutError):
                batch.append(await asyncio.wait_for(arrived.get(), timeout=BATCH_WAIT_S))
            while batch and len(batch) < BATCH and not arrived.empty():
                batch.append(arrived.get_nowait())
            if not batch:
                beat()
                continue
            items = [item for item in (incoming(message.body) for message in batch) if item is not None]
            try:
                await asyncio.to_thread(pipeline.ingest, items)
            except Exception:
                logger.exception("could not write a batch of %d events; returned to the queue", len(batch))
                await batch[-1].nack(multiple=True, requeue=True)
                await _wait(stop, FIRST_RETRY_S)
                continue
            await batch[-1].ack(multiple=True)
            beat()
    finally:
        with contextlib.suppress(Exception):  # the connection may be gone already
            await queue.cancel(consumer_tag)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
