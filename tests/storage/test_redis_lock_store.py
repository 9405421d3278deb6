"""The conversation lock shared by replicas, against a real Redis server: two "replicas" (two
store instances, as two Rasa processes would have) never process one conversation at once,
messages keep their order, a dead replica's lock frees itself, and Redis down is a LockError."""

from __future__ import annotations

import asyncio
import time

import pytest
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from storage.redis_lock_store import AtomicRedisLockStore
from tests.storage.redis_instance import RedisServer


def replica(server: RedisServer, **options) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(url=server.url, **options)


@pytest.mark.asyncio
async def test_two_replicas_never_hold_one_conversation_at_once_and_keep_the_order(redis_server):
    first, second = replica(redis_server), replica(redis_server)
    for store in (first, second):  # connected and scripts loaded, as a running replica's are
        async with store.lock("rest:warm-up"):
            pass
    inside, most_inside, finished = 0, 0, []

    async def handle(store: AtomicRedisLockStore, number: int) -> None:
        nonlocal inside, most_inside
        await asyncio.sleep(number * 0.005)  # they arrive in this order, a moment apart
        async with store.lock("rest:race"):
            inside += 1
            most_inside = max(most_inside, inside)
            await asyncio.sleep(0.01)
            finished.append(number)
            inside -= 1

    await asyncio.gather(*(handle(first if n % 2 else second, n) for n in range(20)))
    assert most_inside == 1
    assert finished == list(range(20))


@pytest.mark.asyncio
async def test_other_conversations_do_not_wait(redis_server):
    store = replica(redis_server)
    async with store.lock("rest:one"):
        started = time.monotonic()
        async with replica(redis_server).lock("rest:two"):
            assert time.monotonic() - started < 0.5


@pytest.mark.asyncio
async def test_a_dead_replicas_lock_frees_itself_within_its_lifetime(redis_server):
    dead = replica(redis_server, lock_lifetime=0.5)
    await dead.issue("rest:orphan", "dead-token")  # took the lock and died: no renewal, no release
    started = time.monotonic()
    async with replica(redis_server, lock_lifetime=0.5).lock("rest:orphan"):
        waited = time.monotonic() - started
    assert 0.3 < waited < 2.0


@pytest.mark.asyncio
async def test_a_lock_held_longer_than_its_lifetime_is_renewed_not_lost(redis_server):
    holder, other = replica(redis_server, lock_lifetime=0.3), replica(redis_server, lock_lifetime=0.3)
    order = []

    async def slow() -> None:
        async with holder.lock("rest:slow"):
            await asyncio.sleep(1.0)  # three lifetimes: renewed all along
            order.append("slow")

    async def next_message() -> None:
        await asyncio.sleep(0.05)
        async with other.lock("rest:slow"):
            order.append("next")

    await asyncio.gather(slow(), next_message())
    assert order == ["slow", "next"]


@pytest.mark.asyncio
async def test_a_message_waits_at_most_max_wait(redis_server):
    holder = replica(redis_server)
    async with holder.lock("rest:busy"):
        started = time.monotonic()
        with pytest.raises(LockError, match="locked"):
            async with replica(redis_server, max_wait=0.3).lock("rest:busy"):
                pass
        assert time.monotonic() - started < 1.5
    async with replica(redis_server).lock("rest:busy"):  # and the queue is clean afterwards
        pass


@pytest.mark.asyncio
async def test_redis_down_is_a_lock_error_within_seconds():
    store = AtomicRedisLockStore(url="redis://127.0.0.1:1/0")
    started = time.monotonic()
    with pytest.raises(LockError, match="cannot be reached"):
        async with store.lock("rest:any"):
            pass
    assert time.monotonic() - started < 5


def test_rasa_loads_it_from_endpoints_yml(redis_server):
    config = EndpointConfig(
        url=redis_server.url, type="storage.redis_lock_store.AtomicRedisLockStore", lock_lifetime=7
    )
    store = LockStore.create(config)
    assert isinstance(store, AtomicRedisLockStore) and store.lifetime_s == 7


@pytest.mark.asyncio
async def test_keys_lost_while_held_never_let_a_release_free_someone_elses_turn(redis_server):
    """Redis lost the queue and counter (a restart) while a message was being processed: the
    numbers start again, yet the first holder's release does not free the newcomer's turn."""
    holder, newcomer, third = replica(redis_server), replica(redis_server), replica(redis_server)
    order: list[str] = []
    lost = asyncio.Event()

    async def first() -> None:
        async with holder.lock("rest:lost"):
            queue, counter, _ = holder._keys("rest:lost")
            await holder.redis.delete(queue, counter)
            lost.set()
            await asyncio.sleep(0.2)
        order.append("first released")

    async def second() -> None:
        await lost.wait()
        async with newcomer.lock("rest:lost"):
            order.append("second in")
            await asyncio.sleep(0.6)
            order.append("second out")

    async def later() -> None:
        await lost.wait()
        await asyncio.sleep(0.4)  # after the first released, while the second is inside
        async with third.lock("rest:lost"):
            order.append("third in")

    await asyncio.gather(first(), second(), later())
    assert order.index("third in") > order.index("second out")


@pytest.mark.asyncio
async def test_a_message_cancelled_while_taking_its_ticket_does_not_block_the_next(redis_server):
    store = replica(redis_server)
    async with store.lock("rest:warm-up"):  # connected, scripts loaded
        pass
    # Redis holds writes for a moment, and the message is cancelled (the client left) while its
    # ticket request waits there.
    await store.redis.execute_command("CLIENT", "PAUSE", "300", "WRITE")
    entering = asyncio.ensure_future(store.lock("rest:cancelled").__aenter__())
    await asyncio.sleep(0.1)
    entering.cancel()
    with pytest.raises(asyncio.CancelledError):
        await entering
    await asyncio.sleep(0.5)
    started = time.monotonic()
    async with replica(redis_server, max_wait=3).lock("rest:cancelled"):
        assert time.monotonic() - started < 1.0  # not the ticket's 15 s lifetime


def test_keys_name_conversations_only_by_a_hash(redis_server):
    keys = replica(redis_server)._keys("sms:+15551234567")
    assert all("15551234567" not in key for key in keys)
    assert len({key.split("}")[0] for key in keys}) == 1  # one hash tag: one Cluster slot


def test_lifetimes_must_be_positive(redis_server):
    with pytest.raises(ValueError, match="positive"):
        replica(redis_server, lock_lifetime=-1)
