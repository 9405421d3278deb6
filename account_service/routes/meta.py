"""Health and the machine-readable API description (no bearer token)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import text

from account_service.app_keys import API_DOCUMENT
from account_service.clock import iso_instant
from account_service.endpoints import PUBLIC, Routes
from account_service.routes.common import now, transaction
from account_service.schemas.meta import ApiDescription, Health

routes = Routes("meta")


@routes.get("/health", "Health check: the database answers", scopes=PUBLIC, answer=Health)
async def health(request: web.Request) -> Health:
    """Healthy when the database answers; `time` is the service's clock (moved in demo tests)."""
    async with transaction(request) as session:
        await session.execute(text("SELECT 1"))
    return Health(status="ok", time=iso_instant(now(request)))


@routes.get("/openapi.json", "This description (OpenAPI 3.0)", scopes=PUBLIC, answer=ApiDescription)
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(request.app[API_DOCUMENT])
