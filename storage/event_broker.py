"""Rasa's event broker for analytics and audit: every conversation event, redacted, to RabbitMQ.

Rasa's own Pika broker retries the connection for about 100 s at start-up and then refuses to
start, and keeps what it could not publish in memory without a bound
(../shared/platform-notes.md). A bank's assistant must answer customers whether or not analytics
is up, so this broker:

- never blocks Rasa's start-up: it connects in the background and keeps retrying (1 s, doubling
  to 30 s) while the conversation goes on;
- buffers what it could not publish yet, up to `buffer_limit` events (10,000 by default); beyond
  that, new events are dropped, counted and logged (at most once a minute), never blocking a turn;
- publishes persistent messages to a durable queue with publisher confirms, oldest first, so an
  event leaves the buffer only once RabbitMQ has it (a broker restart may repeat one: consumers
  de-duplicate by the event's `conversation` + `timestamp` + `event`);
- names the conversation only by a salted hash (ANALYTICS_SALT): conversation IDs are
  credential-like and, on messaging channels, hold a phone number. The events themselves come
  already redacted from storage/redacting_tracker_store.py.

On only when RABBITMQ_URL is set (amqp://user:password@host:5672/vhost); otherwise Rasa runs
without a broker. endpoints.yml:

    event_broker:
      type: storage.event_broker.BufferedRabbitBroker
      queue: rasa_events
      buffer_limit: 10000
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import os
import time
from collections import deque
from collections.abc import Mapping
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

DEFAULT_QUEUE = "rasa_events"
DEFAULT_BUFFER_LIMIT = 10_000
CONNECT_TIMEOUT_S = 5.0
PUBLISH_TIMEOUT_S = 5.0
FIRST_RETRY_S, LONGEST_RETRY_S = 1.0, 30.0
WARN_EVERY_S = 60.0
CLOSE_FLUSH_S = 2.0


class BrokerSettingsError(ValueError):
    """The broker's environment cannot be used (said by variable name, never by value)."""


def conversation_hash(salt: str, sender_id: str) -> str:
    return hmac.new(salt.encode(), sender_id.encode(), hashlib.sha256).hexdigest()[:32]


def channel_of(sender_id: str) -> str | None:
    """The channel a conversation came from, when its ID is namespaced (channels/conversations.py)."""
    prefix, separator, _ = sender_id.partition(":")
    return prefix if separator and prefix.isidentifier() else None


