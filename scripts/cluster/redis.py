"""A Redis server of our own (Debian's redis-server), for `make cluster` and the tests.

    server = RedisServer(workdir, port); server.start_again()   # redis://127.0.0.1:<port>/0
    server.stop()                                                 # an outage; start_again() after

Loopback only, no persistence (locks, limits and message claims are short-lived), and
`noeviction`: a lock must never be evicted to make room.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path


class RedisUnavailable(Exception):
    pass


class RedisServer:
    def __init__(self, workdir: Path, port: int) -> None:
        self.workdir, self.port = workdir, port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start_again(self, timeout_s: float = 15) -> None:
        if shutil.which("redis-server") is None:
            raise RedisUnavailable("redis-server not found (apt-get install -y redis-server)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        command = [
            "redis-server",
            *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.workdir)),
            *("--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning"),
            *("--maxmemory-policy", "noeviction"),
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RedisUnavailable(f"redis-server exited with {self.process.returncode}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        self.stop()
        raise RedisUnavailable("redis-server did not start in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
