"""HTTP routes, one module per area of the API."""

from __future__ import annotations

from aiohttp import web

from account_service.routes import (
    access,
    accounts,
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


def add_routes(app: web.Application, *, demo_mode: bool) -> None:
    for module in (meta, identity, access, accounts, statements, payments, cards, rewards, profile, handoffs):
        app.router.add_routes(module.routes)
    if demo_mode:
        # Outside demo mode these routes do not exist at all: 404 like any unknown path.
        app.router.add_routes(demo.routes)
