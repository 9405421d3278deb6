"""Every process's settings, read from the environment the same way everywhere.

One pydantic (v1) BaseSettings class per process, all built on `ProcessSettings`:
- a blank variable counts as unset; flags read 1/true/yes/on and 0/false/no/off, anything else
  is an error (so `DEMO_MODE=true` means the same in every process);
- production is the default: `DEMO_MODE` unset means off. Outside demo mode a process that lacks
  one of its secrets, or has one shorter than 32 characters or equal to a demo value, refuses to
  start and names every such variable (never a value). In demo mode a missing secret takes its
  fixed, public demo value from `DEMO_SECRETS`;
- secrets are `SecretStr`, so a settings object printed or logged shows no secret.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseSettings, Field, SecretStr, ValidationError, validator

from common.client_address import parse_trusted_proxies

REPO_ROOT = Path(__file__).resolve().parent.parent
MIN_SECRET_LENGTH = 32

# Demo mode only, and public on purpose: every process of a demo agrees on them without set-up.
# Outside demo mode each of these values is refused.
DEMO_SECRETS: dict[str, str] = {
    "ACCOUNT_SERVICE_TOKEN": "demo-account-service-token",
    "CHANNELS_SERVICE_TOKEN": "demo-account-service-token-channels-0001",
    "AGENT_SERVICE_TOKEN": "demo-account-service-token-agents-00001",
    "ACCOUNT_SERVICE_SECRET": "demo-account-service-secret-not-for-production",
    "ACTION_SERVER_TOKEN": "demo-action-server-token-not-for-production",
    "AGENT_RELAY_TOKEN": "demo-agent-relay-token-not-for-production",
    # AGENT_SESSION_SECRET has none: in demo mode the website makes a random one per start.
    # METRICS_TOKEN has none either: without it /metrics is off (make run generates one).
    "WIDGET_SESSION_SECRET": "demo-widget-session-secret-not-for-production",
    "ANALYTICS_SALT": "demo-analytics-salt-not-for-production",
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class SettingsError(Exception):
    """The environment does not describe a process that may start."""


def parse_flag(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingsError(f"{name} must be 1 or 0 (or true/false, yes/no, on/off)")


def split_list(value: str | None) -> list[str]:
    """ "a, b,c" → ["a", "b", "c"] (blank entries dropped)."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


Settings = TypeVar("Settings", bound="ProcessSettings")


