"""The website's settings, read once from the environment into one frozen object.

Production is the default: without DEMO_MODE the agent console (when AGENT_USERS switches it on)
refuses to start until its secrets are set, and says which variables are missing.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from web.client_address import TrustedProxies, parse_trusted_proxies

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_CUSTOMERS = ("alex.morgan", "priya.sharma", "sam.lee", "jordan.reyes")
# Demo mode only, and documented as such: never a real agent's password or a real token.
DEMO_AGENT_USERS = "agent:demo-agent-password"
DEMO_AGENT_SERVICE_TOKEN = "demo-agent-service-token"
DEMO_AGENT_RELAY_TOKEN = "demo-agent-relay-token"
MIN_AGENT_PASSWORD = 12
MIN_SECRET = 32  # characters, for every secret the console needs outside demo mode
MIN_TOTP_SECRET_BYTES = 16  # 128 bits, RFC 4226's minimum for the shared secret
# The relay token must differ from every account-service token (a leak of one is not a leak of both).
SERVICE_TOKENS = (
    "AGENT_SERVICE_TOKEN",
    "ACCOUNT_SERVICE_TOKEN",
    "CHANNELS_SERVICE_TOKEN",
    "OPERATOR_SERVICE_TOKEN",
)
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


class SettingsError(Exception):
    """The environment does not describe a website that may start."""


def parse_bool(name: str, value: str | None, default: bool) -> bool:
    """One reading of a yes/no variable for every process: unset or empty → the default."""
    if value is None or not value.strip():
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(f"{name} must be one of {'/'.join(TRUE_WORDS)} or {'/'.join(FALSE_WORDS)}")


def _valid_agent_name(name: str) -> bool:
    return 0 < len(name) <= 40 and name.replace(".", "").replace("-", "").isalnum()


def parse_agent_users(value: str) -> tuple[tuple[str, str], ...]:
    """AGENT_USERS="name:password[,name:password…]" → ((name, password), …)."""
    users = []
    for entry in filter(None, (part.strip() for part in value.split(","))):
        name, _, password = entry.partition(":")
        name = name.strip()
        if not password or not _valid_agent_name(name):
            raise SettingsError(
                'AGENT_USERS must be "name:password[,name:password…]" (names: letters, digits)'
            )
        users.append((name, password))
    return tuple(users)


def parse_totp_secrets(value: str) -> dict[str, str]:
    """AGENT_TOTP_SECRETS="name:BASE32SECRET[,…]" → {name: secret}. Errors name the agent only,
    never the secret."""
    found: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in value.split(","))):
        name, _, secret = entry.partition(":")
        name, secret = name.strip(), secret.strip().replace(" ", "").upper()
        if not _valid_agent_name(name):
            raise SettingsError('AGENT_TOTP_SECRETS must be "name:BASE32SECRET[,name:BASE32SECRET…]"')
        try:
            decoded = base64.b32decode(secret + "=" * (-len(secret) % 8))
        except (binascii.Error, ValueError):
            decoded = b""
        if len(decoded) < MIN_TOTP_SECRET_BYTES:
            raise SettingsError(
                f"AGENT_TOTP_SECRETS: the secret of {name} must be base32 of at least "
                f"{MIN_TOTP_SECRET_BYTES * 8} bits (python -m web.totp_secret {name} makes one)"
            )
        found[name] = secret
    return found


def _secret_list(value: str) -> tuple[str, ...]:
    return tuple(filter(None, (part.strip() for part in value.split(","))))


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
    account_service_url: str  # as this server reaches it (demo outbox, agent console)
    demo_mode: bool
    issuer: dict
    outbox_timeout_s: float = 3.0
    # The agent console (/agent): who may log in, how sessions are signed, how replies reach Rasa.
    agent_service_token: str = DEMO_AGENT_SERVICE_TOKEN  # the account service, scope "agents"
    agent_users: tuple[tuple[str, str], ...] = ()
    agent_totp_secrets: Mapping[str, str] | None = None  # name → base32 secret
    agent_session_secret: str = ""  # signs new session cookies
    agent_session_previous_secrets: tuple[str, ...] = ()  # still verify (key rotation)
    agent_cookie_secure: bool = False
    rasa_internal_url: str = ""  # as this server reaches Rasa (defaults to rasa_url)
    agent_relay_token: str = DEMO_AGENT_RELAY_TOKEN  # Rasa's POST /webhooks/socketio/agent_message
    trusted_proxies: TrustedProxies = ()

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
        demo_mode = parse_bool("DEMO_MODE", env.get("DEMO_MODE"), False)
        agent_users = parse_agent_users(env.get("AGENT_USERS") or (DEMO_AGENT_USERS if demo_mode else ""))
        if not demo_mode and any(len(password) < MIN_AGENT_PASSWORD for _, password in agent_users):
            raise SettingsError(f"AGENT_USERS passwords must have at least {MIN_AGENT_PASSWORD} characters")
        totp_secrets = parse_totp_secrets(env.get("AGENT_TOTP_SECRETS", ""))
        names = [name for name, _ in agent_users]
        strangers = sorted(set(totp_secrets) - set(names))
        if strangers:
            raise SettingsError(f"AGENT_TOTP_SECRETS names agents not in AGENT_USERS: {', '.join(strangers)}")
        if not demo_mode and agent_users:
            _require_console_secrets(env, names, totp_secrets)
        rasa_url = _http_url("RASA_URL", env.get("RASA_URL", "http://localhost:5005"))
        try:
            trusted_proxies = parse_trusted_proxies(env.get("TRUSTED_PROXIES", ""))
        except ValueError as error:
            raise SettingsError(f"TRUSTED_PROXIES: {error}") from error
        return cls(
            host=env.get("WEB_HOST", "127.0.0.1"),
            port=port,
            rasa_url=rasa_url,
            account_service_url=_http_url(
                "ACCOUNT_SERVICE_URL", env.get("ACCOUNT_SERVICE_URL", "http://localhost:8081")
            ),
            demo_mode=demo_mode,
            issuer=yaml.safe_load(issuer_file.read_text()),
            agent_service_token=env.get("AGENT_SERVICE_TOKEN") or DEMO_AGENT_SERVICE_TOKEN,
            agent_users=agent_users,
            agent_totp_secrets=totp_secrets,
            # Demo mode: random per start unless set (sessions end when the website restarts).
            agent_session_secret=env.get("AGENT_SESSION_SECRET") or secrets.token_hex(32),
            agent_session_previous_secrets=_secret_list(env.get("AGENT_SESSION_PREVIOUS_SECRETS", "")),
            # Production is served over HTTPS (TLS at the load balancer): Secure unless switched off.
            agent_cookie_secure=parse_bool(
                "AGENT_COOKIE_SECURE", env.get("AGENT_COOKIE_SECURE"), not demo_mode
            ),
            rasa_internal_url=_http_url("RASA_INTERNAL_URL", env.get("RASA_INTERNAL_URL") or rasa_url),
            agent_relay_token=env.get("AGENT_RELAY_TOKEN") or DEMO_AGENT_RELAY_TOKEN,
            trusted_proxies=trusted_proxies,
        )

    @property
    def issuer_name(self) -> str:
        return str(self.issuer.get("issuer", {}).get("name", "Card issuer"))

    @property
    def console_on(self) -> bool:
        return bool(self.agent_users)

    def socket_origins(self) -> list[str]:
        """What the page's Content-Security-Policy must let the widget connect to."""
        parts = urlsplit(self.rasa_url)
        ws = "wss" if parts.scheme == "https" else "ws"
        return [f"{parts.scheme}://{parts.netloc}", f"{ws}://{parts.netloc}"]


