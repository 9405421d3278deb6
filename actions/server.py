"""The action server: `python -m actions.server` (instead of `rasa run actions`).

It serves the actions of this package as rasa_sdk's server does (POST /webhook, GET /actions,
GET /health), with what a server holding the account-service token needs:
- it listens on 127.0.0.1 unless ACTION_HOST says otherwise (ACTION_PORT, default 5055);
- /webhook and /actions answer only a caller with `Authorization: Bearer <ACTION_SERVER_TOKEN>`
  (Rasa sends it: endpoints.yml); anything else gets 401 and no action runs. /health is open;
- outside demo mode it refuses to start without its secrets, naming the missing ones;
- request bodies are capped before they are read (MAX_BODY_BYTES, 413 above it);
- no CORS: no browser has any business here;
- with METRICS_TOKEN, GET /metrics answers Prometheus (that token, not Rasa's); without it there
  is no such route;
- an action that fails answers with a polite message and events (actions/safe_executor.py),
  never with rasa_sdk's 500 that carries the whole tracker.
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import sys
import time
import zlib
from typing import Any

from rasa_sdk import utils as sdk_utils
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.safe_executor import FAILED_RESPONSE, SafeExecutor, frame_positions
from actions.settings import ActionSettings, SettingsError, read_settings
from common.account_client import close_shared_session
from common.metrics import ACTION_DURATION, ACTION_RUNS, UNKNOWN_ACTION, one_of
from common.metrics_sanic import METRICS_PATH, install_metrics

logger = logging.getLogger("actions.server")

# Rasa posts the whole tracker of the session with every action call: each turn adds the user
# event with its parse data (intent ranking, entities), the bot's messages and slot events,
# a few KB in all, so a long session is some hundreds of KB. 2 MB leaves room for that and
# still bounds what one request can make this process hold.
MAX_BODY_BYTES = 2 * 1024 * 1024
OPEN_PATHS = frozenset({"/health"})


def bearer_matches(header: str | None, token: str) -> bool:
    """Whether an Authorization header carries exactly this bearer token (constant time)."""
    if not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer ") :].strip().encode(), token.encode())


def error(status: int, code: str, **headers: str) -> HTTPResponse:
    return response.json({"error": code}, status=status, headers=headers or None)


class PayloadTooLarge(SanicException):
    status_code = 413
    quiet = True


def read_action_call(request: Request) -> dict[str, Any] | None:
    """The JSON body (deflated ones too, as Rasa sends them with COMPRESS_ACTION_SERVER_REQUEST),
    or None when it is not a JSON object. A deflated body may not grow past the cap either."""
    body = request.body or b""
    if request.headers.get("Content-Encoding") == "deflate":
        inflater = zlib.decompressobj()
        try:
            body = inflater.decompress(body, MAX_BODY_BYTES)
        except zlib.error:
            return None
        if inflater.unconsumed_tail:
            raise PayloadTooLarge()
    try:
        call = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return None
    return call if isinstance(call, dict) else None


def failed(result: dict[str, Any] | None) -> bool:
    """Whether the executor answered for an action that raised (safe_executor.py's polite reply)."""
    responses = (result or {}).get("responses") or []
    return any(isinstance(line, dict) and line.get("response") == FAILED_RESPONSE for line in responses)


def create_app(settings: ActionSettings, *, name: str = "action_server") -> Sanic:
    app = Sanic(name, configure_logging=False)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.config.ACCESS_LOG = False
    executor = SafeExecutor()
    executor.register_package("actions")
    # Before `authenticate`: refused requests are timed and counted too.
    install_metrics(app, "action_server", settings.metrics_token)
    # /metrics checks METRICS_TOKEN itself; without one it is an unknown path like any other.
    open_paths = OPEN_PATHS | ({METRICS_PATH} if settings.metrics_token else set())

    @app.middleware("request")
    async def authenticate(request: Request) -> HTTPResponse | None:
        if request.path in open_paths:
            return None
        if not bearer_matches(request.headers.get("Authorization"), settings.server_token):
            return error(401, "unauthorized", **{"WWW-Authenticate": "Bearer"})
        return None

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.get("/actions")
    async def actions(_: Request) -> HTTPResponse:
        return response.json([{"name": name} for name in executor.actions])

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        action_call = read_action_call(request)
        if action_call is None or not isinstance(action_call.get("next_action"), str):
            return error(400, "bad_request")
        sdk_utils.check_version_compatibility(action_call.get("version"))
        # Only a registered name is a label: the request may name anything.
        action = one_of(action_call["next_action"], executor.actions, UNKNOWN_ACTION)
        started, outcome = time.perf_counter(), "failed"
        try:
            result = await executor.run(action_call)
            outcome = "failed" if failed(result) else "ran"
        except ActionExecutionRejection as rejection:
            outcome = "rejected"
            return response.json(
                {"error": rejection.message, "action_name": rejection.action_name}, status=400
            )
        except ActionNotFoundException:
            outcome = "not_found"
            return error(404, "no_such_action")
        finally:
            ACTION_RUNS.labels(action, outcome).inc()
            ACTION_DURATION.labels(action).observe(time.perf_counter() - started)
        return response.json(result)

    @app.exception(Exception)
    async def failure(request: Request, exception: Exception) -> HTTPResponse:
        """Sanic's own refusals keep their status; anything else is a 500 with no details."""
        if isinstance(exception, SanicException):
            status = int(getattr(exception, "status_code", 500) or 500)
            return error(status, "payload_too_large" if status == 413 else "refused")
        logger.error("request failed: %s at %s", type(exception).__name__, frame_positions(exception))
        return error(500, "internal_error")

    async def close_client(_app: Sanic, _loop: Any) -> None:
        await close_shared_session()

    app.register_listener(close_client, "after_server_stop")

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.server", description=__doc__.split("\n")[0])
    parser.add_argument("--host", help="interface to listen on (default: ACTION_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: ACTION_PORT or 5055)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = read_settings()
    except SettingsError as problem:
        print(f"action server not started: {problem}", file=sys.stderr)
        return 2
    host = args.host or settings.host
    port = args.port or settings.port
    if settings.demo_mode:
        logger.warning("demo mode: demo tokens stand in for any that are unset; never use this in production")
    app = create_app(settings)
    logger.info("action server on http://%s:%s", host, port)
    app.run(host=host, port=port, workers=1, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
