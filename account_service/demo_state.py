"""Demo mode's shared state: the clock offset and the agent-hours switch, kept in one database
row so that every service instance behind the balancer sees the same demo time and hours.

Each request in demo mode reads the row first (shared_demo_state middleware); the /demo routes
change it in the database, atomically, and then apply it. Outside demo mode none of this runs.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from account_service.app_keys import CLOCK, DATABASE, HOURS_SWITCH
from account_service.models import DemoState

ROW = 1


async def _row(session: AsyncSession) -> DemoState:
    state = await session.get(DemoState, ROW)
    if state is None:
        state = DemoState(id=ROW, clock_offset_s=0.0, agent_hours_mode=None)
        session.add(state)
        await session.flush()
    return state


def apply(app: web.Application, offset_s: float, hours_mode: str | None) -> None:
    app[CLOCK].set_offset(offset_s)
    app[HOURS_SWITCH].mode = hours_mode


async def refresh(app: web.Application) -> None:
    async with app[DATABASE].sessions() as session:
        found = (await session.execute(select(DemoState.clock_offset_s, DemoState.agent_hours_mode))).first()
    apply(app, *(found if found is not None else (0.0, None)))


async def advance_clock(app: web.Application, seconds: float) -> None:
    async with app[DATABASE].sessions() as session, session.begin():
        await _row(session)
        # One UPDATE: two instances moving the clock at once both count.
        await session.execute(
            update(DemoState)
            .where(DemoState.id == ROW)
            .values(clock_offset_s=DemoState.clock_offset_s + seconds)
        )
    await refresh(app)


async def reset_clock(app: web.Application) -> None:
    async with app[DATABASE].sessions() as session, session.begin():
        (await _row(session)).clock_offset_s = 0.0
    await refresh(app)


async def switch_hours(app: web.Application, mode: str | None) -> None:
    async with app[DATABASE].sessions() as session, session.begin():
        (await _row(session)).agent_hours_mode = mode
    await refresh(app)


def shared_demo_state() -> Middleware:
    @web.middleware
    async def read_demo_state(request: web.Request, handler: Handler) -> web.StreamResponse:
        await refresh(request.app)
        return await handler(request)

    return read_demo_state
