"""A throw-away Redis server per test module, for the tests of what replicas share in Redis."""

import pytest

from tests.storage.redis_instance import RedisServer, RedisUnavailable


@pytest.fixture(scope="module")
def redis_server():
    try:
        server = RedisServer.start()
    except RedisUnavailable as reason:  # `make test` installs redis-server when run as root
        pytest.skip(str(reason))
    yield server
    server.remove()
