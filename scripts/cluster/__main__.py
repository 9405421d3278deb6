"""`make cluster`: the production profile on this machine, in demo mode.

PostgreSQL, Redis and RabbitMQ (each its own instance under var/cluster/), two account-service
instances, two action servers, two Rasa replicas and two website replicas, behind HAProxy on the same
public ports as `make run` (5005 Rasa, 5055 actions, 8080 website, 8081 account service), and one
analytics consumer reading the Rasa replicas' events from RabbitMQ into PostgreSQL's "analytics"
database, which the websites' insights pages read.
Every process has a PID file in var/cluster/ (rasa-1.pid, …, balancer.pid) so a fault test can
stop one; nothing restarts a stopped process (a supervisor's job in production), and the
balancer stops sending to it within about two seconds. Ctrl-C stops everything.

    python -m scripts.cluster [--ready-file PATH]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from scripts.cluster.haproxy import balancer_config
from scripts.cluster.layout import (
    PUBLIC,
    REPLICAS,
    Layout,
)
from scripts.cluster.postgres import PostgresServer
from scripts.cluster.rabbitmq import RabbitServer
from scripts.cluster.redis import RedisServer
from scripts.demo_secrets import SECRETS, existing

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"


def demo_environment(cluster: Layout) -> dict[str, str]:
    """What every process of the cluster reads: demo mode, var/secrets.env, the shared stores."""
    subprocess.run([str(PYTHON), "scripts/demo_secrets.py", "--out", "var/secrets.env"], cwd=REPO, check=True)
    secrets = existing(REPO / "var" / "secrets.env")
    environment = {
        **os.environ,
        **{name: os.environ.get(name) or secrets[name] for name in SECRETS},
        "PYTHONPATH": str(REPO),
        "DEMO_MODE": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        # Only the balancer's X-Forwarded-For is believed.
        "TRUSTED_PROXIES": "127.0.0.1",
        "ACCOUNT_DB_URL": cluster.postgres_url("accounts"),
        "TRACKER_DB_URL": cluster.postgres_url("tracker"),
        "TRACKER_DB": "unused-with-TRACKER_DB_URL",  # endpoints.yml names it either way
        # The consumer writes it, the websites' insights pages read it.
        "ANALYTICS_DB_URL": cluster.postgres_url("analytics"),
        "REDIS_URL": cluster.redis_url,
        "RABBITMQ_URL": cluster.rabbitmq_url,
        # Every part reaches the others through the balancer, as in production.
        "ACCOUNT_SERVICE_URL": f"http://127.0.0.1:{PUBLIC['service']}",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{PUBLIC['actions']}/webhook",
        "RASA_URL": f"http://localhost:{PUBLIC['rasa']}",
        "RASA_INTERNAL_URL": f"http://127.0.0.1:{PUBLIC['rasa']}",
        "ACCOUNT_PUBLIC_URL": f"http://localhost:{PUBLIC['service']}",
    }
    return environment


class Cluster:
    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.postgres = PostgresServer(layout.root / "postgres", layout.ports["postgres"])
        self.redis = RedisServer(layout.root / "redis", layout.ports["redis"])
        self.rabbitmq = RabbitServer(
            layout.root / "rabbitmq",
            layout.ports["rabbitmq"],
            layout.ports["rabbitmq-dist"],
            layout.ports["epmd"],
        )

    def write_pid(self, name: str, pid: int | None) -> None:
        if pid is not None:
            (self.layout.root / f"{name}.pid").write_text(f"{pid}\n")

    def start_data_services(self) -> None:
        print("Starting PostgreSQL, Redis and RabbitMQ ...", flush=True)
        self.postgres.initialise()
        self.postgres.start()
        self.postgres.create_databases("accounts", "tracker", "analytics")
        self.write_pid("postgres", self.postgres.pid)
        self.redis.start_again()
        self.write_pid("redis", self.redis.process.pid if self.redis.process else None)
        (self.layout.root / "rabbitmq").mkdir(parents=True, exist_ok=True)
        self.rabbitmq.start_again()
        self.write_pid("rabbitmq", self.rabbitmq.process.pid if self.rabbitmq.process else None)

    def spawn(self, name: str, command: list[str], environment: dict[str, str]) -> None:
        log = (self.layout.root / "logs" / f"{name}.log").open("ab")
        process = subprocess.Popen(command, cwd=REPO, env=environment, stdout=log, stderr=subprocess.STDOUT)
        self.processes[name] = process
        self.write_pid(name, process.pid)

    def start_balancer(self) -> None:
        config = self.layout.root / "haproxy.cfg"
        config.write_text(balancer_config(self.layout))
        self.spawn("balancer", ["haproxy", "-db", "-f", str(config)], dict(os.environ))

    def start_services(self, environment: dict[str, str]) -> None:
        ports = self.layout.ports
        for number in range(1, REPLICAS + 1):
            port = ports[f"service-{number}"]
            self.spawn(
                f"service-{number}",
                [str(PYTHON), "-m", "account_service"],
                {**environment, "ACCOUNT_SERVICE_PORT": str(port)},
            )
            # The first instance migrates and seeds; the second finds it done (it would wait anyway).
            if number == 1:
                self.wait_healthy(f"service-{number}", f"http://127.0.0.1:{port}/health", 120)
        for number in range(1, REPLICAS + 1):
            port = ports[f"actions-{number}"]
            self.spawn(
                f"actions-{number}", [str(PYTHON), "-m", "actions.server", "--port", str(port)], environment
            )
        for number in range(1, REPLICAS + 1):
            port = ports[f"rasa-{number}"]
            self.spawn(
                f"rasa-{number}", [str(PYTHON), "-m", "rasa_server"], {**environment, "RASA_PORT": str(port)}
            )
        # Agents' sessions, attempts and codes are in Redis: either website replica serves them.
        for number in range(1, REPLICAS + 1):
            port = ports[f"web-{number}"]
            self.spawn(
                f"web-{number}", [str(PYTHON), "-m", "web.server"], {**environment, "WEB_PORT": str(port)}
            )
        # One consumer: with RABBITMQ_URL it reads the rasa_events queue (a second would split it).
        self.spawn(
            "analytics",
            [str(PYTHON), "-m", "analytics"],
            {**environment, "ANALYTICS_HEALTH_PORT": str(ports["analytics"])},
        )

    def wait_healthy(self, name: str, url: str, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            process = self.processes.get(name)
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{name} exited; see var/cluster/logs/{name}.log")
            try:
                if requests.get(url, timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise RuntimeError(f"{name} not healthy at {url} within {timeout_s:.0f} s")

    def wait_all_healthy(self) -> None:
        for name, url in self.layout.health_urls().items():
            self.wait_healthy(name, url, 300)
        # Through the balancer, once its checks have seen every replica.
        for part, port in PUBLIC.items():
            path = "/" if part == "rasa" else "/health"
            self.wait_healthy("balancer", f"http://127.0.0.1:{port}{path}", 30)

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.rabbitmq.stop()
        self.redis.stop()
        self.postgres.stop()
        for pid_file in self.layout.root.glob("*.pid"):
            pid_file.unlink(missing_ok=True)

    def watch(self) -> None:
        """Reports a process that stopped; restarts nothing."""
        reported: set[str] = set()
        while True:
            for name, process in self.processes.items():
                if process.poll() is not None and name not in reported:
                    reported.add(name)
                    print(f"{name} stopped (exit {process.returncode}); not restarted", flush=True)
            time.sleep(1)


def main() -> int:
    parser = argparse.ArgumentParser(description="the production profile on this machine")
    parser.add_argument("--ready-file", type=Path, help="written once every part is healthy")
    args = parser.parse_args()
    layout = Layout(REPO / "var" / "cluster")
    layout.prepare()
    cluster = Cluster(layout)

    def stop_on_signal(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        cluster.start_data_services()
        environment = demo_environment(layout)
        cluster.start_balancer()
        print(
            "Starting 2 account services, 2 action servers, 2 Rasa replicas, 2 websites and the analytics"
            " consumer ...",
            flush=True,
        )
        cluster.start_services(environment)
        cluster.wait_all_healthy()
        print(layout.summary(), flush=True)
        if args.ready_file is not None:
            args.ready_file.write_text("ready\n")
        cluster.watch()
    except KeyboardInterrupt:
        print("Stopping the cluster ...", flush=True)
    except Exception as error:
        print(f"The cluster did not start: {error}", file=sys.stderr, flush=True)
        cluster.stop()
        return 1
    cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
