"""`GET /health` of the consumer (ANALYTICS_HEALTH_PORT): 200 while the loop that reads events
has finished a round lately, 503 once it has not for STALE_S (the database or RabbitMQ is away,
or the loop is stuck), so a container's health check or a Kubernetes probe can tell.

Off unless the port is set (`make run` needs none); it answers on ANALYTICS_HEALTH_HOST
(127.0.0.1 by default, 0.0.0.0 in a container) and says nothing about the events themselves.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from aiohttp import web

STALE_S = 120.0


class Heartbeat:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last = clock()

    def beat(self) -> None:
        self._last = self._clock()

    def healthy(self) -> bool:
        return self._clock() - self._last < STALE_S


def health_app(heartbeat: Heartbeat) -> web.Application:
    async def health(_: web.Request) -> web.Response:
        if heartbeat.healthy():
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "stalled"}, status=503)

    app = web.Application()
    app.router.add_get("/health", health)
    return app


@asynccontextmanager
async def serving(heartbeat: Heartbeat, host: str, port: int) -> AsyncIterator[None]:
    """The health endpoint while the block runs (nothing when port is 0)."""
    if not port:
        yield
        return
    runner = web.AppRunner(health_app(heartbeat), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    try:
        yield
    finally:
        await runner.cleanup()
