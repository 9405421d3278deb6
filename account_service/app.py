"""The application factory."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from account_service.agent_hours import HoursSwitch
from account_service.alert_delivery import PlatformHttp, deliveries_for
from account_service.alerts import AlertSender, payment_due_sweep
from account_service.app_keys import CLOCK, DATABASE, HOURS_SWITCH, MESSENGER, PLATFORM_HTTP, SETTINGS
from account_service.cases import QUEUE
from account_service.clock import Clock
from account_service.database import Database, start_up_lock
from account_service.demo_state import shared_demo_state
from account_service.messaging import MessageGateway, Messenger, NoGateway
from account_service.middleware import bearer_auth, body_limit, json_errors, log_requests
from account_service.models import Case
from account_service.routes import add_routes
from account_service.seed import seed_if_empty
from account_service.settings import Settings
from common.metrics import HANDOFF_QUEUE
from common.metrics_aiohttp import add_metrics_route, metrics_middleware

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024


async def _database_lifetime(app: web.Application) -> AsyncIterator[None]:
    """Schema to head, demo data into an empty database, then serve; dispose on the way out."""
    database = app[DATABASE]
    await database.upgrade_schema()
    if app[SETTINGS].demo_mode:
        async with database.sessions() as session, session.begin():
            # One instance seeds; one starting at the same time waits, then finds the data.
            await session.run_sync(lambda sync_session: start_up_lock(sync_session.connection()))
            clock = app[CLOCK]
            if await seed_if_empty(session, clock.today(), clock.now()):
                logger.info("seeded the demo customers")
    yield
    await app[MESSENGER].close()
    await app[PLATFORM_HTTP].close()
    await database.close()


PAYMENT_DUE_SWEEP_S = 15 * 60


async def _payment_due_reminders(app: web.Application) -> AsyncIterator[None]:
    """Outside demo mode: payment-due reminders every 15 minutes (one per account and due date,
    so several instances may sweep at once). Demo mode sends them on request instead
    (POST /demo/alerts/payment-due), so a moved demo clock never adds messages of its own."""
    if app[SETTINGS].demo_mode:
        yield
        return

    async def sweep_forever() -> None:
        while True:
            await asyncio.sleep(PAYMENT_DUE_SWEEP_S)
            clock = app[CLOCK]
            try:
                async with app[DATABASE].sessions() as session:
                    sender = AlertSender(session, app[MESSENGER], app[SETTINGS].issuer_name, clock.now())
                    sent = await payment_due_sweep(session, sender, clock.today())
                    await session.commit()
                    await app[MESSENGER].deliver(session)
                if sent:
                    logger.info("payment-due reminders sent: %d", sent)
            except (SQLAlchemyError, OSError) as error:
                logger.warning("payment-due reminders not sent this time: %s", type(error).__name__)

    task = asyncio.get_running_loop().create_task(sweep_forever())
    yield
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def read_handoff_queue(app: web.Application) -> None:
    """handoff_queue_length, read at scrape time: one grouped count on an indexed pair of columns.
    The database is shared, so every replica reports the same numbers. When it does not answer
    the series are dropped rather than left at a stale value (alert on their absence)."""
    query = (
        select(Case.status, func.count())
        .where(Case.type == "handoff", Case.status.in_(QUEUE))
        .group_by(Case.status)
    )
    try:
        async with app[DATABASE].sessions() as session:
            counts = {status: number for status, number in (await session.execute(query)).all()}
    except (SQLAlchemyError, OSError) as error:
        logger.warning("handoff queue not read for /metrics: %s", type(error).__name__)
        HANDOFF_QUEUE.clear()
        return
    for status in QUEUE:
        HANDOFF_QUEUE.labels(status).set(counts.get(status, 0))


def create_app(
    settings: Settings, *, gateway: MessageGateway | None = None, clock: Clock | None = None
) -> web.Application:
    settings.check()
    if gateway is None and not settings.demo_mode:
        logger.warning("no SMS/email gateway configured: messages are only recorded in the outbox")
    app = web.Application(
        client_max_size=MAX_BODY_BYTES,
        middlewares=[
            metrics_middleware("account_service"),
            log_requests,
            json_errors,
            body_limit(MAX_BODY_BYTES),
            bearer_auth(settings.tokens),
            # Demo mode: the demo clock and hours switch every instance shares.
            *([shared_demo_state()] if settings.demo_mode else []),
        ],
    )
    app[SETTINGS] = settings
    app[CLOCK] = clock or Clock()
    app[HOURS_SWITCH] = HoursSwitch()
    app[DATABASE] = Database(settings.db_url)
    app[PLATFORM_HTTP] = PlatformHttp()
    app[MESSENGER] = Messenger(
        gateway or NoGateway(),
        keep_codes_in_outbox=settings.demo_mode,
        deliveries=deliveries_for(settings.alert_platforms, gateway or NoGateway(), app[PLATFORM_HTTP]),
    )
    add_routes(app, demo_mode=settings.demo_mode)
    add_metrics_route(app, settings.metrics_token, before_scrape=[read_handoff_queue])
    app.cleanup_ctx.append(_database_lifetime)
    app.cleanup_ctx.append(_payment_due_reminders)
    return app
