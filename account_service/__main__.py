"""python -m account_service: serve on ACCOUNT_SERVICE_HOST:ACCOUNT_SERVICE_PORT."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from aiohttp import web

from account_service.app import create_app
from account_service.middleware import quiet_foreign_loggers
from account_service.settings import Settings, SettingsError

logger = logging.getLogger(__name__)


async def serve(app: web.Application, host: str, port: int) -> None:
    """Serves until SIGTERM or SIGINT, then shuts down cleanly.

    access_log=None: aiohttp's own access log prints full paths and query strings (our
    middleware logs the route template instead). lingering_time=0: when an answer is given
    without reading the whole body (413 for a body over the cap, 401 before it is read), the
    connection is closed instead of reading and discarding the rest for another 10 seconds."""
    runner = web.AppRunner(app, access_log=None, lingering_time=0)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_foreign_loggers()
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"account service not started: {error}", file=sys.stderr)
        return 2
    logger.info(
        "account service on http://%s:%d (demo mode %s)", settings.host, settings.port, settings.demo_mode
    )
    asyncio.run(serve(create_app(settings), settings.host, settings.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
