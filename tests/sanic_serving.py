"""A Sanic app served inside the test's own event loop, on a free loopback port: the real HTTP
path (routing, middlewares, error handlers) without a process to start."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sanic import Sanic


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def serving(app: Sanic) -> AsyncIterator[str]:
    """Yields the app's base URL; the server is stopped on the way out."""
    # Sanic rewrites some of its own methods from their source when a server starts; in test
    # mode it keeps the originals, so a second app in the same process can start too.
    Sanic.test_mode = True
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()
