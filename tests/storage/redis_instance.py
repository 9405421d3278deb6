"""A throw-away Redis server for the tests that need one (Debian's redis-server).

    server = RedisServer.start()   # server.url == "redis://127.0.0.1:<free port>/0"
    server.stop()                  # and server.start_again() on the same port (outage tests)

No persistence, loopback only, a fresh temporary directory removed at the end.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.service.process import free_port


class RedisUnavailable(Exception):
    pass


class RedisServer:
    def __init__(self, port: int, workdir: Path) -> None:
        self.port, self.workdir = port, workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @classmethod
    def start(cls, timeout_s: float = 15) -> RedisServer:
        if shutil.which("redis-server") is None:
            raise RedisUnavailable("redis-server not found (apt-get install -y redis-server)")
        server = cls(free_port(), Path(tempfile.mkdtemp(prefix="test-redis-")))
        server.start_again(timeout_s)
        return server

    def start_again(self, timeout_s: float = 15) -> None:
        command = [
            "redis-server",
            *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.workdir)),
            *("--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning"),
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

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)
