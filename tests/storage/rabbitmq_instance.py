"""A throw-away RabbitMQ server for a test module (the broker's tests and the analytics consumer's)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.cluster.rabbitmq import RabbitServer, RabbitUnavailable


def running_rabbit() -> Iterator[RabbitServer]:
    """For a module fixture: `yield from running_rabbit()`; skips when RabbitMQ is missing."""
    try:
        server = RabbitServer.start(Path(tempfile.mkdtemp(prefix="test-rabbitmq-")))
    except RabbitUnavailable as reason:  # `make test` installs rabbitmq-server when run as root
        pytest.skip(str(reason))
    yield server
    server.remove()
