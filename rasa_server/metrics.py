"""Prometheus metrics for the Rasa server, hooked in where Rasa builds and runs its app.

- Every request is counted and timed by its route pattern, and `GET /metrics` answers with
  METRICS_TOKEN (common/metrics_sanic.py). `rasa run` builds its Sanic app in
  rasa.core.run.configure_app, with the HTTP API (rasa.server.create_app) or without it, so that
  is the function wrapped here; the app it returns gets the middlewares and the route.
- Customer messages, whatever the channel (a webhook, a socket.io event), reach the dialogue
  through Agent.handle_message: each one is counted and timed per input channel. The channel is
  a label only when it is one of the configured channels: the REST channel lets the caller name
  any "input_channel" in its body.
- The conversation lock: Agent.handle_message takes it, then hands the message to
  MessageProcessor.handle_message; the time between the two is the wait for the lock, whichever
  lock store is configured.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Collection
from contextvars import ContextVar
from typing import Any

from common.metrics import (
    OTHER_CHANNEL,
    RASA_LOCK_WAIT,
    RASA_MESSAGE_DURATION,
    RASA_MESSAGES,
    one_of,
)
from common.metrics_sanic import install_metrics

SERVICE = "rasa"

# When the message being handled in this task entered Agent.handle_message, and its channel.
_waiting_since: ContextVar[tuple[float, str] | None] = ContextVar("rasa_message_waiting_since", default=None)
_installed = False

Handle = Callable[[Any, Any], Awaitable[Any]]


def measured_configure_app(
    configure_app: Callable[..., Any], token: str, channels: set[str]
) -> Callable[..., Any]:
    """configure_app, and the app it returns measured; the names of its input channels are
    added to `channels` (the labels a message's channel may take)."""

    def configure_app_with_metrics(*args: Any, **kwargs: Any) -> Any:
        app = configure_app(*args, **kwargs)
        input_channels = args[0] if args else kwargs.get("input_channels")
        channels.update(channel.name() for channel in input_channels or ())
        install_metrics(app, SERVICE, token)
        return app

    return configure_app_with_metrics


def measured_agent_handle(handle_message: Handle, channels: Collection[str]) -> Handle:
    """Agent.handle_message, counted and timed per channel; starts the lock-wait clock."""

    async def handle_message_with_metrics(agent: Any, message: Any) -> Any:
        channel = one_of(getattr(message, "input_channel", None), channels, OTHER_CHANNEL)
        started = time.perf_counter()
        ready = agent.is_ready()
        clock = _waiting_since.set((started, channel))
        outcome = "failed"
        try:
            result = await handle_message(agent, message)
            outcome = "handled" if ready else "not_ready"
            return result
        finally:
            _waiting_since.reset(clock)
            RASA_MESSAGES.labels(channel, outcome).inc()
            if ready:
                RASA_MESSAGE_DURATION.labels(channel).observe(time.perf_counter() - started)

    return handle_message_with_metrics


def measured_processor_handle(handle_message: Handle) -> Handle:
    """MessageProcessor.handle_message: entered once the lock is held, so the lock wait ends here."""

    async def handle_message_after_lock(processor: Any, message: Any) -> Any:
        waiting = _waiting_since.get()
        if waiting is not None:
            _waiting_since.set(None)  # once per message
            started, channel = waiting
            RASA_LOCK_WAIT.labels(channel).observe(time.perf_counter() - started)
        return await handle_message(processor, message)

    return handle_message_after_lock


def install(token: str) -> None:
    """Before Rasa builds its app (rasa_server/__main__.py). `token` is METRICS_TOKEN ("": the
    requests and messages are still measured, but there is no /metrics route to read them)."""
    global _installed
    if _installed:
        return
    _installed = True
    import rasa.core.run
    from rasa.core.agent import Agent
    from rasa.core.processor import MessageProcessor

    channels: set[str] = set()
    rasa.core.run.configure_app = measured_configure_app(rasa.core.run.configure_app, token, channels)
    Agent.handle_message = measured_agent_handle(Agent.handle_message, channels)  # type: ignore[method-assign]
    MessageProcessor.handle_message = measured_processor_handle(  # type: ignore[method-assign]
        MessageProcessor.handle_message
    )
