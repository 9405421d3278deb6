"""The environment a test starts the real analytics consumer (`python -m analytics`) with: demo
mode, the tracker table as its source (no RabbitMQ), a quick poll and its health port."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def consumer_environment(
    analytics_url: str, tracker_db: Path, health_port: int, **extra: str
) -> dict[str, str]:
    own = ("ANALYTICS_", "RABBITMQ")  # none of the caller's: these tests choose them
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(own)}
    return {
        **inherited,
        "PYTHONPATH": str(REPO),
        "DEMO_MODE": "1",
        "ANALYTICS_DB_URL": analytics_url,
        "TRACKER_DB": str(tracker_db),
        "TRACKER_DB_URL": "",
        "OPERATOR_SERVICE_TOKEN": "",
        "ANALYTICS_POLL_S": "0.2",
        "ANALYTICS_HEALTH_PORT": str(health_port),
        **extra,
    }
