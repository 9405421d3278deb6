"""A throw-away Redis server for the tests that need one (scripts/cluster/redis.py's).

server = RedisServer.start()   # server.url == "redis://127.0.0.1:<free port>/0"
server.stop()                  # and server.start_again() on the same port (outage tests)
server.remove()                # stopped, its temporary directory gone
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from scripts.cluster import redis
from scripts.cluster.redis import RedisUnavailable
from tests.service.process import free_port

__all__ = ["RedisServer", "RedisUnavailable"]


class RedisServer(redis.RedisServer):
    @classmethod
    def start(cls, timeout_s: float = 15) -> RedisServer:
        server = cls(Path(tempfile.mkdtemp(prefix="test-redis-")), free_port())
        server.start_again(timeout_s)
        return server

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)
