"""A local stand-in for the messaging platforms' APIs; started before the test assistant."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def running_standin(port: int) -> Iterator[str]:
    """Yields the stand-in's base URL while it runs (nothing runs until the channels need it)."""
    yield f"http://127.0.0.1:{port}"