class BufferedRabbitBroker(EventBroker):
    def __init__(
        self, url: str, salt: str, queue: str = DEFAULT_QUEUE, buffer_limit: int = DEFAULT_BUFFER_LIMIT
    ):
        if buffer_limit < 1:
            raise BrokerSettingsError("event_broker.buffer_limit must be at least 1")
        self._url = url
        self._salt = salt
        self.queue = queue
        self.buffer_limit = buffer_limit
        self._buffer: deque[bytes] = deque()
        self.published = 0
        self.dropped = 0
        self.connected = False
        self._wakeup = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self._last_warning: dict[str, float] = {}

    def __repr__(self) -> str:  # the URL may hold a password
        return f"BufferedRabbitBroker(queue={self.queue!r}, buffered={len(self._buffer)})"

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: asyncio.AbstractEventLoop | None = None
    ) -> BufferedRabbitBroker | None:
        broker = cls.from_environment(os.environ, dict(broker_config.kwargs) if broker_config else {})
        if broker is not None:
            broker.start()
        return broker

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str], options: Mapping[str, Any]
    ) -> BufferedRabbitBroker | None:
        url = (environ.get("RABBITMQ_URL") or "").strip()
        if not url:
            logger.info("RABBITMQ_URL not set: conversation events are not published")
            return None
        if not url.startswith(("amqp://", "amqps://")):
            raise BrokerSettingsError("RABBITMQ_URL must start with amqp:// or amqps://")
        salt = (environ.get("ANALYTICS_SALT") or "").strip()
        if not salt:
            raise BrokerSettingsError(
                "ANALYTICS_SALT must be set with RABBITMQ_URL (it hashes conversation IDs)"
            )
        try:
            limit = int(options.get("buffer_limit", DEFAULT_BUFFER_LIMIT))
        except (TypeError, ValueError) as error:
            raise BrokerSettingsError("event_broker.buffer_limit must be a whole number") from error
        return cls(url, salt, str(options.get("queue") or DEFAULT_QUEUE), limit)

    # --- what Rasa calls ---------------------------------------------------------------------
    def publish(self, event: dict[str, Any]) -> None:
        """Queues one event; never waits and never raises into the conversation."""
        if len(self._buffer) >= self.buffer_limit:
            self.dropped += 1
            self._warn(
                "full", "event buffer full (%d): %d events dropped so far", self.buffer_limit, self.dropped
            )
            return
        self._buffer.append(self.message_body(event))
        self._wakeup.set()

    def is_ready(self) -> bool:
        return self.connected

    async def close(self) -> None:
        """Publishes what it can within a moment, then stops; what is left is counted and logged."""
        self._closing = True
        self._wakeup.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._task), CLOSE_FLUSH_S)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._buffer:
            logger.warning("event broker closed with %d events not published", len(self._buffer))

    # --- inside ------------------------------------------------------------------------------
    @property
    def buffered(self) -> int:
        return len(self._buffer)

    def message_body(self, event: dict[str, Any]) -> bytes:
        data = dict(event)
        sender_id = data.pop("sender_id", None)
        if isinstance(sender_id, str):
            data["conversation"] = conversation_hash(self._salt, sender_id)
            data["channel"] = channel_of(sender_id)
        return json.dumps(data, ensure_ascii=False, default=str).encode()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())
        self._expose_metrics()

    def _expose_metrics(self) -> None:
        """Read at every scrape of this replica's /metrics (common/metrics.py)."""
        from common import metrics

        waiting = metrics.gauge("event_broker_buffered_events", "Events waiting to be published.")
        waiting.set_function(lambda: len(self._buffer))
        metrics.gauge("event_broker_dropped_events", "Events dropped: the buffer was full.").set_function(
            lambda: self.dropped
        )
        metrics.gauge("event_broker_published_events", "Events RabbitMQ confirmed.").set_function(
            lambda: self.published
        )
        metrics.gauge("event_broker_connected", "1 while connected to RabbitMQ.").set_function(
            lambda: int(self.connected)
        )

    async def _run(self) -> None:
        import aio_pika

        retry_s = FIRST_RETRY_S
        while True:
            try:
                connection = await aio_pika.connect(self._url, timeout=CONNECT_TIMEOUT_S)
            except Exception as error:  # any connection failure: wait and try again
                if self._closing:
                    return
                self._warn(
                    "connect",
                    "RabbitMQ not reachable (%s); retrying in %.0f s",
                    type(error).__name__,
                    retry_s,
                )
                await self._sleep(retry_s)
                retry_s = min(retry_s * 2, LONGEST_RETRY_S)
                continue
            retry_s = FIRST_RETRY_S
            try:
                async with connection:
                    channel = await connection.channel(publisher_confirms=True)
                    await channel.declare_queue(self.queue, durable=True)
                    self.connected = True
                    logger.info("event broker connected; %d events waiting", len(self._buffer))
                    await self._drain(channel, aio_pika)
                    return
            except Exception as error:  # lost the connection: keep the buffer, reconnect
                self._warn("lost", "RabbitMQ connection lost (%s); events are buffered", type(error).__name__)
            finally:
                self.connected = False
            if self._closing:
                return

    async def _drain(self, channel: Any, aio_pika: Any) -> None:
        """Publishes the buffer oldest first until closed; an event leaves only once confirmed."""
        exchange = channel.default_exchange
        while True:
            while self._buffer:
                message = aio_pika.Message(self._buffer[0], delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
                await exchange.publish(message, routing_key=self.queue, timeout=PUBLISH_TIMEOUT_S)
                self._buffer.popleft()
                self.published += 1
            if self._closing:
                return
            self._wakeup.clear()
            await self._wakeup.wait()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._wakeup_on_close(), seconds)

    async def _wakeup_on_close(self) -> None:
        while not self._closing:
            self._wakeup.clear()
            await self._wakeup.wait()

    def _warn(self, kind: str, message: str, *args: Any) -> None:
        now = time.monotonic()
        if now - self._last_warning.get(kind, -WARN_EVERY_S) >= WARN_EVERY_S:
            self._last_warning[kind] = now
            logger.warning(message, *args)
