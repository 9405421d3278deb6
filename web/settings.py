"""The website's settings, read once from the environment into one frozen object."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_CUSTOMERS = ("alex.morgan", "priya.sharma", "sam.lee", "jordan.reyes")
DEMO_SERVICE_TOKEN = "demo-account-service-token"
# Demo mode only, and documented as such: never a real agent's password.
DEMO_AGENT_USERS = "agent:demo-agent-password"
MIN_AGENT_PASSWORD = 12


def parse_agent_users(value: str) -> tuple[tuple[str, str], ...]:
    """AGENT_USERS="name:password[,name:password…]" → ((name, password), …)."""
    users = []
    for entry in filter(None, (part.strip() for part in value.split(","))):
        name, _, password = entry.partition(":")
        name = name.strip()
        if not name or not password or len(name) > 40 or not name.replace(".", "").replace("-", "").isalnum():
            raise SettingsError(
                'AGENT_USERS must be "name:password[,name:password…]" (names: letters, digits)'
            )
        users.append((name, password))
    return tuple(users)


class SettingsError(Exception):
    """The environment does not describe a website that may start."""


def _http_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"{name} must be an http(s) URL, got {value!r}")
    return value.rstrip("/")


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    rasa_url: str  # as the visitor's browser reaches it (the widget's socket.io server)
    account_service_url: str  # as this server reaches it (demo outbox only)
    demo_mode: bool
    issuer: dict
    outbox_timeout_s: float = 3.0
    # The agent console (/agent): who may log in, how sessions are signed, how replies reach Rasa.
    account_service_token: str = DEMO_SERVICE_TOKEN
    agent_users: tuple[tuple[str, str], ...] = ()
    agent_session_secret: str = ""
    agent_cookie_secure: bool = False
    rasa_internal_url: str = ""  # as this server reaches Rasa (defaults to rasa_url)
    agent_relay_token: str = DEMO_SERVICE_TOKEN

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        try:
            port = int(env.get("WEB_PORT", "8080"))
        except ValueError as error:
            raise SettingsError("WEB_PORT must be a number") from error
        issuer_file = Path(env.get("ISSUER_CONFIG", "issuer.yml"))
        if not issuer_file.is_absolute():
            issuer_file = REPO_ROOT / issuer_file
        demo_mode = env.get("DEMO_MODE", "1") == "1"
        agent_users = parse_agent_users(env.get("AGENT_USERS") or (DEMO_AGENT_USERS if demo_mode else ""))
        if not demo_mode and any(len(password) < MIN_AGENT_PASSWORD for _, password in agent_users):
            raise SettingsError(f"AGENT_USERS passwords must have at least {MIN_AGENT_PASSWORD} characters")
        rasa_url = _http_url("RASA_URL", env.get("RASA_URL", "http://localhost:5005"))
        service_token = env.get("ACCOUNT_SERVICE_TOKEN") or DEMO_SERVICE_TOKEN
        return cls(
            host=env.get("WEB_HOST", "127.0.0.1"),
            port=port,
            rasa_url=rasa_url,
            account_service_url=_http_url(
                "ACCOUNT_SERVICE_URL", env.get("ACCOUNT_SERVICE_URL", "http://localhost:8081")
            ),
            demo_mode=demo_mode,
            issuer=yaml.safe_load(issuer_file.read_text()),
            account_service_token=service_token,
            agent_users=agent_users,
            # Random per start unless set: sessions end when the website restarts.
            agent_session_secret=env.get("AGENT_SESSION_SECRET") or secrets.token_hex(32),
            agent_cookie_secure=env.get("AGENT_COOKIE_SECURE", "0") == "1",
            rasa_internal_url=_http_url("RASA_INTERNAL_URL", env.get("RASA_INTERNAL_URL") or rasa_url),
            agent_relay_token=env.get("AGENT_RELAY_TOKEN") or service_token,
        )

    @property
    def issuer_name(self) -> str:
        return str(self.issuer.get("issuer", {}).get("name", "Card issuer"))

    def socket_origins(self) -> list[str]:
        """What the page's Content-Security-Policy must let the widget connect to."""
        parts = urlsplit(self.rasa_url)
        ws = "wss" if parts.scheme == "https" else "ws"
        return [f"{parts.scheme}://{parts.netloc}", f"{ws}://{parts.netloc}"]