def _require_console_secrets(
    env: Mapping[str, str], names: list[str], totp_secrets: Mapping[str, str]
) -> None:
    """Outside demo mode the console starts only with all of its own secrets; one message names
    every variable (and every agent without a code) that is missing, never a value."""
    problems = []
    for variable in ("AGENT_SESSION_SECRET", "AGENT_SERVICE_TOKEN", "AGENT_RELAY_TOKEN"):
        if len(env.get(variable, "")) < MIN_SECRET:
            problems.append(f"{variable} (at least {MIN_SECRET} characters)")
    previous = _secret_list(env.get("AGENT_SESSION_PREVIOUS_SECRETS", ""))
    if any(len(secret) < MIN_SECRET for secret in previous):
        problems.append(f"AGENT_SESSION_PREVIOUS_SECRETS (each at least {MIN_SECRET} characters)")
    without_code = [name for name in names if name not in totp_secrets]
    if without_code:
        problems.append(f"AGENT_TOTP_SECRETS for {', '.join(without_code)}")
    relay_token = env.get("AGENT_RELAY_TOKEN")
    shared = [name for name in SERVICE_TOKENS if relay_token and env.get(name) == relay_token]
    if shared:
        problems.append(f"AGENT_RELAY_TOKEN to be its own secret (it equals {', '.join(shared)})")
    if problems:
        raise SettingsError(
            "the agent console (AGENT_USERS is set, DEMO_MODE is off) needs " + "; ".join(problems)
        )
