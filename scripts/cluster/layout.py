"""Where each part of `make cluster` listens, and where its files live (var/cluster/)."""

from __future__ import annotations

from pathlib import Path

REPLICAS = 2
# What the balancer serves: the same ports as `make run`.
PUBLIC = {"rasa": 5005, "actions": 5055, "web": 8080, "service": 8081}
# The parts behind it, and the data services.
PRIVATE = {
    "rasa-1": 5105,
    "rasa-2": 5106,
    "actions-1": 5155,
    "actions-2": 5156,
    "service-1": 8181,
    "service-2": 8182,
    "web-1": 8180,
    "web-2": 8183,
    "analytics": 8190,  # the analytics consumer's GET /health (one: it reads the queue alone)
    "postgres": 5433,
    "redis": 6380,
    "rabbitmq": 5673,
    "rabbitmq-dist": 25673,
    "epmd": 4370,
}
HEALTH_PATHS = {
    "rasa": "/",
    "actions": "/health",
    "service": "/health",
    "web": "/health",
    "analytics": "/health",
}


class Layout:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.ports = dict(PRIVATE)

    def prepare(self) -> None:
        (self.root / "logs").mkdir(parents=True, exist_ok=True)

    def postgres_url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.ports['postgres']}/{database}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.ports['redis']}/0"

    @property
    def rabbitmq_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.ports['rabbitmq']}/"

    def replicas(self, part: str) -> dict[str, int]:
        """rasa → {"rasa-1": 5105, "rasa-2": 5106}."""
        return {name: port for name, port in self.ports.items() if name.rsplit("-", 1)[0] == part}

    def health_urls(self) -> dict[str, str]:
        return {
            name: f"http://127.0.0.1:{port}{path}"
            for part, path in HEALTH_PATHS.items()
            for name, port in self.replicas(part).items()
        }

    def summary(self) -> str:
        rasa = ", ".join(str(port) for port in self.replicas("rasa").values())
        ports = self.ports
        return "\n".join(
            [
                "",
                "The cluster is running (logs in var/cluster/logs/, PID files in var/cluster/):",
                f"  website          http://localhost:{PUBLIC['web']}   (agent console: /agent)",
                f"  Rasa server      http://localhost:{PUBLIC['rasa']}   (replicas on {rasa})",
                f"  action server    http://localhost:{PUBLIC['actions']}/health   (2 replicas)",
                f"  account service  http://localhost:{PUBLIC['service']}   (2 instances)",
                '  analytics        one consumer of RabbitMQ\'s rasa_events -> PostgreSQL "analytics"'
                f" (insights: http://localhost:{PUBLIC['web']}/agent/insights)",
                f"  PostgreSQL :{ports['postgres']}, Redis :{ports['redis']}, RabbitMQ :{ports['rabbitmq']}",
                "A stopped process is not restarted. Press Ctrl-C to stop everything.",
            ]
        )