class ProcessSettings(BaseSettings):
    """What every process reads. Subclasses add their own fields and name their secrets."""

    demo_mode: bool = Field(False, env="DEMO_MODE")
    issuer_config: Path = Field(REPO_ROOT / "issuer.yml", env="ISSUER_CONFIG")
    # Proxies (the load balancer) whose X-Forwarded-For is believed; IPs or CIDRs.
    trusted_proxies: str = Field("", env="TRUSTED_PROXIES")
    # What Prometheus presents for GET /metrics (Bearer); unset, /metrics is off (404), demo or not.
    metrics_token: SecretStr | None = Field(None, env="METRICS_TOKEN")

    # Field names of the secrets this process needs, and those it needs only when a condition
    # of its own holds (see `conditional_secrets`).
    secrets: ClassVar[tuple[str, ...]] = ()

    class Config:
        # The environment is read by `load` (blank = unset, a mapping for tests); pydantic only
        # parses and validates what it is given.
        @classmethod
        def customise_sources(cls, init_settings: Any, env_settings: Any, file_secret_settings: Any) -> Any:
            return (init_settings,)

    @validator("demo_mode", pre=True)
    def _flag(cls, value: Any) -> Any:
        return parse_flag("DEMO_MODE", value) if isinstance(value, str) else value

    @validator("issuer_config")
    def _repo_relative(cls, value: Path) -> Path:
        return value if value.is_absolute() else REPO_ROOT / value

    # --- loading ---------------------------------------------------------------------------------
    @classmethod
    def env_name(cls, field: str) -> str:
        return str(cls.__fields__[field].field_info.extra.get("env") or field.upper())

    @classmethod
    def load(
        cls: type[Settings], environ: Mapping[str, str] | None = None, *, check_secrets: bool = True
    ) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in cls.__fields__:
            raw = env.get(cls.env_name(field))
            if raw is not None and raw.strip():
                values[field] = raw.strip()
        try:
            demo = parse_flag("DEMO_MODE", values.get("demo_mode", "0"))
            if demo:
                for field in cls.needed_secrets(values):
                    demo_value = DEMO_SECRETS.get(cls.env_name(field))
                    if field not in values and demo_value is not None:
                        values[field] = demo_value
            settings = cls(**values)
        except ValidationError as error:
            raise SettingsError(_describe(cls, error)) from None
        if check_secrets:
            settings.check_secrets()
        return settings

    @classmethod
    def needed_secrets(cls, values: Mapping[str, Any]) -> tuple[str, ...]:
        # METRICS_TOKEN is optional everywhere; when it is set it must be as strong as any secret.
        metrics = ("metrics_token",) if values.get("metrics_token") else ()
        return cls.secrets + cls.conditional_secrets(values) + metrics

    @classmethod
    def conditional_secrets(cls, values: Mapping[str, Any]) -> tuple[str, ...]:
        """Secrets needed only in some set-ups (e.g. the agent console's, when it is on)."""
        return ()

    def check_secrets(self) -> None:
        problems = self.secret_problems()
        if problems:
            raise SettingsError(
                "production mode (DEMO_MODE is off) needs its secrets: " + "; ".join(problems)
            )

    def secret_problems(self) -> list[str]:
        """What is wrong with this process's secrets outside demo mode (names, never values)."""
        if self.demo_mode:
            return []
        problems = []
        for field in self.needed_secrets(self.dict()):
            name = self.env_name(field)
            value = getattr(self, field)
            secret = value.get_secret_value() if isinstance(value, SecretStr) else value
            if not secret:
                problems.append(f"{name} is not set")
            elif len(secret) < MIN_SECRET_LENGTH or secret in DEMO_SECRETS.values():
                problems.append(f"{name} must be a private value of at least {MIN_SECRET_LENGTH} characters")
        # Each secret has one job: a leak of one must not be a leak of another.
        by_value: dict[str, list[str]] = {}
        for field in self.needed_secrets(self.dict()):
            value = getattr(self, field)
            text = value.get_secret_value() if isinstance(value, SecretStr) else value
            if text:
                by_value.setdefault(text, []).append(self.env_name(field))
        problems += [f"{' and '.join(names)} must differ" for names in by_value.values() if len(names) > 1]
        return problems

    @validator("trusted_proxies")
    def _proxies(cls, value: str) -> str:
        parse_trusted_proxies(value)  # an error names the bad entry (an address, not a secret)
        return value


def secret(value: SecretStr | None) -> str:
    """The plain text of a secret setting ("" when unset)."""
    return value.get_secret_value() if value is not None else ""


def secrets_list(value: SecretStr | None) -> list[str]:
    return split_list(secret(value))


