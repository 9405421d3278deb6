"""The action server's settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEMO_TOKEN = "demo-account-service-token"
# A customer must hear about a slow service within 10 seconds: one call may take at most 5.
MAX_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class ActionSettings:
    service_url: str
    service_token: str
    timeout_s: float


def load_settings() -> ActionSettings:
    timeout = float(os.environ.get("ACCOUNT_SERVICE_TIMEOUT", "4"))
    return ActionSettings(
        service_url=os.environ.get("ACCOUNT_SERVICE_URL", "http://localhost:8081").rstrip("/"),
        service_token=os.environ.get("ACCOUNT_SERVICE_TOKEN", DEMO_TOKEN),
        timeout_s=min(max(timeout, 0.5), MAX_TIMEOUT_S),
    )
