"""python -m rasa_server: `rasa run` with the settings checked first and the HTTP API locked.

- Settings come from common/settings.py (RasaServerSettings). Outside demo mode the server does
  not start without its secrets and names the missing ones.
- Rasa's HTTP API (/conversations/…, /model…) is on only with RASA_JWT_SECRET, and then every
  call needs a JWT signed with it (rasa_server/api_token.py makes one); without the secret the
  API is off (404). `GET /` stays open as the health check. The secret is handed to Rasa inside
  this process, never on a command line that `ps` would show.
- Request bodies are capped at 64 KB before they are read (Sanic's REQUEST_MAX_SIZE; 413).
- The action server's token is put where endpoints.yml expects it (${ACTION_SERVER_TOKEN}).
- A token Rasa's JWT check cannot even read gets 401, not 500 (rasa_server/hardening.py).
- A tracker store that cannot be read or written fails the turn instead of starting the
  conversation over (rasa_server/fail_closed.py).
- Two of Rasa's per-message costs are paid once (rasa_server/speedups.py).
- Rasa's own log lines name conversations only by a short hash, mask card numbers, codes, dates
  of birth and signed links, and render tracebacks without local variables
  (rasa_server/log_privacy.py).
- Requests and customer messages are measured; with METRICS_TOKEN, GET /metrics answers
  Prometheus (rasa_server/metrics.py).
"""

from __future__ import annotations

import os
import sys

from common.settings import RasaServerSettings, SettingsError, secret

MAX_BODY_BYTES = 64 * 1024


def rasa_arguments(settings: RasaServerSettings) -> list[str]:
    arguments = [
        "rasa",
        "run",
        "--model",
        str(settings.model),
        "--endpoints",
        str(settings.endpoints),
        "--credentials",
        str(settings.credentials),
        "--interface",
        settings.host,
        "--port",
        str(settings.port),
    ]
    if settings.jwt_secret is not None:
        # One argument with "=": a secret may begin with "-", which argparse would take for an option.
        arguments += ["--enable-api", f"--jwt-secret={secret(settings.jwt_secret)}", "--jwt-method", "HS256"]
    return arguments


def main() -> int:
    try:
        settings = RasaServerSettings.load()
    except SettingsError as error:
        print(f"Rasa server not started: {error}", file=sys.stderr)
        return 2
    from common.db_urls import DatabaseUrlError, checked_redis_url
    from storage.event_broker import BrokerSettingsError, BufferedRabbitBroker
    from storage.redacting_tracker_store import database_options

    try:
        # Each is read again where Rasa creates the store or broker; checked here to stop early.
        database_options()  # TRACKER_DB_URL
        if settings.redis_url is not None:
            checked_redis_url(secret(settings.redis_url))
        BufferedRabbitBroker.from_environment(os.environ, {})  # RABBITMQ_URL, ANALYTICS_SALT
    except (DatabaseUrlError, BrokerSettingsError) as error:
        print(f"Rasa server not started: {error}", file=sys.stderr)
        return 2
    # Read by Sanic when Rasa creates its app (any SANIC_* variable is).
    os.environ["SANIC_REQUEST_MAX_SIZE"] = str(MAX_BODY_BYTES)
    # endpoints.yml sends it to the action server; in demo mode it may be the demo value.
    os.environ["ACTION_SERVER_TOKEN"] = secret(settings.action_server_token)
    if settings.jwt_secret is None:
        print("Rasa HTTP API off (RASA_JWT_SECRET not set)", file=sys.stderr)
    # Rasa's own command line, in this process: argv here is not what `ps` shows.
    sys.argv = rasa_arguments(settings)
    from rasa.__main__ import main as rasa_main

    from rasa_server import fail_closed, log_privacy, metrics, speedups
    from rasa_server.hardening import patch_rasa

    patch_rasa()
    fail_closed.install()
    speedups.install()
    metrics.install(secret(settings.metrics_token))
    log_privacy.install()
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
