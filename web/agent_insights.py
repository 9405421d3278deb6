"""The insights page of the agent console (/agent/insights): how the assistant did in a period.

For any logged-in person of the console. The figures come from the analytics tables
(analytics/figures.py, ANALYTICS_DB_URL) and are served three ways from the same numbers:
`/agent/insights` (tiles, tables and plots), `/agent/insights.json` (every figure) and
`/agent/insights/plots/<name>.png` (server-drawn, so the page runs no script and the console's
CSP stays `script-src 'self'`). Queries and drawing run in a worker thread; the figures of a
period are kept for CACHE_S so the page and its four plots read the database once.
"""

from __future__ import annotations

import asyncio
import time
from datetime import date, datetime, timezone
from typing import Any

from aiohttp import web
from sqlalchemy.engine import Engine

from analytics.figures import figures
from analytics.periods import PeriodError, period
from analytics.plots import PLOTS, TITLES
from analytics.presentation import details, summary
from analytics.tables import create_tables, engine_for
from web.agent_console import AGENTS, logged_in, page

CACHE_S = 60.0
ENGINE = web.AppKey("insights_engine", Engine)
CACHE = web.AppKey("insights_cache", dict)


def today() -> date:
    return datetime.now(timezone.utc).date()


async def figures_for(request: web.Request) -> tuple[date, date, dict[str, Any]]:
    """The requested period's figures, or 400 with what was wrong with the period."""
    try:
        start, end = period({key: request.query.get(key, "") for key in ("from", "to")}, today())
    except PeriodError as error:
        raise web.HTTPBadRequest(text=f"{error}.") from None
    cache: dict[tuple[date, date], tuple[float, dict[str, Any]]] = request.app[CACHE]
    cached = cache.get((start, end))
    if cached is not None and time.monotonic() - cached[0] < CACHE_S:
        return start, end, cached[1]
    shown = await asyncio.to_thread(figures, request.app[ENGINE], start, end)
    if len(cache) > 32:
        cache.clear()
    cache[(start, end)] = (time.monotonic(), shown)
    return start, end, shown


async def insights_page(request: web.Request) -> web.Response:
    session = await logged_in(request)
    start, end, shown = await figures_for(request)
    query = f"from={start.isoformat()}&to={end.isoformat()}"
    return page(
        request,
        "agent/insights.html",
        "Insights",
        agent=session.agent,
        operator=request.app[AGENTS].is_operator(session.agent),
        start=start.isoformat(),
        end=end.isoformat(),
        plots=[(f"/agent/insights/plots/{name}.png?{query}", title) for name, title in TITLES.items()],
        json_url=f"/agent/insights.json?{query}",
        summary=summary(shown),
        details=details(shown),
    )


async def insights_json(request: web.Request) -> web.Response:
    await logged_in(request, activity=False)
    _, _, shown = await figures_for(request)
    return web.json_response(shown, headers={"Cache-Control": "no-store"})


async def insights_plot(request: web.Request) -> web.Response:
    await logged_in(request, activity=False)
    draw = PLOTS.get(request.match_info["name"])
    if draw is None:
        raise web.HTTPNotFound()
    _, _, shown = await figures_for(request)
    image = await asyncio.to_thread(draw, shown)
    return web.Response(body=image, content_type="image/png", headers={"Cache-Control": "no-store"})


def add_insights(app: web.Application, analytics_db_url: str) -> None:
    engine = engine_for(analytics_db_url)
    create_tables(engine)  # an empty period before the consumer first ran, not an error
    app[ENGINE] = engine
    app[CACHE] = {}
    app.router.add_get("/agent/insights", insights_page)
    app.router.add_get("/agent/insights.json", insights_json)
    app.router.add_get(r"/agent/insights/plots/{name:[a-z]{1,20}}.png", insights_plot)
