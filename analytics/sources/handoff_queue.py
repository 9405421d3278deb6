"""When an agent took a handoff: the account service's queue, asked every POLL_S seconds for the
cases now with an agent (`GET /handoffs?status=with_agent`, operators' token), whose
`waiting_seconds` stopped when the agent took them.

The events tell when a handoff was asked for, but the taking happens in the agent console; this
is the one fact the pipeline gets from the service. A case taken and ended between two polls is
missed (its wait stays unknown), which the figures show as "wait not known".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp

from analytics.naming import reference_hash
from analytics.pipeline import HANDOFF_TAKEN, Incoming, Pipeline

logger = logging.getLogger("analytics.handoffs")

POLL_S = 15.0
TIMEOUT = aiohttp.ClientTimeout(total=5)


def taken_events(cases: object, salt: str) -> list[Incoming]:
    if not isinstance(cases, list):
        return []
    found = []
    for case in cases:
        if not isinstance(case, dict) or case.get("status") != "with_agent":
            continue
        reference, waited = case.get("reference"), case.get("waiting_seconds")
        if isinstance(reference, str) and isinstance(waited, int):
            event = {
                "event": HANDOFF_TAKEN,
                "reference_hash": reference_hash(salt, reference),
                "waited_s": waited,
            }
            found.append(Incoming("", None, event))
    return found


async def poll(
    service_url: str, token: str, salt: str, pipeline: Pipeline, stop: asyncio.Event, every_s: float = POLL_S
) -> None:
    recorded: set[str] = set()  # the cases with an agent at the last poll, already written
    async with aiohttp.ClientSession() as client:
        while not stop.is_set():
            try:
                async with client.get(
                    f"{service_url}/handoffs",
                    params={"status": "with_agent"},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=TIMEOUT,
                ) as reply:
                    cases = await reply.json() if reply.status == 200 else None
                    if reply.status != 200:
                        logger.warning("handoff queue: account service answered %s", reply.status)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                logger.warning("handoff queue: account service unreachable (%s)", type(error).__name__)
                cases = None
            found = taken_events(cases, salt)
            new = [item for item in found if item.event["reference_hash"] not in recorded]
            if new:
                await asyncio.to_thread(pipeline.ingest, new)
            if cases is not None:
                recorded = {item.event["reference_hash"] for item in found}
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), every_s)
