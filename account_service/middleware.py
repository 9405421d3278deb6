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

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from account_service.endpoints import endpoint_of
from account_service.errors import ServiceError

access_logger = logging.getLogger("account_service.requests")
error_logger = logging.getLogger("account_service.errors")

_HTTP_ERRORS = {
    400: ("bad_request", "The request could not be read."),
    401: ("unauthorized", "A valid bearer token is needed."),
    404: ("not_found", "There is no such route."),
    405: ("method_not_allowed", "That method is not allowed on this route."),
    413: ("too_large", "The request body is too large."),
}


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


def bearer_auth(token: str) -> Middleware:
    expected = token.encode()

    @web.middleware
    async def check_token(request: web.Request, handler: Handler) -> web.StreamResponse:
        endpoint = endpoint_of(request)
        # Unknown routes fall through to their 404/405.
        if request.match_info.http_exception is None and (endpoint is None or not endpoint.public):
            scheme, _, given = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
                raise ServiceError(401, "unauthorized", "A valid bearer token is needed.")
        return await handler(request)

    return check_token
