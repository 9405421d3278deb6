"""A throw-away Redis server per test module, for the tests of what replicas share in Redis."""

import pytest

from tests.security.website import StandIn
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
