"""`python -m analytics`: the consumer, as its own process.

With RABBITMQ_URL it reads the `rasa_events` queue (production); without, the tracker store's
table every ANALYTICS_POLL_S seconds (`make run`). With OPERATOR_SERVICE_TOKEN it also notes
when agents take handoffs (analytics/sources/handoff_queue.py). Outside demo mode it refuses to
start without ANALYTICS_SALT. With ANALYTICS_HEALTH_PORT it answers GET /health (analytics/health.py).
Ctrl-C or SIGTERM stops it after the batch in hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time

from analytics.health import Heartbeat, serving
from analytics.pipeline import Pipeline
from analytics.sources import handoff_queue, rabbitmq
from analytics.sources.tracker_table import TrackerTableSource
from analytics.tables import engine_for
from common.db_urls import DatabaseUrlError
from common.settings import AnalyticsSettings, SettingsError, secret

logger = logging.getLogger("analytics")

SWEEP_EVERY_S = 60.0


async def run(settings: AnalyticsSettings, stop: asyncio.Event) -> None:
    heartbeat = Heartbeat()
    async with serving(heartbeat, settings.health_host, settings.health_port):
        await _run(settings, stop, heartbeat)


async def _run(settings: AnalyticsSettings, stop: asyncio.Event, heartbeat: Heartbeat) -> None:
    salt = secret(settings.analytics_salt)
    pipeline = Pipeline(engine_for(settings.db_url), salt)
    jobs = [asyncio.create_task(_sweep(pipeline, stop))]
    token = secret(settings.operator_service_token)
    if token:
        jobs.append(
            asyncio.create_task(
                handoff_queue.poll(settings.account_service_url.rstrip("/"), token, salt, pipeline, stop)
            )
        )
    else:
        logger.info("OPERATOR_SERVICE_TOKEN not set: handoff waiting times are not recorded")
    if settings.rabbitmq_url is not None:
        jobs.append(
            asyncio.create_task(
                rabbitmq.consume(
                    secret(settings.rabbitmq_url), settings.analytics_queue, pipeline, stop, heartbeat.beat
                )
            )
        )
    else:
        source = TrackerTableSource(engine_for(settings.tracker_url, "TRACKER_DB_URL"), pipeline, salt)
        jobs.append(asyncio.create_task(_poll_tracker(source, settings.poll_s, stop, heartbeat)))
    await stop.wait()
    for job in jobs:
        job.cancel()
    for job in jobs:
        with contextlib.suppress(asyncio.CancelledError):
            await job


async def _poll_tracker(
    source: TrackerTableSource, every_s: float, stop: asyncio.Event, heartbeat: Heartbeat
) -> None:
    logger.info("reading conversation events from the tracker store's table")
    while not stop.is_set():
        try:
            exists = await asyncio.to_thread(source.tracker_exists)
            read = await asyncio.to_thread(source.read_once) if exists else 0
            heartbeat.beat()
        except Exception as error:  # the database is away for a moment: try again later
            logger.warning("tracker table not readable (%s)", type(error).__name__)
            read = 0
        if not read:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), every_s)


async def _sweep(pipeline: Pipeline, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await asyncio.to_thread(pipeline.sweep, time.time())
        except Exception as error:
            logger.warning("sweep failed (%s)", type(error).__name__)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), SWEEP_EVERY_S)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = AnalyticsSettings.load()
        engine_for(settings.db_url)  # a URL that cannot be read stops it here, by name
    except (SettingsError, DatabaseUrlError) as error:
        raise SystemExit(f"analytics: {error}") from None
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        loop.run_until_complete(run(settings, stop))
    finally:
        loop.close()


if __name__ == "__main__":
    main()
