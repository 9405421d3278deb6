"""The service's settings, read once from the environment into one frozen object."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from account_service.agent_hours import AgentHours, AgentHoursError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_TOKEN = "demo-account-service-token"
DEMO_SECRET = "demo-account-service-secret-not-for-production"
# Shorter secrets are guessable enough that a real deployment must not run on them.
MIN_SECRET_LENGTH = 32
# How old the mobile app's login may be for it to stand in for the identity check (in-app chat).
DEFAULT_APP_LOGIN_MAX_AGE_S = 12 * 3600


class SettingsError(Exception):
    """The environment does not describe a service that may start."""


@dataclass(frozen=True)
class Settings:
    db_url: str
    host: str
    port: int
    token: str
    secret: str
    public_url: str
    demo_mode: bool
    issuer_name: str
    app_login_max_age_s: int = DEFAULT_APP_LOGIN_MAX_AGE_S
    agent_hours: AgentHours = AgentHours()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        port = _port(env.get("ACCOUNT_SERVICE_PORT", "8081"))
        issuer_file = Path(env.get("ISSUER_CONFIG") or REPO_ROOT / "issuer.yml")
        settings = cls(
            db_url=env.get("ACCOUNT_DB_URL") or f"sqlite+aiosqlite:///{REPO_ROOT / 'var' / 'account.db'}",
            host=env.get("ACCOUNT_SERVICE_HOST", "127.0.0.1"),
            port=port,
            token=env.get("ACCOUNT_SERVICE_TOKEN", DEMO_TOKEN),
            secret=env.get("ACCOUNT_SERVICE_SECRET", DEMO_SECRET),
            public_url=(env.get("ACCOUNT_PUBLIC_URL") or f"http://localhost:{port}").rstrip("/"),
            demo_mode=_flag(env.get("DEMO_MODE", "1")),
            issuer_name=_issuer_name(issuer_file),
            app_login_max_age_s=_duration_s(
                "IN_APP_MAX_LOGIN_AGE", env.get("IN_APP_MAX_LOGIN_AGE") or f"{DEFAULT_APP_LOGIN_MAX_AGE_S}"
            ),
            agent_hours=_agent_hours(issuer_file, env.get("AGENT_HOURS", "")),
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Outside demo mode, the demo token and secret would let anyone in: refuse them."""
        if self.demo_mode:
            return
        weak = [
            name
            for name, value, demo_value in (
                ("ACCOUNT_SERVICE_TOKEN", self.token, DEMO_TOKEN),
                ("ACCOUNT_SERVICE_SECRET", self.secret, DEMO_SECRET),
            )
            if value == demo_value or len(value) < MIN_SECRET_LENGTH
        ]
        if weak:
            raise SettingsError(
                f"DEMO_MODE=0 needs {' and '.join(weak)} set to a private value of at least "
                f"{MIN_SECRET_LENGTH} characters (not the demo default)"
            )


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SettingsError("ACCOUNT_SERVICE_PORT must be a port number (1-65535)")
    return int(value)


_DURATION = re.compile(r"^\s*(\d+)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)?\s*$", re.I)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _duration_s(name: str, value: str) -> int:
    """Seconds from "43200", "720m", "12h", "12 hours" or "1d"."""
    found = _DURATION.match(value)
    seconds = int(found.group(1)) * _UNIT_SECONDS[(found.group(2) or "s")[0].lower()] if found else 0
    if seconds <= 0:
        raise SettingsError(f'{name} must be a positive duration such as "12h", "90m" or "43200"')
    return seconds


def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError("DEMO_MODE must be 1 or 0")


def _issuer_name(path: Path) -> str:
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise SettingsError(f"cannot read the issuer configuration {path}: {type(error).__name__}") from None
    name = (config.get("issuer") or {}).get("name") if isinstance(config, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise SettingsError(f"{path} has no issuer.name")
    return name.strip()


def _agent_hours(path: Path, override: str) -> AgentHours:
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    support = config.get("support") if isinstance(config, dict) else None
    try:
        return AgentHours.parse((support or {}).get("agent_hours"), override)
    except AgentHoursError as error:
        raise SettingsError(f"{path}: {error}") from None