def channel_variables(
    required: Iterable[str], optional: Iterable[str] = (), environ: Mapping[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """A messaging channel's variables (blank = unset) and the names of the required ones missing.
    Each channel is optional and has its own group of variables, switched on as a whole."""
    env = os.environ if environ is None else environ
    required, optional = tuple(required), tuple(optional)
    values = {name: env.get(name, "").strip() for name in (*required, *optional)}
    return values, [name for name in required if not values[name]]


def _describe(cls: type[ProcessSettings], error: ValidationError) -> str:
    """Which variables are wrong and why, without their values."""
    parts = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        name = cls.env_name(field) if field in cls.__fields__ else field
        parts.append(f"{name}: {problem['msg']}")
    return "; ".join(parts)


class AppLoginVariables(ProcessSettings):
    """The mobile app's login token (in-app chat): read by the Rasa server's in-app channel and by
    the account service, which verifies it again before it binds a conversation to a customer.
    Parsed by common/app_login.py (`app_login_variables()` hands them over)."""

    in_app_jwt_secret: SecretStr | None = Field(None, env="IN_APP_JWT_SECRET")
    in_app_jwt_public_key: SecretStr | None = Field(None, env="IN_APP_JWT_PUBLIC_KEY")
    in_app_jwt_issuer: str | None = Field(None, env="IN_APP_JWT_ISSUER")
    in_app_jwt_audience: str | None = Field(None, env="IN_APP_JWT_AUDIENCE")
    in_app_max_login_age: str | None = Field(None, env="IN_APP_MAX_LOGIN_AGE")

    def app_login_variables(self) -> dict[str, str]:
        values = {
            "IN_APP_JWT_SECRET": secret(self.in_app_jwt_secret),
            "IN_APP_JWT_PUBLIC_KEY": secret(self.in_app_jwt_public_key),
            "IN_APP_JWT_ISSUER": self.in_app_jwt_issuer or "",
            "IN_APP_JWT_AUDIENCE": self.in_app_jwt_audience or "",
            "IN_APP_MAX_LOGIN_AGE": self.in_app_max_login_age or "",
        }
        return {name: value for name, value in values.items() if value}


# --- the account service --------------------------------------------------------------------------
class AccountServiceSettings(AppLoginVariables):
    db_url: str | None = Field(None, env="ACCOUNT_DB_URL")
    host: str = Field("127.0.0.1", env="ACCOUNT_SERVICE_HOST")
    port: int = Field(8081, env="ACCOUNT_SERVICE_PORT", ge=1, le=65535)
    # Base of statement and reset links as the customer's browser sees the service.
    public_url: str | None = Field(None, env="ACCOUNT_PUBLIC_URL")
    # One token per caller, each with its scope (account_service/settings.py).
    account_service_token: SecretStr | None = Field(None, env="ACCOUNT_SERVICE_TOKEN")
    channels_service_token: SecretStr | None = Field(None, env="CHANNELS_SERVICE_TOKEN")
    agent_service_token: SecretStr | None = Field(None, env="AGENT_SERVICE_TOKEN")
    operator_service_token: SecretStr | None = Field(None, env="OPERATOR_SERVICE_TOKEN")
    # Keys code hashes and signs links; the previous ones still verify links (rotation).
    account_service_secret: SecretStr | None = Field(None, env="ACCOUNT_SERVICE_SECRET")
    account_service_previous_secrets: SecretStr | None = Field(None, env="ACCOUNT_SERVICE_PREVIOUS_SECRETS")
    identity_attempts_per_conversation: int = Field(5, env="IDENTITY_ATTEMPTS_PER_CONVERSATION", ge=1)
    identity_attempts_per_client: int = Field(60, env="IDENTITY_ATTEMPTS_PER_CLIENT", ge=1)
    identity_attempts_window: str = Field("15m", env="IDENTITY_ATTEMPTS_WINDOW")
    identity_min_answer_ms: int = Field(300, env="IDENTITY_MIN_ANSWER_MS", ge=0)
    # Codes sent per customer in 15 minutes (confirm codes: per conversation). Raised only where one
    # demo customer stands for many (a load test); beyond it nothing is sent, silently.
    identity_codes_per_customer: int = Field(3, env="IDENTITY_CODES_PER_CUSTOMER", ge=1)
    # always / never override issuer.yml's support.agent_hours (demos, tests).
    agent_hours: str = Field("", env="AGENT_HOURS")

    secrets = (
        "account_service_token",
        "channels_service_token",
        "agent_service_token",
        "account_service_secret",
    )


# --- the action server -----------------------------------------------------------------------------
class ActionServerSettings(ProcessSettings):
    host: str = Field("127.0.0.1", env="ACTION_HOST")
    port: int = Field(5055, env="ACTION_PORT", ge=1, le=65535)
    # What Rasa must present (endpoints.yml), and the action server's own token for the service.
    action_server_token: SecretStr | None = Field(None, env="ACTION_SERVER_TOKEN")
    account_service_token: SecretStr | None = Field(None, env="ACCOUNT_SERVICE_TOKEN")
    account_service_url: str = Field("http://localhost:8081", env="ACCOUNT_SERVICE_URL")
    # Seconds per account-service call; kept between 0.5 and 5 so a customer hears within 10 s.
    service_timeout_s: float = Field(4.0, env="ACCOUNT_SERVICE_TIMEOUT", ge=0)

    secrets = ("action_server_token", "account_service_token")


# --- the Rasa server (channels, tracker store) ------------------------------------------------------
class RasaServerSettings(AppLoginVariables):
    host: str = Field("127.0.0.1", env="RASA_HOST")
    port: int = Field(5005, env="RASA_PORT", ge=1, le=65535)
    model: Path = Field(REPO_ROOT / "models", env="RASA_MODEL")
    endpoints: Path = Field(REPO_ROOT / "endpoints.yml", env="RASA_ENDPOINTS")
    credentials: Path = Field(REPO_ROOT / "credentials.yml", env="RASA_CREDENTIALS")
    # The HTTP API (/conversations, /model …) is on only with this secret, and then needs a JWT.
    jwt_secret: SecretStr | None = Field(None, env="RASA_JWT_SECRET")
    action_server_token: SecretStr | None = Field(None, env="ACTION_SERVER_TOKEN")
    channels_service_token: SecretStr | None = Field(None, env="CHANNELS_SERVICE_TOKEN")
    agent_relay_token: SecretStr | None = Field(None, env="AGENT_RELAY_TOKEN")
    widget_session_secret: SecretStr | None = Field(None, env="WIDGET_SESSION_SECRET")
    widget_session_previous_secrets: SecretStr | None = Field(None, env="WIDGET_SESSION_PREVIOUS_SECRETS")
    # Pages allowed to open the widget's socket.io connection (Origin header), comma-separated.
    widget_origins: str = Field("", env="WIDGET_ORIGINS")
    account_service_url: str = Field("http://localhost:8081", env="ACCOUNT_SERVICE_URL")
    service_timeout_s: float = Field(4.0, env="ACCOUNT_SERVICE_TIMEOUT", ge=0)
    handoff_timeout_s: float = Field(2.0, env="HANDOFF_TIMEOUT_S", gt=0, le=2.0)
    # The plain REST channel: on in demo mode (for curl), off in production unless asked for.
    rest_channel: bool | None = Field(None, env="REST_CHANNEL")
    # Messages per conversation and per client address in any window of this length (429 or a
    # polite line). One address must carry 20 conversations at 2 messages a second each.
    limit_window_s: int = Field(60, env="CHAT_LIMIT_WINDOW_S", ge=1, le=3600)
    messages_per_conversation: int = Field(300, env="CHAT_MESSAGES_PER_CONVERSATION", ge=1)
    messages_per_address: int = Field(3000, env="CHAT_MESSAGES_PER_ADDRESS", ge=1)
    # Shared state of several replicas (the limits above); unset, each process counts alone.
    redis_url: SecretStr | None = Field(None, env="REDIS_URL")
    # Conversation events for analytics and audit (storage/event_broker.py); unset, none published.
    rabbitmq_url: SecretStr | None = Field(None, env="RABBITMQ_URL")
    # Published events name a conversation only by a hash salted with this.
    analytics_salt: SecretStr | None = Field(None, env="ANALYTICS_SALT")

    secrets = ("action_server_token", "channels_service_token", "agent_relay_token", "widget_session_secret")

    @classmethod
    def conditional_secrets(cls, values: Mapping[str, Any]) -> tuple[str, ...]:
        # The HTTP API is optional; when it is on, its key must be as strong as any secret.
        needed = ("jwt_secret",) if values.get("jwt_secret") else ()
        return needed + (("analytics_salt",) if values.get("rabbitmq_url") else ())

    @validator("rest_channel", pre=True)
    def _rest_flag(cls, value: Any) -> Any:
        return parse_flag("REST_CHANNEL", value) if isinstance(value, str) else value

    @validator("model", "endpoints", "credentials")
    def _paths(cls, value: Path) -> Path:
        return value if value.is_absolute() else REPO_ROOT / value

    @property
    def rest_channel_on(self) -> bool:
        return self.demo_mode if self.rest_channel is None else self.rest_channel

    @property
    def widget_origin_list(self) -> list[str]:
        origins = split_list(self.widget_origins)
        if not origins and self.demo_mode:
            # The demo website (make run); any other page must be named.
            origins = ["http://localhost:8080", "http://127.0.0.1:8080"]
        return [origin.rstrip("/") for origin in origins]

    @property
    def widget_session_keys(self) -> list[str]:
        """Oldest first, newest last (itsdangerous signs with the last, verifies with any)."""
        previous = secrets_list(self.widget_session_previous_secrets)
        return [*reversed(previous), secret(self.widget_session_secret)]


# --- the website (demo page, agent console) ----------------------------------------------------------
class WebSettings(ProcessSettings):
    host: str = Field("127.0.0.1", env="WEB_HOST")
    port: int = Field(8080, env="WEB_PORT", ge=1, le=65535)
    # The Rasa server as the visitor's browser reaches it, and as this server does (agents' lines).
    rasa_url: str = Field("http://localhost:5005", env="RASA_URL")
    rasa_internal_url: str | None = Field(None, env="RASA_INTERNAL_URL")
    account_service_url: str = Field("http://localhost:8081", env="ACCOUNT_SERVICE_URL")
    # The agent console: "name:password[,…]" and "name:BASE32[,…]"; off without agents.
    agent_users: SecretStr | None = Field(None, env="AGENT_USERS")
    agent_totp_secrets: SecretStr | None = Field(None, env="AGENT_TOTP_SECRETS")
    # Operators: everything agents see, plus the agents' list and ending their sessions.
    operator_users: SecretStr | None = Field(None, env="OPERATOR_USERS")
    operator_totp_secrets: SecretStr | None = Field(None, env="OPERATOR_TOTP_SECRETS")
    agent_session_secret: SecretStr | None = Field(None, env="AGENT_SESSION_SECRET")
    agent_session_previous_secrets: SecretStr | None = Field(None, env="AGENT_SESSION_PREVIOUS_SECRETS")
    agent_cookie_secure: bool | None = Field(None, env="AGENT_COOKIE_SECURE")
    agent_service_token: SecretStr | None = Field(None, env="AGENT_SERVICE_TOKEN")
    agent_relay_token: SecretStr | None = Field(None, env="AGENT_RELAY_TOKEN")
    # Read only to check that the relay token is not one of them.
    account_service_token: SecretStr | None = Field(None, env="ACCOUNT_SERVICE_TOKEN")
    channels_service_token: SecretStr | None = Field(None, env="CHANNELS_SERVICE_TOKEN")
    operator_service_token: SecretStr | None = Field(None, env="OPERATOR_SERVICE_TOKEN")
    # The console's sessions, login attempts and used codes, shared by several website replicas.
    redis_url: SecretStr | None = Field(None, env="REDIS_URL")
    # The insights page reads the analytics tables (analytics/); a SQLite file under var/ by default.
    analytics_db_url: str | None = Field(None, env="ANALYTICS_DB_URL")

    @validator("agent_cookie_secure", pre=True)
    def _cookie_flag(cls, value: Any) -> Any:
        return parse_flag("AGENT_COOKIE_SECURE", value) if isinstance(value, str) else value

    @classmethod
    def conditional_secrets(cls, values: Mapping[str, Any]) -> tuple[str, ...]:
        demo = parse_flag("DEMO_MODE", str(values.get("demo_mode", "0")))
        # The console is on with agents or operators (in demo mode there are always the demo ones).
        if demo or values.get("agent_users") or values.get("operator_users"):
            return ("agent_session_secret", "agent_service_token", "agent_relay_token")
        return ()


# --- conversation analytics (python -m analytics, the insights page, make report) ----------------
def default_analytics_db_url() -> str:
    return f"sqlite:///{REPO_ROOT / 'var' / 'analytics.db'}"


class AnalyticsSettings(ProcessSettings):
    """The analytics consumer (analytics/__main__.py)."""

    # Where the facts go: PostgreSQL in production, a SQLite file under var/ by default.
    analytics_db_url: str | None = Field(None, env="ANALYTICS_DB_URL")
    # Hashes conversation IDs and case references; the same value as the Rasa servers' broker.
    analytics_salt: SecretStr | None = Field(None, env="ANALYTICS_SALT")
    # Production: the events from RabbitMQ. Unset: read the tracker store's table instead.
    rabbitmq_url: SecretStr | None = Field(None, env="RABBITMQ_URL")
    analytics_queue: str = Field("rasa_events", env="ANALYTICS_QUEUE")
    tracker_db_url: str | None = Field(None, env="TRACKER_DB_URL")
    tracker_db: Path = Field(REPO_ROOT / "var" / "tracker.db", env="TRACKER_DB")
    poll_s: float = Field(2.0, env="ANALYTICS_POLL_S", gt=0, le=3600)
    # GET /health for a container's health check or a probe; 0: off.
    health_host: str = Field("127.0.0.1", env="ANALYTICS_HEALTH_HOST")
    health_port: int = Field(0, env="ANALYTICS_HEALTH_PORT", ge=0, le=65535)
    # When agents take handoffs (the waiting time): the service's queue, with the operators' token.
    account_service_url: str = Field("http://localhost:8081", env="ACCOUNT_SERVICE_URL")
    operator_service_token: SecretStr | None = Field(None, env="OPERATOR_SERVICE_TOKEN")

    secrets = ("analytics_salt",)

    @validator("tracker_db")
    def _tracker_path(cls, value: Path) -> Path:
        return value if value.is_absolute() else REPO_ROOT / value

    @property
    def db_url(self) -> str:
        return self.analytics_db_url or default_analytics_db_url()

    @property
    def tracker_url(self) -> str:
        return self.tracker_db_url or f"sqlite:///{self.tracker_db}"
