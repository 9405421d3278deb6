"""Health and the machine-readable API description (no bearer token)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import text

from account_service.openapi import openapi_document
from account_service.routes.common import json, now, transaction

routes = web.RouteTableDef()


@routes.get("/health")
async def health(request: web.Request) -> web.Response:
    """Healthy when the database answers; `time` is the service's clock (moved in demo tests)."""
    async with transaction(request) as session:
        await session.execute(text("SELECT 1"))
    return json({"status": "ok", "time": now(request).strftime("%Y-%m-%dT%H:%M:%SZ")})


@routes.get("/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return json(openapi_document())
