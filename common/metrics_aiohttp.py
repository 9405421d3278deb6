"""Metrics for the aiohttp apps (the account service, the website): a middleware that counts and
times every request by its route pattern, and `GET /metrics` behind METRICS_TOKEN."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from common.metrics import CONTENT_TYPE, UNMATCHED, exposition, observe_request, scrape_allowed

# The /metrics route's name: a middleware that checks other tokens lets it through by this name
# (the route checks METRICS_TOKEN itself).
METRICS_ROUTE = "metrics"
# Status for a request whose client went away before the answer: not the service's error.
CLIENT_GONE = 499

ScrapeHook = Callable[[web.Application], Awaitable[None]]


def route_pattern(request: web.Request) -> str:
    """The route as registered (`/customers/{user_id}`), never the path asked for."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else UNMATCHED


def metrics_middleware(service: str) -> Middleware:
    """Counts and times every request; put it first so that it sees the status the other
    middlewares finally answer with (an unhandled error counts as 500)."""

    @web.middleware
    async def measure(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as error:
            status = error.status
            raise
        except asyncio.CancelledError:
            status = CLIENT_GONE
            raise
        finally:
            elapsed = time.perf_counter() - started
            observe_request(service, route_pattern(request), request.method, status, elapsed)

    return measure


def add_metrics_route(app: web.Application, token: str, *, before_scrape: Sequence[ScrapeHook] = ()) -> None:
    """`GET /metrics` with `Authorization: Bearer <token>` (401 otherwise). Without a token the
    route is not added at all: /metrics is a 404 like any unknown path. Each hook runs before
    the exposition is written (gauges read at scrape time)."""
    if not token:
        return

    async def serve_metrics(request: web.Request) -> web.Response:
        if not scrape_allowed(request.headers.get("Authorization"), token):
            return web.Response(
                status=401, text="A valid bearer token is needed.\n", headers={"WWW-Authenticate": "Bearer"}
            )
        for hook in before_scrape:
            await hook(request.app)
        return web.Response(
            body=exposition(), headers={"Content-Type": CONTENT_TYPE, "Cache-Control": "no-store"}
        )

    app.router.add_get("/metrics", serve_metrics, name=METRICS_ROUTE)
