"""A RabbitMQ server of our own (Debian's rabbitmq-server), for `make cluster` and the tests.

    server = RabbitServer.start(workdir, port)   # amqp://guest:guest@127.0.0.1:<port>/
    server.stop(); server.start_again()          # an outage and a return, same port and data

Its node name, ports (AMQP, Erlang distribution, epmd) and every file (data, logs, cookie) are
its own, so it never meets the machine's own RabbitMQ or another test's. Loopback only; the
default guest user is allowed from loopback. Stopping it also stops its epmd.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")


class RabbitUnavailable(Exception):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RabbitServer:
    def __init__(self, workdir: Path, port: int, dist_port: int, epmd_port: int) -> None:
        self.workdir, self.port, self.dist_port, self.epmd_port = workdir, port, dist_port, epmd_port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    @property
    def pid_file(self) -> Path:
        return self.workdir / "rabbitmq.pid"

    @classmethod
    def start(cls, workdir: Path, port: int | None = None, timeout_s: float = 60) -> RabbitServer:
        if not SERVER.exists():
            raise RabbitUnavailable("rabbitmq-server not found (apt-get install -y rabbitmq-server)")
        server = cls(workdir, port or free_port(), free_port(), free_port())
        server.start_again(timeout_s)
        return server

    def _environment(self) -> dict[str, str]:
        home = self.workdir / "home"
        home.mkdir(parents=True, exist_ok=True)
        (self.workdir / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\nloopback_users = none\n"
            "log.console = false\nlog.file.level = warning\n"
        )
        (self.workdir / "enabled_plugins").write_text("[].\n")
        return {
            **os.environ,
            "HOME": str(home),  # the Erlang cookie lives here
            "RABBITMQ_NODENAME": f"assistant-{self.port}@localhost",
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "ERL_EPMD_PORT": str(self.epmd_port),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_MNESIA_BASE": str(self.workdir / "data"),
            "RABBITMQ_LOG_BASE": str(self.workdir / "log"),
            "RABBITMQ_CONFIG_FILE": str(self.workdir / "rabbitmq"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.workdir / "enabled_plugins"),
            "RABBITMQ_PID_FILE": str(self.workdir / "beam.pid"),
        }

    def start_again(self, timeout_s: float = 60) -> None:
        log = (self.workdir / "server.log").open("ab")
        self.process = subprocess.Popen(
            [str(SERVER)],
            env=self._environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pid_file.write_text(f"{self.process.pid}\n")
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RabbitUnavailable(f"rabbitmq-server exited with {self.process.returncode}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        self.stop()
        raise RabbitUnavailable("rabbitmq-server did not start in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # The whole session: the wrapper script, the Erlang VM and its helpers.
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()
        self.process = None
        subprocess.run(
            ["epmd", "-kill"], env={**os.environ, "ERL_EPMD_PORT": str(self.epmd_port)}, capture_output=True
        )

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)
