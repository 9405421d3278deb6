"""python -m account_service: serve on ACCOUNT_SERVICE_HOST:ACCOUNT_SERVICE_PORT."""

from __future__ import annotations

import logging
import sys

from aiohttp import web

from account_service.app import create_app
from account_service.settings import Settings, SettingsError


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"account service not started: {error}", file=sys.stderr)
        return 2
    logging.getLogger(__name__).info(
        "account service on http://%s:%d (demo mode %s)", settings.host, settings.port, settings.demo_mode
    )
    # access_log=None: aiohttp's own access log prints full paths and query strings.
    web.run_app(create_app(settings), host=settings.host, port=settings.port, access_log=None, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
