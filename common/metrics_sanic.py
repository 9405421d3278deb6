"""Metrics for the Sanic apps (the action server, the Rasa server): middlewares that count and
time every request by its route pattern, and `GET /metrics` behind METRICS_TOKEN."""

from __future__ import annotations

import time

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import BaseHTTPResponse, HTTPResponse

from common.metrics import CONTENT_TYPE, UNMATCHED, exposition, observe_request, scrape_allowed

METRICS_PATH = "/metrics"


def route_pattern(request: Request) -> str:
    """The route as registered (`/conversations/<conversation_id:path>/tracker`), never the path
    asked for; UNMATCHED when no route matched (404, 405)."""
    route = request.route
    return f"/{route.path}" if route is not None else UNMATCHED


def install_metrics(app: Sanic, service: str, token: str) -> None:
    """Counts and times every request of `app`, and adds `GET /metrics` when there is a token.

    Install it before a request middleware that may answer by itself (a token check): Sanic runs
    request middlewares in the order they were registered, and the clock must start first.
    Error answers (a 404 from routing, a handler's exception) go through the response
    middlewares too, so they are counted."""

    @app.middleware("request")
    async def start_clock(request: Request) -> None:
        # Sanic runs the request middlewares again for an error answer: keep the first start.
        if not hasattr(request.ctx, "metrics_started"):
            request.ctx.metrics_started = time.perf_counter()

    @app.middleware("response")
    async def count_answer(request: Request, answer: BaseHTTPResponse) -> None:
        started = getattr(request.ctx, "metrics_started", None)
        elapsed = time.perf_counter() - started if started is not None else 0.0
        observe_request(service, route_pattern(request), request.method, answer.status, elapsed)

    if not token:
        return

    async def serve_metrics(request: Request) -> HTTPResponse:
        if not scrape_allowed(request.headers.get("Authorization"), token):
            return response.text(
                "A valid bearer token is needed.\n", status=401, headers={"WWW-Authenticate": "Bearer"}
            )
        return response.raw(exposition(), content_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})

    app.add_route(serve_metrics, METRICS_PATH, methods=["GET"], name="metrics")
