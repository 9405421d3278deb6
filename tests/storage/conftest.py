"""Throw-away Redis and PostgreSQL servers per test module, for the tests of what replicas share."""

import pytest

from tests.security.website import StandIn
from tests.service.postgres_instance import PostgresUnavailable, start_postgres
from tests.service.process import free_port
from tests.storage.redis_instance import RedisServer, RedisUnavailable


@pytest.fixture(scope="module")
def redis_server():
    try:
        server = RedisServer.start()
    except RedisUnavailable as reason:  # `make test` installs redis-server when run as root
        pytest.skip(str(reason))
    yield server
    server.remove()


@pytest.fixture(scope="module")
def account_service():
    """The account service's /handoffs (a stand-in): the console's queue page and its forms show."""
    with StandIn(free_port()).running() as standin:
        yield f"http://127.0.0.1:{standin.port}"


@pytest.fixture(scope="module")
def tracker_db_url():
    """A PostgreSQL database's URL as an operator writes it (TRACKER_DB_URL)."""
    try:
        url, stop = start_postgres()
    except PostgresUnavailable as reason:  # `make test` installs postgresql when run as root
        pytest.skip(str(reason))
    yield url.replace("+asyncpg", "")
    stop()
