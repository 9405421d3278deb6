"""The website's settings, read once from the environment into one frozen object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_CUSTOMERS = ("alex.morgan", "priya.sharma", "sam.lee", "jordan.reyes")


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
        return cls(
            host=env.get("WEB_HOST", "127.0.0.1"),
            port=port,
            rasa_url=_http_url("RASA_URL", env.get("RASA_URL", "http://localhost:5005")),
            account_service_url=_http_url(
                "ACCOUNT_SERVICE_URL", env.get("ACCOUNT_SERVICE_URL", "http://localhost:8081")
            ),
            demo_mode=env.get("DEMO_MODE", "1") == "1",
            issuer=yaml.safe_load(issuer_file.read_text()),
        )

    @property
    def issuer_name(self) -> str:
        return str(self.issuer.get("issuer", {}).get("name", "Card issuer"))

    def socket_origins(self) -> list[str]:
        """What the page's Content-Security-Policy must let the widget connect to."""
        parts = urlsplit(self.rasa_url)
        ws = "wss" if parts.scheme == "https" else "ws"
        return [f"{parts.scheme}://{parts.netloc}", f"{ws}://{parts.netloc}"]
