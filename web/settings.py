"""The website's settings: the variables as common/settings.py (WebSettings) reads them, turned
into one frozen object with the console's own rules (agents, their codes, distinct tokens).

Production is the default: without DEMO_MODE the agent console (when AGENT_USERS switches it on)
refuses to start until its secrets are set, and says which variables are missing.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import yaml

from common.client_address import TrustedProxies, parse_trusted_proxies
from common.db_urls import DatabaseUrlError, checked_redis_url, sync_database_url
from common.settings import SettingsError, WebSettings, default_analytics_db_url, secret, secrets_list

# The demo phone's choice of customers; the last three are for trying two-way alerts.
DEMO_CUSTOMERS = (
    "alex.morgan",
    "priya.sharma",
    "sam.lee",
    "jordan.reyes",
    "taylor.kim",
    "meera.iyer",
    "noah.fischer",
)
# Demo mode only, and documented as such: never a real agent's password or a real token.
DEMO_AGENT_USERS = "agent:demo-agent-password"
DEMO_OPERATOR_USERS = "operator:demo-operator-password"
MIN_AGENT_PASSWORD = 12
MIN_SECRET = 32  # characters, for every secret the console needs outside demo mode
MIN_TOTP_SECRET_BYTES = 16  # 128 bits, RFC 4226's minimum for the shared secret
__all__ = ["Settings", "SettingsError", "parse_agent_users", "parse_totp_secrets"]


def _valid_agent_name(name: str) -> bool:
    return 0 < len(name) <= 40 and name.replace(".", "").replace("-", "").isalnum()


def parse_agent_users(value: str, variable: str = "AGENT_USERS") -> tuple[tuple[str, str], ...]:
    """AGENT_USERS (or OPERATOR_USERS)="name:password[,name:password…]" → ((name, password), …)."""
    users = []
    for entry in filter(None, (part.strip() for part in value.split(","))):
        name, _, password = entry.partition(":")
        name = name.strip()
        if not password or not _valid_agent_name(name):
            raise SettingsError(
                f'{variable} must be "name:password[,name:password…]" (names: letters, digits)'
            )
        users.append((name, password))
    return tuple(users)


def parse_totp_secrets(value: str, variable: str = "AGENT_TOTP_SECRETS") -> dict[str, str]:
    """AGENT_TOTP_SECRETS (or OPERATOR_TOTP_SECRETS)="name:BASE32SECRET[,…]" → {name: secret}.
    Errors name the person only, never the secret."""
    found: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in value.split(","))):
        name, _, secret = entry.partition(":")
        name, secret = name.strip(), secret.strip().replace(" ", "").upper()
        if not _valid_agent_name(name):
            raise SettingsError(f'{variable} must be "name:BASE32SECRET[,name:BASE32SECRET…]"')
        try:
            decoded = base64.b32decode(secret + "=" * (-len(secret) % 8))
        except (binascii.Error, ValueError):
            decoded = b""
        if len(decoded) < MIN_TOTP_SECRET_BYTES:
            raise SettingsError(
                f"{variable}: the secret of {name} must be base32 of at least "
                f"{MIN_TOTP_SECRET_BYTES * 8} bits (python -m web.totp_secret {name} makes one)"
            )
        found[name] = secret
    return found


def _people(
    users_value: str, totp_value: str, demo_value: str, role: str, demo_mode: bool
) -> tuple[tuple[tuple[str, str], ...], dict[str, str]]:
    """One role's people and their app-code secrets (role: AGENT or OPERATOR, the variables' prefix)."""
    users = parse_agent_users(users_value or (demo_value if demo_mode else ""), f"{role}_USERS")
    if not demo_mode and any(len(password) < MIN_AGENT_PASSWORD for _, password in users):
        raise SettingsError(f"{role}_USERS passwords must have at least {MIN_AGENT_PASSWORD} characters")
    totp_secrets = parse_totp_secrets(totp_value, f"{role}_TOTP_SECRETS")
    strangers = sorted(set(totp_secrets) - {name for name, _ in users})
    if strangers:
        raise SettingsError(f"{role}_TOTP_SECRETS names people not in {role}_USERS: {', '.join(strangers)}")
    return users, totp_secrets


def _http_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"{name} must be an http(s) URL, got {value!r}")
    return value.rstrip("/")


def _analytics_url(value: str) -> str:
    try:
        sync_database_url(value, "ANALYTICS_DB_URL")
    except DatabaseUrlError as error:  # its message names the variable, never the URL
        raise SettingsError(str(error)) from None
    return value


def _redis_url(value: str) -> str:
    try:
        return checked_redis_url(value) if value else ""
    except DatabaseUrlError as error:  # its message names the variable, never the URL
        raise SettingsError(str(error)) from None


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
    agent_service_token: str = ""  # the account service, scope "agents"
    agent_users: tuple[tuple[str, str], ...] = ()
    agent_totp_secrets: Mapping[str, str] | None = None  # name → base32 secret
    # Operators: everything agents see, plus the list of agents and ending their sessions.
    operator_users: tuple[tuple[str, str], ...] = ()
    operator_totp_secrets: Mapping[str, str] | None = None
    agent_session_secret: str = ""  # signs new session cookies
    agent_session_previous_secrets: tuple[str, ...] = ()  # still verify (key rotation)
    agent_cookie_secure: bool = False
    rasa_internal_url: str = ""  # as this server reaches Rasa (defaults to rasa_url)
    agent_relay_token: str = ""  # Rasa's POST /webhooks/socketio/agent_message
    trusted_proxies: TrustedProxies = ()
    metrics_token: str = field(default="", repr=False)  # GET /metrics (Bearer); "": no /metrics
    # Agents' sessions, login attempts and used codes shared by website replicas; "": this process's.
    redis_url: str = field(default="", repr=False)
    analytics_db_url: str = field(default="", repr=False)  # "": the SQLite file under var/

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The website's settings: the variables as common/settings.py reads them, plus the
        console's own rules (agents, codes, distinct tokens)."""
        env = WebSettings.load(environ, check_secrets=False)
        demo_mode = env.demo_mode
        agent_users, totp_secrets = _people(
            secret(env.agent_users), secret(env.agent_totp_secrets), DEMO_AGENT_USERS, "AGENT", demo_mode
        )
        operator_users, operator_totp = _people(
            secret(env.operator_users),
            secret(env.operator_totp_secrets),
            DEMO_OPERATOR_USERS,
            "OPERATOR",
            demo_mode,
        )
        names = [name for name, _ in agent_users]
        operators = [name for name, _ in operator_users]
        both = sorted(set(names) & set(operators))
        if both:
            # One name, one role: a session would not say which of the two it was opened as.
            raise SettingsError(f"AGENT_USERS and OPERATOR_USERS both name {', '.join(both)}: one role each")
        if not demo_mode and (agent_users or operator_users):
            roles = {"AGENT": (names, totp_secrets), "OPERATOR": (operators, operator_totp)}
            _require_console_secrets(env, roles)
        env.check_secrets()
        rasa_url = _http_url("RASA_URL", env.rasa_url)
        return cls(
            host=env.host,
            port=env.port,
            rasa_url=rasa_url,
            account_service_url=_http_url("ACCOUNT_SERVICE_URL", env.account_service_url),
            demo_mode=demo_mode,
            issuer=yaml.safe_load(env.issuer_config.read_text()),
            agent_service_token=secret(env.agent_service_token),
            agent_users=agent_users,
            agent_totp_secrets=totp_secrets,
            operator_users=operator_users,
            operator_totp_secrets=operator_totp,
            # Demo mode: random per start unless set (sessions end when the website restarts).
            agent_session_secret=secret(env.agent_session_secret) or secrets.token_hex(32),
            agent_session_previous_secrets=tuple(secrets_list(env.agent_session_previous_secrets)),
            # Production is served over HTTPS (TLS at the load balancer): Secure unless switched off.
            agent_cookie_secure=not demo_mode if env.agent_cookie_secure is None else env.agent_cookie_secure,
            rasa_internal_url=_http_url("RASA_INTERNAL_URL", env.rasa_internal_url or rasa_url),
            agent_relay_token=secret(env.agent_relay_token),
            trusted_proxies=parse_trusted_proxies(env.trusted_proxies),
            metrics_token=secret(env.metrics_token),
            redis_url=_redis_url(secret(env.redis_url)),
            analytics_db_url=_analytics_url(env.analytics_db_url or default_analytics_db_url()),
        )

    @property
    def issuer_name(self) -> str:
        return str(self.issuer.get("issuer", {}).get("name", "Card issuer"))

    @property
    def console_on(self) -> bool:
        return bool(self.agent_users or self.operator_users)

    def socket_origins(self) -> list[str]:
        """What the page's Content-Security-Policy must let the widget connect to."""
        parts = urlsplit(self.rasa_url)
        ws = "wss" if parts.scheme == "https" else "ws"
        return [f"{parts.scheme}://{parts.netloc}", f"{ws}://{parts.netloc}"]


