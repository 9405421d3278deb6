"""Request pipeline: one log line per request, JSON errors, bearer-token check.

Nothing here logs or returns a request body, a query string or an exception's text: any of
them could hold a one-time code, a card number or a password.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
import traceback
from collections.abc import Mapping

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from account_service.endpoints import endpoint_of
from account_service.errors import ServiceError
from common.metrics_aiohttp import METRICS_ROUTE

access_logger = logging.getLogger("account_service.requests")
error_logger = logging.getLogger("account_service.errors")

_HTTP_ERRORS = {
    400: ("bad_request", "The request could not be read."),
    401: ("unauthorized", "A valid bearer token is needed."),
    404: ("not_found", "There is no such route."),
    405: ("method_not_allowed", "That method is not allowed on this route."),
    413: ("too_large", "The request body is too large."),
}


class TypeOnlyExceptions(logging.Filter):
    """For loggers we do not write ourselves (aiohttp.server, asyncio): an exception is logged by
    its type only. aiohttp logs a malformed request with an exception whose text quotes the
    request line, and a path or query may hold a conversation ID or a card number."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage()} ({type(record.exc_info[1]).__name__})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def quiet_foreign_loggers() -> None:
    for name in ("aiohttp.server", "aiohttp.web", "aiohttp.access", "aiohttp.client", "asyncio"):
        logging.getLogger(name).addFilter(TypeOnlyExceptions())


def route_template(request: web.Request) -> str:
    """The route as registered (/sessions/{conversation_id}), never the concrete path."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "<no route>"


def error_response(status: int, error: str, message: str, **fields: object) -> web.Response:
    return web.json_response({"error": error, "message": message, **fields}, status=status)


@web.middleware
async def log_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    finally:
        elapsed_ms = (time.perf_counter() - started) * 1000
        access_logger.info("%s %s %d %.1fms", request.method, route_template(request), status, elapsed_ms)


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ServiceError as error:
        return web.json_response(error.body(), status=error.status)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        code, message = _HTTP_ERRORS.get(error.status, ("http_error", "The request could not be served."))
        response = error_response(error.status, code, message)
        if error.status == 413:
            response.force_close()  # the rest of the body is not read
        if "Allow" in error.headers:
            response.headers["Allow"] = error.headers["Allow"]
        return response
    except asyncio.CancelledError:
        raise
    except Exception as error:
        # Type and frame positions only: an exception's message (and even a source line) may
        # quote the data that caused it.
        frames = [
            f"  {frame.filename}:{frame.lineno} in {frame.name}"
            for frame in traceback.extract_tb(error.__traceback__)
        ]
        error_logger.error(
            "unhandled %s in %s %s\n%s",
            type(error).__name__,
            request.method,
            route_template(request),
            "\n".join(frames),
        )
        return error_response(500, "internal", "Something went wrong on our side; nothing was changed.")


def body_limit(max_bytes: int) -> Middleware:
    """A body announced as larger than the cap is refused before a byte of it is read, and the
    connection is closed so that the rest is not read either. A chunked body (no length given)
    is cut by the app's client_max_size as it is read."""

    @web.middleware
    async def cap(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.content_length is not None and request.content_length > max_bytes:
            response = error_response(413, *_HTTP_ERRORS[413])
            response.force_close()
            return response
        return await handler(request)

    return cap


def caller_scope(authorization: str, tokens: Mapping[str, bytes]) -> str | None:
    """The scope whose token the Authorization header carries, or None. Every token is compared,
    each in constant time, so the time taken says nothing about which one came close."""
    scheme, _, given = authorization.partition(" ")
    presented = given.strip().encode()
    found = None
    for scope, token in tokens.items():
        if hmac.compare_digest(presented, token) and scheme.lower() == "bearer":
            found = scope
    return found


def bearer_auth(tokens: Mapping[str, str]) -> Middleware:
    """No token or an unknown one: 401. A known token outside the route's scopes: 403. Public
    routes (health, the description, the statement download, demo routes) need none. /metrics
    checks its own token (METRICS_TOKEN, no caller's), so it is let through here."""
    known = {scope: token.encode() for scope, token in tokens.items()}

    @web.middleware
    async def check_token(request: web.Request, handler: Handler) -> web.StreamResponse:
        endpoint = endpoint_of(request)
        if request.match_info.route.name == METRICS_ROUTE:
            return await handler(request)
        # Unknown routes fall through to their 404/405.
        if request.match_info.http_exception is None and (endpoint is None or not endpoint.public):
            scope = caller_scope(request.headers.get("Authorization", ""), known)
            if scope is None:
                raise ServiceError(401, "unauthorized", "A valid bearer token is needed.")
            if endpoint is None or scope not in endpoint.scopes:
                raise ServiceError(403, "forbidden", "This caller's token is not for this route.")
        return await handler(request)

    return check_token
