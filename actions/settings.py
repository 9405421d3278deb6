"""The action server's settings, read once from the environment.

Production is the default: without DEMO_MODE=1 the server refuses to start unless its own
token (ACTION_SERVER_TOKEN, what Rasa must present) and the account-service token are set to
private values; in demo mode each falls back to a fixed demo value only when it is unset.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from common.account_client import DEFAULT_TIMEOUT_S, AccountClient, clamp_timeout

DEMO_SERVICE_TOKEN = "demo-account-service-token"
DEMO_ACTION_SERVER_TOKEN = "demo-action-server-token-not-for-production"
# Shorter secrets are guessable enough that a real deployment must not run on them.
MIN_SECRET_LENGTH = 32
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5055


class SettingsError(Exception):
    """The environment does not describe an action server that may start."""


@dataclass(frozen=True)
class ActionSettings:
    demo_mode: bool
    service_url: str
    service_token: str
    timeout_s: float
    server_token: str
    host: str
    port: int

    def __repr__(self) -> str:  # never the tokens
        return (
            f"ActionSettings(demo_mode={self.demo_mode}, service_url={self.service_url!r}, "
            f"timeout_s={self.timeout_s}, host={self.host!r}, port={self.port})"
        )

    def account_client(self) -> AccountClient:
        return AccountClient(self.service_url, self.service_token, self.timeout_s)


def read_settings(environ: Mapping[str, str] | None = None) -> ActionSettings:
    """The settings in `environ` (default: the process's); SettingsError names what is wrong."""
    env = os.environ if environ is None else environ
    demo = demo_mode(env.get("DEMO_MODE", ""))
    server_token = env.get("ACTION_SERVER_TOKEN", "")
    service_token = env.get("ACCOUNT_SERVICE_TOKEN", "")
    if demo:
        server_token = server_token or DEMO_ACTION_SERVER_TOKEN
        service_token = service_token or DEMO_SERVICE_TOKEN
    else:
        missing = [
            name
            for name, value, demo_value in (
                ("ACTION_SERVER_TOKEN", server_token, DEMO_ACTION_SERVER_TOKEN),
                ("ACCOUNT_SERVICE_TOKEN", service_token, DEMO_SERVICE_TOKEN),
            )
            if len(value) < MIN_SECRET_LENGTH or value == demo_value
        ]
        if missing:
            raise SettingsError(
                f"outside demo mode the action server needs {' and '.join(missing)} set to a private "
                f"value of at least {MIN_SECRET_LENGTH} characters (or DEMO_MODE=1 for the demo)"
            )
    return ActionSettings(
        demo_mode=demo,
        service_url=env.get("ACCOUNT_SERVICE_URL", "http://localhost:8081").rstrip("/"),
        service_token=service_token,
        timeout_s=_timeout(env.get("ACCOUNT_SERVICE_TIMEOUT", "")),
        server_token=server_token,
        host=env.get("ACTION_HOST") or DEFAULT_HOST,
        port=_port(env.get("ACTION_PORT") or str(DEFAULT_PORT)),
    )


@lru_cache(maxsize=1)
def load_settings() -> ActionSettings:
    """The process's settings, read once."""
    return read_settings()


def demo_mode(value: str) -> bool:
    """DEMO_MODE as every process reads it: unset or empty is off (production)."""
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("", "0", "false", "no", "off"):
        return False
    raise SettingsError("DEMO_MODE must be 1 (demo) or 0 (production)")


def _timeout(value: str) -> float:
    if not value.strip():
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds):
        raise SettingsError("ACCOUNT_SERVICE_TIMEOUT must be a number of seconds (at most 5)")
    return clamp_timeout(seconds)


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SettingsError("ACTION_PORT must be a port number (1-65535)")
    return int(value)
