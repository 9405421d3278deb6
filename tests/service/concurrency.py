"""Races an attacker would start, run the same way on SQLite (test_identity_api.py) and on
PostgreSQL (test_postgres.py)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from account_service import identity
from account_service.database import Database
from tests.service.api import Api, other_code

RACERS = 12


async def assert_a_code_passes_once_under_concurrency(api: Api) -> None:
    """The same right code sent many times at once verifies exactly once; the rest are told the
    code was already used."""
    _, sent = await api.start("race-1")
    code = await api.latest_code()
    answers = await asyncio.gather(*(api.check(sent["challenge_id"], code, "race-1") for _ in range(RACERS)))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] + [410] * (RACERS - 1), answers
    assert all(body["error"] == "expired" for status, body in answers if status != 200)


async def assert_concurrent_wrong_codes_lock_the_conversation(api: Api) -> None:
    """Wrong codes sent at once are counted one after another: two wrong, then the lock; no
    guess gets through uncounted."""
    _, sent = await api.start("race-2")
    wrong = other_code(await api.latest_code())
    answers = await asyncio.gather(*(api.check(sent["challenge_id"], wrong, "race-2") for _ in range(6)))
    by_status = sorted(status for status, _ in answers)
    assert by_status == [400, 400, 423, 423, 423, 423], answers
    left = sorted(body["attempts_left"] for status, body in answers if status == 400)
    assert left == [1, 2]


async def assert_a_challenge_is_consumed_once(database: Database, challenge_id: str) -> None:
    """Two transactions consume the same challenge at once; the first holds its transaction open
    a moment after its UPDATE. Exactly one of them consumes it."""
    now = datetime.now(timezone.utc)

    async def consume(hold_s: float) -> bool:
        async with database.sessions() as session:
            consumed = await identity.consume_challenge(session, challenge_id, now)
            await asyncio.sleep(hold_s)
            await session.commit()
            return consumed

    first = asyncio.create_task(consume(0.3))
    await asyncio.sleep(0.05)
    results = await asyncio.gather(first, consume(0))
    assert sorted(results) == [False, True], results
