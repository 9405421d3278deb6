"""HTTP routes, one module per area of the API."""

from __future__ import annotations

from aiohttp import web

from account_service.app_keys import API_DOCUMENT, ENDPOINTS
from account_service.endpoints import Endpoint, add_endpoints
from account_service.openapi import openapi_document
from account_service.routes import (
    access,
    accounts,
    alerts,
    cards,
    demo,
    handoffs,
    identity,
    meta,
    payments,
    profile,
    rewards,
    statements,
)

AREAS = (meta, identity, access, accounts, statements, payments, cards, rewards, profile, alerts, handoffs)


def add_routes(app: web.Application, *, demo_mode: bool) -> tuple[Endpoint, ...]:
    endpoints = [endpoint for area in AREAS for endpoint in area.routes.endpoints]
    if demo_mode:
        # Outside demo mode these routes do not exist at all: 404 like any unknown path.
        endpoints += demo.routes.endpoints
    added = tuple(add_endpoints(app, endpoints))
    app[ENDPOINTS] = added
    app[API_DOCUMENT] = openapi_document(added)
    return added