def _require_console_secrets(
    env: WebSettings, roles: Mapping[str, tuple[list[str], Mapping[str, str]]]
) -> None:
    """Outside demo mode the console starts only with all of its own secrets (WebSettings has
    checked their presence and strength); one message names every further problem, never a value."""
    problems = env.secret_problems()
    previous = secrets_list(env.agent_session_previous_secrets)
    if any(len(value) < MIN_SECRET for value in previous):
        problems.append(f"AGENT_SESSION_PREVIOUS_SECRETS (each at least {MIN_SECRET} characters)")
    for role, (names, totp_secrets) in roles.items():
        without_code = [name for name in names if name not in totp_secrets]
        if without_code:
            problems.append(f"{role}_TOTP_SECRETS for {', '.join(without_code)}")
    relay_token = secret(env.agent_relay_token)
    shared = [
        WebSettings.env_name(field)
        for field in (
            "agent_service_token",
            "account_service_token",
            "channels_service_token",
            "operator_service_token",
        )
        if relay_token and secret(getattr(env, field)) == relay_token
    ]
    if shared:
        problems.append(f"AGENT_RELAY_TOKEN to be its own secret (it equals {', '.join(shared)})")
    if problems:
        raise SettingsError(
            "the agent console (AGENT_USERS or OPERATOR_USERS is set, DEMO_MODE is off) needs "
            + "; ".join(problems)
        )
